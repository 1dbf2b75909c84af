"""The changes feed: numbered in commit order, so a reader following the cursor while others write misses
nothing and sees nothing twice; bulk-loaded history is caught up in time order."""

from __future__ import annotations

import threading

from sqlalchemy import select

from core import registrations
from core.context import AppContext
from db.models import RegistrationChange, RegistrationStatus
from tests import factories as f


def test_a_reader_following_the_feed_during_writes_sees_every_change_once(
    ctx: AppContext, make_actor
) -> None:
    admin = make_actor("admin")
    with ctx.sessions.begin() as s:
        section = f.section(s, capacity=100)
        regs = [f.registration(s, section_id=section) for _ in range(24)]
    writers_done = threading.Event()
    seen: list[str] = []

    def write(mine: list[int]) -> None:
        for reg in mine:
            registrations.transition(ctx, actor=admin, registration_id=reg, action="approve")

    def read() -> None:
        cursor = None
        while True:
            finished = writers_done.is_set()
            page = registrations.list_changes(ctx, actor=admin, after=cursor, limit=5)
            seen.extend(c.cursor for c in page.changes)
            cursor = page.next_cursor
            if finished and not page.changes:
                return

    reader = threading.Thread(target=read)
    writers = [threading.Thread(target=write, args=(regs[i::3],)) for i in range(3)]
    reader.start()
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    writers_done.set()
    reader.join(timeout=60)
    with ctx.sessions.begin() as s:
        numbers = list(s.scalars(select(RegistrationChange.seq).order_by(RegistrationChange.seq)))
    assert len(seen) == len(set(seen)) == len(numbers) == 24  # every approval once, none twice
    assert [registrations.cursors.decode("c1", c) for c in seen] == numbers  # in commit order


def test_bulk_history_is_caught_up_in_time_order_with_versions(ctx: AppContext) -> None:
    from datetime import UTC, datetime, timedelta

    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    with ctx.sessions.begin() as s:  # the factories write timelines without the feed, as demo data is
        later = f.registration(s, steps=[f.Step(RegistrationStatus.SUBMITTED.value, t0 + timedelta(days=2))])
        earlier = f.registration(s, steps=[f.Step(RegistrationStatus.SUBMITTED.value, t0),
                                           f.Step(RegistrationStatus.ADVISOR_APPROVED.value, t0 + timedelta(days=3))])  # fmt: skip
        assert registrations.catch_up_feed(s) == 3
        assert registrations.catch_up_feed(s) == 0
        rows = s.execute(select(RegistrationChange.registration_id, RegistrationChange.version)
                         .order_by(RegistrationChange.seq)).all()  # fmt: skip
    assert [tuple(r) for r in rows] == [(earlier, 1), (later, 1), (earlier, 2)]
