"""Bottlenecks before any registration has left its first state (it used to raise a TypeError)."""

from __future__ import annotations

from core.progress import ProgressFilters
from core.progress import bottlenecks as progress_bottlenecks
from tests import factories as f


def test_time_in_state_with_no_finished_steps(ctx, make_actor) -> None:
    manager = make_actor("manager")
    with ctx.sessions.begin() as s:
        f.registration(s)
    result = progress_bottlenecks.time_in_state(ctx, actor=manager, filters=ProgressFilters())
    assert result.per_stage.empty
    assert result.per_approver.empty
