"""The API on two `streamlit run` replicas sharing MariaDB and Redis: a revoked token is refused at once on
both, one Idempotency-Key sent to both at the same moment makes one registration, the rate limit holds
across them, and with Redis down each replica still limits on its own."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from core import api_clients
from core.access import SCOPES, Actor
from core.cache import make_cache
from core.config import Settings
from core.context import AppContext
from db.engine import make_database
from db.migrate import downgrade, upgrade
from db.models import Registration, RegistrationEvent, Role, Student, User
from tests import factories as f
from tests.backends import ensure_mysql_database, flush_redis, service_url
from tests.e2e.conftest import Server, start_server, stop_server


@dataclass
class Replicas:
    """Two servers on one database, the context to seed and check it, and an admin to issue tokens."""

    a: Server
    b: Server
    ctx: AppContext
    admin: Actor
    section_id: int
    students: list[str]


def _urls() -> tuple[str, str]:
    head, _, query = (service_url("TEST_DATABASE_URL") or "").partition("?")
    server, name = head.rsplit("/", 1)
    return ensure_mysql_database(f"{server}/{name}_api" + (f"?{query}" if query else "")), service_url(
        "TEST_REDIS_URL"
    ) or ""


def _dead_redis() -> str:
    with socket.socket() as s:  # a port nobody listens on: every Redis call fails at once
        s.bind(("127.0.0.1", 0))
        return f"redis://127.0.0.1:{s.getsockname()[1]}/0"


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replicas]:
    db_url, redis_url = _urls()
    downgrade(db_url, "base")
    upgrade(db_url)
    flush_redis(redis_url)
    ctx = AppContext(
        settings=Settings(database_url=db_url, secret_key="x" * 40, bcrypt_rounds=4, app_env="test"),
        db=make_database(db_url),
        cache=make_cache(redis_url),
    )
    with ctx.sessions.begin() as s:
        admin = User(username="api.admin", full_name="ผู้ดูแล", role=Role.ADMIN, password_hash="!")
        s.add(admin)
        s.flush()
        program = f.program(s)
        section = f.section(s, capacity=100)
        codes = [f.student(s, program) for _ in range(5)]
        students = [s.get_one(Student, c).student_code for c in codes]
    tmp: Path = tmp_path_factory.mktemp("api-replicas")
    a = start_server(tmp / "a", database_url=db_url, redis_url=redis_url, create_admin=False)
    b = start_server(tmp / "b", database_url=db_url, redis_url=redis_url, create_admin=False)
    actor = Actor(admin.id, admin.username, admin.full_name, Role.ADMIN)
    yield Replicas(a, b, ctx, actor, section, students)
    stop_server(a)
    stop_server(b)
    ctx.db.engine.dispose()
    downgrade(db_url, "base")


def _token(r: Replicas, *, rate: int = 1000, burst: int = 1000) -> str:
    name = f"replica client {time.monotonic_ns()}"
    issued = api_clients.create_client(r.ctx, actor=r.admin, name=name, scopes=list(SCOPES), expires_on=None,
                                       rate_per_s=rate, burst=burst)  # fmt: skip
    return issued.token


def _get(url: str, token: str) -> int:
    return httpx.get(
        f"{url}/api/v1/changes", headers={"Authorization": f"Bearer {token}"}, timeout=10
    ).status_code


def test_a_revoked_token_is_refused_at_once_on_both_replicas(replicas: Replicas) -> None:
    token = _token(replicas)
    assert (_get(replicas.a.url, token), _get(replicas.b.url, token)) == (200, 200)
    client_id = next(c.id for c in api_clients.list_clients(replicas.ctx, actor=replicas.admin)
                     if c.token_prefix == token[:12])  # fmt: skip
    api_clients.revoke_client(replicas.ctx, actor=replicas.admin, client_id=client_id)
    assert (_get(replicas.a.url, token), _get(replicas.b.url, token)) == (401, 401)


def test_one_key_sent_to_both_replicas_at_once_makes_one_registration(replicas: Replicas) -> None:
    token = _token(replicas)
    body = {"student_code": replicas.students[0], "section_id": replicas.section_id}
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "walk-in-7"}
    start = threading.Barrier(2)
    answers: list[httpx.Response] = []

    def post(url: str) -> None:
        start.wait()
        answers.append(httpx.post(f"{url}/api/v1/registrations", json=body, headers=headers, timeout=30))

    threads = [threading.Thread(target=post, args=(u,)) for u in (replicas.a.url, replicas.b.url)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in answers) == [201, 201], [r.text for r in answers]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    with replicas.ctx.sessions.begin() as s:
        regs = s.scalar(select(func.count()).select_from(Registration))
        events = s.scalar(
            select(func.count()).where(RegistrationEvent.registration_id == answers[0].json()["id"])
        )
    assert (regs, events) == (1, 1)


def _burst(urls: list[str], token: str, requests: int) -> tuple[dict[str, int], float]:
    """Send `requests` requests round-robin over `urls`; return the 200s per URL and the seconds taken."""
    allowed = dict.fromkeys(urls, 0)
    started = time.monotonic()
    with httpx.Client(timeout=10) as http:
        for n in range(requests):
            url = urls[n % len(urls)]
            status = http.get(
                f"{url}/api/v1/changes", headers={"Authorization": f"Bearer {token}"}
            ).status_code
            assert status in (200, 429)
            allowed[url] += status == 200
    return allowed, time.monotonic() - started


def test_the_rate_limit_holds_across_two_replicas(replicas: Replicas) -> None:
    token = _token(replicas, rate=2, burst=10)
    allowed, seconds = _burst([replicas.a.url, replicas.b.url], token, 60)
    total = sum(allowed.values())
    # One bucket for both: the burst plus what refilled meanwhile (two replicas alone would allow twice).
    assert 10 <= total <= 10 + 2 * seconds + 1, (allowed, seconds)


def test_with_redis_down_each_replica_still_limits_its_own_requests(
    replicas: Replicas, tmp_path_factory: pytest.TempPathFactory
) -> None:
    token = _token(replicas, rate=1, burst=5)
    tmp: Path = tmp_path_factory.mktemp("api-no-redis")
    dead = _dead_redis()
    db_url = replicas.a.database_url
    c = start_server(tmp / "c", database_url=db_url, redis_url=dead, create_admin=False)
    d = start_server(tmp / "d", database_url=db_url, redis_url=dead, create_admin=False)
    try:
        allowed, seconds = _burst([c.url, d.url], token, 40)
    finally:
        stop_server(c)
        stop_server(d)
    for url, count in allowed.items():  # each process its own bucket: limited, never unlimited
        assert 5 <= count <= 5 + seconds + 1, (url, allowed, seconds)
