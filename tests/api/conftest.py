"""The integration API in process: the app's own routes (web.routes) behind Starlette's test client."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

import web
from core import api_clients, clock
from core.access import SCOPES, Actor
from core.context import AppContext
from tests import factories as f


@dataclass
class World:
    """A term's section with room for two, its students, an advisor, a posting, and an admin."""

    ctx: AppContext
    admin: Actor
    section_id: int
    course_code: str
    students: list[str]
    advisor: str
    posting_id: int


@pytest.fixture
def http(ctx: AppContext) -> Iterator[TestClient]:
    """A test client for the app's HTTP routes (the API included), on this test's database."""
    api_clients.limits._limiters.clear()  # a fresh limiter (and Redis URL) per test
    with TestClient(Starlette(routes=web.routes(), middleware=web.middleware())) as client:
        yield client
    for limiter in api_clients.limits._limiters.values():
        limiter.close()
    api_clients.limits._limiters.clear()


@pytest.fixture
def world(ctx: AppContext, make_actor) -> World:  # type: ignore[no-untyped-def]
    admin = make_actor("admin")
    make_actor("advisor", "adv.api")
    with ctx.sessions.begin() as s:
        program = f.program(s)
        course = f.course(s, code="CPE-401")
        section = f.section(s, course, section="01", capacity=2, academic_year=2026, semester=1)
        codes = [f"650000{i:04d}" for i in range(4)]
        for code in codes:
            f.student(s, program, student_code=code)
        posting = f.posting(s, slots=1, period=(date(2026, 6, 1), date(2026, 9, 30)))
    return World(ctx, admin, section, "CPE-401", codes, "adv.api", posting)


def token(world: World, *scopes: str, rate: int = 1000, burst: int = 1000, days: int | None = 30) -> str:
    """A new client's token with these scopes (all of them when none is named)."""
    issued = api_clients.create_client(
        world.ctx,
        actor=world.admin,
        name=f"client {len(scopes)} {clock.now().timestamp()}",
        scopes=list(scopes or SCOPES),
        expires_on=clock.now().date() + timedelta(days=days) if days else None,
        rate_per_s=rate,
        burst=burst,
    )
    return issued.token


def bearer(value: str) -> dict[str, str]:
    """The Authorization header for a token."""
    return {"Authorization": f"Bearer {value}"}
