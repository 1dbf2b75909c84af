"""Metrics: the /metrics route and its token, page and query counters, slow statements, sign-ins (incidents: test_ops.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select, text
from starlette.requests import Request

from core import auth, clock, monitoring
from core.errors import AuthError, PermissionDenied
from core.metrics import REGISTRY
from db.models import AuditEntry, Role, User
from tests.conftest import TEST_PASSWORD

NOW = datetime(2026, 3, 4, 10, 30, tzinfo=UTC)


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _get_metrics(authorization: str | None) -> tuple[int, str, str]:
    from web import metrics as app

    headers = [(b"authorization", authorization.encode())] if authorization is not None else []
    scope = {"type": "http", "method": "GET", "path": "/metrics", "headers": headers, "query_string": b""}
    response = asyncio.run(app.metrics_endpoint(Request(scope)))
    return response.status_code, bytes(response.body).decode(), response.headers.get("content-type", "")


def test_metrics_route_needs_the_bearer_token(ctx, monkeypatch) -> None:
    assert _get_metrics("Bearer anything")[0] == 404  # no token configured: no route
    monkeypatch.setattr(ctx.settings, "metrics_token", "s3cret-token-for-scrapers")
    assert _get_metrics(None)[0] == 401
    assert _get_metrics("Bearer wrong")[0] == 401
    assert _get_metrics("Basic s3cret-token-for-scrapers")[0] == 401
    status, body, content_type = _get_metrics("Bearer s3cret-token-for-scrapers")
    assert status == 200 and content_type.startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(body)}
    assert {
        "ims_page_run_seconds",
        "ims_db_queries",
        "ims_db_query_seconds",
        "ims_cache_hits",
        "ims_db_up",
    } <= set(families)
    assert families["ims_db_up"].samples[0].value == 1


def test_page_runs_are_timed(ctx, make_actor) -> None:
    from tests.ui.apptest import signed_in

    user = make_actor(Role.MANAGER)
    before = _value("ims_page_run_seconds_count", page="home")
    signed_in(auth.login(ctx, user.username, TEST_PASSWORD).actor)
    assert _value("ims_page_run_seconds_count", page="home") == before + 1


def test_query_listener_counts_and_normalises(ctx, make_actor) -> None:
    monitoring.install()
    monitoring.install()  # idempotent: still one count per statement
    with monitoring._lock:  # earlier tests in this process (a demo load) may have filled the slowest 50
        monitoring._slow.clear()
    admin = make_actor(Role.ADMIN)
    before = _value("ims_db_queries_total", verb="select")
    with ctx.sessions.begin() as session:
        session.execute(select(User.id).where(User.username == "secret-name-42", User.id.in_([7, 8, 9])))
        session.execute(text("SELECT  'literal value',\n 12345"))
    assert _value("ims_db_queries_total", verb="select") == before + 2
    shapes = set(monitoring.slow_queries(actor=admin, limit=50)["statement"])
    assert "SELECT ?, ?" in shapes
    assert not any("secret-name" in s or "12345" in s or "literal" in s for s in shapes)
    assert any("IN (?...)" in s and "users.username = ?" in s for s in shapes)


def test_normalise_statement() -> None:
    shape = monitoring.normalise_statement
    assert (
        shape("SELECT a FROM t WHERE x = %s AND y IN (%s, %s)")
        == "SELECT a FROM t WHERE x = ? AND y IN (?...)"
    )
    assert (
        shape("select * from t1 where name = 'O''Brien' and n = -3.5 and p = :p_1")
        == "select * from t1 where name = ? and n = ? and p = ?"
    )
    assert shape("UPDATE t SET v = %(v)s\n\n   WHERE id = 10") == "UPDATE t SET v = ? WHERE id = ?"


def test_sign_in_activity_per_hour(ctx, make_actor, monkeypatch) -> None:
    admin = make_actor(Role.ADMIN)
    rows = [("login", NOW - timedelta(hours=2)), ("login", NOW - timedelta(hours=25)), ("logout", NOW)]
    rows += [("login_failed", NOW - timedelta(minutes=m)) for m in range(5)] + [("lockout", NOW)]
    with ctx.sessions.begin() as session:
        session.add_all(AuditEntry(actor_id=None, action=a, entity="user", at=at) for a, at in rows)
    monkeypatch.setattr(clock, "now", lambda: NOW)
    activity = monitoring.login_activity(ctx, actor=admin)
    assert len(activity) == 24 * 3
    counts = {(h.hour, a): n for h, a, n in activity.itertuples(index=False) if n}
    assert counts == {(8, "login"): 1, (10, "login_failed"): 5, (10, "lockout"): 1}


def test_health(ctx, make_actor) -> None:
    admin = make_actor(Role.ADMIN)
    make_actor(Role.STAFF, "malee")
    auth.login(ctx, "malee", TEST_PASSWORD)
    with pytest.raises(AuthError):
        auth.login(ctx, "malee", "not the right password")
    health = monitoring.health(ctx, actor=admin)
    assert health.db_up and health.db_latency_ms is not None and health.active_sessions == 1
    assert health.cache_latency_ms is not None and health.cache_up
    with pytest.raises(PermissionDenied):
        monitoring.health(ctx, actor=make_actor(Role.MANAGER))
