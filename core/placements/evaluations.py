"""Evaluations: scores per criterion on one form version, saved as a draft or submitted once.

`save_evaluation` is the one way scores are stored. It takes the evaluation's id and the scores by
criterion id, so the supervisor's own link (a later issue) calls the same `store_scores` with the
evaluation its one-time token is bound to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from core import clock
from core.access import Actor
from core.cleaning import clean_text
from core.context import AppContext
from core.errors import Conflict, InvalidInput, NotFound
from core.i18n import N_, msg, together
from core.placements.forms import FormView, form_view, weighted_total
from core.placements.rules import BUMPS, editable, evaluation_state, registration_for, today
from db.models import Evaluation, EvaluationStatus, Placement


@dataclass(frozen=True)
class EvaluationView:
    """One evaluation as the placement page shows it."""

    id: int
    kind: str
    state: str  # pending / in_progress / submitted / overdue
    due_on: date
    evaluator_name: str | None
    scores: dict[int, int]
    comments: str | None
    total: Decimal | None
    submitted_at: datetime | None
    form: FormView


def evaluation_view(session: Session, row: Evaluation, on: date) -> EvaluationView:
    """An evaluation row with its form version."""
    scores = {int(k): int(v) for k, v in (row.scores or {}).items()}
    return EvaluationView(row.id, row.kind.value, evaluation_state(row.status, row.due_on, on), row.due_on,
                          row.evaluator_name, scores, row.comments, row.total, row.submitted_at,
                          form_view(session, row.form_id))  # fmt: skip


def clean_scores(form: FormView, scores: Mapping[int, object], *, complete: bool) -> dict[int, int]:
    """Scores by criterion id, each on the form's scale; all of them when `complete`."""
    known = {c.id: c for c in form.criteria}
    unknown = [k for k in scores if int(k) not in known]
    if unknown:
        raise InvalidInput("These criteria are not on this form: {ids}.", ids=", ".join(map(str, unknown)))
    cleaned, problems = {}, []
    for criterion_id, value in scores.items():
        if value is None or value == "":
            continue
        try:
            number = int(str(value).strip())
        except ValueError:
            number = form.scale_min - 1
        if not form.scale_min <= number <= form.scale_max:
            problems.append(msg("\u201c{criterion}\u201d must be scored from {low} to {high}.",
                                criterion=known[int(criterion_id)].text_en, low=form.scale_min,
                                high=form.scale_max))  # fmt: skip
        cleaned[int(criterion_id)] = number
    if problems:
        raise InvalidInput(together(*problems))
    missing = [c.position for c in form.criteria if c.id not in cleaned]
    if complete and missing:
        raise InvalidInput(
            "Score every criterion before submitting; missing: {numbers}.",
            numbers=", ".join(map(str, missing)),
        )
    return cleaned


def store_scores(
    session: Session,
    row: Evaluation,
    scores: Mapping[int, object],
    *,
    comments: str | None,
    evaluator_name: str | None,
    submit: bool,
    entered_by: int | None,
) -> dict[str, Any]:
    """Keep a draft or the submitted scores on `row` (in the caller's transaction); returns what changed."""
    if row.status == EvaluationStatus.SUBMITTED:
        raise Conflict("This evaluation was submitted already; it cannot change.")
    form = form_view(session, row.form_id)
    cleaned = clean_scores(form, scores, complete=submit)
    note = clean_text(comments, N_("Comments"), high=5000, multiline=True) or None
    name = clean_text(evaluator_name, N_("Evaluator's name")) or None
    row.scores = {str(k): v for k, v in cleaned.items()}
    row.comments = note if form.comments else None
    row.evaluator_name = name or row.evaluator_name
    row.entered_by = entered_by
    complete = len(cleaned) == len(form.criteria)
    row.total = weighted_total(form, cleaned) if complete else None
    row.status = EvaluationStatus.SUBMITTED if submit else EvaluationStatus.IN_PROGRESS
    row.submitted_at = clock.now() if submit else None
    return {"status": row.status, "scores": row.scores, "total": row.total, "form_id": row.form_id}


def save_evaluation(
    ctx: AppContext,
    *,
    actor: Actor,
    evaluation_id: int,
    scores: Mapping[int, object],
    comments: str | None = None,
    evaluator_name: str | None = None,
    submit: bool = False,
) -> EvaluationView:
    """Save the scores of an evaluation as a draft, or submit them (every criterion scored; final)."""
    with ctx.change(actor, *BUMPS) as change:
        session = change.session
        row = session.get(Evaluation, evaluation_id, with_for_update=True)
        if row is None:
            raise NotFound("No such evaluation.")
        placement = session.get_one(Placement, row.placement_id)
        reg = registration_for(session, actor, placement.registration_id)
        editable(reg)
        after = store_scores(session, row, scores, comments=comments, evaluator_name=evaluator_name,
                             submit=submit, entered_by=actor.user_id)  # fmt: skip
        session.flush()
        action = "evaluation.submit" if submit else "evaluation.save"
        change.audit(action, "evaluation", row.id, after={"registration_id": reg.id, **after})
        return evaluation_view(session, row, today())
