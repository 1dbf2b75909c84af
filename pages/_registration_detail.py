"""The detail view of one registration, shared by the review queue: facts, timeline, votes, actions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import postings, registrations
from core.access import Actor
from core.context import AppContext
from core.registrations import RegistrationDetail
from pages._ui import flash, plain, run_action

LAST = "review_last_acted"


def _done(message: str, registration_id: int) -> None:
    flash(message)
    st.session_state[LAST] = registration_id
    st.rerun()


def _posting_picker(ctx: AppContext, actor: Actor, d: RegistrationDetail) -> int | None:
    """Search open postings; offer only those that can take this student now (the placement rule)."""
    query = st.text_input("Find the posting (title, company, skills; Thai or English)", key="rd_post_q")
    found = run_action(
        lambda: postings.placement_choices(ctx, actor=actor, registration_id=d.id, query=query)
    )
    if found is None:
        return None
    labels = {p.id: p.label() for p in found.eligible}
    if found.refused:
        with st.expander(f"{len(found.refused)} matching postings cannot take this student"):
            for posting, problems in found.refused:
                st.text(f"{posting.label()}\n  " + "\n  ".join(problems))
    if not labels:
        st.info("No open posting that matches can take this student. Search with other words.")
        return None
    return st.selectbox(
        "Posting for the placement", list(labels), format_func=labels.get, index=None, key="rd_post"
    )


def _facts(d: RegistrationDetail) -> None:
    st.subheader(plain(f"{d.student_code} {d.student_name_th}"))
    left, right = st.columns(2)
    left.text(f"{d.student_name_en}\n{d.program}\n{d.student_email or '—'}\nAdvisor: {d.advisor or '—'}")
    posting = f"{d.posting} — {d.company}" if d.posting else "No posting chosen yet"
    right.text(
        f"{d.course}, section {d.section}, term {d.term}\n{posting}\nStatus: {d.status} (version {d.version})"
    )


def _history(d: RegistrationDetail) -> None:
    st.markdown("**Timeline**")
    timeline = pd.DataFrame(
        [
            {
                "When (UTC)": e.at.strftime("%Y-%m-%d %H:%M"),
                "From": e.from_status or "—",
                "To": e.to_status,
                "By": e.actor or "—",
                "Reason": e.reason or "",
            }
            for e in d.timeline
        ]
    )
    st.dataframe(timeline, hide_index=True, width="stretch")
    c = d.committee
    if c.members:
        st.markdown(f"**Committee** — {c.approvals} approve, {c.rejections} reject, quorum {c.quorum}")
        votes = [
            {"Member": m.full_name, "Vote": m.vote or "not voted yet", "Remarks": m.remarks or ""}
            for m in c.members
        ]
        st.dataframe(pd.DataFrame(votes), hide_index=True, width="stretch")


def _actions(ctx: AppContext, actor: Actor, d: RegistrationDetail) -> None:
    if not d.allowed_actions:
        st.caption("No action is open to you on this registration now.")
        return
    reason = ""
    if any(a.needs_reason for a in d.allowed_actions):
        reason = st.text_input(
            "Reason (required to reject, ask for changes, reinstate or withdraw)", key="rd_reason"
        )
    posting_id = None
    if any(a.needs_posting for a in d.allowed_actions) and d.internship_id is None:
        posting_id = _posting_picker(ctx, actor, d)
    cols = st.columns(len(d.allowed_actions))
    for col, option in zip(cols, d.allowed_actions, strict=True):
        if col.button(option.label, key=f"rd_{option.action}"):
            result = run_action(
                lambda a=option.action: registrations.transition(
                    ctx,
                    actor=actor,
                    registration_id=d.id,
                    action=a,
                    reason=reason,
                    internship_id=int(posting_id) if posting_id else None,
                    version=d.version,
                )
            )
            if result:
                _done(f"Registration {d.id}: {result.from_status} → {result.status}.", d.id)


def _vote(ctx: AppContext, actor: Actor, d: RegistrationDetail) -> None:
    st.markdown("**Your committee vote**")
    choice = st.radio("Vote", ["approve", "reject"], horizontal=True, key="rd_vote")
    remarks = st.text_input("Remarks", key="rd_remarks")
    if st.button("Cast vote", key="rd_cast"):
        outcome = run_action(
            lambda: registrations.vote(ctx, actor=actor, registration_id=d.id, vote=choice, remarks=remarks)
        )
        if outcome:
            _done(f"Vote recorded. Registration {d.id} is {outcome.status}.", d.id)


def outcome(ctx: AppContext, actor: Actor, registration_id: int) -> None:
    """The registration just acted on, with its updated timeline (it may have left the filtered list)."""
    with st.expander(f"Registration {registration_id} now", expanded=True):
        read_only(ctx, actor, registration_id)


def read_only(ctx: AppContext, actor: Actor, registration_id: int) -> None:
    """Facts, timeline and votes of one registration, without action buttons."""
    detail = run_action(
        lambda: registrations.registration_detail(ctx, actor=actor, registration_id=registration_id)
    )
    if detail is not None:
        _facts(detail)
        _history(detail)


def show(ctx: AppContext, actor: Actor, registration_id: int) -> None:
    """Render one registration with the buttons valid now for this actor."""
    detail = run_action(
        lambda: registrations.registration_detail(ctx, actor=actor, registration_id=registration_id)
    )
    if detail is None:
        return
    _facts(detail)
    _history(detail)
    _actions(ctx, actor, detail)
    if detail.can_vote:
        _vote(ctx, actor, detail)
