"""The registration vocabulary: statuses, their named sets and order, labels, and the state machine.

Every other module takes these from here; a test fails when a status is spelled as a string
anywhere else (the stored values are declared once in db.models.enums, migrations excepted).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from core.i18n import N_, Text, msg, together
from db.models import CourseResult, EvaluatorKind, Grading, Role
from db.models import RegistrationStatus as S

Status = S

# How statuses are listed to people: the positive path first, then the side roads.
ORDER: tuple[S, ...] = (
    S.SUBMITTED, S.ADVISOR_APPROVED, S.COMMITTEE_APPROVED, S.NEEDS_CHANGES, S.PLACED,
    S.IN_PROGRESS, S.COMPLETED, S.FAILED, S.REJECTED, S.WITHDRAWN,
)  # fmt: skip
LABELS: dict[S, str] = {
    S.SUBMITTED: N_("Submitted"),
    S.ADVISOR_APPROVED: N_("Advisor approved"),
    S.COMMITTEE_APPROVED: N_("Committee approved"),
    S.NEEDS_CHANGES: N_("Needs changes"),
    S.PLACED: N_("Placed"),
    S.IN_PROGRESS: N_("In progress"),
    S.COMPLETED: N_("Completed"),
    S.FAILED: N_("Failed"),
    S.REJECTED: N_("Rejected"),
    S.WITHDRAWN: N_("Withdrawn"),
}

VALUES = frozenset(s.value for s in S)  # every status as stored

# Waiting for someone in the office to act: the review queue's default view; these become overdue.
AWAITING_REVIEW = frozenset({S.SUBMITTED, S.ADVISOR_APPROVED, S.COMMITTEE_APPROVED})
# Open: not finished either way. needs_changes waits for the student, so it is never overdue.
OPEN = AWAITING_REVIEW | {S.NEEDS_CHANGES}
# Holding a place: counts against a section's capacity and a posting's slots, and is "Placed" on
# every dashboard (the placement rate divides these by all registrations).
PLACED = frozenset({S.PLACED, S.IN_PROGRESS, S.COMPLETED})
# Entering one of these sets decided_at (a decision was taken); re-submission clears it.
DECIDED = frozenset({S.COMMITTEE_APPROVED, S.PLACED, S.REJECTED, S.WITHDRAWN, S.COMPLETED, S.FAILED})
# Everything before completed/failed may be withdrawn (rejected and withdrawn are already closed).
WITHDRAWABLE = frozenset(
    {S.SUBMITTED, S.ADVISOR_APPROVED, S.COMMITTEE_APPROVED, S.NEEDS_CHANGES, S.PLACED, S.IN_PROGRESS}
)

# Taking a seat in a section: counted against its capacity when a registration is entered.
ENROLLED = frozenset(S) - {S.REJECTED, S.WITHDRAWN}

# The positive path, in order: the funnel counts registrations that ever reached each stage, and
# registrations.furthest_stage stores the furthest index reached (kept by every writer).
FUNNEL_STAGES: tuple[S, ...] = (S.SUBMITTED, S.ADVISOR_APPROVED, S.COMMITTEE_APPROVED, S.PLACED,
                                S.IN_PROGRESS, S.COMPLETED)  # fmt: skip
# The stage a status stands for: failed had been in progress; the side roads count as submitted.
FUNNEL_RANK: dict[S, int] = {**{s: i for i, s in enumerate(FUNNEL_STAGES)}, S.FAILED: 4}
# Went through placement (held a posting at some point), whatever happened after.
REACHED_PLACEMENT = frozenset(s for s, rank in FUNNEL_RANK.items() if rank >= FUNNEL_STAGES.index(S.PLACED))


def funnel_rank(status: S | str | None) -> int:
    """The funnel stage index a status stands for (0 for statuses off the positive path)."""
    return FUNNEL_RANK.get(S(status), 0) if status is not None else 0


def label(status: S | str) -> str:
    """How a status reads on screen (the English msgid; pages translate it)."""
    return LABELS[S(status)]


def status_text(status: S | str) -> Text:
    """A status to put in a message, read in the reader's language."""
    return msg(LABELS[S(status)])


def action_text(action: str) -> Text:
    """An action (approve, reject, ...) to put in a message."""
    return msg(ACTION_LABELS[action])


def is_overdue(status: S | str, changed_at: datetime, now: datetime, overdue_days: int) -> bool:
    """Waiting for the office for `overdue_days` days or more (the one definition of overdue)."""
    return S(status) in AWAITING_REVIEW and (now - changed_at).days >= overdue_days


