"""Incidents in the database, so the id a user reports is found from any replica.

The row holds what an admin needs to find the log line (id, time, replica, page, user, error
class, a hash of the trace); the trace itself goes only to the log. Rows older than
INCIDENT_RETENTION_DAYS are deleted by whichever replica records the next incident.
"""

from __future__ import annotations

import hashlib
import logging
import re
import traceback
import uuid
from datetime import timedelta

import pandas as pd
from sqlalchemy import delete, select

from core import clock, metrics
from core.access import Actor, Permission, require
from core.context import AppContext
from db.models import Incident

logger = logging.getLogger("ims.incident")
RECENT_LIMIT = 50
_ID = re.compile(r"^[0-9a-f]{6,32}$")
COLUMNS = ["at", "incident", "replica", "page", "user_id", "kind", "trace_hash"]


def new_id() -> str:
    """A fresh incident id (12 hex digits, what users read out)."""
    return uuid.uuid4().hex[:12]


def trace_hash(error: BaseException) -> str:
    """SHA-256 of the trace's shape (file, line, function; no values), to group repeats."""
    frames = traceback.extract_tb(error.__traceback__)
    shape = "|".join(f"{f.filename}:{f.lineno}:{f.name}" for f in frames) + f"|{type(error).__name__}"
    return hashlib.sha256(shape.encode()).hexdigest()


def record_incident(
    ctx: AppContext, *, incident: str, error: BaseException, page: str | None, user_id: int | None
) -> None:
    """Log the full trace under the incident id, count it, and store its row (never failing the caller)."""
    kind = type(error).__name__
    logger.error(
        "incident %s: %s on %s", incident, kind, page or "-", exc_info=error, extra={"incident_id": incident}
    )
    metrics.ERRORS.labels(kind).inc()
    try:
        with ctx.sessions.begin() as session:
            session.add(
                Incident(
                    id=incident,
                    at=clock.now(),
                    replica=ctx.settings.replica_id[:100],
                    page=(page or "")[:100],
                    user_id=user_id,
                    error_class=kind[:100],
                    trace_hash=trace_hash(error),
                )
            )
            cutoff = clock.now() - timedelta(days=ctx.settings.incident_retention_days)
            session.execute(delete(Incident).where(Incident.at < cutoff))
    except Exception:  # the database may be what failed: the log line above still has it all
        logger.warning("could not store incident %s", incident, extra={"incident_id": incident})


def _frame(rows: list[Incident]) -> pd.DataFrame:
    data = [(r.at, r.id, r.replica, r.page, r.user_id, r.error_class, r.trace_hash) for r in rows]
    return pd.DataFrame(data, columns=COLUMNS)


def recent_incidents(ctx: AppContext, *, actor: Actor, limit: int = RECENT_LIMIT) -> pd.DataFrame:
    """The latest incidents of every replica, newest first."""
    require(actor, Permission.VIEW_MONITORING)
    with ctx.sessions.begin() as session:
        rows = list(session.scalars(select(Incident).order_by(Incident.at.desc()).limit(limit)))
        return _frame(rows)


def find_incident(ctx: AppContext, *, actor: Actor, incident: str) -> pd.DataFrame:
    """The incident with this id (as a user read it out: spaces and case do not matter); empty if none."""
    require(actor, Permission.VIEW_MONITORING)
    wanted = re.sub(r"\s+", "", incident).lower()
    if not _ID.match(wanted):
        return _frame([])
    with ctx.sessions.begin() as session:
        row = session.get(Incident, wanted)
        return _frame([row] if row else [])
