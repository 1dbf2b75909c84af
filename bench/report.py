"""The results: one table on the console, the same rows as CSV, and which targets are met."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench.harness import COLUMNS, Row

RESULTS = Path(__file__).resolve().parent / "results"
Check = Callable[[Row], bool | None]


def write_csv(rows: Sequence[Row], directory: Path = RESULTS, size: str = "large") -> Path:
    """Write the rows to bench/results/bench-<size>-<UTC time>.csv; returns the path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"bench-{size}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(r.cells() for r in rows)
    return path


def _errors(row: Row) -> int:
    found = re.search(r"(\d+) errors", row.note)
    return int(found.group(1)) if found else 0


WRITES = ("workflow.", "import ")
DASHBOARD = ("home.", "progress.", "placements.stats")  # the aggregates the cache-hit target is about


def _core(row: Row) -> bool | None:
    if row.kind != "core" or row.ratio is None:
        return None
    return row.ratio <= (3.0 if row.case.startswith(WRITES) else 2.0)


def _warm(row: Row) -> bool | None:
    if row.kind != "page" or not row.case.endswith(" warm") or row.median_ms is None:
        return None
    return row.median_ms <= 150


def _cold_dashboard(row: Row) -> bool | None:
    cold = ("page progress cold", "page review_queue cold")
    if row.kind != "page" or row.case not in cold or row.median_ms is None:
        return None
    return row.median_ms <= 300


def _cold_aggregate(row: Row) -> bool | None:
    # The managers' after-placement aggregates, computed on a cache miss (#15).
    if row.kind != "core" or not row.case.startswith("placements.stats") or row.median_ms is None:
        return None
    return row.median_ms <= 300


def _photo(row: Row) -> bool | None:
    if row.case != "photo upload 5 MB" or row.median_ms is None:
        return None
    found = re.search(r"RSS \+(-?[\d.]+) MiB", row.note)
    return row.median_ms <= 1000 and found is not None and float(found.group(1)) <= 30


def _cache(row: Row) -> bool | None:
    if row.kind != "cache" or row.ratio is None or not row.case.startswith(DASHBOARD):
        return None
    return row.ratio <= 1 / 50


def _users(row: Row) -> bool | None:
    # The target is on warm page loads by 100 simulated users (bench.web_load); the thread runs of
    # core calls without think time ("20 users", "100 users") are a stress test, reported beside it.
    if row.kind != "concurrency" or not row.case.startswith("100 users, page loads") or row.p95_ms is None:
        return None
    if not row.case.endswith(" warm") or "stress" in row.case:
        return None
    return row.p95_ms <= 500 and _errors(row) == 0


def _queue_sql(row: Row) -> bool | None:
    # The review queue's default view (three waiting statuses, oldest first): its SQL (the raw
    # replay) within 5 ms at 200k on MariaDB (#19).
    if row.kind != "core" or row.case != "queue.page1 waiting (default view)" or row.raw_median_ms is None:
        return None
    return row.raw_median_ms <= 5


def _queue_pages(row: Row) -> bool | None:
    if row.kind != "core" or row.median_ms is None:
        return None
    if row.case != "queue.page1" and not (row.case.startswith("queue.page") and "walk" in row.note):
        return None
    return row.median_ms <= 20


def _search_p95(row: Row) -> bool | None:
    if row.kind != "core" or not row.case.startswith("search.th") or row.p95_ms is None:
        return None
    return row.p95_ms <= 15


def _lists(row: Row) -> bool | None:
    if row.kind != "cache" or row.ratio is None or not row.case.startswith(("progress.drilldown", "search.")):
        return None
    return row.ratio <= 1 / 50


def _herd(row: Row) -> bool | None:
    found = re.search(r"(\d+) computations", row.note) if row.case.startswith("herd") else None
    return None if found is None else int(found.group(1)) == 1  # the home counts are one entry


def _api(row: Row) -> bool | None:
    # The integration API under 50 clients: p95 <= 50 ms for reads, <= 100 ms for the POST, no errors.
    if row.kind != "api" or row.p95_ms is None:
        return None
    return row.p95_ms <= (100 if "POST" in row.case else 50) and _errors(row) == 0


