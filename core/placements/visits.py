"""Supervision visits: planned (date, time, mode, visitor), done (a report and up to five photos) or
cancelled (with a reason). A placement has at most its course's visit count of visits that are not
cancelled, numbered 1..N; a cancelled visit frees its number."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import clock
from core.access import Actor
from core.cleaning import clean_text
from core.context import AppContext
from core.errors import Conflict, InvalidInput, NotFound
from core.i18n import N_, msg, office_moment
from core.placements.photos import CleanPhoto, clean_photo
from core.placements.rules import (
    BUMPS,
    MAX_PHOTOS,
    MAX_REPORT,
    editable,
    placement_or_raise,
    registration_for,
)
from core.registrations.store import clean_reason, committee_members
from db.models import (
    Course,
    CourseSection,
    Placement,
    Registration,
    User,
    Visit,
    VisitMode,
    VisitPhoto,
    VisitStatus,
)

PHOTO_INFO = (VisitPhoto.id, VisitPhoto.visit_id, VisitPhoto.filename, VisitPhoto.content_type,
              VisitPhoto.size, VisitPhoto.width, VisitPhoto.height)  # fmt: skip


@dataclass(frozen=True)
class PhotoInfo:
    """A stored photo, without its bytes."""

    id: int
    filename: str
    content_type: str
    size: int
    width: int
    height: int


@dataclass(frozen=True)
class VisitView:
    """One visit as the placement page shows it."""

    id: int
    number: int
    planned_at: datetime
    mode: str
    visitor_id: int | None
    visitor: str | None
    status: str
    cancel_reason: str | None
    report: str | None
    done_at: datetime | None
    photos: tuple[PhotoInfo, ...]


def visit_count(session: Session, registration_id: int) -> int:
    """How many visits the registration's course asks for."""
    stmt = (
        select(Course.visit_count)
        .join(CourseSection, CourseSection.course_id == Course.id)
        .join(Registration, Registration.section_id == CourseSection.id)
        .where(Registration.id == registration_id)
    )
    return int(session.scalar(stmt) or 1)


def visitors(session: Session, reg: Registration) -> list[int]:
    """Who may make the visit: the student's advisor and the section's committee."""
    return list(
        dict.fromkeys(
            [*([reg.advisor_id] if reg.advisor_id else []), *committee_members(session, reg.section_id)]
        )
    )


def _mode(value: str) -> VisitMode:
    try:
        return VisitMode(value)
    except ValueError:
        raise InvalidInput("The visit's mode must be onsite or online.") from None


def _when(value: object) -> datetime:
    """A visit's time: aware, or naive in the office's zone (as people type it); stored UTC."""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if not isinstance(value, datetime):
        raise InvalidInput("Enter the visit's date and time.")
    return office_moment(value)


def _visitor(session: Session, reg: Registration, visitor_id: int | None) -> int:
    allowed = visitors(session, reg)
    chosen = visitor_id if visitor_id is not None else (allowed[0] if allowed else None)
    if chosen is None or int(chosen) not in allowed:
        raise InvalidInput(
            "The visitor must be the student's advisor or a member of the section's committee."
        )
    return int(chosen)


def next_number(session: Session, placement_id: int, limit: int) -> int:
    """The lowest number 1..limit not held by a visit that is not cancelled, or Conflict when all are."""
    taken = set(
        session.scalars(
            select(Visit.number).where(
                Visit.placement_id == placement_id, Visit.status != VisitStatus.CANCELLED
            )
        )
    )
    free = [n for n in range(1, limit + 1) if n not in taken]
    if not free:
        raise Conflict("All {n} visits of this course are planned or done already.", n=limit)
    return free[0]


def add_visit(
    session: Session, reg: Registration, *, planned_at: object, mode: str, visitor_id: int | None
) -> Visit:
    """A planned visit of this registration's placement (inside the caller's transaction)."""
    placement = placement_or_raise(session, reg.id)
    number = next_number(session, placement.id, visit_count(session, reg.id))
    visit = Visit(placement_id=placement.id, number=number, planned_at=_when(planned_at), mode=_mode(mode),
                  visitor_id=_visitor(session, reg, visitor_id), status=VisitStatus.PLANNED)  # fmt: skip
    session.add(visit)
    session.flush()
    return visit


