"""Placement details: the workplace supervisor, the job, the dates and the documents' language.

The dates must run forwards and fall within the section's term, widened by PLACEMENT_MARGIN_DAYS
on each side. Saving the details the first time creates the placement's evaluations (one per
evaluator kind, on the newest form version), due a fixed number of days after the last day;
a new end date moves the due date of every evaluation not yet submitted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import Actor
from core.cleaning import clean_email, clean_text
from core.context import AppContext
from core.errors import InvalidInput
from core.i18n import N_, msg, term_text, together
from core.placements.forms import current_form_id
from core.placements.rules import BUMPS, due_on, editable, placement_of, registration_for
from core.terms import term_window
from db.models import CourseSection, DocumentLanguage, Evaluation, EvaluationStatus, EvaluatorKind, Placement

PHONE_CHARS = set("0123456789+-() ")
FIELDS = ("supervisor_name", "supervisor_position", "supervisor_email", "supervisor_phone", "department",
          "position_title", "job_description", "start_date", "end_date", "document_language")  # fmt: skip


@dataclass(frozen=True)
class DateWindow:
    """The days a placement of this section may start and end on (the term plus the margin)."""

    first: date
    last: date


def date_window(session: Session, section_id: int, calendar: str, margin_days: int) -> DateWindow:
    """The section's term widened by `margin_days` on each side."""
    section = session.get_one(CourseSection, section_id)
    term = term_window(section.academic_year, section.semester, calendar)
    margin = timedelta(days=margin_days)
    return DateWindow(term.start - margin, term.end + margin)


def _phone(value: str | None) -> str | None:
    text = clean_text(value, N_("Supervisor's phone"), high=30)
    if text and (not set(text) <= PHONE_CHARS or sum(c.isdigit() for c in text) < 6):
        raise InvalidInput("The supervisor's phone may hold only digits, spaces, +, - and brackets.")
    return text or None


def _language(value: str) -> DocumentLanguage:
    try:
        return DocumentLanguage(value)
    except ValueError:
        raise InvalidInput("The documents' language must be th or en.") from None


def _dates(start: date | None, end: date | None, window: DateWindow, semester: int, year: int) -> list[Any]:
    problems = []
    if start is None or end is None:
        return [msg("Enter the first and the last day of the placement.")]
    if end <= start:
        problems.append(
            msg("The last day ({end}) must be after the first day ({start}).", end=end, start=start)
        )
    outside = [d for d in (start, end) if not window.first <= d <= window.last]
    if outside:
        problems.append(
            msg(
                "The placement must run within term {term} and its margin: from {first} to {last}.",
                term=term_text(semester, year),
                first=window.first,
                last=window.last,
            )
        )
    return problems


def clean_details(values: dict[str, Any], window: DateWindow, semester: int, year: int) -> dict[str, Any]:
    """Every field checked; InvalidInput names every problem at once."""
    checks: dict[str, Callable[[], object]] = {
        "supervisor_name": lambda: clean_text(values.get("supervisor_name"), N_("Supervisor's name"), low=1),
        "supervisor_position": lambda: (
            clean_text(values.get("supervisor_position"), N_("Supervisor's position")) or None
        ),
        "supervisor_email": lambda: clean_email(values.get("supervisor_email"), N_("Supervisor's e-mail")),
        "supervisor_phone": lambda: _phone(values.get("supervisor_phone")),
        "department": lambda: clean_text(values.get("department"), N_("Department")) or None,
        "position_title": lambda: clean_text(values.get("position_title"), N_("Position title")) or None,
        "job_description": lambda: (
            clean_text(values.get("job_description"), N_("Job description"), high=5000, multiline=True)
            or None
        ),
        "document_language": lambda: _language(str(values.get("document_language") or "th")),
    }
    cleaned, problems = {}, []
    for name, check in checks.items():
        try:
            cleaned[name] = check()
        except InvalidInput as exc:
            problems.append(exc.text)
    start, end = values.get("start_date"), values.get("end_date")
    problems += _dates(start, end, window, semester, year)
    if problems:
        raise InvalidInput(together(*problems))
    return {**cleaned, "start_date": start, "end_date": end}


def ensure_evaluations(session: Session, placement: Placement, advisor_id: int | None) -> None:
    """One evaluation per evaluator kind, due after the placement's last day (not-yet-submitted ones move)."""
    if placement.end_date is None:
        return
    existing = {
        e.kind: e for e in session.scalars(select(Evaluation).where(Evaluation.placement_id == placement.id))
    }
    for kind in EvaluatorKind:
        due = due_on(placement.end_date, kind)
        found = existing.get(kind)
        if found is None:
            session.add(
                Evaluation(
                    placement_id=placement.id,
                    form_id=current_form_id(session, kind),
                    kind=kind,
                    due_on=due,
                    evaluator_id=advisor_id if kind == EvaluatorKind.ADVISOR else None,
                    status=EvaluationStatus.PENDING,
                )
            )
        elif found.status != EvaluationStatus.SUBMITTED:
            found.due_on = due
    session.flush()


def save_placement(ctx: AppContext, *, actor: Actor, registration_id: int, **values: Any) -> int:
    """Enter or change the placement details (coordinator; advisor for their own students); returns its id."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise InvalidInput("Unknown placement fields: {names}.", names=", ".join(sorted(unknown)))
    with ctx.change(actor, *BUMPS) as change:
        session = change.session
        reg = registration_for(session, actor, registration_id, lock=True)
        editable(reg)
        section = session.get_one(CourseSection, reg.section_id)
        window = date_window(
            session, reg.section_id, ctx.settings.term_calendar, ctx.settings.placement_margin_days
        )
        cleaned = clean_details(values, window, section.semester, section.academic_year)
        placement = placement_of(session, reg.id)
        before = None if placement is None else {k: getattr(placement, k) for k in FIELDS}
        if placement is None:
            placement = Placement(registration_id=reg.id)
            session.add(placement)
        for key, value in cleaned.items():
            setattr(placement, key, value)
        session.flush()
        ensure_evaluations(session, placement, reg.advisor_id)
        action = "placement.create" if before is None else "placement.update"
        change.audit(action, "placement", placement.id, before=before,
                     after={"registration_id": reg.id, **cleaned})  # fmt: skip
        return int(placement.id)
