"""The registration state machine: every transition per role, reasons, capacity, votes, conflicts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial

import pytest
from sqlalchemy import func, insert, select

from core import clock
from core import postings as placement_rules
from core import registrations as workflow
from core.access import Actor
from core.context import AppContext
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.registrations import committee
from core.registrations import states as rules
from core.registrations.committee import decision, quorum
from db.models import (
    AuditEntry,
    PostingStatus,
    Registration,
    RegistrationEvent,
    RegistrationStatus,
    Role,
    Student,
    internship_programs,
)
from tests import factories as f

S = RegistrationStatus
T0 = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


@dataclass
class World:
    ctx: AppContext
    actors: dict[str, Actor]
    section_id: int
    posting_id: int

    def reg(
        self,
        status: S = S.SUBMITTED,
        *,
        advisor: str = "advisor",
        posting: bool = True,
        section_id: int | None = None,
    ) -> int:
        with self.ctx.sessions.begin() as s:
            return f.registration(
                s,
                section_id=section_id or self.section_id,
                internship_id=self.posting_id if posting else None,
                advisor_id=self.actors[advisor].user_id,
                status=status,
            )

    def status(self, reg_id: int) -> S:
        with self.ctx.sessions.begin() as s:
            reg = s.get(Registration, reg_id)
            assert reg is not None
            return reg.status

    def counts(self, reg_id: int) -> tuple[int, int]:
        with self.ctx.sessions.begin() as s:
            events = s.scalar(select(func.count()).where(RegistrationEvent.registration_id == reg_id))
            audits = s.scalar(
                select(func.count()).where(
                    AuditEntry.entity == "registration",
                    AuditEntry.entity_id == str(reg_id),
                    AuditEntry.action.like("registration.%"),
                )
            )
            return int(events or 0), int(audits or 0)


@pytest.fixture
def world(ctx: AppContext, make_actor, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(clock, "now", lambda: T0)
    actors = {
        "admin": make_actor(Role.ADMIN, full_name="Ada Admin"),
        "coordinator": make_actor(Role.COORDINATOR, full_name="Kanya Coordinator"),
        "advisor": make_actor(Role.ADVISOR, full_name="Own Advisor"),
        "other_advisor": make_actor(Role.ADVISOR, full_name="Other Advisor"),
        "staff": make_actor(Role.STAFF),
        "manager": make_actor(Role.MANAGER),
    }
    with ctx.sessions.begin() as s:
        section_id = f.section(s, capacity=100)
        posting_id = f.posting(s, slots=100)
    return World(ctx, actors, section_id, posting_id)


def _expected(role_key: str, row: rules.Transition) -> bool:
    role = Role.ADVISOR if role_key.endswith("advisor") else Role(role_key)
    return rules.role_may(role, row, own_advisee=role_key == "advisor")


@pytest.mark.parametrize("row", rules.TRANSITIONS, ids=lambda t: f"{t.action}:{t.source.value}")
def test_every_transition_allowed_or_denied_per_role(world: World, row: rules.Transition) -> None:
    for role_key, actor in world.actors.items():
        reg_id = world.reg(row.source)
        reason = "because" if row.needs_reason else None
        call = partial(
            workflow.transition,
            world.ctx,
            actor=actor,
            registration_id=reg_id,
            action=row.action,
            reason=reason,
        )
        if _expected(role_key, row):
            result = call()
            assert (result.status, world.status(reg_id)) == (row.target.value, row.target), role_key
            assert world.counts(reg_id) == (2, 1)  # the factory's first event + this one; one audit row
        else:
            with pytest.raises(PermissionDenied):
                call()
            assert world.status(reg_id) == row.source and world.counts(reg_id) == (1, 0), role_key


def test_audit_row_names_the_new_status(world: World) -> None:
    reg_id = world.reg()
    workflow.transition(world.ctx, actor=world.actors["advisor"], registration_id=reg_id, action="approve")
    with world.ctx.sessions.begin() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.entity_id == str(reg_id))).one()
        event = s.scalars(select(RegistrationEvent).where(RegistrationEvent.from_status.is_not(None))).one()
    assert entry.action == "registration.advisor_approved"
    assert entry.before == {"status": "submitted", "version": 1}
    assert (event.from_status, event.to_status, event.actor_id) == (
        S.SUBMITTED,
        S.ADVISOR_APPROVED,
        world.actors["advisor"].user_id,
    )


def test_nothing_outside_the_table_is_possible(world: World) -> None:
    admin = world.actors["admin"]
    for status in S:
        for action in rules.ACTIONS:
            if rules.find(action, status) is not None:
                continue
            reg_id = world.reg(status)
            with pytest.raises(Conflict, match="Cannot"):
                workflow.transition(world.ctx, actor=admin, registration_id=reg_id, action=action, reason="r")
            assert world.counts(reg_id) == (1, 0)


def test_unknown_action_and_missing_registration(world: World) -> None:
    with pytest.raises(InvalidInput, match="Unknown action"):
        workflow.transition(world.ctx, actor=world.actors["admin"], registration_id=1, action="teleport")
    with pytest.raises(NotFound):
        workflow.transition(world.ctx, actor=world.actors["admin"], registration_id=999_999, action="approve")


@pytest.mark.parametrize("action", sorted(rules.NEEDS_REASON))
@pytest.mark.parametrize("reason", [None, "", "   \n\t"])
def test_reason_required(world: World, action: str, reason: str | None) -> None:
    source = next(t.source for t in rules.TRANSITIONS if t.action == action)
    reg_id = world.reg(source)
    with pytest.raises(InvalidInput, match="reason is required"):
        workflow.transition(
            world.ctx, actor=world.actors["admin"], registration_id=reg_id, action=action, reason=reason
        )
    assert world.status(reg_id) == source
    assert {"reject", "needs_changes", "reinstate", "withdraw", "fail"} == rules.NEEDS_REASON


def test_section_capacity_is_never_exceeded(world: World) -> None:
    with world.ctx.sessions.begin() as s:
        small = f.section(s, capacity=1)
    first, second = (
        world.reg(S.COMMITTEE_APPROVED, section_id=small),
        world.reg(S.COMMITTEE_APPROVED, section_id=small),
    )
    coordinator = world.actors["coordinator"]
    workflow.transition(world.ctx, actor=coordinator, registration_id=first, action="approve")
    with pytest.raises(Conflict, match="section is full"):
        workflow.transition(world.ctx, actor=coordinator, registration_id=second, action="approve")
    assert world.status(second) == S.COMMITTEE_APPROVED and world.counts(second) == (1, 0)


def test_posting_slots_are_never_exceeded(world: World) -> None:
    with world.ctx.sessions.begin() as s:
        one_slot = f.posting(s, slots=1)
        other = f.section(s, capacity=5)
    first, second = (
        world.reg(S.COMMITTEE_APPROVED, posting=False),
        world.reg(S.COMMITTEE_APPROVED, section_id=other, posting=False),
    )
    admin = world.actors["admin"]
    workflow.transition(
        world.ctx, actor=admin, registration_id=first, action="approve", internship_id=one_slot
    )
    with pytest.raises(Conflict, match="is full"):
        workflow.transition(
            world.ctx, actor=admin, registration_id=second, action="approve", internship_id=one_slot
        )
    with world.ctx.sessions.begin() as s:
        reg = s.get(Registration, first)
        assert reg is not None and reg.internship_id == one_slot


def test_placement_needs_a_posting(world: World) -> None:
    reg_id = world.reg(S.COMMITTEE_APPROVED, posting=False)
    with pytest.raises(InvalidInput, match="posting"):
        workflow.transition(
            world.ctx, actor=world.actors["coordinator"], registration_id=reg_id, action="approve"
        )


def test_advisor_acts_only_on_own_advisees(world: World) -> None:
    mine, theirs = world.reg(), world.reg(advisor="other_advisor")
    advisor = world.actors["advisor"]
    with pytest.raises(PermissionDenied, match="own advisees"):
        workflow.transition(world.ctx, actor=advisor, registration_id=theirs, action="approve")
    with pytest.raises(PermissionDenied, match="own advisees"):
        workflow.transition(
            world.ctx, actor=advisor, registration_id=theirs, action="needs_changes", reason="fix"
        )
    assert (
        workflow.transition(world.ctx, actor=advisor, registration_id=mine, action="approve").status
        == "advisor_approved"
    )
    with pytest.raises(NotFound):
        workflow.registration_detail(world.ctx, actor=advisor, registration_id=theirs)


def test_conflict_names_who_decided_first(world: World) -> None:
    reg_id = world.reg()
    workflow.transition(
        world.ctx,
        actor=world.actors["coordinator"],
        registration_id=reg_id,
        action="reject",
        reason="late",
        version=1,
    )
    with pytest.raises(Conflict) as lost:
        workflow.transition(
            world.ctx, actor=world.actors["advisor"], registration_id=reg_id, action="approve", version=1
        )
    assert lost.value.message == "Already decided by Kanya Coordinator at 2 Nov 2026 16:30."  # Bangkok time
    assert world.counts(reg_id) == (2, 1)


@pytest.mark.parametrize(("members", "expected"), [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (6, 4), (7, 4)])
def test_quorum(members: int, expected: int) -> None:
    assert quorum(members) == expected


def test_decision_math() -> None:
    assert decision(3, 1, 0) is None  # below quorum
    assert decision(3, 2, 0) is True
    assert decision(3, 1, 1) is False  # a tie is not "more than half"
    assert decision(4, 2, 1) is True
    assert decision(4, 1, 2) is False
    assert decision(5, 2, 2) is False
    assert decision(0, 0, 0) is None


def _committee(world: World, make_actor, n: int) -> list[Actor]:
    members = [make_actor(Role.ADVISOR, full_name=f"Member {i}") for i in range(n)]
    with world.ctx.sessions.begin() as s:
        f.committee(s, world.section_id, [m.user_id for m in members])
    return members


def test_committee_approves_at_quorum(world: World, make_actor) -> None:
    members = _committee(world, make_actor, 3)
    reg_id = world.reg(S.ADVISOR_APPROVED)
    first = workflow.vote(world.ctx, actor=members[0], registration_id=reg_id, vote="approve")
    assert (first.decided, first.status) == (False, "advisor_approved")
    status = workflow.committee_status(world.ctx, actor=members[0], registration_id=reg_id)
    assert [m.vote for m in status.members] == ["approve", None, None] and status.quorum == 2
    second = workflow.vote(world.ctx, actor=members[1], registration_id=reg_id, vote="approve")
    assert (second.decided, world.status(reg_id)) == (True, S.COMMITTEE_APPROVED)
    with pytest.raises(Conflict, match="Voting is closed"):
        workflow.vote(world.ctx, actor=members[2], registration_id=reg_id, vote="reject")
    assert world.counts(reg_id) == (2, 1)


def test_committee_rejects_with_its_remarks(world: World, make_actor) -> None:
    members = _committee(world, make_actor, 3)
    reg_id = world.reg(S.ADVISOR_APPROVED)
    workflow.vote(world.ctx, actor=members[0], registration_id=reg_id, vote="approve")
    with pytest.raises(Conflict, match="already voted"):
        workflow.vote(world.ctx, actor=members[0], registration_id=reg_id, vote="reject")
    workflow.vote(world.ctx, actor=members[1], registration_id=reg_id, vote="reject", remarks="GPAX too low")
    assert world.status(reg_id) == S.REJECTED
    detail = workflow.registration_detail(
        world.ctx, actor=world.actors["coordinator"], registration_id=reg_id
    )
    assert detail.timeline[-1].reason is not None and "GPAX too low" in detail.timeline[-1].reason
    assert [a.action for a in detail.allowed_actions] == ["reinstate"]


def test_only_members_vote_and_only_while_advisor_approved(world: World, make_actor) -> None:
    members = _committee(world, make_actor, 2)
    submitted, ready = world.reg(S.SUBMITTED), world.reg(S.ADVISOR_APPROVED)
    with pytest.raises(PermissionDenied, match="committee"):
        workflow.vote(world.ctx, actor=world.actors["coordinator"], registration_id=ready, vote="approve")
    with pytest.raises(Conflict, match="Voting is closed"):
        workflow.vote(world.ctx, actor=members[0], registration_id=submitted, vote="approve")
    with pytest.raises(InvalidInput):
        workflow.vote(world.ctx, actor=members[0], registration_id=ready, vote="maybe")
    with pytest.raises(PermissionDenied):
        workflow.vote(world.ctx, actor=world.actors["staff"], registration_id=ready, vote="approve")


def test_a_new_round_clears_old_votes(world: World, make_actor) -> None:
    members = _committee(world, make_actor, 3)
    reg_id = world.reg(S.ADVISOR_APPROVED)
    workflow.vote(world.ctx, actor=members[0], registration_id=reg_id, vote="approve")
    coordinator, advisor = world.actors["coordinator"], world.actors["advisor"]
    workflow.transition(
        world.ctx, actor=coordinator, registration_id=reg_id, action="needs_changes", reason="add transcript"
    )
    workflow.transition(world.ctx, actor=coordinator, registration_id=reg_id, action="resubmit")
    workflow.transition(world.ctx, actor=advisor, registration_id=reg_id, action="approve")
    status = workflow.committee_status(world.ctx, actor=coordinator, registration_id=reg_id)
    assert (status.approvals, status.rejections, status.voting_open) == (0, 0, True)
    assert workflow.vote(world.ctx, actor=members[0], registration_id=reg_id, vote="approve").decided is False


def test_bulk_reports_each_outcome(world: World) -> None:
    ok, wrong_state = world.reg(S.SUBMITTED), world.reg(S.COMPLETED)
    result = workflow.bulk_transition(
        world.ctx,
        actor=world.actors["coordinator"],
        ids=[ok, wrong_state, 987_654, ok],
        action="reject",
        reason="duplicate",
    )
    assert result.succeeded == (ok,)
    assert set(result.failed) == {wrong_state, 987_654}
    assert "Cannot “Reject”" in str(result.failed[wrong_state])
    assert str(result.failed[987_654]) == "No such registration."
    assert result.failed[987_654].render("th") != "No such registration."  # translated where it is shown
    with pytest.raises(InvalidInput, match="reason"):
        workflow.bulk_transition(
            world.ctx, actor=world.actors["coordinator"], ids=[ok], action="reject", reason=" "
        )


def test_detail_shows_actions_valid_now_for_the_viewer(world: World) -> None:
    reg_id = world.reg(S.SUBMITTED)
    as_advisor = workflow.registration_detail(
        world.ctx, actor=world.actors["advisor"], registration_id=reg_id
    )
    as_coordinator = workflow.registration_detail(
        world.ctx, actor=world.actors["coordinator"], registration_id=reg_id
    )
    assert [a.action for a in as_advisor.allowed_actions] == ["approve", "needs_changes"]
    assert [a.action for a in as_coordinator.allowed_actions] == ["needs_changes", "reject", "withdraw"]
    assert as_coordinator.posting is not None and as_coordinator.company is not None
    assert [t.to_status for t in as_coordinator.timeline] == ["submitted"]
    with pytest.raises(PermissionDenied):
        workflow.registration_detail(world.ctx, actor=world.actors["staff"], registration_id=reg_id)


def test_transition_bumps_the_registrations_cache(world: World) -> None:
    calls: list[int] = []
    compute = lambda: calls.append(1) or {"n": len(calls)}  # noqa: E731
    world.ctx.cache.get_or_compute(("registrations",), "t", {}, compute)
    workflow.transition(
        world.ctx, actor=world.actors["advisor"], registration_id=world.reg(), action="approve"
    )
    world.ctx.cache.get_or_compute(("registrations",), "t", {}, compute)
    assert len(calls) == 2


def test_manager_reads_a_registration_but_may_take_no_action(world: World) -> None:
    """Managers open registrations from the progress drill-down: read-only, never an action."""
    reg_id = world.reg(RegistrationStatus.SUBMITTED)
    detail = workflow.registration_detail(world.ctx, actor=world.actors["manager"], registration_id=reg_id)
    assert detail.id == reg_id
    assert detail.allowed_actions == ()
    with pytest.raises(PermissionDenied):
        workflow.registration_detail(world.ctx, actor=world.actors["staff"], registration_id=reg_id)


def test_bulk_refuses_registrations_changed_since_they_were_shown(world: World) -> None:
    shown, moved = world.reg(S.SUBMITTED), world.reg(S.SUBMITTED)
    coordinator = world.actors["coordinator"]
    workflow.transition(world.ctx, actor=world.actors["advisor"], registration_id=moved, action="approve")
    result = workflow.bulk_transition(
        world.ctx, actor=coordinator, ids=[shown, moved], action="reject", reason="duplicate",
        versions={shown: 1, moved: 1},
    )  # fmt: skip
    assert result.succeeded == (shown,)
    assert "Already decided by Own Advisor" in str(result.failed[moved])
    assert world.status(moved) == S.ADVISOR_APPROVED
    again = workflow.bulk_transition(
        world.ctx, actor=coordinator, ids=[shown], action="reject", reason="again", versions={shown: 1}
    )
    assert world.status(shown) == S.REJECTED and world.counts(shown) == (2, 1)
    assert again.succeeded == (shown,)  # the same reviewer's own earlier decision: nothing changes twice


def _placement(world: World, **posting: object) -> tuple[int, int]:
    with world.ctx.sessions.begin() as s:
        section_id = f.section(s, academic_year=2026, semester=2, capacity=5)
        posting_id = f.posting(s, slots=2, **posting)
    return world.reg(S.COMMITTEE_APPROVED, section_id=section_id, posting=False), posting_id


@pytest.mark.parametrize(
    ("posting", "message"),
    [
        ({"status": PostingStatus.CLOSED}, "is closed"),
        ({"period_start": date(2025, 6, 10), "period_end": date(2025, 8, 5)}, "outside term 2/2026"),
        ({"period_start": date(2027, 4, 1), "period_end": None}, "outside term 2/2026"),
    ],
)
def test_placement_is_refused_into_a_posting_that_cannot_take_the_student(
    world: World, posting: dict[str, object], message: str
) -> None:
    reg_id, posting_id = _placement(world, **posting)
    with pytest.raises(Conflict, match=message):
        workflow.transition(
            world.ctx, actor=world.actors["coordinator"], registration_id=reg_id, action="approve",
            internship_id=posting_id,
        )  # fmt: skip
    assert world.status(reg_id) == S.COMMITTEE_APPROVED and world.counts(reg_id) == (1, 0)


def test_placement_is_refused_when_the_posting_excludes_the_students_program(world: World) -> None:
    reg_id, posting_id = _placement(world, period_start=date(2026, 12, 1), period_end=date(2027, 2, 28))
    with world.ctx.sessions.begin() as s:
        s.execute(insert(internship_programs).values(internship_id=posting_id, program_id=f.program(s)))
    with pytest.raises(Conflict, match="not open to the student's program"):
        workflow.transition(
            world.ctx, actor=world.actors["coordinator"], registration_id=reg_id, action="approve",
            internship_id=posting_id,
        )  # fmt: skip
    with world.ctx.sessions.begin() as s:
        program_id = s.scalar(
            select(Student.program_id).join(Registration, Registration.student_id == Student.id)
            .where(Registration.id == reg_id)
        )  # fmt: skip
        s.execute(insert(internship_programs).values(internship_id=posting_id, program_id=program_id))
    workflow.transition(
        world.ctx, actor=world.actors["coordinator"], registration_id=reg_id, action="approve",
        internship_id=posting_id,
    )  # fmt: skip
    assert world.status(reg_id) == S.PLACED


def test_the_posting_picker_offers_only_postings_that_can_take_the_student(world: World) -> None:
    reg_id, _ = _placement(world)
    company = f.new(
        world.ctx, f.company, name_th="บริษัท ทดสอบ จำกัด", name_en="Test Co", province="กรุงเทพมหานคร"
    )
    good = f.new(world.ctx, f.posting, company, "Data intern", slots=2, period=(date(2026, 11, 15), None))
    f.new(world.ctx, f.posting, company, "Data closed", status="closed", slots=3)
    old = f.new(
        world.ctx, f.posting, company, "Data last year", period=(date(2025, 6, 10), date(2025, 8, 5)), slots=3
    )
    choices = placement_rules.placement_choices(
        world.ctx, actor=world.actors["coordinator"], registration_id=reg_id, query="data"
    )
    assert [p.id for p in choices.eligible] == [good]
    label = str(choices.eligible[0].label())
    assert "2 of 2 left" in label and "Data intern" in label
    assert [(p.id, "outside term" in str(problems[0])) for p, problems in choices.refused] == [(old, True)]
    with pytest.raises(NotFound):
        placement_rules.placement_choices(world.ctx, actor=world.actors["coordinator"], registration_id=999)


def test_every_committee_member_sees_the_votes_waiting_for_them(world: World, make_actor) -> None:
    members = _committee(world, make_actor, 3)
    waiting, other = world.reg(S.ADVISOR_APPROVED, advisor="other_advisor"), world.reg(S.SUBMITTED)
    frame = committee.awaiting_votes(world.ctx, actor=members[0])
    assert frame["id"].tolist() == [waiting] and other not in frame["id"].tolist()
    row = frame.iloc[0]
    assert (row["advisor"], row["quorum"], row["approvals"], row["my_vote"]) == ("Other Advisor", 2, 0, None)
    workflow.vote(world.ctx, actor=members[0], registration_id=waiting, vote="approve")
    assert committee.awaiting_votes(world.ctx, actor=members[0]).empty
    mine = committee.awaiting_votes(world.ctx, actor=members[0], include_voted=True)
    assert mine[["approvals", "my_vote"]].values.tolist() == [[1, "approve"]]
    assert committee.awaiting_votes(world.ctx, actor=world.actors["advisor"]).empty  # not on this committee
    workflow.vote(world.ctx, actor=members[1], registration_id=waiting, vote="approve")
    assert world.status(waiting) == S.COMMITTEE_APPROVED
    with pytest.raises(PermissionDenied):
        committee.awaiting_votes(world.ctx, actor=world.actors["manager"])
