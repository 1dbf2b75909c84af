"""Evaluation forms kept as data: versions of sections, weighted criteria and a scale.

A form version that an evaluation has started on (scores saved or submitted) is never changed:
saving it makes the next version, and evaluations not yet started move to it. The weighted total
is computed here, once: 100 x sum(weight x score) / (sum(weight) x top of the scale).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.access import Actor, Permission, require
from core.cleaning import clean_int, clean_text
from core.context import AppContext
from core.errors import InvalidInput, NotFound
from core.i18n import N_, msg, together
from core.placements.form_defaults import DEFAULT_FORMS
from core.placements.rules import BUMPS
from db.models import Evaluation as EvaluationRow
from db.models import EvaluationCriterion, EvaluationForm, EvaluationStatus, EvaluatorKind

MAX_CRITERIA = 40
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Criterion:
    """One weighted criterion of a form version."""

    id: int
    position: int
    section_th: str
    section_en: str
    text_th: str
    text_en: str
    weight: int


@dataclass(frozen=True)
class FormView:
    """One form version with its criteria, and whether an evaluation has started on it."""

    id: int
    kind: str
    version: int
    name_th: str
    name_en: str
    scale_min: int
    scale_max: int
    comments: bool
    criteria: tuple[Criterion, ...]
    in_use: bool = False


def weighted_total(form: FormView, scores: Mapping[int, int]) -> Decimal:
    """The weighted total in percent of the top score, from a score for every criterion."""
    weights = sum(c.weight for c in form.criteria)
    earned = sum(c.weight * int(scores[c.id]) for c in form.criteria)
    return (Decimal(100 * earned) / (weights * form.scale_max)).quantize(_CENT, ROUND_HALF_UP)


def _seed(session: Session, kind: EvaluatorKind) -> int:
    name_th, name_en, criteria = DEFAULT_FORMS[kind]
    form = EvaluationForm(kind=kind, version=1, name_th=name_th, name_en=name_en, scale_min=1, scale_max=5,
                          comments=True)  # fmt: skip
    session.add(form)
    session.flush()
    session.add_all(
        EvaluationCriterion(
            form_id=form.id,
            position=n,
            section_th=s_th,
            section_en=s_en,
            text_th=t_th,
            text_en=t_en,
            weight=w,
        )
        for n, (s_th, s_en, t_th, t_en, w) in enumerate(criteria, 1)
    )
    session.flush()
    return int(form.id)


def current_form_id(session: Session, kind: EvaluatorKind) -> int:
    """The newest version of the form of `kind`; the default form is stored the first time it is asked for."""
    found = session.scalar(
        select(EvaluationForm.id)
        .where(EvaluationForm.kind == kind)
        .order_by(EvaluationForm.version.desc())
        .limit(1)
    )
    if found is not None:
        return int(found)
    try:
        with session.begin_nested():
            return _seed(session, kind)
    except IntegrityError:  # another transaction stored it first
        return current_form_id(session, kind)


def in_use(session: Session, form_id: int) -> bool:
    """Whether an evaluation has started on this form version (scores saved or submitted)."""
    started = exists().where(
        EvaluationRow.form_id == form_id, EvaluationRow.status != EvaluationStatus.PENDING
    )
    return bool(session.scalar(select(started)))


def form_view(session: Session, form_id: int) -> FormView:
    """One form version with its criteria in order."""
    form = session.get(EvaluationForm, form_id)
    if form is None:
        raise NotFound("No such evaluation form.")
    rows = session.scalars(
        select(EvaluationCriterion)
        .where(EvaluationCriterion.form_id == form_id)
        .order_by(EvaluationCriterion.position)
    )
    criteria = tuple(
        Criterion(c.id, c.position, c.section_th, c.section_en, c.text_th, c.text_en, c.weight) for c in rows
    )
    return FormView(form.id, form.kind.value, form.version, form.name_th, form.name_en, form.scale_min,
                    form.scale_max, form.comments, criteria, in_use(session, form.id))  # fmt: skip


def current_forms(ctx: AppContext, *, actor: Actor) -> list[FormView]:
    """The newest version of each evaluator kind's form."""
    require(actor, Permission.MANAGE_EVALUATION_FORMS)
    with ctx.sessions.begin() as session:
        return [form_view(session, current_form_id(session, kind)) for kind in EvaluatorKind]


