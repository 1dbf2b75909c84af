"""Committee votes on registrations that the advisor approved; the quorum decides automatically."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import and_, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from core import audit, clock
from core.access import Actor, Permission, require
from core.context import AppContext
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.i18n import N_, msg
from core.registrations import states as rules
from core.registrations.store import (
    StaleVersion,
    apply_transition,
    clean_reason,
    committee_members,
    get_registration,
)
from db.models import (
    CommitteeVote,
    Course,
    CourseSection,
    Registration,
    Role,
    Student,
    User,
    Vote,
    section_committee,
)
from db.models import RegistrationStatus as S

ALREADY_VOTED = "You have already voted on this registration."


def quorum(members: int) -> int:
    """Votes needed before the committee decides: floor(members / 2) + 1."""
    return members // 2 + 1


def decision(members: int, approvals: int, rejections: int) -> bool | None:
    """None until the quorum is reached; then True when approvals are more than half the votes cast."""
    cast = approvals + rejections
    if members == 0 or cast < quorum(members):
        return None
    return approvals * 2 > cast


@dataclass(frozen=True)
class MemberVote:
    """One committee member and their vote (None when they have not voted)."""

    user_id: int
    full_name: str
    vote: str | None
    remarks: str | None
    at: datetime | None


@dataclass(frozen=True)
class CommitteeStatus:
    """Who voted, who has not, and whether voting is open."""

    registration_id: int
    quorum: int
    approvals: int
    rejections: int
    voting_open: bool
    members: tuple[MemberVote, ...]


@dataclass(frozen=True)
class VoteOutcome:
    """The vote recorded and, when it completed the quorum, the status it led to."""

    registration_id: int
    vote: str
    decided: bool
    status: str


def may_view(session: Session, actor: Actor, reg: Registration) -> bool:
    """Advisors see their own advisees and the registrations their committees vote on."""
    if actor.role != Role.ADVISOR or reg.advisor_id == actor.user_id:
        return True
    return actor.user_id in committee_members(session, reg.section_id)


def _votes(session: Session, registration_id: int) -> list[CommitteeVote]:
    stmt = select(CommitteeVote).where(CommitteeVote.registration_id == registration_id)
    return list(session.scalars(stmt.order_by(CommitteeVote.at, CommitteeVote.id)))


def _reason(votes: list[CommitteeVote], approved: bool) -> str:
    approvals = sum(v.vote == Vote.APPROVE for v in votes)
    tally = f"Committee vote: {approvals} approve, {len(votes) - approvals} reject."
    if approved:
        return tally
    remarks = [v.remarks for v in votes if v.vote == Vote.REJECT and v.remarks]
    return f"{tally} {' '.join(remarks)}" if remarks else tally


def _decide(session: Session, actor: Actor, reg: Registration, members: int) -> str:
    votes = _votes(session, reg.id)
    approvals = sum(v.vote == Vote.APPROVE for v in votes)
    approved = decision(members, approvals, len(votes) - approvals)
    if approved is None:
        return reg.status.value
    row = rules.committee_row(approved)
    apply_transition(
        session,
        reg,
        row,
        actor_id=actor.user_id,
        client_id=actor.client_id,
        reason=_reason(votes, approved),
        ip=actor.ip,
    )
    return row.target.value


def _cast(
    session: Session, actor: Actor, registration_id: int, choice: Vote, remarks: str | None
) -> VoteOutcome:
    reg = get_registration(session, registration_id, lock=True)  # one voter at a time per registration
    members = committee_members(session, reg.section_id)
    if actor.user_id not in members:
        raise PermissionDenied("Only members of this section's committee can vote.")
    if reg.status != S.ADVISOR_APPROVED:
        raise Conflict(
            "Voting is closed: the registration is {status}.", status=rules.status_text(reg.status)
        )
    session.add(
        CommitteeVote(
            registration_id=reg.id, member_id=actor.user_id, vote=choice, remarks=remarks, at=clock.now()
        )
    )
    session.flush()
    audit.record(
        session,
        actor_id=actor.user_id,
        action="committee.vote",
        entity="registration",
        entity_id=reg.id,
        after={"vote": choice, "remarks": remarks},
        ip=actor.ip,
    )
    status = _decide(session, actor, reg, len(members))
    return VoteOutcome(reg.id, choice.value, status != S.ADVISOR_APPROVED.value, status)


def vote(
    ctx: AppContext, *, actor: Actor, registration_id: int, vote: str, remarks: str | None = None
) -> VoteOutcome:
    """Record a committee member's vote; once the quorum is reached the registration is decided."""
    require(actor, Permission.VOTE_COMMITTEE)
    if vote not in {v.value for v in Vote}:
        raise InvalidInput("A vote is either approve or reject.")
    text = clean_reason(remarks, required=False, action=msg(N_("Vote")))
    try:
        with ctx.sessions.begin() as session:
            outcome = _cast(session, actor, registration_id, Vote(vote), text)
    except IntegrityError:
        raise Conflict(ALREADY_VOTED) from None
    except StaleVersion:  # cannot happen under the row lock; kept so a surprise is a clear error
        raise Conflict("The registration changed while voting. Reload and try again.") from None
    ctx.cache.bump("registrations")
    return outcome


