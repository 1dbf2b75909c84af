"""Reading the audit log: filters, keyset pages (newest first), before/after, export."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from core.access import Actor, Permission, require
from core.context import AppContext
from core.errors import InvalidInput
from core.export import to_csv_bytes, to_excel_bytes, with_headers
from core.i18n import N_, format_datetimes, office_moment
from db.models import ApiClient, AuditEntry, User

PAGE_SIZE = 50
MAX_EXPORT = 50_000
COLUMNS = {
    "id": N_("No."),
    "at": N_("When"),
    "who": N_("Who"),
    "action": N_("Action"),
    "entity": N_("Entity"),
    "entity_id": N_("Entity id"),
    "ip": N_("Address"),
}
CHANGE_COLUMNS = {
    "field": N_("Field"),
    "before": N_("Before"),
    "after": N_("After"),
    "changed": N_("Changed"),
}


@dataclass(frozen=True)
class AuditFilters:
    """What the reader narrows the log to; days are the office's calendar days, both inclusive."""

    actor_id: int | None = None
    entity: str | None = None
    action: str | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class AuditPage:
    """One page of entries, newest first, and the cursor of the page after it (None at the end)."""

    rows: pd.DataFrame
    next_cursor: str | None


@dataclass(frozen=True)
class AuditChoices:
    """What the filters offer: the people who acted, and the entities and actions in the log."""

    actors: dict[int, str]
    entities: list[str]
    actions: list[str]


def _cursor(at: datetime, entry_id: int) -> str:
    raw = f"a1:{at.astimezone(UTC).isoformat(timespec='microseconds')}|{entry_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _position(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, _, number = raw.removeprefix("a1:").partition("|")
        if not raw.startswith("a1:") or not number.isdigit() or len(number) > 18:
            raise ValueError(raw)
        return datetime.fromisoformat(moment).astimezone(UTC), int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidInput("The page position is not one this list gave out.") from None


def _day_start(day: date) -> datetime:
    return office_moment(datetime.combine(day, time.min))


# Which index pages a filtered view: the first filter set, in this order (the actor is usually narrowest).
_INDEX_FOR = {
    "actor_id": "ix_audit_log_actor_at",
    "entity": "ix_audit_log_entity_at",
    "action": "ix_audit_log_action_at",
    "": "ix_audit_log_at",
}


# What a list row needs: no JSON (before/after are read for one entry, or for the export).
_LISTED = (
    AuditEntry.id,
    AuditEntry.at,
    AuditEntry.actor_id,
    AuditEntry.client_id,
    AuditEntry.action,
    AuditEntry.entity,
    AuditEntry.entity_id,
    AuditEntry.ip,
)


def _filtered(filters: AuditFilters, *columns: Any) -> Select[Any]:
    stmt = select(*(columns or (AuditEntry,)))
    if filters.actor_id is not None:
        stmt = stmt.where(AuditEntry.actor_id == filters.actor_id)
    if filters.entity:
        stmt = stmt.where(AuditEntry.entity == filters.entity)
    if filters.action:
        stmt = stmt.where(AuditEntry.action == filters.action)
    if filters.since:
        stmt = stmt.where(AuditEntry.at >= _day_start(filters.since))
    if filters.until:
        stmt = stmt.where(AuditEntry.at < _day_start(filters.until + timedelta(days=1)))
    # MariaDB read every entry of an action from the newest back to a deep page's cursor (ref access,
    # 120 ms at page 1,000 of 1M rows): the (…, at) index that matches the filter, ranged, is 1 ms.
    index = _INDEX_FOR[next((k for k in _INDEX_FOR if k and getattr(filters, k)), "")]
    for dialect in ("mysql", "mariadb"):
        stmt = stmt.with_hint(AuditEntry, f"FORCE INDEX ({index})", dialect_name=dialect)
    return stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def _after(stmt: Select[Any], cursor: str | None) -> Select[Any]:
    if not cursor:
        return stmt
    at, entry_id = _position(cursor)
    # Written so the (…, at) indexes give a range: at <= x, then the tie on id.
    return stmt.where(
        AuditEntry.at <= at, or_(AuditEntry.at < at, and_(AuditEntry.at == at, AuditEntry.id < entry_id))
    )


def _who(session: Session, rows: list[Any]) -> dict[tuple[str, int], str]:
    users = {r.actor_id for r in rows if r.actor_id is not None}
    clients = {r.client_id for r in rows if r.client_id is not None}
    names: dict[tuple[str, int], str] = {}
    if users:
        for uid, username in session.execute(select(User.id, User.username).where(User.id.in_(users))):
            names["user", uid] = username
    if clients:
        for cid, name in session.execute(
            select(ApiClient.id, ApiClient.name).where(ApiClient.id.in_(clients))
        ):
            names["client", cid] = f"API: {name}"
    return names


