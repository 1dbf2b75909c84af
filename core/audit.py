"""Audit rows, written in the same transaction as the change they describe, as a hash chain.

Each row stores the hash of the row before it (`prev_hash`) and its own (`row_hash`, over
`prev_hash` and its content): changing, removing or inserting a row breaks every link after it,
and `verify_chain` names the first broken one. Rows are chained at commit, as the transaction's
last step: `record` keeps them aside, `_chain` (run by the session's before_commit) takes the
chain head's row lock, links them and inserts them. Taking that lock last keeps a consistent lock
order (no deadlock with the change's own rows), and the rows are written once, so the application
can run with a database user that may only INSERT into audit_log.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, cast

from sqlalchemy import CursorResult, event, select, update
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from core import security_log
from db.models import AuditChain, AuditEntry, utcnow


@dataclass(frozen=True)
class _Pending:
    """An audit row waiting for the commit, and the (innermost) transaction it was recorded in."""

    transaction: SessionTransaction | None
    row: AuditEntry


GENESIS = "0" * 64  # the "previous hash" of the first chained row
HEAD_ID = 1
_PENDING = "audit_pending"


def jsonable(value: Any) -> Any:
    """`value` with enums, times, decimals and collections made JSON-friendly."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


def record(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    entity: str,
    entity_id: object = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    ip: str | None = None,
    client_id: int | None = None,
) -> None:
    """Add one audit row to the caller's transaction (never commits); a client acts with `client_id`.

    The row is inserted, chained, when the transaction commits.
    """
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_PENDING, []).append(
        _Pending(
            transaction,
            AuditEntry(
                actor_id=actor_id,
                client_id=client_id,
                action=action,
                entity=entity,
                entity_id=None if entity_id is None else str(entity_id),
                before=jsonable(before) if before is not None else None,
                after=jsonable(after) if after is not None else None,
                ip=ip,
                at=utcnow(),
            ),
        )
    )


def row_digest(prev_hash: str, row: AuditEntry) -> str:
    """The hash of one audit row: SHA-256 over the previous row's hash and this row's content.

    The one place the chain is computed, for writing and for checking (other modules only call
    `record`). Times at microsecond precision, as stored; JSON with sorted keys.
    """
    at = row.at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    content = {
        "prev": prev_hash,
        "actor_id": row.actor_id,
        "client_id": row.client_id,
        "action": row.action,
        "entity": row.entity,
        "entity_id": row.entity_id,
        "before": row.before,
        "after": row.after,
        "ip": row.ip,
        "at": at,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _chain(session: Session, rows: list[AuditEntry]) -> None:
    session.flush()  # the change's own rows first: the chain head is always the last lock taken
    bump = update(AuditChain).where(AuditChain.id == HEAD_ID).values(seq=AuditChain.seq + 1)
    if cast(CursorResult[Any], session.execute(bump)).rowcount != 1:
        session.add(AuditChain(id=HEAD_ID, seq=1))  # a new database: the first audited commit starts it
        session.flush()
    head = session.execute(select(AuditChain.last_hash).where(AuditChain.id == HEAD_ID)).scalar()
    prev = head or GENESIS
    for row in rows:
        row.prev_hash = prev
        row.row_hash = prev = row_digest(row.prev_hash, row)
        session.add(row)
    session.flush()
    session.execute(
        update(AuditChain).where(AuditChain.id == HEAD_ID).values(last_id=rows[-1].id, last_hash=prev)
    )


@event.listens_for(Session, "before_commit")
def _chain_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        _chain(session, [p.row for p in pending])


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    """A rollback takes the audit rows recorded inside the rolled-back transaction or savepoint along."""

    def inside(transaction: SessionTransaction | None) -> bool:
        if transaction is None:  # recorded before the session began: part of the outermost transaction
            return previous_transaction.parent is None
        while transaction is not None:
            if transaction is previous_transaction:
                return True
            transaction = transaction.parent
        return False

    pending = session.info.get(_PENDING)
    if pending:
        session.info[_PENDING] = [p for p in pending if not inside(p.transaction)]


@dataclass(frozen=True)
class ChainReport:
    """What verify_chain found: rows checked, unchained history, and the first broken link if any."""

    checked: int
    unchained: int
    broken_at: int | None
    reason: str | None

    @property
    def intact(self) -> bool:
        """True when every chained row links to the one before and matches its hash."""
        return self.broken_at is None


def _rows(sessions: sessionmaker[Session], batch: int) -> Iterator[AuditEntry]:
    last = 0
    while True:
        with sessions() as session:
            page = session.scalars(
                select(AuditEntry).where(AuditEntry.id > last).order_by(AuditEntry.id).limit(batch)
            ).all()
        if not page:
            return
        yield from page
        last = page[-1].id


def verify_chain(sessions: sessionmaker[Session], *, batch: int = 5_000) -> ChainReport:
    """Walk the audit log in id order and report the first broken link (reads only)."""
    checked = unchained = 0
    prev: str | None = None
    last_id: int | None = None
    for row in _rows(sessions, batch):
        if row.row_hash is None and prev is None:
            unchained += 1  # written before the chain existed (migration 0008)
            continue
        expected = prev or GENESIS
        if row.row_hash is None or row.prev_hash != expected:
            return ChainReport(checked, unchained, row.id, "does not link to the row before it")
        if row_digest(expected, row) != row.row_hash:
            return ChainReport(checked, unchained, row.id, "its content does not match its hash")
        prev, last_id, checked = row.row_hash, row.id, checked + 1
    with sessions() as session:
        head = session.get(AuditChain, HEAD_ID)
    if head is not None and (head.last_id, head.last_hash) != (last_id, prev) and head.last_hash is not None:
        return ChainReport(checked, unchained, head.last_id, "rows at the end of the log were removed")
    return ChainReport(checked, unchained, None, None)


def install_security_sink(sessions: sessionmaker[Session] | None) -> None:
    """Store security events raised outside any unit of work (a refused action) as audit rows."""
    if sessions is None:
        security_log.set_audit_sink(None)
        return
    factory = sessions

    def sink(action: str, actor: security_log.Who | None, details: dict[str, Any]) -> None:
        with factory.begin() as session:
            record(
                session,
                actor_id=actor.user_id if actor else None,
                action=action,
                entity="security",
                after=details,
                ip=actor.ip if actor else None,
                client_id=actor.client_id if actor else None,
            )

    security_log.set_audit_sink(sink)
