"""System health for admins: query and page timings, cache and database health, sign-ins.

Counters live in core.metrics (served at /metrics); this module feeds them and keeps a small
in-memory table per process: the slowest statements (normalised, never their parameters).
Incidents are rows in the database (core.ops), so every replica sees them.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

import pandas as pd
from sqlalchemy import func, select, text

from core import clock, metrics
from core.access import Actor, Permission, require
from core.context import AppContext
from core.replica import NOT_CONFIGURED, ReplicaState
from db.engine import add_query_listener
from db.models import AuditEntry, UserSession

SLOW_TABLE_SIZE = 50
LOGIN_ACTIONS = ("login", "login_failed", "lockout")
_VERBS = frozenset({"select", "insert", "update", "delete"})
_STRING = re.compile(r"'(?:[^'\\]|\\.|'')*'")
_NUMBER = re.compile(r"(?<![\w.$])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\b", re.IGNORECASE)
_PARAM = re.compile(r"%\(\w+\)s|%s|\?|(?<![:\w]):\w+")
_LIST = re.compile(r"\(\s*\?(?:\s*,\s*\?)*\s*\)")
_SPACE = re.compile(r"\s+")


@dataclass
class _Slow:
    count: int = 0
    total: float = 0.0
    slowest: float = 0.0


_lock = threading.Lock()
_slow: dict[str, _Slow] = {}


@lru_cache(maxsize=1024)
def normalise_statement(statement: str) -> str:
    """The statement's shape: literals and parameters become ?, lists (?, ?) become (?...)."""
    shape = _STRING.sub("?", statement)
    shape = _PARAM.sub("?", _NUMBER.sub("?", shape))
    shape = _LIST.sub("(?...)", shape)
    return _SPACE.sub(" ", shape).strip()[:400]


def _verb(shape: str) -> str:
    word = shape.split(" ", 1)[0].lower()
    return "select" if word == "with" else word if word in _VERBS else "other"


def record_query(statement: str, seconds: float) -> None:
    """Count one statement, time it, and keep its shape if it is among the slowest."""
    shape = normalise_statement(statement)
    verb = _verb(shape)
    metrics.DB_QUERIES.labels(verb).inc()
    metrics.DB_QUERY_SECONDS.labels(verb).observe(seconds)
    with _lock:
        entry = _slow.get(shape)
        if entry is None:
            if len(_slow) >= SLOW_TABLE_SIZE:
                fastest = min(_slow, key=lambda k: _slow[k].slowest)
                if _slow[fastest].slowest >= seconds:
                    return
                del _slow[fastest]
            entry = _slow[shape] = _Slow()
        entry.count += 1
        entry.total += seconds
        entry.slowest = max(entry.slowest, seconds)


def install() -> None:
    """Start counting every statement of every engine (idempotent)."""
    add_query_listener(record_query)


def observe_page(page: str, seconds: float) -> None:
    """Record one run of a page script."""
    metrics.PAGE_RUN_SECONDS.labels(page[:60]).observe(seconds)


@dataclass(frozen=True)
class Health:
    """Database, cache and session health at one moment."""

    db_up: bool
    db_latency_ms: float | None
    cache: dict[str, Any]
    cache_up: bool
    cache_latency_ms: float | None
    active_sessions: int | None
    replica: ReplicaState = NOT_CONFIGURED


def _active_sessions(ctx: AppContext) -> int:
    now = clock.now()
    idle_since = now - timedelta(minutes=ctx.settings.session_idle_minutes)
    stmt = select(func.count()).where(
        UserSession.revoked_at.is_(None), UserSession.expires_at > now, UserSession.last_seen_at > idle_since
    )
    with ctx.sessions.begin() as session:
        return int(session.scalar(stmt) or 0)


def refresh_gauges(ctx: AppContext) -> Health:
    """Measure database and cache latency and active sessions; update the gauges."""
    started = time.perf_counter()
    try:
        with ctx.sessions.begin() as session:
            session.execute(text("SELECT 1"))
        db_latency: float | None = time.perf_counter() - started
        sessions: int | None = _active_sessions(ctx)
    except Exception:  # the page shows "down" rather than failing
        db_latency, sessions = None, None
    ping = ctx.cache.ping()
    metrics.DB_UP.set(0 if db_latency is None else 1)
    metrics.DB_LATENCY.set(-1 if db_latency is None else db_latency)
    metrics.CACHE_PING.set(-1 if ping is None else ping)
    metrics.ACTIVE_SESSIONS.set(sessions or 0)
    return Health(
        db_up=db_latency is not None,
        db_latency_ms=None if db_latency is None else round(db_latency * 1000, 2),
        cache=ctx.cache.health(),
        cache_up=ping is not None,
        cache_latency_ms=None if ping is None else round(ping * 1000, 2),
        active_sessions=sessions,
        replica=ctx.replica_state(),
    )


def health(ctx: AppContext, *, actor: Actor) -> Health:
    """Database, cache and session health now."""
    require(actor, Permission.VIEW_MONITORING)
    return refresh_gauges(ctx)


def slow_queries(*, actor: Actor, limit: int = 15) -> pd.DataFrame:
    """The slowest statement shapes seen by this process: count, mean and max milliseconds."""
    require(actor, Permission.VIEW_MONITORING)
    with _lock:
        rows = [(k, v.count, v.total / v.count * 1000, v.slowest * 1000) for k, v in _slow.items()]
    frame = pd.DataFrame(rows, columns=["statement", "count", "mean_ms", "max_ms"])
    return frame.sort_values("max_ms", ascending=False, ignore_index=True).head(limit)


def _samples(name: str, suffix: str, label: str) -> dict[str, float]:
    return {
        s.labels[label]: s.value
        for family in metrics.REGISTRY.collect()
        if family.name == name
        for s in family.samples
        if s.name == name + suffix
    }


def timings(*, actor: Actor) -> pd.DataFrame:
    """Runs and mean milliseconds per page and per statement verb, since this process started."""
    require(actor, Permission.VIEW_MONITORING)
    rows = []
    for kind, name, label in (
        ("page", "ims_page_run_seconds", "page"),
        ("query", "ims_db_query_seconds", "verb"),
    ):
        counts, sums = _samples(name, "_count", label), _samples(name, "_sum", label)
        rows += [(kind, k, int(n), sums.get(k, 0.0) / n * 1000 if n else 0.0) for k, n in counts.items()]
    return pd.DataFrame(rows, columns=["kind", "name", "count", "mean_ms"])


def login_activity(ctx: AppContext, *, actor: Actor, hours: int = 24) -> pd.DataFrame:
    """Sign-ins, failed sign-ins and lockouts per hour (UTC) over the last `hours` hours."""
    require(actor, Permission.VIEW_MONITORING)
    end = pd.Timestamp(clock.now()).floor("h")
    start = end - pd.Timedelta(hours=max(1, hours) - 1)
    stmt = select(AuditEntry.action, AuditEntry.at).where(
        AuditEntry.action.in_(LOGIN_ACTIONS), AuditEntry.at >= start.to_pydatetime()
    )
    with ctx.sessions.begin() as session:
        rows = pd.DataFrame(session.execute(stmt).all(), columns=["action", "at"])
    rows["hour"] = pd.to_datetime(rows["at"], utc=True).dt.floor("h")
    counts = rows.groupby(["hour", "action"]).size()
    grid = pd.MultiIndex.from_product(
        [pd.date_range(start, end, freq="h"), list(LOGIN_ACTIONS)], names=["hour", "action"]
    )
    return counts.reindex(grid, fill_value=0).rename("count").reset_index()
