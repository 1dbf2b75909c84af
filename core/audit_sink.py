"""Stores security events that happen outside any unit of work (e.g. a refused action)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core import audit, security_log

if TYPE_CHECKING:
    from core.access import Actor
    from core.context import AppContext


def install_audit_sink(ctx: AppContext) -> None:
    """Send security events to the audit log of `ctx`'s database, each in its own transaction."""

    def sink(action: str, actor: Actor | None, details: dict[str, Any]) -> None:
        with ctx.sessions.begin() as session:
            audit.record(
                session,
                actor_id=actor.user_id if actor else None,
                action=action,
                entity="security",
                after=details,
                ip=actor.ip if actor else None,
            )

    security_log.set_audit_sink(sink)
