"""Document types and which of them each course asks for (required or optional)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.access import Actor, Permission, require
from core.cleaning import clean_text
from core.context import AppContext
from core.errors import InvalidInput, NotFound
from core.i18n import N_
from db.models import Course, CourseDocumentType, DocumentType

BUMPS = ("documents",)


@dataclass(frozen=True)
class TypeView:
    """A document type as pickers and the settings tab show it."""

    id: int
    code: str
    name_th: str
    name_en: str
    has_expiry: bool
    active: bool

    def name(self, lang: str) -> str:
        """The type's name in `lang`."""
        return self.name_th if lang == "th" else self.name_en


def _view(row: DocumentType) -> TypeView:
    return TypeView(row.id, row.code, row.name_th, row.name_en, row.has_expiry, row.active)


def type_views(session: Session, *, active_only: bool = False) -> list[TypeView]:
    """Every document type in its order."""
    stmt = select(DocumentType).order_by(DocumentType.position, DocumentType.id)
    if active_only:
        stmt = stmt.where(DocumentType.active.is_(True))
    return [_view(r) for r in session.scalars(stmt)]


def list_types(ctx: AppContext, *, actor: Actor, active_only: bool = False) -> list[TypeView]:
    """The document types (everyone who sees documents reads them)."""
    require(actor, Permission.VIEW_DOCUMENTS)
    with ctx.sessions.begin() as session:
        return type_views(session, active_only=active_only)


def save_type(
    ctx: AppContext,
    *,
    actor: Actor,
    type_id: int | None,
    code: str,
    name_th: str,
    name_en: str,
    has_expiry: bool,
    active: bool = True,
) -> TypeView:
    """Create a document type (type_id None) or change one."""
    require(actor, Permission.MANAGE_DOCUMENT_TYPES)
    key = clean_text(code, N_("Code"), low=1, high=40).lower()
    if not key.replace("_", "").isalnum():
        raise InvalidInput("A code may hold only letters, digits and underscores.")
    values = {"code": key, "name_th": clean_text(name_th, N_("Name (Thai)"), low=1, high=200),
              "name_en": clean_text(name_en, N_("Name (English)"), low=1, high=200),
              "has_expiry": bool(has_expiry), "active": bool(active)}  # fmt: skip
    with ctx.change(actor, *BUMPS) as change:
        session = change.session
        taken = session.scalar(select(DocumentType.id).where(DocumentType.code == key))
        if taken is not None and taken != type_id:
            raise InvalidInput("Another document type has the code {code}.", code=key)
        if type_id is None:
            position = len(type_views(session))
            row = DocumentType(position=position, **values)
            session.add(row)
            before = None
        else:
            found = session.get(DocumentType, type_id)
            if found is None:
                raise NotFound("No such document type.")
            row = found
            before = {k: getattr(row, k) for k in values}
            for k, v in values.items():
                setattr(row, k, v)
        session.flush()
        change.audit("document_type.save", "document_type", row.id, before=before, after=values)
        return _view(row)


def course_requirements(ctx: AppContext, *, actor: Actor, course_id: int) -> dict[int, bool]:
    """{type id: required} of the types a course asks for."""
    require(actor, Permission.VIEW_DOCUMENTS)
    with ctx.sessions.begin() as session:
        rows = session.execute(
            select(CourseDocumentType.type_id, CourseDocumentType.required).where(
                CourseDocumentType.course_id == course_id
            )
        )
        return {int(t): bool(r) for t, r in rows}


def set_course_requirements(
    ctx: AppContext, *, actor: Actor, course_id: int, required: list[int], optional: list[int]
) -> dict[int, bool]:
    """Say which types a course asks for: `required` ones and `optional` ones (others: none)."""
    require(actor, Permission.MANAGE_DOCUMENT_TYPES)
    wanted = {int(t): True for t in required} | {int(t): False for t in optional if int(t) not in required}
    with ctx.change(actor, *BUMPS) as change:
        session = change.session
        if session.get(Course, course_id) is None:
            raise NotFound("No such course.")
        known = {t.id for t in type_views(session)}
        if set(wanted) - known:
            raise InvalidInput("Unknown document type.")
        session.execute(delete(CourseDocumentType).where(CourseDocumentType.course_id == course_id))
        for type_id, is_required in wanted.items():
            session.add(CourseDocumentType(course_id=course_id, type_id=type_id, required=is_required))
        change.audit("course.documents", "course", course_id, after={str(k): v for k, v in wanted.items()})
    return wanted
