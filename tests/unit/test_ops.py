"""Operations: settings for production, readiness checks, JSON logs without secrets, incidents in the
database, and the `manage.py` commands (check, revoke-sessions, migrate) on both back ends."""

from __future__ import annotations

import io
import json
import logging
from dataclasses import replace
from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select, text

import manage
from core import auth, clock, ops
from core.bootstrap import SchemaOutOfDate, ensure_schema
from core.config import Settings
from core.context import AppContext
from core.errors import AuthError, PermissionDenied
from db.migrate import downgrade, head_revision, upgrade
from db.models import AuditEntry, Incident, Role, UserSession
from tests.conftest import TEST_PASSWORD
from tests.integration.throwaway_mariadb import _free_port

SECRET = "x" * 40


def _settings(tmp_path, **fields) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(data_dir=tmp_path, secret_key=SECRET, **fields)


# --- settings -------------------------------------------------------------------------------------


def test_auto_migrate_is_on_in_development_and_off_in_production(tmp_path) -> None:
    assert _settings(tmp_path).auto_migrate is True
    assert _settings(tmp_path, app_env="test").auto_migrate is True
    assert _settings(tmp_path, app_env="production").auto_migrate is False
    assert _settings(tmp_path, app_env="production", auto_migrate=True).auto_migrate is True


def test_production_behind_a_proxy_needs_the_proxy_addresses(tmp_path) -> None:
    with pytest.raises(ValidationError, match="FORWARDED_ALLOW_IPS"):
        _settings(tmp_path, app_env="production", behind_proxy=True)
    ok = _settings(
        tmp_path, app_env="production", behind_proxy=True, forwarded_allow_ips="10.0.0.5, 10.1.0.0/16"
    )
    assert [str(n) for n in ok.trusted_proxies] == ["10.0.0.5/32", "10.1.0.0/16"]
    with pytest.raises(ValidationError, match="not an address"):
        _settings(tmp_path, forwarded_allow_ips="nginx.local")


def test_each_process_has_a_replica_id(tmp_path) -> None:
    assert _settings(tmp_path).replica_id and _settings(tmp_path, replica_id="app-2").replica_id == "app-2"


# --- readiness ------------------------------------------------------------------------------------


def test_ready_when_database_cache_and_schema_are_fine(ctx: AppContext) -> None:
    checks = {c.name: c for c in ops.readiness(ctx)}
    assert all(c.ok for c in checks.values()), checks
    assert checks["schema"].detail == head_revision()


def test_not_ready_when_redis_does_not_answer(ctx: AppContext) -> None:
    from core.cache import make_cache

    dead = f"redis://127.0.0.1:{_free_port()}/0"
    broken = replace(
        ctx, settings=ctx.settings.model_copy(update={"redis_url": dead}), cache=make_cache(dead, timeout=0.2)
    )
    checks = {c.name: c for c in ops.readiness(broken)}
    assert not checks["redis"].ok and checks["database"].ok and checks["schema"].ok


def test_not_ready_when_the_database_is_unreachable(tmp_path) -> None:
    from core.context import build_context

    settings = _settings(
        tmp_path, app_env="test", database_url=f"mysql+pymysql://root@127.0.0.1:{_free_port()}/none"
    )
    ctx = build_context(settings)
    checks = {c.name: c for c in ops.readiness(ctx)}
    assert not checks["database"].ok and not checks["schema"].ok
    ctx.db.engine.dispose()


def test_an_out_of_date_schema_is_refused_with_the_command_to_run(tmp_path) -> None:
    from core.context import build_context

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0007")
    settings = _settings(tmp_path, app_env="production", bcrypt_rounds=12, database_url=url)
    ctx = build_context(settings)
    state = ops.schema_check(ctx)
    assert not state.ok and "0007" in state.detail and "python manage.py migrate" in state.detail
    with pytest.raises(SchemaOutOfDate, match=r"python manage\.py migrate"):
        ensure_schema(ctx)
    upgrade(url)
    ensure_schema(ctx)  # now current: served
    ctx.db.engine.dispose()


