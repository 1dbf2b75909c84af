"""The integration API under load: 50 concurrent HTTP clients (httpx) against a real `streamlit run`.

For each endpoint (POST /registrations, GET /registrations, GET /postings with a Thai query, GET
/changes) the row gives p50/p95 of the requests sent by `clients` concurrent clients for `seconds`,
beside the core call the endpoint wraps, timed in process (`raw` columns: the core call's median;
the note has its p95, what one client alone pays over it, the throughput and the errors).

Writes go to a bench-only section of a bench-only course; everything they made is deleted after.
`python -m bench.api_load --database-url URL --clients 10 --seconds 3` runs it alone on any
database with demo data (the full bench runs it on the large set on MariaDB).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import httpx
from sqlalchemy import delete, select

from bench.audit import chain_head_kept
from bench.harness import Row, summarise
from bench.runner import Plan
from bench.web_load import start_server, stop_server
from core import api_clients, postings, registrations
from core.access import SCOPES, Actor, client_actor
from core.context import AppContext
from db.models import (
    ApiClient,
    AuditEntry,
    Course,
    CourseKind,
    CourseSection,
    Registration,
    RegistrationCount,
    Student,
    User,
)

COURSE = "BENCH-API"
YEAR = 2198  # outside every real term
THAI_QUERY = "ฝึกงาน"


@dataclass
class Setup:
    """The bench client (token and actor), its section and the student codes POSTs take in turn."""

    token: str
    actor: Actor
    section_id: int
    codes: Iterator[str]


def _cleanup(ctx: AppContext) -> None:
    with ctx.sessions.begin() as session:
        course = session.scalar(select(Course.id).where(Course.code == COURSE))
        if course is not None:
            sections = select(CourseSection.id).where(CourseSection.course_id == course)
            regs = [
                str(i)
                for i in session.scalars(select(Registration.id).where(Registration.section_id.in_(sections)))
            ]
            for start in range(0, len(regs), 5000):
                chunk = regs[start : start + 5000]
                session.execute(delete(AuditEntry).where(AuditEntry.entity == "registration",
                                                         AuditEntry.entity_id.in_(chunk)))  # fmt: skip
            session.execute(
                delete(Registration).where(Registration.section_id.in_(sections))
            )  # events cascade
            session.execute(delete(RegistrationCount).where(RegistrationCount.section_id.in_(sections)))
            session.execute(delete(CourseSection).where(CourseSection.course_id == course))
            session.execute(delete(Course).where(Course.id == course))
        bench_clients = select(ApiClient.id).where(ApiClient.name.like("bench api %"))
        ids = [str(i) for i in session.scalars(bench_clients)]
        session.execute(delete(AuditEntry).where(AuditEntry.client_id.in_(bench_clients)))
        session.execute(
            delete(AuditEntry).where(AuditEntry.entity == "api_client", AuditEntry.entity_id.in_(ids))
        )
        session.execute(delete(ApiClient).where(ApiClient.name.like("bench api %")))
    ctx.cache.bump("registrations", "courses", "lookups")


def _setup(ctx: AppContext) -> Setup:
    _cleanup(ctx)
    with ctx.sessions.begin() as session:
        admin = session.scalars(select(User).where(User.username == "admin")).one()
        course = Course(
            code=COURSE, name_th="ทดสอบ API", name_en="API bench", credits=3, kind=CourseKind.INTERNSHIP
        )
        session.add(course)
        session.flush()
        section = CourseSection(
            course_id=course.id, section="A1", semester=1, academic_year=YEAR, capacity=10**6
        )
        session.add(section)
        session.flush()
        codes = list(session.scalars(select(Student.student_code).order_by(Student.id)))
        admin_actor = Actor(admin.id, admin.username, admin.full_name, admin.role)
        section_id = section.id
    name = f"bench api {time.time_ns()}"
    issued = api_clients.create_client(
        ctx, actor=admin_actor, name=name, scopes=list(SCOPES), expires_on=None, rate_per_s=1000, burst=2000
    )
    actor = client_actor(issued.client_id, issued.name, SCOPES)
    return Setup(issued.token, actor, section_id, iter(codes))


def _core_calls(ctx: AppContext, s: Setup, after: str) -> dict[str, Callable[[], object]]:
    def enter() -> object:
        request = registrations.IntakeRequest(student_code=next(s.codes), section_id=s.section_id)
        made = registrations.enter_registration(ctx, actor=s.actor, request=request)
        return registrations.get_record(ctx, actor=s.actor, registration_id=made.registration_id)

    search = postings.PostingQuery(query=THAI_QUERY)
    return {
        "POST /registrations": enter,
        "GET /registrations": partial(registrations.list_records, ctx, actor=s.actor, limit=50),
        "GET /postings (Thai)": partial(postings.search_postings, ctx, actor=s.actor, search=search),
        "GET /changes": partial(registrations.list_changes, ctx, actor=s.actor, after=after, limit=100),
    }


def _requests(s: Setup, after: str) -> dict[str, Callable[[], tuple[str, str, dict[str, Any]]]]:
    def post() -> tuple[str, str, dict[str, Any]]:
        return (
            "POST",
            "/api/v1/registrations",
            {"json": {"student_code": next(s.codes), "section_id": s.section_id}},
        )

    return {
        "POST /registrations": post,
        "GET /registrations": lambda: ("GET", "/api/v1/registrations", {"params": {"limit": 50}}),
        "GET /postings (Thai)": lambda: ("GET", "/api/v1/postings", {"params": {"q": THAI_QUERY}}),
        "GET /changes": lambda: ("GET", "/api/v1/changes", {"params": {"after": after, "limit": 100}}),
    }


def _timed(call: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        out.append(time.perf_counter() - started)
    return out


async def _load(url: str, token: str, make: Callable[[], tuple[str, str, dict[str, Any]]], clients: int,
                seconds: float) -> tuple[list[float], list[str]]:  # fmt: skip
    timings: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + seconds
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=30) as http:

        async def client() -> None:
            while time.monotonic() < deadline:
                method, path, kwargs = make()
                started = time.perf_counter()
                try:
                    answer = await http.request(method, path, **kwargs)
                except httpx.HTTPError as exc:
                    errors.append(type(exc).__name__)
                    continue
                timings.append(time.perf_counter() - started)
                if answer.status_code >= 400:
                    errors.append(str(answer.status_code))

        await asyncio.gather(*(client() for _ in range(clients)))
    return timings, errors


def _one_client(
    url: str, token: str, make: Callable[[], tuple[str, str, dict[str, Any]]], runs: int
) -> list[float]:
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:

        def call() -> object:
            method, path, kwargs = make()
            return http.request(method, path, **kwargs)

        call()  # the connection opens outside the timing
        return _timed(call, runs)


def _api_rows(ctx: AppContext, plan: Plan, redis_url: str | None, clients: int, seconds: float) -> list[Row]:
    """p50/p95 of each endpoint under `clients` concurrent clients, beside the core call it wraps."""
    s = _setup(ctx)
    after = ""  # the feed from its start: one range read on the sequence number, as from any cursor
    process, url = start_server(ctx.settings.database_url or "", redis_url, ctx.settings.data_dir)
    rows: list[Row] = []
    try:
        cores, requests = _core_calls(ctx, s, after), _requests(s, after)
        for name, make in requests.items():
            print(f"  api {name}", flush=True)
            _timed(cores[name], 3)  # warm the connection pool and caches
            core = summarise(_timed(cores[name], plan.runs))
            alone = summarise(_one_client(url, s.token, make, plan.runs))
            timings, errors = asyncio.run(_load(url, s.token, make, clients, seconds))
            load = summarise(timings)
            added = alone.median_ms - core.median_ms
            note = (f"core p95 {core.p95_ms:.1f} ms; one client adds {added:.1f} ms; "
                    f"{len(timings) / seconds:.0f} req/s; {len(errors)} errors"
                    + (f" ({', '.join(sorted(set(errors))[:3])})" if errors else ""))  # fmt: skip
            rows.append(Row(plan.backend, f"api {name}, {clients} clients", "api", load.runs, load.median_ms,
                            load.p95_ms, core.median_ms, load.median_ms / core.median_ms, note))  # fmt: skip
    finally:
        stop_server(process)
        _cleanup(ctx)
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the API rows alone against a database that holds demo data."""
    from bench.cases import run_alone

    parser = argparse.ArgumentParser(prog="python -m bench.api_load", description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    return run_alone(
        args.database_url,
        args.redis_url,
        lambda ctx, backend: api_rows(
            ctx, Plan(backend, args.runs), args.redis_url, args.clients, args.seconds
        ),
    )


if __name__ == "__main__":
    raise SystemExit(main())


def api_rows(ctx: AppContext, plan: Plan, redis_url: str | None, clients: int, seconds: float) -> list[Row]:
    """Each endpoint under `clients` concurrent clients; the data, audit chain head included, as it was."""
    with chain_head_kept(ctx):
        return _api_rows(ctx, plan, redis_url, clients, seconds)
