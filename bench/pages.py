"""Server-side page runs in Streamlit's AppTest: each page of app.PAGES cold (fresh cache) and warm."""

from __future__ import annotations

import ast
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from bench.cases import NAMESPACES
from bench.harness import Row, summarise
from bench.runner import Plan
from core import i18n
from core.access import Actor
from core.context import AppContext

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 120.0


def page_paths(app: Path = ROOT / "app.py") -> list[str]:
    """The page files listed in app.py's PAGES, read from its source (importing app.py needs a server)."""
    tree = ast.parse(app.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "PAGES" for t in node.targets):
            calls = [c for c in ast.walk(node.value) if isinstance(c, ast.Call) and c.args]
            specs = [c for c in calls if getattr(c.func, "id", "") == "PageSpec"]
            return [str(c.args[0].value) for c in specs if isinstance(c.args[0], ast.Constant)]
    return []


# A fresh AppTest scans every installed package for Streamlit component manifests before its first
# run (~0.3 s here); a real server does that once at start-up. The bench hands each new AppTest
# the registry the first one built, so page times are the page's own server-side run.
_components: list[Any] = []


def load_page(page: str, actor: Actor) -> tuple[float, AppTest]:
    """Run `page` once as `actor`, in Thai, in a fresh AppTest; returns (seconds, the AppTest)."""
    at = AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUT_S)
    if _components:
        at._bidi_component_manager = _components[0]
    at.session_state["actor"] = actor
    at.session_state["lang"] = "th"  # the office's default: every label goes through the Thai catalog
    started = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - started
    if not _components and at._bidi_component_manager is not None:
        _components.append(at._bidi_component_manager)
    return seconds, at


TRANSLATING = ("gettext", "ngettext", "render", "format_term", "format_date", "format_datetime",
               "format_datetimes", "display_year")  # fmt: skip


@contextmanager
def timing_translation() -> Iterator[list[float]]:
    """Seconds spent in core.i18n's lookups and formatting while inside (outermost calls only; AppTest
    runs the page in its own thread, out of a profiler's reach, so the functions are timed directly)."""
    spent, depth = [0.0], threading.local()
    originals = {name: getattr(i18n, name) for name in TRANSLATING}
    originals["render"] = i18n.Text.render

    def timed(function: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            outer = not getattr(depth, "n", 0)
            depth.n = getattr(depth, "n", 0) + 1
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                depth.n -= 1
                if outer:
                    spent[0] += time.perf_counter() - started

        return wrapper

    for name, function in originals.items():
        setattr(i18n.Text if name == "render" else i18n, name, timed(function))
    try:
        yield spent
    finally:
        for name, function in originals.items():
            setattr(i18n.Text if name == "render" else i18n, name, function)


def translation_share(page: str, actor: Actor) -> float:
    """The share of one warm run of `page` spent translating (catalog lookups, dates, terms)."""
    with timing_translation() as spent:
        seconds, _at = load_page(page, actor)
    return spent[0] / seconds if seconds else 0.0


def _problem(at: AppTest) -> str:
    if at.exception:
        return "EXCEPTION: " + str(at.exception[0].value)[:80]
    if at.error:
        return "error shown: " + str(at.error[0].value)[:80]
    return ""


def page_rows(
    ctx: AppContext,
    default: Actor,
    plan: Plan,
    cold_runs: int,
    warm_runs: int,
    by_page: dict[str, Actor] | None = None,
) -> list[Row]:
    """Cold (every cache namespace bumped first) and warm (right after) runs of every page, as `default`
    (admin) or the actor `by_page` names for it."""
    rows = []
    for page in page_paths():
        actor = (by_page or {}).get(page, default)
        if not (ROOT / page).exists():
            print(f"note: {page} is missing; skipped")
            continue
        cold, warm, problem = [], [], ""
        for _ in range(cold_runs):
            ctx.cache.bump(*NAMESPACES)
            seconds, at = load_page(page, actor)
            cold.append(seconds)
            problem = problem or _problem(at)
        for _ in range(warm_runs):
            seconds, at = load_page(page, actor)
            warm.append(seconds)
            problem = problem or _problem(at)
        share = translation_share(page, actor)
        for kind, timings in (("cold", cold), ("warm", warm)):
            s = summarise(timings)
            name = f"page {Path(page).stem} {kind}"
            note = problem or (
                f"in Thai; translating {share:.1%} of a warm run" if kind == "warm" else "in Thai"
            )
            rows.append(Row(plan.backend, name, "page", s.runs, s.median_ms, s.p95_ms, note=note))
    return rows
