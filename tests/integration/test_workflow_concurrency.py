"""Reviewers acting at the same moment on MariaDB: exactly one wins, capacity holds, one decision per quorum."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from sqlalchemy import func, select

from core import registrations as workflow
from core.context import AppContext
from core.errors import Conflict, DomainError
from db.models import AuditEntry, Registration, RegistrationEvent, RegistrationStatus, Role
from tests import factories as f
from tests.conftest import mariadb_only

# SQLite serialises writers; the races that matter are on MariaDB, so no SQLite variant is made.
ctx = pytest.fixture(name="ctx")(mariadb_only)


@pytest.fixture
def mariadb(ctx: AppContext) -> AppContext:
    return ctx


def _race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each result is a return value or the exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = calls[i]()
        except Exception as exc:  # the test inspects what each side got
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def _counts(ctx: AppContext, reg_id: int) -> tuple[int, int]:
    with ctx.sessions.begin() as s:
        events = s.scalar(select(func.count()).where(RegistrationEvent.registration_id == reg_id))
        audits = s.scalar(
            select(func.count()).where(
                AuditEntry.entity_id == str(reg_id), AuditEntry.action.like("registration.%")
            )
        )
        return int(events or 0), int(audits or 0)


def test_approve_versus_reject_exactly_one_wins(mariadb: AppContext, make_actor) -> None:
    ctx = mariadb
    advisor = make_actor(Role.ADVISOR, full_name="Own Advisor")
    coordinator = make_actor(Role.COORDINATOR, full_name="Kanya Coordinator")
    with ctx.sessions.begin() as s:
        section_id = f.section(s)
        reg_ids = [f.registration(s, section_id=section_id, advisor_id=advisor.user_id) for _ in range(100)]
    started = time.perf_counter()
    wins = {"approve": 0, "reject": 0}
    for reg_id in reg_ids:
        approve = partial(
            workflow.transition, ctx, actor=advisor, registration_id=reg_id, action="approve", version=1
        )
        reject = partial(
            workflow.transition,
            ctx,
            actor=coordinator,
            registration_id=reg_id,
            action="reject",
            reason="late",
            version=1,
        )
        results = _race(approve, reject)
        losers = [r for r in results if isinstance(r, Exception)]
        assert len(losers) == 1, results
        assert isinstance(losers[0], Conflict) and losers[0].message.startswith("Already decided by "), (
            losers[0]
        )
        winner = next(r for r in results if not isinstance(r, Exception))
        wins["approve" if winner.status == "advisor_approved" else "reject"] += 1
        assert _counts(ctx, reg_id) == (2, 1)
    elapsed = time.perf_counter() - started
    print(f"100 races in {elapsed:.1f}s, wins {wins}")
    assert elapsed < 60


def test_capacity_holds_when_two_placements_race(mariadb: AppContext, make_actor) -> None:
    ctx = mariadb
    coordinator, admin = make_actor(Role.COORDINATOR), make_actor(Role.ADMIN)
    for _ in range(30):
        with ctx.sessions.begin() as s:
            section_id, posting_id = f.section(s, capacity=1), f.posting(s, slots=5)
            a, b = (
                f.registration(
                    s,
                    section_id=section_id,
                    internship_id=posting_id,
                    status=RegistrationStatus.COMMITTEE_APPROVED,
                )
                for _ in range(2)
            )
        results = _race(
            lambda a=a: workflow.transition(ctx, actor=coordinator, registration_id=a, action="approve"),
            lambda b=b: workflow.transition(ctx, actor=admin, registration_id=b, action="approve"),
        )
        failures = [r for r in results if isinstance(r, Exception)]
        assert len(failures) == 1 and isinstance(failures[0], DomainError), results
        with ctx.sessions.begin() as s:
            placed = s.scalar(
                select(func.count()).where(
                    Registration.section_id == section_id, Registration.status == RegistrationStatus.PLACED
                )
            )
        assert placed == 1


def test_simultaneous_votes_decide_once(mariadb: AppContext, make_actor) -> None:
    ctx = mariadb
    members = [make_actor(Role.ADVISOR) for _ in range(3)]
    with ctx.sessions.begin() as s:
        section_id = f.section(s)
        f.committee(s, section_id, [m.user_id for m in members])
        reg_ids = [
            f.registration(s, section_id=section_id, status=RegistrationStatus.ADVISOR_APPROVED)
            for _ in range(20)
        ]
    for reg_id in reg_ids:
        results = _race(
            *(
                lambda m=m, r=reg_id: workflow.vote(ctx, actor=m, registration_id=r, vote="approve")
                for m in members
            )
        )
        decided = [r for r in results if not isinstance(r, Exception) and r.decided]
        assert len(decided) == 1, results
        assert all(isinstance(r, Conflict) for r in results if isinstance(r, Exception)), results
        assert _counts(ctx, reg_id) == (2, 1)


def test_concurrent_transitions_in_one_section_keep_the_rollups_exact(
    mariadb: AppContext, make_actor
) -> None:
    """Eight approvals at once move rows of the same rollup keys: no lost update, no deadlock left over."""
    from core.registrations import rollups

    ctx = mariadb
    admin = make_actor(Role.ADMIN)
    with ctx.sessions.begin() as s:
        section_id = f.section(s, capacity=50)
        ids = [f.registration(s, section_id=section_id) for _ in range(8)]
    results = _race(
        *(partial(workflow.transition, ctx, actor=admin, registration_id=i, action="approve") for i in ids)
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    with ctx.sessions.begin() as s:
        assert rollups.counts(s) == rollups.recounted(s)
        assert rollups.counts(s)[(section_id, RegistrationStatus.ADVISOR_APPROVED.value, 1)] == 8