def test_production_secret_checks(tmp_path) -> None:
    settings = _settings(tmp_path, app_env="production", metrics_token="short")
    failed = {c.name for c in ops.secret_checks(settings, {}) if not c.ok}
    assert failed == {"cookie_secret", "metrics_token"}
    good = {"STREAMLIT_SERVER_COOKIE_SECRET": "c" * 40}
    assert all(c.ok for c in ops.secret_checks(_settings(tmp_path, app_env="production"), good))


# --- logs -----------------------------------------------------------------------------------------


@pytest.fixture
def json_log():  # type: ignore[no-untyped-def]
    """Everything logged during the test, as the JSON handler writes it."""
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = ops.logs.configure(replica="replica-a", level="DEBUG", stream=stream)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def _lines(stream: io.StringIO) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_every_line_is_json_with_the_fields(json_log) -> None:
    with ops.logs.bound(request_id="req-1", user_id=7):
        logging.getLogger("ims.test").info("one thing happened")
    (line,) = [x for x in _lines(json_log) if x["logger"] == "ims.test"]
    assert set(ops.logs.FIELDS) <= set(line)
    assert (line["level"], line["replica"], line["request_id"], line["user_id"], line["event"]) == (
        "INFO",
        "replica-a",
        "req-1",
        7,
        "one thing happened",
    )
    assert line["time"].endswith("+00:00")


def test_secrets_never_reach_the_log(ctx: AppContext, make_actor, json_log) -> None:
    make_actor(Role.STAFF, "logged")
    log = logging.getLogger("ims.test")
    log.info("login password=%s", "hunter2-secret")
    log.warning("headers: Authorization: Bearer tok-abc.def Cookie: ims_session=cookie-value-123")
    log.info('payload {"token": "api-token-xyz", "ticket": "tick-999"}')
    log.info("plain", extra={"password": "extra-secret", "session_token": "extra-token"})
    with pytest.raises(AuthError):
        auth.login(ctx, "logged", "a wrong passphrase value")
    result = auth.login(ctx, "logged", TEST_PASSWORD)
    # Statements with their parameters: SQLAlchemy's own loggers stay quiet even at DEBUG.
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)
    ops.logs.configure(replica="replica-a", level="DEBUG", stream=json_log)
    with ctx.sessions.begin() as session:
        session.execute(text("SELECT :p"), {"p": "sql-parameter-secret"})
    out = json_log.getvalue()
    for secret in (
        "hunter2-secret",
        "tok-abc.def",
        "cookie-value-123",
        "api-token-xyz",
        "tick-999",
        "extra-secret",
        "extra-token",
        "a wrong passphrase value",
        TEST_PASSWORD,
        result.ticket,
        "sql-parameter-secret",
    ):
        assert secret not in out, secret
    assert "[redacted]" in out


# --- incidents ------------------------------------------------------------------------------------


def _fail() -> ZeroDivisionError:
    try:
        1 / 0  # noqa: B018
    except ZeroDivisionError as exc:
        return exc
    raise AssertionError


def test_an_incident_recorded_on_one_replica_is_found_on_another(
    ctx: AppContext, make_actor, json_log
) -> None:
    admin = make_actor(Role.ADMIN)
    replica_a = replace(ctx, settings=ctx.settings.model_copy(update={"replica_id": "app-a"}))
    replica_b = replace(ctx, settings=ctx.settings.model_copy(update={"replica_id": "app-b"}))
    incident = ops.new_id()
    ops.record_incident(replica_a, incident=incident, error=_fail(), page="progress", user_id=admin.user_id)
    found = ops.find_incident(replica_b, actor=admin, incident=f"  {incident.upper()} ")
    row = found.iloc[0]
    assert (row["incident"], row["replica"], row["page"], row["user_id"], row["kind"]) == (
        incident,
        "app-a",
        "progress",
        admin.user_id,
        "ZeroDivisionError",
    )
    assert len(row["trace_hash"]) == 64
    assert ops.recent_incidents(replica_b, actor=admin).iloc[0]["incident"] == incident
    # The full trace is in the log only, under the incident id.
    logged = [x for x in _lines(json_log) if x.get("incident_id") == incident]
    assert logged and "ZeroDivisionError" in logged[0]["exc_info"]
    with ctx.sessions.begin() as session:
        stored = session.get(Incident, incident)
        assert stored is not None and "Traceback" not in repr(vars(stored))