def _criterion(row: Mapping[str, Any], n: int) -> dict[str, Any]:
    values = {
        "section_th": clean_text(row.get("section_th"), N_("Section (Thai)"), low=1),
        "section_en": clean_text(row.get("section_en"), N_("Section (English)"), low=1),
        "text_th": clean_text(row.get("text_th"), N_("Criterion (Thai)"), low=1, high=300),
        "text_en": clean_text(row.get("text_en"), N_("Criterion (English)"), low=1, high=300),
        "weight": clean_int(row.get("weight"), N_("Weight"), low=1, high=100),
    }
    return {"position": n, **values}


def clean_criteria(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The criteria in order, each checked; InvalidInput names every row that is wrong."""
    if not 1 <= len(rows) <= MAX_CRITERIA:
        raise InvalidInput("A form needs 1 to {n} criteria.", n=MAX_CRITERIA)
    cleaned, problems = [], []
    for n, row in enumerate(rows, 1):
        try:
            cleaned.append(_criterion(row, n))
        except InvalidInput as exc:
            problems.append(msg("Criterion {n}: {problem}", n=n, problem=exc.text))
    if problems:
        raise InvalidInput(together(*problems))
    return cleaned


def _scale(scale_min: object, scale_max: object) -> tuple[int, int]:
    low = clean_int(scale_min, N_("Lowest score"), low=0, high=9)
    high = clean_int(scale_max, N_("Highest score"), low=1, high=10)
    if high <= low:
        raise InvalidInput("The highest score must be above the lowest.")
    return low, high


@dataclass(frozen=True)
class SavedForm:
    """What saving a form did: the version it is now, and whether that is a new version."""

    form: FormView
    new_version: bool


def save_form(
    ctx: AppContext,
    *,
    actor: Actor,
    kind: str,
    name_th: str,
    name_en: str,
    scale_min: object,
    scale_max: object,
    comments: bool,
    criteria: Sequence[Mapping[str, Any]],
) -> SavedForm:
    """Change the form of `kind`: in place while no evaluation has started on it, else as a new version."""
    require(actor, Permission.MANAGE_EVALUATION_FORMS)
    try:
        evaluator = EvaluatorKind(kind)
    except ValueError:
        raise InvalidInput("Unknown evaluator kind: {kind}.", kind=kind) from None
    head = {
        "name_th": clean_text(name_th, N_("Name (Thai)"), low=1),
        "name_en": clean_text(name_en, N_("Name (English)"), low=1),
        "comments": bool(comments),
    }
    head["scale_min"], head["scale_max"] = _scale(scale_min, scale_max)
    rows = clean_criteria(criteria)
    with ctx.change(actor, *BUMPS) as change:
        session = change.session
        current = session.get_one(EvaluationForm, current_form_id(session, evaluator))
        new_version = in_use(session, current.id)
        if new_version:
            form = EvaluationForm(
                kind=evaluator, version=current.version + 1, created_by=actor.user_id, **head
            )
            session.add(form)
            session.flush()
            # Evaluations not started yet are filled on the newest version.
            session.execute(
                update(EvaluationRow)
                .where(EvaluationRow.form_id == current.id, EvaluationRow.status == EvaluationStatus.PENDING)
                .values(form_id=form.id)
            )
        else:
            form = current
            for key, value in head.items():
                setattr(form, key, value)
            for old in session.scalars(
                select(EvaluationCriterion).where(EvaluationCriterion.form_id == form.id)
            ):
                session.delete(old)
            session.flush()
        session.add_all(EvaluationCriterion(form_id=form.id, **row) for row in rows)
        session.flush()
        change.audit("evaluation_form.save", "evaluation_form", form.id,
                     after={"kind": evaluator, "version": form.version, "new_version": new_version, **head,
                            "criteria": rows})  # fmt: skip
        return SavedForm(form_view(session, form.id), new_version)


def versions(session: Session, kind: EvaluatorKind) -> int:
    """How many versions the form of `kind` has."""
    return int(session.scalar(select(func.count()).where(EvaluationForm.kind == kind)) or 0)
