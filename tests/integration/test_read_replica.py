"""A private MariaDB primary and GTID replica (two mariadbd on free loopback ports, temp data dirs):
read-only dashboard queries go to the replica; a stopped, paused or lagging replica is skipped
without an error; a user's own change is read back from the primary at once."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, event, text

from core import progress
from core.access import Actor
from core.cache import make_cache
from core.config import Settings
from core.context import AppContext, acting_user, build_context, set_context
from core.progress import ProgressFilters
from db.migrate import upgrade
from db.models import Role, User
from tests import factories
from tests.backends import REQUIRE_SERVICES
from tests.conftest import TEST_PASSWORD
from tests.integration.throwaway_mariadb import ThrowawayMariaDB
from tests.ui.apptest import signed_in, texts

WAIT_S = 60


@dataclass
class Pair:
    """The two servers, the context reading through them, and statement counters per engine."""

    primary: ThrowawayMariaDB
    replica: ThrowawayMariaDB
    ctx: AppContext
    statements: dict[str, int]

    def admin(self, sql: str) -> None:
        """Run one statement on the replica's server as root (replication control)."""
        engine = create_engine(self.replica.url.replace("/ims?", "/mysql?"))
        with engine.begin() as conn:
            conn.execute(text(sql))
        engine.dispose()

    def fresh_reads(self) -> None:
        """Forget cached values, so the next read goes to a database."""
        self.ctx.cache.close()


def _count(engine: Engine, name: str, statements: dict[str, int]) -> None:
    def before(*_: object) -> None:
        statements[name] += 1

    event.listen(engine, "before_cursor_execute", before)