def test_find_incident_takes_hostile_input_and_needs_monitoring(ctx: AppContext, make_actor) -> None:
    admin, staff = make_actor(Role.ADMIN), make_actor(Role.STAFF)
    for wanted in ("' OR 1=1 --", "%", "x" * 500, "", "ก" * 12):
        assert ops.find_incident(ctx, actor=admin, incident=wanted).empty
    with pytest.raises(PermissionDenied):
        ops.find_incident(ctx, actor=staff, incident="abc123def456")
    with pytest.raises(PermissionDenied):
        ops.recent_incidents(ctx, actor=staff)


def test_incidents_older_than_the_retention_are_deleted(ctx: AppContext, json_log) -> None:
    days = ctx.settings.incident_retention_days
    with ctx.sessions.begin() as session:
        session.add(
            Incident(
                id="0ld0ld0ld0ld", at=clock.now() - timedelta(days=days + 1), replica="gone", page="",
                user_id=None, error_class="KeyError", trace_hash="0" * 64,
            )
        )  # fmt: skip
    ops.record_incident(ctx, incident=ops.new_id(), error=_fail(), page=None, user_id=None)
    with ctx.sessions.begin() as session:
        ids = set(session.scalars(select(Incident.id)))
    assert "0ld0ld0ld0ld" not in ids and len(ids) == 1


# --- manage.py ------------------------------------------------------------------------------------


@pytest.fixture
def configured(ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> AppContext:
    monkeypatch.setattr(manage, "get_settings", lambda: ctx.settings)
    monkeypatch.setattr(manage, "app_context", lambda: ctx)
    return ctx


def test_check_is_green_on_the_services(configured: AppContext, capsys) -> None:
    assert manage.main(["check"]) == 0
    out = capsys.readouterr().out
    assert "FAIL" not in out and "database" in out and "redis" in out and "schema" in out


def test_check_fails_with_exit_1_and_names_the_check(configured: AppContext, monkeypatch, capsys) -> None:
    old = configured.settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{_free_port()}/0"})
    monkeypatch.setattr(manage, "get_settings", lambda: old)
    assert manage.main(["check"]) == 1
    assert "FAIL redis" in capsys.readouterr().out


def test_check_exit_2_on_invalid_configuration(monkeypatch, capsys) -> None:
    def invalid() -> Settings:
        return Settings(app_env="production", secret_key="changeme")

    monkeypatch.setattr(manage, "get_settings", invalid)
    assert manage.main(["check"]) == 2
    err = capsys.readouterr().err
    assert "SECRET_KEY" in err and "changeme" not in err


def test_revoke_sessions_of_one_user_or_everyone(configured: AppContext, make_actor, capsys) -> None:
    make_actor(Role.STAFF, "one")
    make_actor(Role.STAFF, "two")
    for name in ("one", "one", "two"):
        auth.login(configured, name, TEST_PASSWORD)

    def live() -> int:
        with configured.sessions.begin() as session:
            return len(session.scalars(select(UserSession).where(UserSession.revoked_at.is_(None))).all())

    assert live() == 3
    assert manage.main(["revoke-sessions", "--user", "one"]) == 0
    assert "Ended 2 session(s) of one" in capsys.readouterr().out and live() == 1
    assert manage.main(["revoke-sessions", "--user", "nobody"]) == 1
    assert manage.main(["revoke-sessions"]) == 0 and live() == 0
    with configured.sessions.begin() as session:
        actions = set(session.scalars(select(AuditEntry.action)))
    assert {"session.revoke_user_cli", "session.revoke_all"} <= actions


def test_migrate_command_brings_an_empty_database_to_head(tmp_path, monkeypatch, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    settings = _settings(tmp_path, app_env="production", bcrypt_rounds=12, database_url=url)
    monkeypatch.setattr(manage, "get_settings", lambda: settings)
    assert manage.main(["migrate"]) == 0
    from db.migrate import current_revision

    assert current_revision(url) == head_revision()
    assert manage.main(["migrate", "--downgrade", "0007"]) == 0 and current_revision(url) == "0007"
    downgrade(url, "base")
