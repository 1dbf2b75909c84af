"""The write case: one status change, core against a committed raw replay of its statements (undone after)."""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import delete, exists, func, select, update

from bench.audit import chain_head_kept
from bench.cases import NAMESPACES
from bench.harness import Row, capture, measure, replay
from bench.runner import Plan
from core import registrations
from core.access import Actor
from core.context import AppContext
from db.models import (
    AuditEntry,
    Base,
    CommitteeVote,
    Registration,
    RegistrationChange,
    RegistrationEvent,
    RegistrationStatus,
)

REG = Base.metadata.tables["registrations"]


@dataclass(frozen=True)
class Snapshot:
    """A registration's row and the newest event and audit ids, to undo the capture run."""

    row: dict[str, Any]
    max_event: int
    max_audit: int
    max_seq: int = 0  # changes feed rows from this one on are the bench's own


def fresh_submitted(ctx: AppContext, count: int) -> list[int]:
    """Ids of submitted registrations without committee votes (approving them is a clean transition)."""
    voted = exists().where(CommitteeVote.registration_id == Registration.id)
    stmt = (
        select(Registration.id)
        .where(Registration.status == RegistrationStatus.SUBMITTED, ~voted)
        .order_by(Registration.id.desc())
        .limit(count)
    )
    with ctx.sessions.begin() as session:
        return list(session.scalars(stmt))


def snapshot(ctx: AppContext, registration_id: int) -> Snapshot:
    """What `restore` needs to put the registration back as it was."""
    with ctx.sessions.begin() as session:
        row = session.execute(select(REG).where(REG.c.id == registration_id)).mappings().one()
        max_event = session.scalar(select(func.max(RegistrationEvent.id))) or 0
        max_audit = session.scalar(select(func.max(AuditEntry.id))) or 0
    return Snapshot(dict(row), int(max_event), int(max_audit))


def restore(ctx: AppContext, registration_id: int, snap: Snapshot) -> None:
    """Undo a transition of this registration taken after `snap`."""
    with ctx.sessions.begin() as session:
        values = {k: v for k, v in snap.row.items() if k != "id"}
        session.execute(update(REG).where(REG.c.id == registration_id).values(**values))
        session.execute(
            delete(RegistrationEvent).where(
                RegistrationEvent.registration_id == registration_id, RegistrationEvent.id > snap.max_event
            )
        )
        if snap.max_seq:
            session.execute(delete(RegistrationChange).where(RegistrationChange.seq >= snap.max_seq))
        session.execute(
            delete(AuditEntry).where(
                AuditEntry.entity == "registration",
                AuditEntry.entity_id == str(registration_id),
                AuditEntry.id > snap.max_audit,
            )
        )
    ctx.cache.bump(*NAMESPACES)


def status_change_rows(ctx: AppContext, admin: Actor, plan: Plan) -> list[Row]:
    """Approve submitted registrations as admin (a fresh one per run) against the raw replay."""
    workflow = registrations
    ids = fresh_submitted(ctx, plan.runs + 2)
    if len(ids) < plan.runs + 2:
        return [
            Row(plan.backend, "workflow.approve", "core", 0, None, note="too few submitted registrations")
        ]
    warm_up, template, fresh = ids[0], ids[1], iter(ids[2:])

    def approve(registration_id: int) -> object:
        return workflow.transition(ctx, actor=admin, registration_id=registration_id, action="approve")

    # A first approval creates the audit chain's head row on a fresh database; captured, its INSERT
    # could not be replayed. After it, every approval (and the replay) only moves the head.
    approve(warm_up)
    snap = snapshot(ctx, template)

    statements = capture(ctx.db.engine, partial(approve, template))
    # The replay inserts the capture's feed row again, naming the capture's event: that event stays,
    # and every feed row from the capture's on is deleted before each run.
    after = snapshot(ctx, template)
    with ctx.sessions.begin() as session:
        first_seq = session.scalar(
            select(func.min(RegistrationChange.seq)).where(RegistrationChange.event_id == after.max_event)
        )
    snap = Snapshot(snap.row, after.max_event, after.max_audit, int(first_seq or 0))
    try:
        with chain_head_kept(ctx), closing(ctx.db.engine.raw_connection()) as raw:
            # The raw replay commits the same statements on the template; it is put back untimed.
            replay_committed = partial(replay, raw, statements, commit=True)
            before = partial(restore, ctx, template, snap)
            timed = measure(lambda: approve(next(fresh)), replay_committed, plan.runs, before)
    finally:
        restore(ctx, template, snap)
        with ctx.sessions.begin() as session:  # runs and replays moved the rollups; count them again
            registrations.recount_rollups(session)
    note = f"{len(statements)} stmts; submitted -> advisor_approved; raw replay committed, then undone"
    return [
        Row(
            plan.backend,
            "workflow.approve",
            "core",
            timed.core.runs,
            timed.core.median_ms,
            timed.core.p95_ms,
            timed.raw.median_ms if timed.raw else None,
            timed.ratio,
            note,
        )
    ]
