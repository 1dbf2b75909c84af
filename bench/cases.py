"""The core calls the bench measures, and the bench's application context and actors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core import postings, progress, registrations
from core.access import Actor
from core.cache import Cache, make_cache
from core.config import Settings
from core.context import AppContext
from core.progress import aggregates as progress_sql
from core.registrations import states
from db.engine import make_database
from db.models import Role, User

# Every namespace a cached read depends on: bumping them all makes the next call cold.
NAMESPACES = (
    "registrations",
    "students",
    "postings",
    "companies",
    "users",
    "courses",
    "placements",
    "documents",
)
Call = Callable[[], object]


@dataclass(frozen=True)
class Case:
    """One core call with its arguments; `cached` when it goes through ctx.cache."""

    name: str
    call: Call
    cached: bool = False
    cold_call: Call | None = None  # a cache miss of its own, when bumping every namespace is too costly


class FramesOnlyCache:
    """Serves the events frame from the real cache and misses everything else.

    The bottlenecks (time in state) are computed from the frame of every timeline event (seconds
    to build cold); this measures their own miss without rebuilding it each run.
    """

    FRAMES = frozenset({"progress.events"})

    def __init__(self, inner: Cache) -> None:
        self.inner = inner

    def get_or_compute(
        self, namespaces: Any, name: str, args: Any, compute: Callable[[], Any], **kw: Any
    ) -> Any:
        """The frames from the real cache; anything else computed afresh."""
        if name in self.FRAMES:
            return self.inner.get_or_compute(namespaces, name, args, compute, **kw)
        return compute()

    def bump(self, *namespaces: str) -> None:
        """Pass bumps through."""
        self.inner.bump(*namespaces)


def bench_context(url: str, redis_url: str | None, data_dir: Path) -> AppContext:
    """A context on the bench database with a Redis (MariaDB) or memory (SQLite) cache."""
    settings = Settings(
        app_env="test", data_dir=data_dir, database_url=url, redis_url=redis_url, secret_key="b" * 40
    )
    cache = make_cache(redis_url, timeout=0.5, default_ttl=600)
    return AppContext(settings=settings, db=make_database(url, pool_size=30), cache=cache)


def run_alone(
    database_url: str, redis_url: str | None, measure: Callable[[AppContext, str], list[Any]]
) -> int:
    """A bench part run on its own (`python -m bench.<part>`): a context on `database_url`, the rows
    `measure(ctx, backend)` returns printed as the bench's table."""
    from bench.harness import table
    from core.context import set_context

    ctx = bench_context(database_url, redis_url, Path(__file__).resolve().parent.parent / "data")
    set_context(ctx)
    backend = "sqlite" if database_url.startswith("sqlite") else "mariadb"
    try:
        rows = measure(ctx, backend)
    finally:
        set_context(None)
        ctx.db.engine.dispose()
    print(table(rows))
    return 0


def actor_for(ctx: AppContext, username: str, role: Role) -> Actor:
    """An Actor for the demo account `username`."""
    with ctx.sessions.begin() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        return Actor(user_id=user.id, username=username, full_name=user.full_name, role=role)


def home_cases(ctx: AppContext, admin: Actor) -> list[Case]:
    """Home page counts."""
    return [Case("home.counts", partial(registrations.headline_counts, ctx, actor=admin), cached=True)]


def search_cases(ctx: AppContext, staff: Actor) -> list[Case]:
    """Posting search: a Thai and an English query, each with province + work_mode and facets."""
    filters = {"province": "กรุงเทพมหานคร", "work_mode": "onsite", "open_only": False}
    return [
        Case(
            "search.th+2 filters",
            partial(postings.search_postings, ctx, actor=staff, query="ฝึกงาน", **filters),
            True,
        ),
        Case(
            "search.en+2 filters",
            partial(postings.search_postings, ctx, actor=staff, query="python", **filters),
            True,
        ),
    ]