def status_in(session: Session, reg: Registration) -> CommitteeStatus:
    """The committee status of a registration already loaded in `session`."""
    by_member = {v.member_id: v for v in _votes(session, reg.id)}
    stmt = select(User.id, User.full_name).where(User.id.in_(committee_members(session, reg.section_id)))
    members = []
    for user_id, full_name in session.execute(stmt.order_by(User.full_name)).all():
        cast = by_member.get(user_id)
        members.append(
            MemberVote(
                user_id,
                full_name,
                cast.vote.value if cast else None,
                cast.remarks if cast else None,
                cast.at if cast else None,
            )
        )
    approvals = sum(v.vote == Vote.APPROVE for v in by_member.values())
    return CommitteeStatus(
        registration_id=reg.id,
        quorum=quorum(len(members)),
        approvals=approvals,
        rejections=len(by_member) - approvals,
        voting_open=reg.status == S.ADVISOR_APPROVED,
        members=tuple(members),
    )


def committee_status(ctx: AppContext, *, actor: Actor, registration_id: int) -> CommitteeStatus:
    """Who on the section's committee voted, how, and who has not voted yet."""
    require(actor, Permission.VOTE_COMMITTEE)
    with ctx.sessions.begin() as session:
        reg = get_registration(session, registration_id)
        if not may_view(session, actor, reg):
            raise NotFound("No such registration.")
        return status_in(session, reg)


AWAITING_COLUMNS = [
    "id", "version", "student_code", "student", "course", "section", "semester", "academic_year", "advisor",
    "days_waiting", "approvals", "rejections", "members", "quorum", "my_vote",
]  # fmt: skip
MAX_AWAITING = 500


def _awaiting_query(member_id: int, include_voted: bool) -> Any:
    sc, mine, advisor = section_committee.c, aliased(CommitteeVote), aliased(User)
    approve = func.sum(case((CommitteeVote.vote == Vote.APPROVE, 1), else_=0))
    tally = (
        select(CommitteeVote.registration_id.label("rid"), approve.label("yes"), func.count().label("cast"))
        .group_by(CommitteeVote.registration_id)
        .subquery("tally")
    )
    size = select(sc.section_id, func.count().label("n")).group_by(sc.section_id).subquery("size")
    stmt = (
        select(
            Registration.id, Registration.version, Student.student_code,
            Student.first_name_th + " " + Student.last_name_th, Course.code, CourseSection.section,
            CourseSection.semester, CourseSection.academic_year, advisor.full_name,
            Registration.status_changed_at, tally.c.yes, tally.c.cast, size.c.n, mine.vote,
        )
        .select_from(Registration)
        .join(section_committee, and_(sc.section_id == Registration.section_id, sc.user_id == member_id))
        .join(Student, Student.id == Registration.student_id)
        .join(CourseSection, CourseSection.id == Registration.section_id)
        .join(Course, Course.id == CourseSection.course_id)
        .join(size, size.c.section_id == Registration.section_id)
        .outerjoin(advisor, advisor.id == Registration.advisor_id)
        .outerjoin(tally, tally.c.rid == Registration.id)
        .outerjoin(mine, and_(mine.registration_id == Registration.id, mine.member_id == member_id))
        .where(Registration.status == S.ADVISOR_APPROVED)
        .order_by(Registration.status_changed_at, Registration.id)
        .limit(MAX_AWAITING)
    )  # fmt: skip
    return stmt if include_voted else stmt.where(mine.id.is_(None))


def awaiting_votes(ctx: AppContext, *, actor: Actor, include_voted: bool = False) -> pd.DataFrame:
    """Registrations of the actor's committees open for voting (only those without their vote, unless asked).

    Oldest in the state first, with the tally so far and the quorum; any committee member sees
    these, whoever the student's advisor is.
    """
    require(actor, Permission.VOTE_COMMITTEE)
    with ctx.sessions.begin() as session:
        rows = session.execute(_awaiting_query(actor.person, include_voted)).all()
    now = clock.now()
    data = [
        [
            rid, version, code, name, course, section, sem, year, adv, (now - changed).days,
            int(yes or 0), int(cast or 0) - int(yes or 0), int(n), quorum(int(n)),
            my_vote.value if my_vote else None,
        ]
        for rid, version, code, name, course, section, sem, year, adv, changed, yes, cast, n, my_vote in rows
    ]  # fmt: skip
    columns = list(zip(*data, strict=True)) if data else [()] * len(AWAITING_COLUMNS)
    return pd.DataFrame({c: list(v) for c, v in zip(AWAITING_COLUMNS, columns, strict=True)})
