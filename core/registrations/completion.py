"""The completion rule applied inside a transition: read the facts, refuse, store the result.

The rule itself lives in core.registrations.states (`completion_problems`, `completion_outcome`);
this reads what it needs from the placement's evaluations and the course, in the caller's
transaction, and keeps the result on the placement.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.errors import Conflict
from core.registrations import states as rules
from db.models import (
    Course,
    CourseSection,
    Evaluation,
    EvaluationStatus,
    EvaluatorKind,
    Placement,
    Registration,
)


def completion_facts(session: Session, registration_id: int) -> rules.CompletionFacts:
    """The course's settings and the submitted evaluations of the registration's placement."""
    course = session.execute(
        select(Course.required_evaluations, Course.grading, Course.pass_score)
        .join(CourseSection, CourseSection.course_id == Course.id)
        .join(Registration, Registration.section_id == CourseSection.id)
        .where(Registration.id == registration_id)
    ).one()
    required = rules.required_kinds(course.required_evaluations)
    placement_id = session.scalar(select(Placement.id).where(Placement.registration_id == registration_id))
    submitted: dict[EvaluatorKind, Decimal] = {}
    if placement_id is not None:
        rows = session.execute(
            select(Evaluation.kind, Evaluation.total).where(
                Evaluation.placement_id == placement_id, Evaluation.status == EvaluationStatus.SUBMITTED
            )
        )
        submitted = {kind: Decimal(total or 0) for kind, total in rows}
    return rules.CompletionFacts(
        required=required,
        grading=course.grading,
        pass_score=int(course.pass_score),
        submitted=submitted,
        has_placement=placement_id is not None or not required,
    )


def check_and_keep_result(session: Session, registration_id: int, now: datetime) -> rules.CompletionOutcome:
    """Refuse (Conflict naming every missing piece) or store the score and result on the placement."""
    facts = completion_facts(session, registration_id)
    refusal = rules.completion_refusal(facts)
    if refusal is not None:
        raise Conflict(refusal)
    outcome = rules.completion_outcome(facts)
    session.execute(
        update(Placement)
        .where(Placement.registration_id == registration_id)
        .values(final_score=outcome.score, final_result=outcome.result, completed_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return outcome