def queue_cases(ctx: AppContext, admin: Actor, advisor: Actor) -> list[Case]:
    """Review queue: page 1, page 1 with filters, an advisor's page 1 (page 1000 is built in runner)."""
    waiting = (states.Status.SUBMITTED.value, states.Status.ADVISOR_APPROVED.value)
    filtered = registrations.QueueFilters(statuses=waiting, min_days_waiting=1)
    default = registrations.QueueFilters(statuses=tuple(sorted(s.value for s in states.AWAITING_REVIEW)))
    return [
        Case("queue.page1", partial(registrations.list_queue, ctx, actor=admin)),
        Case(
            "queue.page1 waiting (default view)",
            partial(registrations.list_queue, ctx, actor=admin, filters=default),
        ),
        Case("queue.page1 filtered", partial(registrations.list_queue, ctx, actor=admin, filters=filtered)),
        Case("queue.page1 advisor", partial(registrations.list_queue, ctx, actor=advisor)),
        Case("queue.count filtered", partial(registrations.count_queue, ctx, actor=admin, filters=filtered)),
    ]


def _aggregate(name: str, fn: Callable[..., object], ctx: AppContext, cold: AppContext, **kw: Any) -> Case:
    return Case(name, partial(fn, ctx, **kw), cached=True, cold_call=partial(fn, cold, **kw))


def _previous_term_case(ctx: AppContext, year: int | None) -> list[Case]:
    """The previous term as of a past day, computed (a page reads it from progress_snapshots)."""
    if year is None:
        return []
    filters = progress.ProgressFilters(year - 1)
    with ctx.sessions.begin() as session:
        first = progress_sql.first_submitted(session, filters)
    if first is None:
        return []
    cutoff = datetime.combine(first.date() + timedelta(days=120), time.max, tzinfo=UTC)

    def compute() -> object:
        with ctx.sessions.begin() as session:
            return progress_sql.status_stage_counts_at(session, filters, cutoff)

    return [Case("progress.previous term as of a day", compute)]


def progress_cases(ctx: AppContext, manager: Actor) -> list[Case]:
    """Every dashboard aggregate, cold (every namespace bumped) against raw, and cache hit against cold."""
    f = progress.ProgressFilters()
    year = max(progress.filter_options(ctx, actor=manager).years, default=None)
    kw: dict[str, Any] = {"actor": manager, "filters": f}
    by_year: dict[str, Any] = {"actor": manager, "filters": progress.ProgressFilters(year)}
    progress.kpis(ctx, **by_year)  # keeps today's previous-term snapshot, as the first visitor's page does
    cases = [
        Case("progress.filter_options", partial(progress.filter_options, ctx, actor=manager)),
        Case("progress.kpis", partial(progress.kpis, ctx, **kw), cached=True),
        Case("progress.kpis year", partial(progress.kpis, ctx, **by_year), cached=True),
        *_previous_term_case(ctx, year),
        Case("progress.funnel", partial(progress.funnel, ctx, **kw), cached=True),
        Case("progress.timeline W", partial(progress.timeline, ctx, **kw, freq="W"), cached=True),
        Case("progress.timeline M", partial(progress.timeline, ctx, **kw, freq="M"), cached=True),
        *[
            Case(f"progress.breakdown {d}", partial(progress.breakdown, ctx, **kw, dimension=d), cached=True)
            for d in progress.DIMENSIONS
        ],
        Case(
            "progress.drilldown status",
            partial(progress.drilldown, ctx, **kw, dimension="status", value=states.Status.PLACED.value),
            cached=True,
        ),
        Case("progress.export_frame", partial(progress.export_frame, ctx, **kw), cached=True),
    ]
    cases.append(Case("progress.queue_ageing", partial(progress.queue_ageing, ctx, **kw), cached=True))
    cold = replace(ctx, cache=FramesOnlyCache(ctx.cache))  # type: ignore[arg-type]
    cases.append(_aggregate("progress.time_in_state", progress.time_in_state, ctx, cold, **kw))
    return cases


def read_cases(ctx: AppContext, actors: dict[str, Actor]) -> list[Case]:
    """Every read case."""
    from bench.documents import document_cases  # these build on Case
    from bench.placements import placement_cases

    admin = actors["admin"]
    return [
        *home_cases(ctx, admin),
        *search_cases(ctx, admin),
        *queue_cases(ctx, admin, actors["advisor"]),
        *progress_cases(ctx, admin),
        *placement_cases(ctx, actors),
        *document_cases(ctx, actors),
    ]
