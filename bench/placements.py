"""After placement in the bench: the lists and the workspace, the managers' aggregates (cold against the
raw driver, and cache hit against cold), and a 5 MB photo upload's time and memory."""

from __future__ import annotations

import io
import random
import time
from functools import partial

from sqlalchemy import func, select

from bench.cases import Case
from bench.harness import Row, summarise
from bench.load import rss_mb
from bench.runner import Plan
from core import placements
from core.access import Actor
from core.context import AppContext
from core.registrations import states
from db.models import Placement, Registration, Visit, VisitPhoto, VisitStatus

PHOTO_BYTES = 5 * 1024 * 1024 - 64 * 1024  # just under the limit


def _busiest_year(ctx: AppContext, manager: Actor) -> int | None:
    years = placements.stats_years(ctx, actor=manager)
    return years[1] if len(years) > 1 else (years[0] if years else None)  # the newest complete year


def _working(ctx: AppContext) -> int | None:
    stmt = (
        select(Registration.id)
        .join(Placement, Placement.registration_id == Registration.id)
        .where(Registration.status == states.Status.IN_PROGRESS)
        .order_by(Registration.id.desc())
        .limit(1)
    )
    with ctx.sessions.begin() as session:
        return session.scalar(stmt)


def placement_cases(ctx: AppContext, actors: dict[str, Actor]) -> list[Case]:
    """The lists, one workspace, and the managers' aggregates (cold: a cache miss of its own)."""
    admin, advisor = actors["admin"], actors["advisor"]
    year = _busiest_year(ctx, admin)
    term = placements.PlacementFilters(academic_year=year)
    late = placements.PlacementFilters(academic_year=year, overdue="any")
    cases = [
        Case("placements.my_students", partial(placements.my_students, ctx, actor=advisor), cached=True),
        Case(
            "placements.list year", partial(placements.list_placements, ctx, actor=admin, filters=term), True
        ),
        Case(
            "placements.list overdue",
            partial(placements.list_placements, ctx, actor=admin, filters=late),
            True,
        ),
    ]
    working = _working(ctx)
    if working is not None:
        cases.append(
            Case(
                "placements.workspace",
                partial(placements.placement_workspace, ctx, actor=admin, registration_id=working),
            )
        )
    stats = placements.StatsFilters(year)
    kw = {"actor": admin, "filters": stats}
    cases += [
        Case("placements.stats coverage", partial(placements.visit_coverage, ctx, **kw), cached=True),
        Case("placements.stats completeness", partial(placements.evaluation_completeness, ctx, **kw), True),
        Case(
            "placements.stats scores company",
            partial(placements.score_distribution, ctx, **kw, by="company"),
            True,
        ),
        Case(
            "placements.stats scores program",
            partial(placements.score_distribution, ctx, **kw, by="program"),
            True,
        ),
    ]
    return cases


def photo_jpeg(size: int = PHOTO_BYTES, seed: int = 7) -> bytes:
    """A camera-like JPEG of about `size` bytes (noise compresses badly, so it is mostly noise)."""
    from PIL import Image

    rng = random.Random(seed)
    side = 2400
    noise = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    for quality in (95, 90, 85, 80, 70, 60, 50):
        out = io.BytesIO()
        noise.save(out, "JPEG", quality=quality)
        if out.tell() <= size:
            return out.getvalue()
    return out.getvalue()


def _done_visit(ctx: AppContext) -> int | None:
    photos = select(func.count()).where(VisitPhoto.visit_id == Visit.id).scalar_subquery()
    stmt = (
        select(Visit.id)
        .join(Placement, Placement.id == Visit.placement_id)
        .join(Registration, Registration.id == Placement.registration_id)
        .where(
            Visit.status == VisitStatus.DONE,
            Registration.status.in_((states.Status.PLACED, states.Status.IN_PROGRESS)),
            photos == 0,
        )
        .limit(1)
    )
    with ctx.sessions.begin() as session:
        return session.scalar(stmt)


def photo_rows(ctx: AppContext, admin: Actor, plan: Plan, runs: int = 8) -> list[Row]:
    """Upload a ~5 MB JPEG to a done visit `runs` times (removed again, untimed): time and RSS growth."""
    visit = _done_visit(ctx)
    if visit is None:
        return [
            Row(plan.backend, "photo upload 5 MB", "core", 0, None, note="no done visit to attach photos to")
        ]
    data = photo_jpeg()
    upload = partial(
        placements.add_visit_photos, ctx, actor=admin, visit_id=visit, photos=[("visit.jpg", data)]
    )
    for photo in upload():  # warm-up: imports, prepared statements, allocator arenas
        placements.remove_visit_photo(ctx, actor=admin, photo_id=photo)
    before, timings = rss_mb(), []
    for _ in range(runs):
        started = time.perf_counter()
        ids = upload()
        timings.append(time.perf_counter() - started)
        for photo in ids:
            placements.remove_visit_photo(ctx, actor=admin, photo_id=photo)
    growth = rss_mb() - before
    s = summarise(timings)
    size = len(data) / 1048576
    note = f"{size:.1f} MB JPEG checked, location stripped, thumbnail, stored; RSS +{growth:.1f} MiB"
    return [Row(plan.backend, "photo upload 5 MB", "core", s.runs, s.median_ms, s.p95_ms, note=note)]
