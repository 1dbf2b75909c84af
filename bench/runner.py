"""Measure cases: core against its raw replay, cold against cache hit, deep queue pages."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from functools import partial

from bench.cases import NAMESPACES, Case
from bench.harness import Paired, Row, Stats, capture, measure, ratio, replay, time_runs
from core import registrations
from core.access import Actor
from core.context import AppContext

BUDGET_S = 4.0  # per case and kind: slow calls get fewer runs (at least MIN_RUNS)
WALK_BUDGET_S = 60.0  # walking the queue page by page stops here
MIN_RUNS = 3
SLOW_S = 5.0  # the export of every registration: 8 s a call on MariaDB; two runs tell enough


@dataclass(frozen=True)
class Plan:
    """How many runs to make at most, and for which back end."""

    backend: str
    runs: int


def runs_for(seconds_once: float, plan: Plan) -> int:
    """Fewer runs for slow calls, so that a case stays within BUDGET_S (two for calls over SLOW_S)."""
    if seconds_once <= 0:
        return plan.runs
    floor = 2 if seconds_once > SLOW_S else MIN_RUNS
    return max(floor, min(plan.runs, int(BUDGET_S / (2 * seconds_once))))


def paired(
    ctx: AppContext, call: Callable[[], object], runs: int | Plan, before: Callable[[], object] | None
) -> Paired:
    """Capture `call`'s statements once (after `before`), then time core and raw replay interleaved.

    Given a Plan instead of a run count, the capture run's time decides the count (see runs_for).
    """
    if before is not None:
        before()
    started = time.perf_counter()
    statements = capture(ctx.db.engine, call)
    count = runs_for(time.perf_counter() - started, runs) if isinstance(runs, Plan) else runs
    with closing(ctx.db.engine.raw_connection()) as raw:
        result = measure(call, partial(replay, raw, statements) if statements else None, count, before)
    return Paired(result.core, result.raw, len(statements))


def _row(plan: Plan, name: str, kind: str, p: Paired, note: str) -> Row:
    raw_ms = p.raw.median_ms if p.raw else None
    return Row(plan.backend, name, kind, p.core.runs, p.core.median_ms, p.core.p95_ms, raw_ms, p.ratio, note)


def read_rows(ctx: AppContext, case: Case, plan: Plan) -> list[Row]:
    """Core vs raw (a cache miss when cached) and, for cached calls, cache hit vs miss."""
    bump = partial(ctx.cache.bump, *NAMESPACES) if case.cached and case.cold_call is None else None
    if case.cold_call is not None:
        case.call()  # fill the shared data the miss is measured on
    cold = paired(ctx, case.cold_call or case.call, plan, bump)
    note = f"{cold.statements} stmts"
    if case.cached:
        note += ", cache miss" + (" (data frames cached)" if case.cold_call else "")
    rows = [_row(plan, case.name, "core", cold, note)]
    if case.cached:
        started = time.perf_counter()
        case.call()
        hit = time_runs(case.call, runs_for(time.perf_counter() - started, plan))
        rows.append(cache_row(plan, case.name, hit, cold.core))
    return rows


def cache_row(plan: Plan, name: str, hit: Stats, cold: Stats) -> Row:
    """A cache row: hit timings, the cold median as the reference, ratio = hit / cold."""
    speedup = cold.median_ms / hit.median_ms if hit.median_ms else float("inf")
    note = f"hit vs cold (raw_median_ms = cold median); hit {speedup:.0f}x faster"
    return Row(plan.backend, name, "cache", hit.runs, hit.median_ms, hit.p95_ms, cold.median_ms,
               ratio(hit.median_ms, cold.median_ms), note)  # fmt: skip


def deep_queue_rows(ctx: AppContext, admin: Actor, plan: Plan, page: int = 1000) -> list[Row]:
    """Walk the queue to page `page` by its cursors once, then time that page against page 1."""
    queue = registrations
    started, current = time.perf_counter(), queue.list_queue(ctx, actor=admin)
    cursor, reached = current.next_cursor, 2
    while reached < page and cursor is not None and time.perf_counter() - started < WALK_BUDGET_S:
        cursor = queue.list_queue(ctx, actor=admin, cursor=cursor).next_cursor
        reached += 1
    walk_s = time.perf_counter() - started
    if cursor is None:
        return [
            Row(plan.backend, f"queue.page{page}", "core", 0, None, note="queue has fewer pages; skipped")
        ]
    first = paired(ctx, partial(queue.list_queue, ctx, actor=admin), plan, None)
    deep = paired(ctx, partial(queue.list_queue, ctx, actor=admin, cursor=cursor), plan, None)
    first_ms = first.core.median_ms
    within = ratio(deep.core.median_ms, first_ms)
    note = f"{deep.statements} stmts; {within:.2f}x page 1 ({first_ms:.1f} ms); walk {walk_s:.1f} s"
    if reached < page:
        note += f"; walk budget hit before page {page}"
    return [_row(plan, f"queue.page{reached}", "core", deep, note)]