_OFFICE = frozenset({Role.COORDINATOR, Role.ADMIN})
_ADVISOR = frozenset({Role.ADVISOR, Role.ADMIN})
_ADMIN = frozenset({Role.ADMIN})
_REVIEWABLE = AWAITING_REVIEW


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
    needs_evaluations: bool = False  # the completion rule below must hold


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
    Transition("complete", S.IN_PROGRESS, S.COMPLETED, _OFFICE, needs_evaluations=True),
    Transition("fail", S.IN_PROGRESS, S.FAILED, _OFFICE, needs_reason=True),
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
ACTION_LABELS = {
    "approve": N_("Approve"),
    "start": N_("Start internship"),
    "complete": N_("Complete"),
    "fail": N_("Fail"),
    "needs_changes": N_("Ask for changes"),
    "reject": N_("Reject"),
    "resubmit": N_("Resubmit"),
    "reinstate": N_("Reinstate"),
    "withdraw": N_("Withdraw"),
}
NEEDS_REASON = frozenset(t.action for t in TRANSITIONS if t.needs_reason)
# What the review queue offers to do to many registrations at once.
BULK_ACTIONS = ("approve", "reject", "needs_changes")
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


# The completion rule: in_progress -> completed needs every evaluation the course requires to be
# submitted; the result follows from the evaluations of the student (the workplace supervisor's and
# the advisor's; the student's evaluation of the workplace is not about the student).
KIND_LABELS: dict[EvaluatorKind, str] = {
    EvaluatorKind.SUPERVISOR: N_("Workplace supervisor → student"),
    EvaluatorKind.ADVISOR: N_("Advisor → student"),
    EvaluatorKind.STUDENT: N_("Student → workplace"),
}
GRADED_KINDS = frozenset({EvaluatorKind.SUPERVISOR, EvaluatorKind.ADVISOR})
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class CompletionFacts:
    """What the completion rule reads: the course's settings and the placement's submitted evaluations."""

    required: frozenset[EvaluatorKind]
    grading: Grading
    pass_score: int  # percent
    submitted: Mapping[EvaluatorKind, Decimal] = field(default_factory=dict)  # kind -> total (percent)
    has_placement: bool = True


@dataclass(frozen=True)
class CompletionOutcome:
    """The stored result of a completed registration: the score (percent) and, for S/U courses, S or U."""

    score: Decimal | None
    result: CourseResult | None


def required_kinds(stored: str | None) -> frozenset[EvaluatorKind]:
    """A course's required evaluations as stored ("supervisor,advisor"; unknown names are ignored)."""
    names = {part.strip() for part in (stored or "").split(",")}
    return frozenset(k for k in EvaluatorKind if k.value in names)


def stored_kinds(kinds: frozenset[EvaluatorKind] | set[EvaluatorKind]) -> str:
    """Required evaluations as a course stores them, in the vocabulary's order."""
    return ",".join(k.value for k in EvaluatorKind if k in kinds)


def kind_text(kind: EvaluatorKind | str) -> Text:
    """An evaluator kind to put in a message."""
    return msg(KIND_LABELS[EvaluatorKind(kind)])


def _graded(facts: CompletionFacts) -> list[Decimal]:
    counted = (facts.required & GRADED_KINDS) or GRADED_KINDS
    return [facts.submitted[k] for k in sorted(counted) if k in facts.submitted]


def completion_problems(facts: CompletionFacts) -> list[Text]:
    """Every reason the registration cannot be completed yet (empty: it can)."""
    if not facts.has_placement:
        return [msg("Enter the placement details before completing the registration.")]
    missing = sorted(facts.required - set(facts.submitted))
    problems = [
        msg("The evaluation \u201c{kind}\u201d is not submitted yet.", kind=kind_text(k)) for k in missing
    ]
    if not problems and facts.grading == Grading.SCORE and not _graded(facts):
        problems.append(msg("A course graded by score needs a submitted evaluation of the student."))
    return problems


def completion_outcome(facts: CompletionFacts) -> CompletionOutcome:
    """The score (the mean of the student's evaluations that count) and the S/U result by the pass score."""
    scores = _graded(facts)
    score = (sum(scores, Decimal(0)) / len(scores)).quantize(_CENT, ROUND_HALF_UP) if scores else None
    if facts.grading == Grading.SCORE:
        return CompletionOutcome(score, None)
    passed = score is None or score >= facts.pass_score
    return CompletionOutcome(score, CourseResult.S if passed else CourseResult.U)


def completion_refusal(facts: CompletionFacts) -> Text | None:
    """All the completion problems as one message, or None when the registration may be completed."""
    problems = completion_problems(facts)
    return together(*problems) if problems else None
