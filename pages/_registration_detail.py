"""The detail view of one registration, shared by the review queue: facts, timeline, votes, actions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import postings, registrations
from core.access import Actor
from core.context import AppContext
from core.registrations import ActionOption, RegistrationDetail, states
from pages._ui import _, confirm, flash, formatted, lang, ngettext, plain, run_action, term, tr, when

LAST = "review_last_acted"
VOTES = {"approve": states.ACTION_LABELS["approve"], "reject": states.ACTION_LABELS["reject"]}


def _status(value: str | None) -> str:
    return _(states.label(value)) if value else "—"


def _posting_picker(ctx: AppContext, actor: Actor, d: RegistrationDetail) -> int | None:
    """Search open postings; offer only those that can take this student now (the placement rule)."""
    query = st.text_input(_("Find the posting (title, company, skills; Thai or English)"), key="rd_post_q")
    found = run_action(
        lambda: postings.placement_choices(ctx, actor=actor, registration_id=d.id, query=query)
    )
    if found is None:
        return None
    labels = {p.id: tr(p.label()) for p in found.eligible}
    if found.refused:
        n = len(found.refused)
        with st.expander(
            ngettext(
                "{n} matching posting cannot take this student",
                "{n} matching postings cannot take this student",
                n,
            )
        ):
            for posting, problems in found.refused:
                st.text("\n  ".join([tr(posting.label()), *(tr(p) for p in problems)]))
    if not labels:
        st.info(_("No open posting that matches can take this student. Search with other words."))
        return None
    return st.selectbox(
        _("Posting for the placement"),
        list(labels),
        format_func=labels.get,
        index=None,
        placeholder=_("Choose a posting"),
        key="rd_post",
    )


def _facts(d: RegistrationDetail) -> None:
    thai = lang() == "th"
    st.subheader(plain(f"{d.student_code} {d.student_name_th}"))
    left, right = st.columns(2)
    left.text(
        "\n".join(
            [
                d.student_name_en,
                d.program_th if thai else d.program_en,
                d.student_email or "—",
                _("Advisor: {name}", name=d.advisor or "—"),
            ]
        )
    )
    course = d.course_th if thai else d.course_en
    right.text(
        "\n".join(
            [
                _("{code} {course}", code=d.course_code, course=course),
                _(
                    "Section {section}, term {term}",
                    section=d.section,
                    term=term(d.semester, d.academic_year),
                ),
                _("{posting} — {company}", posting=d.posting, company=d.company)
                if d.posting
                else _("No posting chosen yet"),
                _("Status: {status} (version {version})", status=_status(d.status), version=d.version),
            ]
        )
    )


def _history(d: RegistrationDetail) -> None:
    st.markdown("**" + plain(_("Timeline")) + "**")
    timeline = pd.DataFrame(
        [
            {
                _("When"): when(e.at),
                _("From"): _status(e.from_status),
                _("To"): _status(e.to_status),
                _("By"): e.actor or "—",
                _("Reason"): e.reason or "",
            }
            for e in d.timeline
        ]
    )
    st.dataframe(timeline, hide_index=True, width="stretch")
    c = d.committee
    if c.members:
        st.markdown(
            plain(
                _(
                    "Committee: {approvals} approve, {rejections} reject, quorum {quorum}",
                    approvals=c.approvals,
                    rejections=c.rejections,
                    quorum=c.quorum,
                )
            )
        )
        votes = [
            {
                _("Member"): m.full_name,
                _("Vote"): _(VOTES[m.vote]) if m.vote in VOTES else _("not voted yet"),
                _("Remarks"): m.remarks or "",
            }
            for m in c.members
        ]
        st.dataframe(pd.DataFrame(votes), hide_index=True, width="stretch")


def _ask(ctx: AppContext, actor: Actor, d: RegistrationDetail, option: ActionOption, reason: str,
         posting_id: int | None) -> None:  # fmt: skip
    """Say what the action will change; run it only when the reviewer confirms."""
    label = _(option.label)
    lines = [
        _(
            "Registration {id} ({student}) moves from {old} to {new}.",
            id=d.id,
            student=d.student_name_th,
            old=_status(d.status),
            new=_status(option.target),
        )
    ]
    if reason.strip():
        lines.append(_("Reason: {reason}", reason=reason.strip()))

    def change() -> registrations.TransitionResult:
        st.session_state[LAST] = d.id
        return registrations.transition(
            ctx,
            actor=actor,
            registration_id=d.id,
            action=option.action,
            reason=reason,
            internship_id=posting_id,
            version=d.version,
        )

    confirm(
        f"rd_confirm_{option.action}",
        _("{action}: registration {id}?", action=label, id=d.id),
        lines,
        change,
        lambda r: _(
            "Registration {id}: {old} → {new}.", id=d.id, old=_status(r.from_status), new=_status(r.status)
        ),
        label=label,
    )


def _actions(ctx: AppContext, actor: Actor, d: RegistrationDetail) -> None:
    if not d.allowed_actions:
        st.caption(_("No action is open to you on this registration now."))
        return
    reason = ""
    if any(a.needs_reason for a in d.allowed_actions):
        reason = st.text_input(
            _("Reason (required to reject, ask for changes, reinstate or withdraw)"), key="rd_reason"
        )
    posting_id = None
    if any(a.needs_posting for a in d.allowed_actions) and d.internship_id is None:
        posting_id = _posting_picker(ctx, actor, d)
    cols = st.columns(len(d.allowed_actions))
    for col, option in zip(cols, d.allowed_actions, strict=True):
        if col.button(_(option.label), key=f"rd_{option.action}"):
            _ask(ctx, actor, d, option, reason, int(posting_id) if posting_id else None)


def _vote(ctx: AppContext, actor: Actor, d: RegistrationDetail) -> None:
    st.markdown("**" + plain(_("Your committee vote")) + "**")
    choice = st.radio(
        _("Vote"),
        list(VOTES),
        format_func=formatted(VOTES, lambda v: _(VOTES[v])),
        horizontal=True,
        key="rd_vote",
    )
    remarks = st.text_input(_("Remarks"), key="rd_remarks")
    if st.button(_("Cast vote"), key="rd_cast"):
        outcome = run_action(
            lambda: registrations.vote(ctx, actor=actor, registration_id=d.id, vote=choice, remarks=remarks)
        )
        if outcome:
            flash(_("Vote recorded. Registration {id} is {status}.", id=d.id, status=_status(outcome.status)))
            st.session_state[LAST] = d.id
            st.rerun()


def outcome(ctx: AppContext, actor: Actor, registration_id: int) -> None:
    """The registration just acted on, with its updated timeline (it may have left the filtered list)."""
    with st.expander(_("Registration {id} now", id=registration_id), expanded=True):
        read_only(ctx, actor, registration_id)


def _detail(ctx: AppContext, actor: Actor, registration_id: int) -> RegistrationDetail | None:
    return run_action(
        lambda: registrations.registration_detail(ctx, actor=actor, registration_id=registration_id)
    )


def read_only(ctx: AppContext, actor: Actor, registration_id: int) -> None:
    """Facts, timeline and votes of one registration, without action buttons."""
    if (detail := _detail(ctx, actor, registration_id)) is not None:
        _facts(detail)
        _history(detail)


def show(ctx: AppContext, actor: Actor, registration_id: int) -> None:
    """Render one registration with the buttons valid now for this actor."""
    if (detail := _detail(ctx, actor, registration_id)) is None:
        return
    _facts(detail)
    _history(detail)
    _actions(ctx, actor, detail)
    if detail.can_vote:
        _vote(ctx, actor, detail)
