"""Where registrations waited: time spent in each state, per stage and per approver.

Time in a state runs from the event that entered it to the next event of the same
registration; the approver is the actor of that next event (the one who ended the state).
States still open are not in these numbers; they are in the queue's ageing (core.progress_queue).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core.access import Actor, Permission, require
from core.context import AppContext
from core.progress import frames as data
from core.progress.scope import NAMESPACE, ProgressFilters

# An approver whose median is this many times the stage's median stands out on the chart.
STANDS_OUT_FACTOR = 1.5


@dataclass(frozen=True)
class Bottlenecks:
    """Days spent in each state: per stage, and per stage and approver."""

    per_stage: pd.DataFrame
    per_approver: pd.DataFrame


def _durations(ctx: AppContext, filters: ProgressFilters) -> pd.DataFrame:
    evs = data.events(ctx, filters).dropna(subset=["next_at"])
    days = (evs["next_at"] - evs["at"]).dt.total_seconds() / 86400
    return pd.DataFrame({"state": evs["to_status"], "approver_id": evs["next_actor_id"], "days": days})


def _summarise(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    grouped = frame.groupby(by, dropna=False)["days"]
    out = pd.DataFrame(
        {"transitions": grouped.size(), "median_days": grouped.median(), "p90_days": grouped.quantile(0.9)}
    )
    return out.reset_index()


def _per_stage(ctx: AppContext, filters: ProgressFilters) -> pd.DataFrame:
    out = _summarise(_durations(ctx, filters), ["state"])
    return out.sort_values("median_days", ascending=False, ignore_index=True)


def _per_approver(ctx: AppContext, filters: ProgressFilters) -> pd.DataFrame:
    durations = _durations(ctx, filters)
    out = _summarise(durations, ["state", "approver_id"])
    stage_median = durations.groupby("state")["days"].median()
    names = data.user_names(ctx)
    out["approver"] = [
        names.get(int(i), data.UNKNOWN) if pd.notna(i) else data.UNKNOWN for i in out["approver_id"]
    ]
    out["stands_out"] = out["median_days"] > out["state"].map(stage_median).astype(float) * STANDS_OUT_FACTOR
    return out.sort_values(["state", "median_days"], ascending=[True, False], ignore_index=True)


def time_in_state(ctx: AppContext, *, actor: Actor, filters: ProgressFilters) -> Bottlenecks:
    """Median and 90th percentile of days spent in each state, per stage and per approver."""
    require(actor, Permission.VIEW_PROGRESS)
    key = filters.key()
    return Bottlenecks(
        per_stage=ctx.cache.get_or_compute(
            NAMESPACE, "progress.stage_times", key, lambda: _per_stage(ctx, filters)
        ),
        per_approver=ctx.cache.get_or_compute(
            NAMESPACE, "progress.approver_times", key, lambda: _per_approver(ctx, filters)
        ),
    )
