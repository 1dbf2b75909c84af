"""The measuring machinery: capture a call's SQL, replay it on the raw driver, time both, summarise."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event

COLUMNS = ("backend", "case", "kind", "runs", "median_ms", "p95_ms", "raw_median_ms", "ratio", "note")


@dataclass(frozen=True)
class Statement:
    """One statement exactly as SQLAlchemy handed it to the DBAPI cursor."""

    sql: str
    params: Any
    many: bool


@dataclass(frozen=True)
class Row:
    """One line of the results table."""

    backend: str
    case: str
    kind: str
    runs: int
    median_ms: float | None
    p95_ms: float | None = None
    raw_median_ms: float | None = None
    ratio: float | None = None
    note: str = ""

    def cells(self) -> list[str]:
        """The row's values as text, in COLUMNS order."""
        return [_cell(getattr(self, name)) for name in COLUMNS]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}" if value < 100 else f"{value:.0f}"
    return str(value)


@dataclass(frozen=True)
class Stats:
    """Median and 95th percentile of a list of timings, in milliseconds."""

    runs: int
    median_ms: float
    p95_ms: float


def summarise(seconds: Sequence[float]) -> Stats:
    """Median and nearest-rank p95 of `seconds`, in milliseconds."""
    if not seconds:
        raise ValueError("no timings")
    ordered = sorted(s * 1000 for s in seconds)
    rank = max(1, -(-95 * len(ordered) // 100))  # ceil(0.95 n), nearest-rank
    return Stats(len(ordered), statistics.median(ordered), ordered[rank - 1])


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, or None when either is missing or the denominator is zero."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator


@contextmanager
def capturing(engine: Engine) -> Iterator[list[Statement]]:
    """Collect every (statement, parameters) sent on `engine` while the block runs."""
    captured: list[Statement] = []

    def listen(_conn: Any, _cursor: Any, sql: str, params: Any, _context: Any, many: bool) -> None:
        captured.append(Statement(sql, params, many))

    event.listen(engine, "before_cursor_execute", listen)
    try:
        yield captured
    finally:
        event.remove(engine, "before_cursor_execute", listen)


def capture(engine: Engine, call: Callable[[], object]) -> list[Statement]:
    """Run `call` once and return the statements it sent."""
    with capturing(engine) as captured:
        call()
    return list(captured)


def replay(raw: Any, statements: Sequence[Statement], *, commit: bool = False) -> int:
    """Run `statements` on a raw DBAPI connection, fetch every result, then roll back (or commit).

    Returns rows fetched. A write's reference commits, as the call it stands for does: a commit
    is a log flush, the largest part of a short write on InnoDB.
    """
    cursor = raw.cursor()
    fetched = 0
    try:
        for stmt in statements:
            if stmt.many:
                cursor.executemany(stmt.sql, stmt.params)
            else:
                cursor.execute(stmt.sql, stmt.params)
            if cursor.description is not None:
                fetched += len(cursor.fetchall())
        if commit:
            raw.commit()
    finally:
        cursor.close()
        raw.rollback()  # reads end their transaction too; writes leave nothing behind (or are done)
    return fetched


def _timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


@dataclass(frozen=True)
class Paired:
    """Timings of a core call and of its raw replay, measured in the same runs."""

    core: Stats
    raw: Stats | None
    statements: int = 0

    @property
    def ratio(self) -> float | None:
        """Core median over raw median."""
        return ratio(self.core.median_ms, self.raw.median_ms if self.raw else None)


def measure(
    core: Callable[[], object],
    raw: Callable[[], object] | None,
    runs: int,
    before: Callable[[], object] | None = None,
) -> Paired:
    """Time `core` and `raw` `runs` times, interleaved (order alternating); `before` runs untimed first."""
    core_s: list[float] = []
    raw_s: list[float] = []
    for n in range(runs):
        if before is not None:
            before()
        if raw is not None and n % 2:
            raw_s.append(_timed(raw))
        core_s.append(_timed(core))
        if raw is not None and not n % 2:
            raw_s.append(_timed(raw))
    return Paired(summarise(core_s), summarise(raw_s) if raw_s else None)


def time_runs(call: Callable[[], object], runs: int, before: Callable[[], object] | None = None) -> Stats:
    """Time `call` alone `runs` times (`before` untimed before each)."""
    return measure(call, None, runs, before).core


def table(rows: Sequence[Row]) -> str:
    """The rows as a fixed-width text table."""
    cells = [list(COLUMNS), *(r.cells() for r in rows)]
    widths = [max(len(c[i]) for c in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(c[i].ljust(widths[i]) for i in range(len(COLUMNS))).rstrip() for c in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
