"""One placement's workspace, shared by "My students" and "Visits & evaluations": the details, the
visits, the evaluations, and completing the registration (the rule is core's; this shows why not yet)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core import placements, registrations
from core.access import Actor
from core.context import AppContext
from core.placements import PlacementView, rules
from core.registrations import states
from pages import _evaluation_form, _visits
from pages._ui import _, act, confirm, day, formatted, plain, run_action, term, tr


def _status(value: str) -> str:
    return _(states.label(value))


def result_text(view: PlacementView) -> str:
    """The stored result as the reader reads it: S/U and the score, or the score alone."""
    score = "—" if view.final_score is None else f"{view.final_score:.2f}"
    if view.final_result:
        return _("Result: {result} (score {score})", result=view.final_result, score=score)
    return _("Result: score {score}", score=score)


def _header(view: PlacementView) -> None:
    st.subheader(plain(f"{view.student_code} {view.student_th}"))
    st.text(
        "\n".join(
            [
                view.student_en,
                _("{posting} — {company}", posting=view.posting or "—", company=view.company or "—"),
                _(
                    "Section {section}, term {term}",
                    section=view.section,
                    term=term(view.semester, view.academic_year),
                ),
                _("Advisor: {name}", name=view.advisor or "—"),
                _("Status: {status}", status=_status(view.status)),
            ]
        )
    )
    if view.status in (states.Status.COMPLETED, states.Status.FAILED):
        st.success(plain(_status(view.status) + " · " + result_text(view)))


def _transition(ctx: AppContext, actor: Actor, view: PlacementView, action: str, reason: str) -> None:
    label = _(states.ACTION_LABELS[action])
    target = states.find(action, states.Status(view.status))
    lines = [
        _(
            "Registration {id} ({student}) moves from {old} to {new}.",
            id=view.registration_id,
            student=view.student_th,
            old=_status(view.status),
            new=_status(target.target.value if target else view.status),
        )
    ]
    if action == "complete":
        lines.append(_("The result is computed from the submitted evaluations and kept."))
    if reason.strip():
        lines.append(_("Reason: {reason}", reason=reason.strip()))
    confirm(
        f"pl_confirm_{action}",
        _("{action}: registration {id}?", action=label, id=view.registration_id),
        lines,
        lambda: registrations.transition(
            ctx,
            actor=actor,
            registration_id=view.registration_id,
            action=action,
            reason=reason or None,
            version=view.version,
        ),
        lambda r: _(
            "Registration {id}: {old} → {new}.",
            id=view.registration_id,
            old=_status(r.from_status),
            new=_status(r.status),
        ),
        label=label,
    )


def _completion(ctx: AppContext, actor: Actor, view: PlacementView) -> None:
    if view.completion_problems:
        st.warning("  \n".join(plain(tr(p)) for p in view.completion_problems))
    elif view.status == states.Status.IN_PROGRESS:
        st.info(_("Every required evaluation is submitted: the registration can be completed."))
    if not view.actions:
        return
    reason = st.text_input(_("Reason (required to fail)"), key="pl_reason") if "fail" in view.actions else ""
    for col, action in zip(st.columns(len(view.actions)), view.actions, strict=True):
        disabled = action == "complete" and bool(view.completion_problems)
        if col.button(_(states.ACTION_LABELS[action]), key=f"pl_{action}", disabled=disabled):
            _transition(ctx, actor, view, action, reason)


def _details(ctx: AppContext, actor: Actor, view: PlacementView) -> None:
    d: dict[str, Any] = view.details or {}
    with st.form("pl_details", enter_to_submit=False):
        st.markdown("**" + plain(_("Placement details")) + "**")
        left, right = st.columns(2)
        values = {
            "supervisor_name": left.text_input(_("Supervisor's name"), d.get("supervisor_name") or ""),
            "supervisor_position": right.text_input(
                _("Supervisor's position"), d.get("supervisor_position") or ""
            ),
            "supervisor_email": left.text_input(_("Supervisor's e-mail"), d.get("supervisor_email") or ""),
            "supervisor_phone": right.text_input(_("Supervisor's phone"), d.get("supervisor_phone") or ""),
            "department": left.text_input(_("Department"), d.get("department") or ""),
            "position_title": right.text_input(_("Position title"), d.get("position_title") or ""),
            "start_date": left.date_input(
                _("First day"),
                d.get("start_date") or view.window.first,
                min_value=view.window.first,
                max_value=view.window.last,
                format="DD/MM/YYYY",
            ),
            "end_date": right.date_input(
                _("Last day"),
                d.get("end_date") or view.window.last,
                min_value=view.window.first,
                max_value=view.window.last,
                format="DD/MM/YYYY",
            ),
        }
        values["job_description"] = st.text_area(_("Job description"), d.get("job_description") or "")
        languages = list(rules.LANGUAGE_LABELS)
        values["document_language"] = st.radio(
            _("Language of the final documents"),
            languages,
            horizontal=True,
            index=languages.index(d.get("document_language") or "th"),
            format_func=formatted(languages, lambda v: _(rules.LANGUAGE_LABELS[v])),
        )
        st.caption(
            _(
                "The dates must fall between {first} and {last} (the term and its margin).",
                first=day(view.window.first),
                last=day(view.window.last),
            )
        )
        if st.form_submit_button(_("Save details"), disabled=not view.editable):
            act(
                lambda: placements.save_placement(
                    ctx, actor=actor, registration_id=view.registration_id, **values
                ),
                _("Placement details saved."),
            )


def show(ctx: AppContext, actor: Actor, registration_id: int) -> None:
    """The workspace of one placement, with every change this viewer may make."""
    view = run_action(
        lambda: placements.placement_workspace(ctx, actor=actor, registration_id=registration_id)
    )
    if view is None:
        return
    _header(view)
    _completion(ctx, actor, view)
    _details(ctx, actor, view)
    if view.details is None:
        st.info(_("Save the placement details to plan visits and fill in the evaluations."))
        return
    _visits.show(ctx, actor, view)
    _evaluation_form.show(ctx, actor, view)
