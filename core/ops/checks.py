"""Readiness and configuration checks, shared by `GET /healthz/ready` and `python manage.py check`.

Each dependency is checked in a worker thread with a deadline, so a hung database or Redis makes
the check fail within `HEALTH_TIMEOUT_S` instead of hanging the probe.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from sqlalchemy import text

from core.config import KNOWN_DEFAULT_SECRETS, Settings
from core.context import AppContext
from db.migrate import head_revision, revision_of

MIGRATE_COMMAND = "python manage.py migrate"
_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="health")


@dataclass(frozen=True)
class Check:
    """One named check: passed or not, and a short reason."""

    name: str
    ok: bool
    detail: str = ""


def _within(name: str, seconds: float, probe: Callable[[], Check]) -> Check:
    future = _pool.submit(probe)
    try:
        return future.result(timeout=seconds)
    except FutureTimeout:
        return Check(name, False, f"no answer within {seconds:g} s")
    except Exception as exc:  # the probe's failure is the answer, never the details of a secret
        return Check(name, False, type(exc).__name__)


def schema_check(ctx: AppContext) -> Check:
    """The database is at the revision this code expects."""
    head = head_revision()
    with ctx.db.engine.connect() as conn:
        current = revision_of(conn)
    if current == head:
        return Check("schema", True, head)
    found = current or "empty"
    return Check("schema", False, f"database at {found}, code needs {head}: run `{MIGRATE_COMMAND}`")


def _database(ctx: AppContext) -> Check:
    with ctx.db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return Check("database", True)


def _redis(ctx: AppContext) -> Check:
    if not ctx.settings.redis_url:
        return Check("redis", True, "not configured (in-process cache)")
    latency = ctx.cache.ping()
    return Check("redis", latency is not None, "" if latency is not None else "unreachable")


def readiness(ctx: AppContext) -> list[Check]:
    """Database, Redis and schema version, each within the health timeout."""
    seconds = ctx.settings.health_timeout_s
    database = _within("database", seconds, lambda: _database(ctx))
    redis = _within("redis", seconds, lambda: _redis(ctx))
    if not database.ok:
        return [database, redis, Check("schema", False, "database unreachable")]
    return [database, redis, _within("schema", seconds, lambda: schema_check(ctx))]


def secret_checks(settings: Settings, environ: dict[str, str] | None = None) -> list[Check]:
    """Secrets a production install must set; proxies it must name."""
    env = os.environ if environ is None else environ
    production = settings.app_env == "production"
    cookie = env.get("STREAMLIT_SERVER_COOKIE_SECRET", "")
    checks = [
        Check("secret_key", len(settings.secret_key) >= 32, "SECRET_KEY: 32+ random characters"),
        Check(
            "cookie_secret",
            not production or (len(cookie) >= 32 and cookie.lower() not in KNOWN_DEFAULT_SECRETS),
            "STREAMLIT_SERVER_COOKIE_SECRET: 32+ random characters, the same on every replica",
        ),
        Check(
            "metrics_token",
            settings.metrics_token is None or len(settings.metrics_token) >= 24,
            "METRICS_TOKEN: unset or 24+ characters",
        ),
        Check(
            "trusted_proxies",
            not settings.behind_proxy or bool(settings.trusted_proxies),
            "BEHIND_PROXY=1 needs FORWARDED_ALLOW_IPS",
        ),
    ]
    return checks