def _frame(session: Session, rows: list[Any]) -> pd.DataFrame:
    """The listed columns of `rows` (entries or rows of `_LISTED`), with who acted by name."""
    names = _who(session, rows)

    def who(r: Any) -> str:
        if r.client_id is not None:
            return names.get(("client", r.client_id), f"API #{r.client_id}")
        return names.get(("user", r.actor_id), f"#{r.actor_id}") if r.actor_id is not None else "—"

    records = [(r.id, r.at, who(r), r.action, r.entity, r.entity_id or "", r.ip or "") for r in rows]
    return pd.DataFrame(records, columns=list(COLUMNS))


def _with_names(stmt: Select[Any]) -> Select[Any]:
    """`stmt` with the username or API client name of who acted, in the same statement."""
    named = stmt.add_columns(User.username.label("username"), ApiClient.name.label("client_name"))
    named = named.outerjoin(User, User.id == AuditEntry.actor_id)
    named = named.outerjoin(ApiClient, ApiClient.id == AuditEntry.client_id)
    return named.prefix_with("STRAIGHT_JOIN", dialect="mysql")  # the log first, by its index; names by key


def _listed_frame(rows: list[Any]) -> pd.DataFrame:
    def who(r: Any) -> str:
        if r.client_id is not None:
            return f"API: {r.client_name}" if r.client_name else f"API #{r.client_id}"
        return (r.username or f"#{r.actor_id}") if r.actor_id is not None else "—"

    records = [(r.id, r.at, who(r), r.action, r.entity, r.entity_id or "", r.ip or "") for r in rows]
    return pd.DataFrame.from_records(records, columns=list(COLUMNS))


def list_entries(
    ctx: AppContext, *, actor: Actor, filters: AuditFilters = AuditFilters(), cursor: str | None = None
) -> AuditPage:
    """One page of the filtered log, newest first; pass `next_cursor` back for the page after it."""
    require(actor, Permission.VIEW_AUDIT_LOG)
    with ctx.sessions.begin() as session:
        stmt = _with_names(_after(_filtered(filters, *_LISTED), cursor)).limit(PAGE_SIZE + 1)
        rows = list(session.execute(stmt))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    frame = _listed_frame(rows)
    return AuditPage(frame, _cursor(rows[-1].at, rows[-1].id) if more and rows else None)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


def entry_changes(ctx: AppContext, *, actor: Actor, entry_id: int) -> pd.DataFrame:
    """One entry's fields with their before and after values side by side (changed ones flagged)."""
    require(actor, Permission.VIEW_AUDIT_LOG)
    with ctx.sessions.begin() as session:
        entry = session.get(AuditEntry, entry_id)
        if entry is None:
            raise InvalidInput("No audit entry {entry_id}.", entry_id=entry_id)
        before, after = dict(entry.before or {}), dict(entry.after or {})
    fields = list(dict.fromkeys([*before, *after]))
    rows = [
        {
            "field": f,
            "before": _shown(before.get(f)),
            "after": _shown(after.get(f)),
            "changed": f not in before or f not in after or before[f] != after[f],
        }
        for f in fields
    ]
    return pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))


def export_entries(
    ctx: AppContext,
    *,
    actor: Actor,
    filters: AuditFilters = AuditFilters(),
    fmt: str = "csv",
    lang: str = "en",
) -> bytes:
    """The filtered log (newest first, up to MAX_EXPORT rows) as CSV or Excel, formula-safe; audited."""
    require(actor, Permission.VIEW_AUDIT_LOG)
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput("Export as csv or xlsx.")
    with ctx.change(actor) as change:
        rows = list(change.session.scalars(_filtered(filters).limit(MAX_EXPORT)))
        frame = _frame(change.session, rows)
        frame = frame.assign(
            at=format_datetimes(frame["at"], lang),
            before=[_shown(r.before) for r in rows],
            after=[_shown(r.after) for r in rows],
        )
        change.audit(
            "audit.export", "audit_log", None, after={"rows": len(rows), "filters": filters.__dict__}
        )
    headers = {**COLUMNS, "before": N_("Before"), "after": N_("After")}
    frame = with_headers(frame, headers, lang)
    return to_csv_bytes(frame) if fmt == "csv" else to_excel_bytes(frame, sheet_name="audit")


def _choices(session: Session) -> dict[str, Any]:
    # DISTINCT over the (entity, …) and (action, at) indexes: a loose index scan, not a table scan.
    entities = sorted(session.scalars(select(AuditEntry.entity).distinct()))
    actions = sorted(session.scalars(select(AuditEntry.action).distinct()))
    actors = {
        str(uid): name
        for uid, name in session.execute(select(User.id, User.username).order_by(User.username))
    }
    return {"actors": actors, "entities": entities, "actions": actions}


def filter_choices(ctx: AppContext, *, actor: Actor) -> AuditChoices:
    """The people, entities and actions the filters offer (cached briefly: the log only grows)."""
    require(actor, Permission.VIEW_AUDIT_LOG)
    raw = ctx.cached(("audit",), "audit.choices", {}, _choices, ttl=60)
    actors = {int(k): str(v) for k, v in dict(raw["actors"]).items()}
    return AuditChoices(actors, list(raw["entities"]), list(raw["actions"]))
