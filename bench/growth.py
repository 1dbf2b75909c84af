"""Growth curves: how each call's median grows with the data, from the newest CSV of each size.

`python -m bench.growth` (the bench prints it after each run). Sizes are measured apart (`make
bench SIZE=small|large|national`); each step's growth is given per 10x of registrations, so a
paged or rolled-up call reads 1.0 and a full scan 10.
"""

from __future__ import annotations

import csv
import itertools
import math
from pathlib import Path

from bench.report import RESULTS

REGISTRATIONS = {"small": 1_500, "large": 200_000, "national": 2_000_000}  # tools.demo SIZES
MAIN = ("home.", "search.", "queue.", "progress.kpis", "progress.funnel", "progress.drilldown", "workflow.")


def newest(size: str, directory: Path = RESULTS) -> dict[tuple[str, str, str], float]:
    """(backend, case, kind) -> median ms from the newest CSV of this size (empty when none)."""
    files = sorted(directory.glob(f"bench-{size}-*.csv"))
    if not files:
        return {}
    with files[-1].open(encoding="utf-8") as handle:
        return {
            (r["backend"], r["case"], r["kind"]): float(r["median_ms"])
            for r in csv.DictReader(handle)
            if r["median_ms"] and r["kind"] in ("core", "page")
        }


def per_tenfold(before: float, after: float, rows_before: int, rows_after: int) -> float:
    """The factor by which time grows per 10x of data between two sizes."""
    return float((after / before) ** (1 / math.log10(rows_after / rows_before)))


def report(directory: Path = RESULTS) -> str:
    """One line per main call: its median at each size measured, and the growth per 10x between them."""
    sizes = [s for s in REGISTRATIONS if newest(s, directory)]
    if len(sizes) < 2:
        return "Growth: measure a second size (make bench SIZE=national) to see growth per 10x of data."
    medians = {s: newest(s, directory) for s in sizes}
    cases = sorted({k for m in medians.values() for k in m if k[1].startswith(MAIN)})
    head = "  ".join(f"{s} ms".rjust(12) for s in sizes)
    steps = list(itertools.pairwise(sizes))
    arrows = "  ".join(f"{a}->{b}".rjust(16) for a, b in steps)
    lines = [
        f"Growth per 10x of registrations ({', '.join(sizes)}):",
        f"  {'backend/case':<46}{head}  {arrows}",
    ]
    for key in cases:
        values = [medians[s].get(key) for s in sizes]
        cells = "  ".join(f"{v:12.2f}" if v is not None else " " * 12 for v in values)
        growth = []
        for a, b in steps:
            x, y = medians[a].get(key), medians[b].get(key)
            ok = x and y
            growth.append(
                f"{per_tenfold(x, y, REGISTRATIONS[a], REGISTRATIONS[b]):15.2f}x" if ok else " " * 16
            )
        lines.append(f"  {key[0] + ' ' + key[1]:<46}{cells}  " + "  ".join(growth))
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())
