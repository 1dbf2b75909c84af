"""Random sequences of attempted transitions and votes by random roles keep the workflow's invariants."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from core import registrations as workflow
from core.context import AppContext
from core.errors import DomainError
from core.registrations import states as rules
from db.models import AuditEntry, CourseSection, Internship, Registration, RegistrationEvent, Role
from db.models import RegistrationStatus as S
from tests import factories as f

WHO = ["admin", "coordinator", "advisor", "other_advisor", "member0", "member1", "member2", "staff"]
MOVES = [*rules.ACTIONS, "vote:approve", "vote:reject"]
# Registrations start anywhere before a placement (the factory does not check capacity).
STARTS = [
    S.SUBMITTED,
    S.ADVISOR_APPROVED,
    S.COMMITTEE_APPROVED,
    S.COMMITTEE_APPROVED,
    S.NEEDS_CHANGES,
    S.REJECTED,
]
# Weighted towards approving so that sequences often reach the placement gate and test capacity.
STEP = st.tuples(
    st.integers(0, 3),
    st.sampled_from([*WHO, "admin", "admin", "coordinator"]),
    st.sampled_from([*MOVES, "approve", "approve", "approve", "approve"]),
    st.sampled_from(["", "why"]),
)


def _world(ctx: AppContext, actors: dict, starts: list[S]) -> list[int]:
    with ctx.sessions.begin() as s:
        small, large = f.section(s, capacity=1), f.section(s, capacity=3)
        one_slot, three_slots = f.posting(s, slots=1), f.posting(s, slots=3)
        members = [actors[f"member{i}"].user_id for i in range(3)]
        f.committee(s, small, members)
        f.committee(s, large, members)
        advisor = actors["advisor"].user_id
        plan = [(small, three_slots), (small, three_slots), (large, one_slot), (large, one_slot)]
        return [
            f.registration(s, section_id=sec, internship_id=post, advisor_id=advisor, status=start)
            for (sec, post), start in zip(plan, starts, strict=True)
        ]


def _attempt(ctx: AppContext, actor, reg_id: int, move: str, reason: str) -> bool:
    """Try one move; True when it changed the registration's status."""
    try:
        if move.startswith("vote:"):
            return workflow.vote(
                ctx, actor=actor, registration_id=reg_id, vote=move[5:], remarks=reason
            ).decided
        workflow.transition(ctx, actor=actor, registration_id=reg_id, action=move, reason=reason)
        return True
    except DomainError:
        return False


def _check(ctx: AppContext, reg_ids: list[int], changes: dict[int, int]) -> None:
    with ctx.sessions.begin() as s:
        for reg_id in reg_ids:
            reg = s.get(Registration, reg_id)
            assert reg is not None
            events = list(
                s.scalars(
                    select(RegistrationEvent)
                    .where(RegistrationEvent.registration_id == reg_id)
                    .order_by(RegistrationEvent.id)
                )
            )
            assert events[0].from_status is None
            assert all(b.from_status == a.to_status for a, b in itertools.pairwise(events))
            assert events[-1].to_status == reg.status
            assert len(events) - 1 == changes[reg_id] == reg.version - 1
            audits = list(
                s.scalars(
                    select(AuditEntry.action)
                    .where(AuditEntry.entity_id == str(reg_id), AuditEntry.action.like("registration.%"))
                    .order_by(AuditEntry.id)
                )
            )
            assert audits == [f"registration.{e.to_status.value}" for e in events[1:]]
        placed = Registration.status.in_(rules.PLACED)
        event(f"placed: {s.scalar(select(func.count()).where(Registration.id.in_(reg_ids), placed))}")
        for model, column, limit in (
            (CourseSection, Registration.section_id, CourseSection.capacity),
            (Internship, Registration.internship_id, Internship.slots),
        ):
            for owner_id, cap in s.execute(select(model.id, limit)).all():
                assert (s.scalar(select(func.count()).where(column == owner_id, placed)) or 0) <= cap


def test_random_sequences_keep_invariants(ctx: AppContext, make_actor) -> None:
    actors = {w: make_actor(Role.ADVISOR if w.startswith(("member", "other")) else Role(w)) for w in WHO}

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(
        starts=st.lists(st.sampled_from(STARTS), min_size=4, max_size=4),
        steps=st.lists(STEP, min_size=5, max_size=20),
    )
    def run(starts: list[S], steps: list[tuple[int, str, str, str]]) -> None:
        reg_ids = _world(ctx, actors, starts)
        changes = dict.fromkeys(reg_ids, 0)
        for index, who, move, reason in steps:
            if _attempt(ctx, actors[who], reg_ids[index], move, reason):
                changes[reg_ids[index]] += 1
        _check(ctx, reg_ids, changes)

    run()
