"""Where registrations wait: time spent in each state, per stage and per approver, and queue ageing.

Time in a state runs from the event that entered it to the next event of the same
registration; the approver is the actor of that next event (the one who ended the state).
States still open are not in these numbers; they are in the queue's ageing instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select

from core import clock
from core import progress_data as data
from core.access import Actor, Permission, require
from core.context import AppContext
from core.progress_data import ProgressFilters
from db.models import CommitteeVote, section_committee

OPEN_STATES = ("submitted", "advisor_approved", "committee_approved", "needs_changes")
# An approver whose median is this many times the stage's median stands out on the chart.
STANDS_OUT_FACTOR = 1.5
UNKNOWN = "(unknown)"


@dataclass(frozen=True)
class Bottlenecks:
    """Days spent in each state: per stage, and per stage and approver."""

    per_stage: pd.DataFrame
    per_approver: pd.DataFrame


@dataclass(frozen=True)
class QueueAgeing:
    """The open queue: per-state ages, the oldest items, and overdue items per approver."""

    by_state: pd.DataFrame
    oldest: pd.DataFrame
    overdue_by_approver: pd.DataFrame
    overdue_days: int


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
    out["approver"] = [names.get(int(i), UNKNOWN) if pd.notna(i) else UNKNOWN for i in out["approver_id"]]
    out["stands_out"] = out["median_days"] > out["state"].map(stage_median).astype(float) * STANDS_OUT_FACTOR
    return out.sort_values(["state", "median_days"], ascending=[True, False], ignore_index=True)


def time_in_state(ctx: AppContext, *, actor: Actor, filters: ProgressFilters) -> Bottlenecks:
    """Median and 90th percentile of days spent in each state, per stage and per approver."""
    require(actor, Permission.VIEW_PROGRESS)
    key = filters.key()
    return Bottlenecks(
        per_stage=ctx.cache.get_or_compute(
            data.NAMESPACE, "progress.stage_times", key, lambda: _per_stage(ctx, filters)
        ),
        per_approver=ctx.cache.get_or_compute(
            data.NAMESPACE, "progress.approver_times", key, lambda: _per_approver(ctx, filters)
        ),
    )


def _pending_committee(ctx: AppContext, items: pd.DataFrame) -> pd.DataFrame:
    """(registration id, member id) for committee members who have not voted yet."""
    if items.empty:
        return pd.DataFrame(columns=["id", "approver_id"])
    sections = [int(s) for s in items["section_id"].unique()]
    reg_ids = [int(r) for r in items["id"]]
    with ctx.sessions.begin() as session:
        members = session.execute(
            select(section_committee.c.section_id, section_committee.c.user_id).where(
                section_committee.c.section_id.in_(sections)
            )
        ).all()
        voted = set(
            session.execute(
                select(CommitteeVote.registration_id, CommitteeVote.member_id).where(
                    CommitteeVote.registration_id.in_(reg_ids)
                )
            ).all()
        )
    by_section = pd.DataFrame(members, columns=["section_id", "approver_id"])
    pairs = items[["id", "section_id"]].merge(by_section, on="section_id")
    keep = [(int(r), int(m)) not in voted for r, m in zip(pairs["id"], pairs["approver_id"], strict=True)]
    return pairs.loc[keep, ["id", "approver_id"]]


def _overdue_by_approver(ctx: AppContext, overdue: pd.DataFrame) -> pd.DataFrame:
    advisors = overdue.loc[overdue["status"] == "submitted", ["id", "advisor_id"]]
    coordinators = overdue.loc[overdue["status"] == "committee_approved", ["id", "coordinator_id"]]
    pairs = pd.concat(
        [
            advisors.rename(columns={"advisor_id": "approver_id"}).assign(state="submitted"),
            _pending_committee(ctx, overdue[overdue["status"] == "advisor_approved"]).assign(
                state="advisor_approved"
            ),
            coordinators.rename(columns={"coordinator_id": "approver_id"}).assign(state="committee_approved"),
        ],
        ignore_index=True,
    ).dropna(subset=["approver_id"])
    counts = pairs.groupby(["approver_id", "state"]).size().rename("overdue").reset_index()
    names = data.user_names(ctx)
    counts["approver"] = [names.get(int(i), UNKNOWN) for i in counts["approver_id"]]
    counts = counts.astype({"approver_id": int, "overdue": int})
    return counts.sort_values(["overdue", "approver"], ascending=[False, True], ignore_index=True)


def queue_ageing(ctx: AppContext, *, actor: Actor, filters: ProgressFilters, oldest: int = 10) -> QueueAgeing:
    """How long open registrations have waited, the oldest of them, and who holds overdue ones."""
    require(actor, Permission.VIEW_PROGRESS)
    open_items = data.registrations_in(ctx, filters, OPEN_STATES)
    age = (pd.Timestamp(clock.now()) - open_items["status_changed_at"]).dt.total_seconds() / 86400
    open_items = open_items.assign(days_in_state=age)
    limit = ctx.settings.overdue_days
    overdue = open_items[open_items["days_in_state"] > limit]
    grouped = open_items.groupby("status")["days_in_state"]
    by_state = pd.DataFrame(
        {
            "open": grouped.size(),
            "overdue": (open_items["days_in_state"] > limit).groupby(open_items["status"]).sum(),
        }
    )
    by_state = by_state.assign(oldest_days=grouped.max()).reindex(list(OPEN_STATES)).fillna(0)
    by_state = by_state.astype({"open": int, "overdue": int}).rename_axis("state").reset_index()
    columns = ["id", "student_code", "student_name", "status", "days_in_state"]
    top = open_items.sort_values("days_in_state", ascending=False).head(max(1, oldest))[columns]
    return QueueAgeing(
        by_state=by_state,
        oldest=top.reset_index(drop=True),
        overdue_by_approver=_overdue_by_approver(ctx, overdue),
        overdue_days=limit,
    )
