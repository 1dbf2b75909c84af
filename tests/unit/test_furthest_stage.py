"""registrations.furthest_stage is kept equal to the furthest funnel stage of the timeline."""

from __future__ import annotations

from sqlalchemy import select

from core import registrations as workflow
from core.context import AppContext
from core.registrations.states import funnel_rank
from db.models import Registration, RegistrationEvent
from tests.unit.test_imports import _commit, _regs_csv, _students_csv, office  # noqa: F401
from tests.unit.test_workflow import World, world  # noqa: F401


def _stored_and_truth(ctx: AppContext) -> tuple[dict[int, int], dict[int, int]]:
    with ctx.sessions.begin() as s:
        stored = {int(i): int(k) for i, k in s.execute(select(Registration.id, Registration.furthest_stage))}
        truth = dict.fromkeys(stored, 0)
        for rid, to in s.execute(select(RegistrationEvent.registration_id, RegistrationEvent.to_status)):
            truth[int(rid)] = max(truth[int(rid)], funnel_rank(to.value))
    return stored, truth


def test_transitions_keep_the_furthest_stage(world: World) -> None:  # noqa: F811
    rid = world.reg()
    steps = [  # (actor, action, reason, furthest stage after)
        ("advisor", "needs_changes", "fix", 0),
        ("admin", "resubmit", None, 0),
        ("advisor", "approve", None, 1),
        ("admin", "reject", "no", 1),  # rejected: it did reach advisor approval
        ("admin", "reinstate", "ok", 1),  # back to submitted: still reached stage 1 once
        ("advisor", "approve", None, 1),
        ("admin", "approve", None, 2),
        ("admin", "needs_changes", "again", 2),
        ("admin", "resubmit", None, 2),
        ("advisor", "approve", None, 2),
        ("admin", "approve", None, 2),
        ("admin", "approve", None, 3),
        ("admin", "withdraw", "left", 3),
    ]
    for who, action, reason, expected in steps:
        workflow.transition(
            world.ctx, actor=world.actors[who], registration_id=rid, action=action, reason=reason
        )
        stored, truth = _stored_and_truth(world.ctx)
        assert stored[rid] == truth[rid] == expected, (action, expected)


def test_the_positive_path_reaches_completed(world: World) -> None:  # noqa: F811
    rid = world.reg()
    path = [("advisor", "approve"), ("admin", "approve"), ("admin", "approve"), ("admin", "start")]
    for (who, action), expected in zip([*path, ("admin", "complete")], [1, 2, 3, 4, 5], strict=True):
        workflow.transition(world.ctx, actor=world.actors[who], registration_id=rid, action=action)
        assert _stored_and_truth(world.ctx)[0][rid] == expected
    other = world.reg()
    for who, action in [*path, ("admin", "fail")]:
        reason = "did not finish" if action == "fail" else None
        workflow.transition(
            world.ctx, actor=world.actors[who], registration_id=other, action=action, reason=reason
        )
    stored, truth = _stored_and_truth(world.ctx)
    assert stored[other] == truth[other] == 4  # failed counts as having been in progress


def test_imported_registrations_start_at_submitted(ctx: AppContext, office) -> None:  # noqa: F811
    _commit(ctx, office, "students", _students_csv())
    _commit(ctx, office, "registrations", _regs_csv())
    stored, truth = _stored_and_truth(ctx)
    assert stored and stored == truth == dict.fromkeys(stored, 0)
