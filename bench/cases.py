"""The core calls the bench measures, and the bench's application context and actors."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.access import Actor
from core.cache import make_cache
from core.config import Settings
from core.context import AppContext
from db.engine import make_database
from db.models import Role, User

# Every namespace a cached read depends on: bumping them all makes the next call cold.
NAMESPACES = ("registrations", "students", "postings", "companies", "users", "courses")
Call = Callable[[], object]


@dataclass(frozen=True)
class Case:
    """One core call with its arguments; `cached` when it goes through ctx.cache."""

    name: str
    call: Call
    cached: bool = False


def bench_context(url: str, redis_url: str | None, data_dir: Path) -> AppContext:
    """A context on the bench database with a Redis (MariaDB) or memory (SQLite) cache."""
    settings = Settings(
        app_env="test", data_dir=data_dir, database_url=url, redis_url=redis_url, secret_key="b" * 40
    )
    cache = make_cache(redis_url, timeout=0.5, default_ttl=600)
    return AppContext(settings=settings, db=make_database(url, pool_size=30), cache=cache)


def actor_for(ctx: AppContext, username: str, role: Role) -> Actor:
    """An Actor for the demo account `username`."""
    with ctx.sessions.begin() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        return Actor(user_id=user.id, username=username, full_name=user.full_name, role=role)


def optional(module: str) -> Any | None:
    """The core module, or None (and a printed note) when it does not exist."""
    try:
        return importlib.import_module(module)
    except ImportError:
        print(f"note: {module} is missing; its cases are skipped")
        return None


def home_cases(ctx: AppContext, admin: Actor) -> list[Case]:
    """Home page counts."""
    home = optional("core.home")
    return [Case("home.counts", partial(home.counts, ctx, actor=admin), cached=True)] if home else []


def search_cases(ctx: AppContext, staff: Actor) -> list[Case]:
    """Posting search: a Thai and an English query, each with province + work_mode and facets."""
    search = optional("core.search")
    if search is None:
        return []
    filters = {"province": "กรุงเทพมหานคร", "work_mode": "onsite", "open_only": False}
    return [
        Case(
            "search.th+2 filters",
            partial(search.search_postings, ctx, actor=staff, query="ฝึกงาน", **filters),
            True,
        ),
        Case(
            "search.en+2 filters",
            partial(search.search_postings, ctx, actor=staff, query="python", **filters),
            True,
        ),
    ]


def queue_cases(ctx: AppContext, admin: Actor, advisor: Actor) -> list[Case]:
    """Review queue: page 1, page 1 with filters, an advisor's page 1 (page 1000 is built in runner)."""
    queue = optional("core.queue")
    if queue is None:
        return []
    filtered = queue.QueueFilters(statuses=("submitted", "advisor_approved"), min_days_waiting=1)
    return [
        Case("queue.page1", partial(queue.list_queue, ctx, actor=admin)),
        Case("queue.page1 filtered", partial(queue.list_queue, ctx, actor=admin, filters=filtered)),
        Case("queue.page1 advisor", partial(queue.list_queue, ctx, actor=advisor)),
        Case("queue.count filtered", partial(queue.count_queue, ctx, actor=admin, filters=filtered)),
    ]


def progress_cases(ctx: AppContext, manager: Actor) -> list[Case]:
    """Every dashboard aggregate of core.progress (and its bottleneck views), all registrations."""
    progress = optional("core.progress")
    if progress is None:
        return []
    f = progress.ProgressFilters()
    year = max(progress.filter_options(ctx, actor=manager).years, default=None)
    kw: dict[str, Any] = {"actor": manager, "filters": f}
    cases = [
        Case("progress.filter_options", partial(progress.filter_options, ctx, actor=manager)),
        Case("progress.kpis", partial(progress.kpis, ctx, **kw), True),
        Case(
            "progress.kpis year",
            partial(progress.kpis, ctx, actor=manager, filters=progress.ProgressFilters(year)),
            True,
        ),
        Case("progress.funnel", partial(progress.funnel, ctx, **kw), True),
        Case("progress.timeline W", partial(progress.timeline, ctx, **kw, freq="W"), True),
        Case("progress.timeline M", partial(progress.timeline, ctx, **kw, freq="M"), True),
        *[
            Case(f"progress.breakdown {d}", partial(progress.breakdown, ctx, **kw, dimension=d), True)
            for d in progress.DIMENSIONS
        ],
        Case(
            "progress.drilldown status",
            partial(progress.drilldown, ctx, **kw, dimension="status", value="placed"),
            True,
        ),
        Case("progress.export_frame", partial(progress.export_frame, ctx, **kw), True),
    ]
    bottlenecks = optional("core.progress_bottlenecks")
    if bottlenecks is not None:
        cases.append(Case("progress.time_in_state", partial(bottlenecks.time_in_state, ctx, **kw), True))
        cases.append(Case("progress.queue_ageing", partial(bottlenecks.queue_ageing, ctx, **kw), True))
    return cases


def read_cases(ctx: AppContext, actors: dict[str, Actor]) -> list[Case]:
    """Every read case that exists in core."""
    admin = actors["admin"]
    return [
        *home_cases(ctx, admin),
        *search_cases(ctx, admin),
        *queue_cases(ctx, admin, actors["advisor"]),
        *progress_cases(ctx, admin),
    ]
