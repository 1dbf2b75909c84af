"""`python -m bench [--backend sqlite|mariadb|both] [--quick] [--runs N]`: one table, one CSV."""

from __future__ import annotations

import argparse
import logging
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from bench import data, growth, report
from bench.api_load import api_rows
from bench.audit import audit_rows
from bench.cases import actor_for, bench_context, read_cases
from bench.documents import mail_rows, transfer_rows
from bench.harness import Row
from bench.imports import import_rows
from bench.load import concurrency_row, herd_row, memory_rows
from bench.pages import page_rows
from bench.placements import photo_rows
from bench.proxy_load import proxy_rows
from bench.runner import Plan, deep_queue_rows, read_rows
from bench.web_load import web_load_rows
from bench.writes import status_change_rows
from core import postings, registrations
from core.access import Actor
from core.context import AppContext, set_context
from db.models import Role

# (quick, full): page runs cold and warm, the deep queue page, load seconds, memory sessions and
# page loads, imports of 10k rows, users and seconds of the websocket page-load test, concurrent
# clients and seconds per endpoint of the integration API.
SCALE = {
    "cold": (1, 3),
    "warm": (2, 5),
    "page": (20, 1000),
    "seconds": (2, 10),
    "sessions": (3, 20),
    "loads": (20, 1000),
    "imports": (1, 3),
    "web_users": (10, 100),
    "web_seconds": (10, 60),
    "api_clients": (10, 50),
    "api_seconds": (3, 10),
    "proxy_users": (20, 300),
    "proxy_seconds": (10, 60),
}


@dataclass(frozen=True)
class Options:
    """What to run, and how much of it."""

    backends: tuple[str, ...]
    runs: int
    quick: bool
    parts: frozenset[str] = frozenset()  # empty: every part

    def wants(self, part: str) -> bool:
        """Whether `part` (core, pages, concurrency, web, import, memory) is to run."""
        return not self.parts or part in self.parts

    @property
    def scale(self) -> dict[str, int]:
        """Sizes of the slower parts: page runs, deep queue page, load seconds, memory loads."""
        return {name: quick if self.quick else full for name, (quick, full) in SCALE.items()}


PARTS = ("core", "pages", "concurrency", "web", "proxy", "api", "audit", "import", "memory", "documents")


def parse(argv: list[str] | None) -> Options:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--backend", choices=("sqlite", "mariadb", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="few runs: a smoke test of the bench")
    parser.add_argument("--runs", type=int, help="runs per fast case (default 30, quick 5)")
    parser.add_argument(
        "--only", action="append", choices=PARTS, help="run only this part (repeatable; default: all)"
    )
    args = parser.parse_args(argv)
    backends = ("sqlite", "mariadb") if args.backend == "both" else (args.backend,)
    runs = max(1, args.runs or (5 if args.quick else 30))
    return Options(backends, runs, args.quick, frozenset(args.only or ()))


def guarded(plan: Plan, name: str, work: Callable[[], list[Row]]) -> list[Row]:
    """Run one part; a failure becomes a row (the bench goes on)."""
    try:
        return work()
    except Exception as exc:
        traceback.print_exc()
        return [Row(plan.backend, name, "core", 0, None, note=f"FAILED: {type(exc).__name__}: {exc}"[:160])]


def core_rows(ctx: AppContext, actors: dict[str, Actor], plan: Plan, opts: Options) -> list[Row]:
    """Every read case, the deep queue page and the status change."""
    rows: list[Row] = []
    for case in read_cases(ctx, actors):
        print(f"  {case.name}", flush=True)
        rows += guarded(plan, case.name, partial(read_rows, ctx, case, plan))
    page = opts.scale["page"]
    rows += guarded(plan, "queue.deep", partial(deep_queue_rows, ctx, actors["admin"], plan, page))
    rows += guarded(plan, "workflow.approve", partial(status_change_rows, ctx, actors["admin"], plan))
    rows += guarded(plan, "photo upload 5 MB", partial(photo_rows, ctx, actors["admin"], plan))
    return rows


def mix(ctx: AppContext, admin: Actor) -> list[Callable[[], object]]:
    """The main calls the simulated users make: home counts, queue page 1, a search."""
    calls: list[Callable[[], object]] = []
    calls.append(partial(registrations.headline_counts, ctx, actor=admin))
    calls.append(partial(registrations.list_queue, ctx, actor=admin))
    calls.append(partial(postings.search_postings, ctx, actor=admin, query="ฝึกงาน", province="กรุงเทพมหานคร"))
    return calls


