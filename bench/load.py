"""Simulated users (threads) running a mix of core calls, and the process's memory under page loads."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.harness import Row, summarise
from bench.pages import load_page
from bench.runner import Plan
from core.access import Actor
from core.cache import Cache


def _user(
    calls: Sequence[Callable[[], object]], deadline: float, seed: int, out: list[float], errors: list[str]
) -> None:
    rng = random.Random(seed)
    while time.perf_counter() < deadline:
        call = rng.choice(calls)
        started = time.perf_counter()
        try:
            call()
        except Exception as exc:  # a failed call is counted, never fatal to the bench
            errors.append(type(exc).__name__)
        else:
            out.append(time.perf_counter() - started)


def concurrency_row(plan: Plan, calls: Sequence[Callable[[], object]], users: int, seconds: float) -> Row:
    """`users` threads calling `calls` at random for `seconds`: p50/p95 latency and errors."""
    timings: list[float] = []
    errors: list[str] = []
    deadline = time.perf_counter() + seconds
    threads = [
        threading.Thread(target=_user, args=(calls, deadline, n, timings, errors), daemon=True)
        for n in range(users)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    kinds = ", ".join(sorted(set(errors)))
    note = f"{len(timings) / seconds:.0f} calls/s over {seconds:.0f} s; {len(errors)} errors" + (
        f" ({kinds})" if kinds else ""
    )
    if not timings:
        return Row(plan.backend, f"{users} users", "concurrency", 0, None, note=note)
    s = summarise(timings)
    return Row(plan.backend, f"{users} users", "concurrency", s.runs, s.median_ms, s.p95_ms, note=note)


def rss_mb() -> float:
    """This process's resident set size (VmRSS) in MiB, 0 where /proc is missing."""
    status = Path("/proc/self/status")
    if not status.exists():
        return 0.0
    for line in status.read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def memory_rows(plan: Plan, actor: Actor, page: str, sessions: int, loads: int) -> list[Row]:
    """RSS before, with `sessions` AppTest sessions alive, and after `loads` successive page loads."""
    before = rss_mb()
    alive = [load_page(page, actor)[1] for _ in range(sessions)]
    during = rss_mb()
    del alive
    started = time.perf_counter()
    for _ in range(loads):
        load_page(page, actor)
    after, took = rss_mb(), time.perf_counter() - started
    page_note = f"{Path(page).stem}; RSS MiB in median_ms column"
    return [
        Row(plan.backend, "rss before", "memory", 0, before, note=page_note),
        Row(plan.backend, f"rss with {sessions} sessions", "memory", sessions, during,
            note=f"+{during - before:.0f} MiB"),
        Row(plan.backend, f"rss after {loads} loads", "memory", loads, after,
            note=f"+{after - before:.0f} MiB vs before; {took:.0f} s"),
    ]  # fmt: skip


def herd_row(plan: Plan, cache: Cache, call: Callable[[], object], readers: int = 100) -> Row:
    """One write (a bump of registrations), then `readers` threads at once: how many computed it."""
    call()  # the previous version is there to be served while the one reader computes
    cache.bump("registrations")
    before = cache.health()["computations"]
    start = threading.Barrier(readers)
    timings: list[float] = []

    def read() -> None:
        start.wait()
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)

    threads = [threading.Thread(target=read, daemon=True) for _ in range(readers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    computed = cache.health()["computations"] - before
    s = summarise(timings)
    note = f"{computed} computations for {readers} readers after one write (single-flight)"
    return Row(plan.backend, f"herd: {readers} readers after a write", "cache", s.runs, s.median_ms, s.p95_ms,
               note=note)  # fmt: skip
