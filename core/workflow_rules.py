"""The registration state machine as one table: who may move a registration from where to where."""

from __future__ import annotations

from dataclasses import dataclass

from db.models import RegistrationStatus as S
from db.models import Role

_OFFICE = frozenset({Role.COORDINATOR, Role.ADMIN})
_ADVISOR = frozenset({Role.ADVISOR, Role.ADMIN})
_ADMIN = frozenset({Role.ADMIN})

# Students holding a place: these count against a section's capacity and a posting's slots.
PLACED_STATES = frozenset({S.PLACED, S.IN_PROGRESS, S.COMPLETED})
# Waiting for someone in the office to act: these can become overdue.
AWAITING_REVIEW = frozenset({S.SUBMITTED, S.ADVISOR_APPROVED, S.COMMITTEE_APPROVED})
# Everything before completed/failed may be withdrawn (rejected and withdrawn are already closed).
WITHDRAWABLE = frozenset(
    {S.SUBMITTED, S.ADVISOR_APPROVED, S.COMMITTEE_APPROVED, S.NEEDS_CHANGES, S.PLACED, S.IN_PROGRESS}
)
_REVIEWABLE = frozenset({S.SUBMITTED, S.ADVISOR_APPROVED, S.COMMITTEE_APPROVED})


@dataclass(frozen=True)
class Transition:
    """One row of the table: `action` moves a registration from `source` to `target`.

    An advisor in `roles` may act only on their own advisees; admin may do everything.
    `by_committee` rows are also taken automatically when the committee reaches its quorum.
    """

    action: str
    source: S
    target: S
    roles: frozenset[Role]
    needs_reason: bool = False
    needs_posting: bool = False
    by_committee: bool = False


def _rows(
    action: str, sources: frozenset[S] | set[S], target: S, roles: frozenset[Role], **flags: bool
) -> list[Transition]:
    return [Transition(action, source, target, roles, **flags) for source in sorted(sources)]


TRANSITIONS: tuple[Transition, ...] = (
    # "approve" is the next approval gate: the advisor's, the committee's (admin override), placement.
    Transition("approve", S.SUBMITTED, S.ADVISOR_APPROVED, _ADVISOR),
    Transition("approve", S.ADVISOR_APPROVED, S.COMMITTEE_APPROVED, _ADMIN, by_committee=True),
    Transition("approve", S.COMMITTEE_APPROVED, S.PLACED, _OFFICE, needs_posting=True),
    Transition("start", S.PLACED, S.IN_PROGRESS, _OFFICE),
    Transition("complete", S.IN_PROGRESS, S.COMPLETED, _OFFICE),
    Transition("fail", S.IN_PROGRESS, S.FAILED, _OFFICE),
    Transition("needs_changes", S.SUBMITTED, S.NEEDS_CHANGES, _OFFICE | _ADVISOR, needs_reason=True),
    *_rows(
        "needs_changes",
        {S.ADVISOR_APPROVED, S.COMMITTEE_APPROVED},
        S.NEEDS_CHANGES,
        _OFFICE,
        needs_reason=True,
    ),
    *_rows("reject", _REVIEWABLE - {S.ADVISOR_APPROVED}, S.REJECTED, _OFFICE, needs_reason=True),
    Transition("reject", S.ADVISOR_APPROVED, S.REJECTED, _OFFICE, needs_reason=True, by_committee=True),
    Transition("resubmit", S.NEEDS_CHANGES, S.SUBMITTED, _OFFICE),
    Transition("reinstate", S.REJECTED, S.SUBMITTED, _OFFICE, needs_reason=True),
    *_rows("withdraw", WITHDRAWABLE, S.WITHDRAWN, _OFFICE, needs_reason=True),
)

ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(t.action for t in TRANSITIONS))
LABELS = {
    "approve": "Approve",
    "start": "Start internship",
    "complete": "Complete",
    "fail": "Fail",
    "needs_changes": "Ask for changes",
    "reject": "Reject",
    "resubmit": "Resubmit",
    "reinstate": "Reinstate",
    "withdraw": "Withdraw",
}
NEEDS_REASON = frozenset(t.action for t in TRANSITIONS if t.needs_reason)
_BY_KEY = {(t.action, t.source): t for t in TRANSITIONS}


def find(action: str, source: S) -> Transition | None:
    """The table row for `action` from `source`, if the machine has one."""
    return _BY_KEY.get((action, source))


def committee_row(approved: bool) -> Transition:
    """The row the committee's decision takes from advisor_approved."""
    row = find("approve" if approved else "reject", S.ADVISOR_APPROVED)
    assert row is not None
    assert row.by_committee
    return row


def role_may(role: Role, row: Transition, *, own_advisee: bool) -> bool:
    """Whether `role` may take `row` (advisors only on their own advisees)."""
    if role not in row.roles:
        return False
    return role != Role.ADVISOR or own_advisee


def allowed(role: Role, status: S, *, own_advisee: bool) -> list[Transition]:
    """The rows a user with `role` may take now from `status`."""
    return [t for t in TRANSITIONS if t.source == status and role_may(role, t, own_advisee=own_advisee)]