def run_backend(backend: str, opts: Options, with_memory: bool) -> list[Row]:
    """Prepare the back end's data, then measure everything on it."""
    prepared = data.prepare(backend)
    print(f"[{backend}] {data.SIZE} data set")
    print(f"[{backend}] data ready in {prepared.seconds:.0f} s ({'loaded' if prepared.loaded else 'reused'})")
    redis_url = data.REDIS_URL if backend == "mariadb" else None
    ctx = bench_context(prepared.url, redis_url, data.ROOT / "data")
    set_context(ctx)
    plan, scale = Plan(backend, opts.runs), opts.scale
    try:
        actors = {
            "admin": actor_for(ctx, "admin", Role.ADMIN),
            "advisor": actor_for(ctx, "advisor", Role.ADVISOR),
        }
        rows = core_rows(ctx, actors, plan, opts) if opts.wants("core") else []
        if opts.wants("documents"):
            print(f"[{backend}] outbox throughput and 10 MB documents", flush=True)
            rows += guarded(plan, "outbox send", partial(mail_rows, ctx, plan))
            rows += guarded(plan, "document 10 MB", partial(transfer_rows, ctx, actors["admin"], plan))
        if opts.wants("pages"):
            print(f"[{backend}] pages", flush=True)
            # "My students" lists the signed-in advisor's own students: the demo advisor has the most.
            by_page = {"pages/my_students.py": actors["advisor"]}
            pages = partial(page_rows, ctx, actors["admin"], plan, scale["cold"], scale["warm"], by_page)
            rows += guarded(plan, "pages", pages)
        if opts.wants("concurrency"):
            print(f"[{backend}] concurrency", flush=True)
            for users in (20, 100):
                rows.append(concurrency_row(plan, mix(ctx, actors["admin"]), users, scale["seconds"]))
            home = partial(registrations.headline_counts, ctx, actor=actors["admin"])  # one cache entry
            rows += guarded(plan, "herd", lambda: [herd_row(plan, ctx.cache, home)])
        if backend == "mariadb" and opts.wants("web"):  # the deployment the 100-user target is about
            print(f"[{backend}] {scale['web_users']} users loading pages over the websocket", flush=True)
            seconds = scale["web_seconds"]
            load = partial(web_load_rows, ctx, plan, redis_url, scale["web_users"], seconds, seconds / 3)
            rows += guarded(plan, "web load", load)
        if backend == "mariadb" and opts.wants("proxy"):  # production's shape: nginx, two replicas
            users, seconds = scale["proxy_users"], scale["proxy_seconds"]
            print(f"[{backend}] {users} users through nginx on two replicas", flush=True)
            proxy = partial(proxy_rows, ctx, plan, redis_url, users, seconds, seconds / 2)
            rows += guarded(plan, "proxy load", proxy)
        if backend == "mariadb" and opts.wants("api"):
            print(f"[{backend}] integration API, {scale['api_clients']} concurrent clients", flush=True)
            api = partial(api_rows, ctx, plan, redis_url, scale["api_clients"], scale["api_seconds"])
            rows += guarded(plan, "api", api)
        if opts.wants("audit"):
            print(f"[{backend}] audit log viewer at 1M entries", flush=True)
            rows += guarded(plan, "audit", partial(audit_rows, ctx, actors["admin"], plan))
        # Last: an import forgets the kept progress snapshots, which the cold pages above would pay for.
        if opts.wants("import"):
            print(f"[{backend}] import 10k registrations", flush=True)
            rows += guarded(
                plan, "import", partial(import_rows, ctx, actors["admin"], plan, scale["imports"])
            )
        if with_memory and opts.wants("memory"):
            print(f"[{backend}] memory", flush=True)
            load = partial(
                memory_rows, plan, actors["admin"], "pages/profile.py", scale["sessions"], scale["loads"]
            )
            rows += guarded(plan, "memory", load)
        return rows
    finally:
        set_context(None)
        ctx.db.engine.dispose()


def main(argv: list[str] | None = None) -> int:
    """Run the bench; exit 1 when a back end could not be measured at all."""
    opts, started = parse(argv), time.perf_counter()
    logging.getLogger("streamlit").setLevel(logging.ERROR)  # AppTest's bare-mode warnings
    rows: list[Row] = []
    failed: list[str] = []
    for n, backend in enumerate(opts.backends):
        try:
            rows += run_backend(backend, opts, with_memory=n == 0)
        except Exception as exc:
            traceback.print_exc()
            print(f"[{backend}] could not run: {type(exc).__name__}: {exc}", file=sys.stderr)
            failed.append(backend)
    if rows:
        print()
        print(report.annotated(rows))
        print()
        print(report.targets(rows))
        print(f"\nCSV: {report.write_csv(rows, size=data.SIZE)}")
        print(growth.report())
    print(f"Bench took {time.perf_counter() - started:.0f} s in all.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
