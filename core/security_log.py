"""Security events in the application log: who, what, when (UTC), from where — never secrets."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

logger = logging.getLogger("ims.security")


class Who(Protocol):
    """Whoever acted: core.access.Actor, without this module depending on it."""

    @property
    def user_id(self) -> int | None: ...
    @property
    def client_id(self) -> int | None: ...
    @property
    def username(self) -> str: ...
    @property
    def ip(self) -> str | None: ...


# Set by core.bootstrap (core.audit): stores a security event as an audit row in its own transaction.
AuditSink = Callable[[str, Who | None, dict[str, Any]], None]
_sink: AuditSink | None = None

_SECRET_KEYS = frozenset({"password", "password_hash", "token", "ticket", "secret", "hash"})


def set_audit_sink(sink: AuditSink | None) -> None:
    """Install (or remove) the function that also stores events in the audit log."""
    global _sink
    _sink = sink


def event(name: str, actor: Who | None = None, **fields: Any) -> None:
    """Log one security event as a single JSON line; user text cannot forge new lines."""
    clean = {k: v for k, v in fields.items() if k not in _SECRET_KEYS}
    line = {
        "event": name,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "user": actor.username if actor else clean.pop("username", None),
        "user_id": actor.user_id if actor else None,
        **({"client_id": actor.client_id} if actor and actor.client_id else {}),
        "ip": actor.ip if actor and actor.ip else clean.pop("ip", None),
        **clean,
    }
    # json.dumps escapes control characters (\n, \r, \x1b), so one event is one line.
    logger.info(json.dumps(line, ensure_ascii=True, default=str))


def permission_denied(actor: Who | None, permission: str) -> None:
    """Record a refused action in the log and, when wired, the audit log."""
    event("permission_denied", actor, permission=permission)
    if _sink is not None:
        try:
            _sink("permission_denied", actor, {"permission": permission})
        except Exception:  # the refusal itself must still happen
            logger.exception("could not store permission_denied audit row")