def plan_visit(
    ctx: AppContext,
    *,
    actor: Actor,
    registration_id: int,
    planned_at: datetime,
    mode: str,
    visitor_id: int | None,
) -> int:
    """Plan the next visit of a placement; returns the visit's id."""
    with ctx.change(actor, *BUMPS) as change:
        reg = registration_for(change.session, actor, registration_id, lock=True)
        editable(reg)
        visit = add_visit(change.session, reg, planned_at=planned_at, mode=mode, visitor_id=visitor_id)
        change.audit("visit.plan", "visit", visit.id, after=_facts(visit))
        return int(visit.id)


def _facts(visit: Visit) -> dict[str, object]:
    return {"placement_id": visit.placement_id, "number": visit.number, "planned_at": visit.planned_at,
            "mode": visit.mode, "visitor_id": visit.visitor_id, "status": visit.status}  # fmt: skip


def _visit_for(session: Session, actor: Actor, visit_id: int) -> tuple[Visit, Registration]:
    visit = session.get(Visit, visit_id, with_for_update=True)
    if visit is None:
        raise NotFound("No such visit.")
    placement = session.get_one(Placement, visit.placement_id)
    reg = registration_for(session, actor, placement.registration_id)
    editable(reg)
    return visit, reg


def reschedule_visit(
    ctx: AppContext, *, actor: Actor, visit_id: int, planned_at: datetime, mode: str, visitor_id: int | None
) -> None:
    """Move a planned visit, or change its mode or visitor."""
    with ctx.change(actor, *BUMPS) as change:
        visit, reg = _visit_for(change.session, actor, visit_id)
        if visit.status != VisitStatus.PLANNED:
            raise Conflict("Only a planned visit can be moved.")
        before = _facts(visit)
        visit.planned_at = _when(planned_at)
        visit.mode = _mode(mode)
        visit.visitor_id = _visitor(change.session, reg, visitor_id)
        change.audit("visit.reschedule", "visit", visit.id, before=before, after=_facts(visit))


def cancel_visit(ctx: AppContext, *, actor: Actor, visit_id: int, reason: str | None) -> None:
    """Cancel a planned visit; the reason is required."""
    text = clean_reason(reason, required=True, action=msg("Cancel the visit"))
    with ctx.change(actor, *BUMPS) as change:
        visit, _reg = _visit_for(change.session, actor, visit_id)
        if visit.status != VisitStatus.PLANNED:
            raise Conflict("Only a planned visit can be cancelled.")
        visit.status, visit.cancel_reason = VisitStatus.CANCELLED, text
        change.audit("visit.cancel", "visit", visit.id, after={**_facts(visit), "reason": text})


def _report(report: str | None) -> str:
    return clean_text(unicodedata.normalize("NFC", report or ""), N_("Visit report"), low=1, high=MAX_REPORT,
                      multiline=True)  # fmt: skip


def _store_photos(session: Session, visit: Visit, photos: Sequence[CleanPhoto], actor: Actor) -> list[int]:
    held = int(session.scalar(select(func.count()).where(VisitPhoto.visit_id == visit.id)) or 0)
    if held + len(photos) > MAX_PHOTOS:
        raise InvalidInput(
            "A visit holds at most {n} photos; it has {held} and {adding} more were given.",
            n=MAX_PHOTOS, held=held, adding=len(photos),
        )  # fmt: skip
    rows = [VisitPhoto(visit_id=visit.id, filename=p.filename, content_type=p.content_type, size=len(p.data),
                       width=p.width, height=p.height, data=p.data, thumbnail=p.thumbnail,
                       uploaded_by=actor.user_id) for p in photos]  # fmt: skip
    session.add_all(rows)
    session.flush()
    return [int(r.id) for r in rows]


def checked_photos(photos: Sequence[tuple[str, bytes]]) -> list[CleanPhoto]:
    """Every photo checked before anything is stored (outside the transaction: it is the slow part)."""
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput("A visit holds at most {n} photos.", n=MAX_PHOTOS)
    return [clean_photo(name, data) for name, data in photos]