def _api_overhead(row: Row) -> bool | None:
    found = re.search(r"one client adds (-?[\d.]+) ms", row.note) if row.kind == "api" else None
    return None if found is None else float(found.group(1)) <= 3


def _audit(row: Row) -> bool | None:
    # The audit log viewer at 1M entries on MariaDB (#18): its first page and page 1,000.
    if row.kind != "core" or not row.case.startswith("audit.page") or row.median_ms is None:
        return None
    return row.median_ms <= 50


TARGETS: list[tuple[str, Check]] = [
    ("core <= 2x raw (writes <= 3x)", _core),
    ("review queue default view: SQL <= 5 ms", _queue_sql),
    ("queue page 1 and page 1000 <= 20 ms", _queue_pages),
    ("Thai search with 2 filters: p95 <= 15 ms", _search_p95),
    ("cache hit >= 50x faster than cold, lists (drill-down, search)", _lists),
    ("one write, then 100 readers of the home counts: one computation", _herd),
    ("warm page <= 150 ms", _warm),
    ("cold progress and review-queue pages <= 300 ms", _cold_dashboard),
    ("cache hit >= 50x faster than cold, dashboard aggregates", _cache),
    ("after-placement aggregates cold <= 300 ms", _cold_aggregate),
    ("5 MB photo upload <= 1 s, RSS growth <= 30 MiB", _photo),
    ("100 users: warm page load p95 <= 500 ms, zero errors", _users),
    ("API, 50 clients: p95 <= 50 ms reads, <= 100 ms POST, zero errors", _api),
    ("API adds <= 3 ms to its core call (one client)", _api_overhead),
    ("audit viewer page 1 and page 1,000 at 1M entries <= 50 ms", _audit),
]


def _deep_queue(rows: Sequence[Row]) -> list[str]:
    lines = []
    for deep in (r for r in rows if r.case.startswith("queue.page") and "walk" in r.note and r.median_ms):
        first = next((r for r in rows if r.backend == deep.backend and r.case == "queue.page1"), None)
        if first is None or not first.median_ms:
            continue
        times = deep.median_ms / first.median_ms if deep.median_ms else 0.0
        verdict = "MET" if times <= 2 else "NOT MET"
        lines.append(
            f"  {verdict:<8}deep queue page within 2x of page 1 [{deep.backend}]: {deep.case} {times:.2f}x"
        )
    return lines


def targets(rows: Sequence[Row]) -> str:
    """One line per target and back end: met or not, and the cases that miss it."""
    lines = ["Targets:"]
    for backend in dict.fromkeys(r.backend for r in rows):
        mine = [r for r in rows if r.backend == backend]
        for label, check in TARGETS:
            verdicts = [(r, check(r)) for r in mine]
            judged = [(r, ok) for r, ok in verdicts if ok is not None]
            if not judged:
                lines.append(f"  {'n/a':<8}{label} [{backend}]: nothing measured")
                continue
            missed = [r.case for r, ok in judged if not ok]
            verdict = "NOT MET" if missed else "MET"
            detail = f"{len(judged) - len(missed)}/{len(judged)}" + (
                f"; missed: {', '.join(missed)}" if missed else ""
            )
            lines.append(f"  {verdict:<8}{label} [{backend}]: {detail}")
    return "\n".join(lines + _deep_queue(rows))


def annotated(rows: Sequence[Row]) -> str:
    """The results table with each row's aim beside it and whether it is met (blank: no aim)."""
    cells = [[*COLUMNS[:-1], "aim", "met", COLUMNS[-1]]]
    for row in rows:
        judged = [(label, ok) for label, check in TARGETS if (ok := check(row)) is not None]
        aim = "; ".join(label for label, _ in judged)
        met = "" if not judged else ("met" if all(ok for _, ok in judged) else "MISSED")
        values = row.cells()
        cells.append([*values[:-1], aim, met, values[-1]])
    widths = [max(len(c[i]) for c in cells) for i in range(len(cells[0]))]
    lines = ["  ".join(c[i].ljust(widths[i]) for i in range(len(c))).rstrip() for c in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