def _wait_for(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {WAIT_S} s")


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    if not Path("/usr/sbin/mariadbd").exists() or shutil.which("mariadb-install-db") is None:
        if REQUIRE_SERVICES:
            pytest.fail("REQUIRE_SERVICES=1 but mariadbd / mariadb-install-db are missing")
        pytest.skip("MariaDB server binaries are not installed")
    tmp = tmp_path_factory.mktemp("replication")
    primary = ThrowawayMariaDB(
        tmp / "primary",
        server_args=["--server-id=1", f"--log-bin={tmp / 'primary' / 'bin'}", "--binlog-format=ROW"],
    )
    replica = ThrowawayMariaDB(tmp / "replica", server_args=["--server-id=2", "--skip-log-bin"])
    for server in (primary, replica):
        (server.root).mkdir(parents=True, exist_ok=True)
        server.install()
        server.start()
    try:
        root = create_engine(primary.url.replace("/ims?", "/mysql?"))
        with root.begin() as conn:
            conn.execute(text("CREATE DATABASE ims CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
        root.dispose()
        settings = Settings(
            app_env="test", data_dir=tmp, database_url=primary.url, database_replica_url=replica.url,
            replica_max_lag_s=2, read_your_writes_s=60, secret_key="r" * 40, bcrypt_rounds=4,
            default_language="en",
        )  # fmt: skip
        pair = Pair(primary, replica, None, {"primary": 0, "replica": 0})  # type: ignore[arg-type]
        pair.admin(
            f"CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT={primary.port}, MASTER_USER='root', "
            "MASTER_PASSWORD='', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1"
        )
        pair.admin("START SLAVE")
        upgrade(primary.url)
        ctx = build_context(settings)
        ctx = AppContext(settings=settings, db=ctx.db, cache=make_cache(None), replica=ctx.replica)
        assert ctx.replica is not None
        _count(ctx.db.engine, "primary", pair.statements)
        _count(ctx.replica.db.engine, "replica", pair.statements)
        pair.ctx = ctx
        _wait_for(lambda: ctx.replica_state().usable, "replication catching up")
        set_context(ctx)
        yield pair
    finally:
        set_context(None)
        replica.stop()
        primary.stop()


def _manager(pair: Pair) -> Actor:
    from core import auth
    from core.auth.passwords import hash_password

    with pair.ctx.sessions.begin() as s:
        if s.query(User).filter_by(username="boss").first() is None:
            s.add(User(username="boss", full_name="Boss", email="b@example.ac.th", role=Role.MANAGER,
                       password_hash=hash_password(TEST_PASSWORD, 4)))  # fmt: skip
    _wait_for(lambda: pair.ctx.replica_state().usable, "the user reaching the replica")
    return auth.login(pair.ctx, "boss", TEST_PASSWORD).actor


def _total(pair: Pair, user_id: int | None) -> int:
    """The progress funnel's first stage (every registration) as `user_id` reads it (cache emptied)."""
    pair.fresh_reads()
    reader = _READER.get("manager") or _manager(pair)
    _READER["manager"] = reader
    token = acting_user.set(user_id)
    try:
        frame = progress.funnel(pair.ctx, actor=reader, filters=ProgressFilters())
    finally:
        acting_user.reset(token)
    return int(frame["reached"].iloc[0])


_READER: dict[str, Actor] = {}


def test_the_progress_page_reads_from_the_replica(pair: Pair) -> None:
    manager = _manager(pair)
    with pair.ctx.sessions.begin() as s:
        factories.registration(s)
    _wait_for(lambda: pair.ctx.replica_state().usable, "replication")
    pair.fresh_reads()
    before = dict(pair.statements)
    at = signed_in(manager, "pages/progress.py")
    assert not at.exception, at.exception
    assert pair.statements["replica"] > before["replica"]  # the dashboard's queries went there
    assert "Registrations" in texts(at) or at.metric
    pair.fresh_reads()
    before = dict(pair.statements)
    at = signed_in(manager, "pages/placement_stats.py")  # the managers' other dashboard
    assert not at.exception, at.exception
    assert pair.statements["replica"] > before["replica"]


def test_a_users_own_change_shows_at_once(pair: Pair) -> None:
    manager = _manager(pair)
    other = None
    shown = _total(pair, other)
    with pair.ctx.change(manager) as change:  # the user's own write, through the primary
        factories.registration(change.session)
    before = pair.statements["replica"]
    assert _total(pair, manager.user_id) == shown + 1  # read back from the primary at once
    assert pair.statements["replica"] == before
    _wait_for(lambda: _total(pair, other) == shown + 1, "the replica applying the change")
    assert pair.statements["replica"] > before  # everyone else reads the replica


def test_replication_paused_or_lagging_means_the_primary_serves(pair: Pair) -> None:
    _manager(pair)
    pair.admin("STOP SLAVE SQL_THREAD")  # paused: nothing is applied any more
    try:
        state = pair.ctx.replica_state()
        assert (state.usable, state.reason) == (False, "stopped")
        before = pair.statements["replica"]
        with pair.ctx.sessions.begin() as s:
            factories.registration(s)
        expected = _total(pair, None)
        assert pair.statements["replica"] == before  # skipped, no error
        assert expected == _total(pair, None)
    finally:
        pair.admin("START SLAVE SQL_THREAD")
    _wait_for(lambda: pair.ctx.replica_state().usable, "replication resuming")
    # Running but far behind: the SQL thread holds every event back for 60 s.
    pair.admin("STOP SLAVE")
    pair.admin("CHANGE MASTER TO MASTER_DELAY=60")
    pair.admin("START SLAVE")
    try:
        with pair.ctx.sessions.begin() as s:
            factories.registration(s)
        _wait_for(lambda: pair.ctx.replica_state().reason == "lagging", "the lag growing past the limit")
        before = pair.statements["replica"]
        _total(pair, None)
        assert pair.statements["replica"] == before
    finally:
        pair.admin("STOP SLAVE")
        pair.admin("CHANGE MASTER TO MASTER_DELAY=0")
        pair.admin("START SLAVE")
    _wait_for(lambda: pair.ctx.replica_state().usable, "replication catching up again")


def test_a_stopped_replica_is_skipped_and_shown_on_monitoring(pair: Pair) -> None:
    manager = _manager(pair)
    pair.replica.stop()
    assert pair.ctx.replica_state().reason == "down"
    with pair.ctx.sessions.begin() as s:
        factories.registration(s)
    count = _total(pair, None)  # no error: the primary answered
    assert count >= 1
    at = signed_in(manager, "pages/progress.py")
    assert not at.exception, at.exception
    admin = _admin(pair)
    at = signed_in(admin, "pages/monitoring.py")
    assert not at.exception, at.exception
    assert "Read replica (dashboards, search, exports): skipped: not answering" in texts(at)


def _admin(pair: Pair) -> Actor:
    from core import auth
    from core.auth.passwords import hash_password

    with pair.ctx.sessions.begin() as s:
        if s.query(User).filter_by(username="root_admin").first() is None:
            s.add(User(username="root_admin", full_name="Admin", email="a@example.ac.th", role=Role.ADMIN,
                       password_hash=hash_password(TEST_PASSWORD, 4)))  # fmt: skip
    return auth.login(pair.ctx, "root_admin", TEST_PASSWORD).actor