def record_visit(
    ctx: AppContext, *, actor: Actor, visit_id: int, report: str, photos: Sequence[tuple[str, bytes]] = ()
) -> list[int]:
    """Mark a planned visit done with its report (Thai text) and up to five photos; returns the photo ids."""
    text = _report(report)
    clean = checked_photos(photos)
    with ctx.change(actor, *BUMPS) as change:
        visit, _reg = _visit_for(change.session, actor, visit_id)
        if visit.status == VisitStatus.CANCELLED:
            raise Conflict("A cancelled visit cannot be recorded as done; plan a new one.")
        first = visit.status == VisitStatus.PLANNED
        visit.status, visit.report = VisitStatus.DONE, text
        visit.done_at = visit.done_at or clock.now()
        ids = _store_photos(change.session, visit, clean, actor)
        change.audit("visit.done" if first else "visit.report", "visit", visit.id,
                     after={**_facts(visit), "report": text, "photos": ids})  # fmt: skip
        return ids


def add_visit_photos(
    ctx: AppContext, *, actor: Actor, visit_id: int, photos: Sequence[tuple[str, bytes]]
) -> list[int]:
    """Add photos to a done visit (at most five in all); returns their ids."""
    clean = checked_photos(photos)
    with ctx.change(actor, *BUMPS) as change:
        visit, _reg = _visit_for(change.session, actor, visit_id)
        if visit.status != VisitStatus.DONE:
            raise Conflict("Photos belong to a visit that is done.")
        ids = _store_photos(change.session, visit, clean, actor)
        change.audit("visit.photos", "visit", visit.id, after={"added": ids})
        return ids


def remove_visit_photo(ctx: AppContext, *, actor: Actor, photo_id: int) -> None:
    """Delete one photo of a visit."""
    with ctx.change(actor, *BUMPS) as change:
        photo = change.session.get(VisitPhoto, photo_id)
        if photo is None:
            raise NotFound("No such photo.")
        _visit_for(change.session, actor, photo.visit_id)
        change.audit(
            "visit.photo_remove",
            "visit",
            photo.visit_id,
            before={"photo_id": photo.id, "filename": photo.filename},
        )
        change.session.delete(photo)


@dataclass(frozen=True)
class PhotoBytes:
    """A photo (or its thumbnail) to show or download."""

    filename: str
    content_type: str
    data: bytes


def visit_photo(ctx: AppContext, *, actor: Actor, photo_id: int, thumbnail: bool = True) -> PhotoBytes:
    """The stored photo or its JPEG thumbnail, for someone who may see the placement."""
    column = VisitPhoto.thumbnail if thumbnail else VisitPhoto.data
    with ctx.sessions.begin() as session:
        found = session.execute(
            select(VisitPhoto.visit_id, VisitPhoto.filename, VisitPhoto.content_type, column).where(
                VisitPhoto.id == photo_id
            )
        ).first()
        if found is None:
            raise NotFound("No such photo.")
        visit = session.get_one(Visit, found[0])
        placement = session.get_one(Placement, visit.placement_id)
        registration_for(session, actor, placement.registration_id)
        return PhotoBytes(found[1], "image/jpeg" if thumbnail else found[2], bytes(found[3]))


def visit_views(session: Session, placement_id: int) -> tuple[VisitView, ...]:
    """A placement's visits in number order, cancelled ones last, with their photos (no bytes)."""
    rows = session.execute(
        select(Visit, User.full_name)
        .outerjoin(User, User.id == Visit.visitor_id)
        .where(Visit.placement_id == placement_id)
        .order_by(Visit.status == VisitStatus.CANCELLED, Visit.number, Visit.id)
    ).all()
    photos: dict[int, list[PhotoInfo]] = {}
    ids = [v.id for v, _ in rows]
    if ids:
        stmt = select(*PHOTO_INFO).where(VisitPhoto.visit_id.in_(ids)).order_by(VisitPhoto.id)
        for p in session.execute(stmt):
            photos.setdefault(p.visit_id, []).append(
                PhotoInfo(p.id, p.filename, p.content_type, p.size, p.width, p.height)
            )
    return tuple(
        VisitView(
            v.id,
            v.number,
            v.planned_at,
            v.mode.value,
            v.visitor_id,
            name,
            v.status.value,
            v.cancel_reason,
            v.report,
            v.done_at,
            tuple(photos.get(v.id, ())),
        )
        for v, name in rows
    )
