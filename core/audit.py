"""Audit rows, written in the same transaction as the change they describe."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from core import security_log
from db.models import AuditEntry, utcnow


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
    """Add one audit row to the caller's transaction (never commits); a client acts with `client_id`."""
    session.add(
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
        )
    )


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
