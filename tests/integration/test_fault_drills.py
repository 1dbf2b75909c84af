"""Fault drills on real MariaDB and Redis. Each ends with one invariant check: every success the
user saw is stored exactly once, every failure left no trace, audit rows = committed changes."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import event, func, select, text

from core import auth
from core import registrations as home
from core import registrations as workflow
from core.cache import make_cache
from core.context import AppContext
from core.errors import AuthError
from db.models import AuditEntry, Registration, RegistrationEvent, RegistrationStatus, Role
from tests import factories
from tests.conftest import TEST_PASSWORD, mariadb_only

# The drills break MariaDB connections and Redis: no SQLite variant is made.
ctx = pytest.fixture(name="ctx")(mariadb_only)


def _submitted(ctx: AppContext, advisor_id: int) -> int:
    with ctx.sessions.begin() as s:
        return factories.registration(s, advisor_id=advisor_id)


def _invariants(ctx: AppContext, reg_id: int) -> tuple[str, int, int, int]:
    """(status, version, timeline events, transition audit rows) for one registration."""
    with ctx.sessions.begin() as s:
        reg = s.get(Registration, reg_id)
        assert reg is not None
        events = s.scalar(select(func.count()).where(RegistrationEvent.registration_id == reg_id)) or 0
        audits = (
            s.scalar(
                select(func.count()).where(
                    AuditEntry.entity == "registration",
                    AuditEntry.entity_id == str(reg_id),
                    AuditEntry.action.like("registration.%"),
                )
            )
            or 0
        )
        return reg.status.value, reg.version, int(events), int(audits)


def test_connection_killed_mid_status_change_applies_once(ctx: AppContext, make_actor) -> None:
    admin = make_actor(Role.ADMIN, "drill_admin")
    reg_id = _submitted(ctx, admin.user_id)
    killed: list[int] = []

    def kill_once(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        if not killed and statement.lstrip().upper().startswith("INSERT INTO REGISTRATION_EVENTS"):
            connection_id = conn.exec_driver_sql("SELECT CONNECTION_ID()").scalar()
            with ctx.db.engine.connect() as other:
                other.exec_driver_sql(f"KILL {int(connection_id)}")
            killed.append(int(connection_id))

    event.listen(ctx.db.engine, "before_cursor_execute", kill_once)
    try:
        result = workflow.transition(ctx, actor=admin, registration_id=reg_id, action="approve")
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", kill_once)
    assert killed, "the drill did not fire"
    assert result.status == RegistrationStatus.ADVISOR_APPROVED.value
    # Invariant: applied exactly once — one new event, one audit row, version advanced by one.
    assert _invariants(ctx, reg_id) == ("advisor_approved", 2, 2, 1)


def test_pool_recovers_after_every_connection_is_dropped(ctx: AppContext, make_actor) -> None:
    """What a database restart between requests looks like to the pool: all its connections die."""
    coordinator = make_actor(Role.COORDINATOR, "drill_coord")
    assert home.headline_counts(ctx, actor=coordinator).registrations == 0
    with ctx.db.engine.connect() as conn:
        ids = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT id FROM information_schema.PROCESSLIST WHERE db = DATABASE() AND id <> CONNECTION_ID()"
            )
        ]
        for pid in ids:
            conn.exec_driver_sql(f"KILL {int(pid)}")
    ctx.cache.bump("registrations")
    _submitted(ctx, coordinator.user_id)  # pool_pre_ping replaces the dead connections
    assert home.headline_counts(ctx, actor=coordinator).registrations == 1


@pytest.fixture
def black_hole() -> Iterator[int]:
    """A TCP port that accepts connections and never answers (a hung Redis)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join(timeout=2)
    for conn in held:
        conn.close()
    server.close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("redis_kind", ["black_hole", "closed_port"])
def test_broken_redis_never_reaches_users(ctx: AppContext, make_actor, black_hole, redis_kind) -> None:
    port = black_hole if redis_kind == "black_hole" else _closed_port()
    broken = AppContext(
        settings=ctx.settings,
        db=ctx.db,
        cache=make_cache(f"redis://127.0.0.1:{port}/0", timeout=0.3, breaker_cooldown=30),
    )
    coordinator = make_actor(Role.COORDINATOR, "drill_redis")
    _submitted(ctx, coordinator.user_id)
    started = time.monotonic()
    for _ in range(5):  # the breaker opens after the first timeout: later calls skip Redis
        assert home.headline_counts(broken, actor=coordinator).registrations == 1
    assert time.monotonic() - started < 1.0 + 0.5  # < 1 s added in all, plus the queries themselves
    _submitted(ctx, coordinator.user_id)
    broken.cache.bump("registrations")
    assert home.headline_counts(broken, actor=coordinator).registrations == 2  # fresh, not stale
    make_actor(Role.STAFF, "drill_lock")
    for _ in range(5):
        with pytest.raises(AuthError, match="Invalid"):
            auth.login(broken, "drill_lock", "a wrong password here")
    with pytest.raises(AuthError, match="Too many"):
        auth.login(broken, "drill_lock", TEST_PASSWORD)  # lockout lives in the database


def test_lock_wait_timeout_is_retried(ctx: AppContext, make_actor) -> None:
    """Another transaction holds the row past innodb_lock_wait_timeout once; the action still applies once."""
    admin = make_actor(Role.ADMIN, "drill_lockwait")
    reg_id = _submitted(ctx, admin.user_id)
    holder = ctx.db.engine.connect()
    trans = holder.begin()
    holder.execute(text("SELECT id FROM registrations WHERE id = :id FOR UPDATE"), {"id": reg_id})
    released = threading.Timer(1.5, trans.rollback)

    def short_wait(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("SET SESSION innodb_lock_wait_timeout = 1")

    event.listen(ctx.db.engine, "begin", short_wait)
    released.start()
    try:
        result = workflow.transition(ctx, actor=admin, registration_id=reg_id, action="approve")
    finally:
        event.remove(ctx.db.engine, "begin", short_wait)
        released.join()
        holder.close()
    assert result.status == "advisor_approved"
    assert _invariants(ctx, reg_id) == ("advisor_approved", 2, 2, 1)
