"""Registrations, their timeline and the committee's votes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import MYSQL_TABLE_ARGS, Base, utcnow
from db.models.enums import RegistrationStatus, Vote, enum_column
from db.types import UtcDateTime


class Registration(Base):
    """A student's registration in a course section, moving through the state machine."""

    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("student_id", "section_id"),
        # The review queue: filter by status, oldest in state first, keyset on (time, id).
        Index("ix_registrations_queue", "status", "status_changed_at", "id"),
        # The queue with no status filter (or many statuses) walks time order directly.
        Index("ix_registrations_changed", "status_changed_at", "id"),
        Index("ix_registrations_advisor_queue", "advisor_id", "status", "status_changed_at"),
        Index("ix_registrations_section_status", "section_id", "status"),
        Index("ix_registrations_internship_status", "internship_id", "status"),
        Index("ix_registrations_submitted", "submitted_at", "status"),
        # The integration API's list with updated_since (keyset on id within it).
        Index("ix_registrations_updated", "updated_at", "id"),
        # A term's first submission: one dive per section (core.progress_sql.first_submitted).
        Index("ix_registrations_section_submitted", "section_id", "submitted_at"),
        # The progress page: GROUP BY (furthest_stage, status) and MIN/day of submitted_at, per section.
        Index(
            "ix_registrations_progress",
            "section_id",
            "status",
            "furthest_stage",
            "student_id",
            "submitted_at",
        ),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    section_id: Mapped[int] = mapped_column(ForeignKey("course_sections.id"))
    internship_id: Mapped[int | None] = mapped_column(ForeignKey("internships.id"))
    advisor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[RegistrationStatus] = mapped_column(
        enum_column(RegistrationStatus, "registration_status"),
        default=RegistrationStatus.SUBMITTED,
    )
    # Optimistic concurrency: every write is `UPDATE ... WHERE id = ? AND version = ?`.
    version: Mapped[int] = mapped_column(Integer, default=1)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status_changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Denormalised: the furthest funnel stage any timeline event reached (core.registrations.states).
    furthest_stage: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class RegistrationEvent(Base):
    """One step of a registration's timeline."""

    __tablename__ = "registration_events"
    __table_args__ = (
        # Covers "the state as of a day" (last to_status at or before it) without reading rows.
        Index("ix_registration_events_timeline", "registration_id", "at", "to_status"),
        Index("ix_registration_events_to_status_at", "to_status", "at"),
        # The home page's latest activity across all registrations.
        Index("ix_registration_events_at", "at", "id"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    from_status: Mapped[RegistrationStatus | None] = mapped_column(
        enum_column(RegistrationStatus, "event_from_status")
    )
    to_status: Mapped[RegistrationStatus] = mapped_column(enum_column(RegistrationStatus, "event_to_status"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The integration API client that acted (actor_id is then empty).
    client_id: Mapped[int | None] = mapped_column(ForeignKey("api_clients.id"), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class RegistrationChange(Base):
    """The changes feed: each timeline event numbered in commit order.

    `seq` comes from the `change_counter` row, locked as the last step of the writing transaction
    and held until its commit, so a higher number is never visible before a lower one: a reader
    following `seq > cursor` sees every change once, with no gap (core.registrations.feed).
    """

    __tablename__ = "registration_changes"
    __table_args__ = (MYSQL_TABLE_ARGS,)

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    event_id: Mapped[int] = mapped_column(
        ForeignKey("registration_events.id", ondelete="CASCADE"), unique=True
    )
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)  # the registration's version after the change


class ChangeCounter(Base):
    """The last number handed out to a feed (one row per feed; locked by each writer just before commit)."""

    __tablename__ = "change_counter"
    __table_args__ = (MYSQL_TABLE_ARGS,)

    feed: Mapped[str] = mapped_column(String(30), primary_key=True)
    last: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), default=0)


class CommitteeVote(Base):
    """A committee member's vote on a registration (one per member)."""

    __tablename__ = "committee_votes"
    __table_args__ = (UniqueConstraint("registration_id", "member_id"), MYSQL_TABLE_ARGS)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    vote: Mapped[Vote] = mapped_column(enum_column(Vote, "vote"))
    remarks: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ProgressSnapshot(Base):
    """Registrations per (status, furthest stage) as they stood at the end of a past day, per filter set.

    The progress page compares with the previous term "as it stood" on a day that is over: events
    are only ever appended with the current time, so that answer never changes and is computed
    once (about 1 s at 100k registrations) instead of on every cold page. Writers that can
    rewrite the past (imports, section edits, demo loads) delete every row.
    """

    __tablename__ = "progress_snapshots"
    __table_args__ = (MYSQL_TABLE_ARGS,)

    filters: Mapped[str] = mapped_column(String(255), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    counts: Mapped[str] = mapped_column(Text)
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class RegistrationCount(Base):
    """How many registrations a section holds per (current status, furthest stage): a rollup.

    At 2M registrations the progress page's GROUP BY over them cost hundreds of ms cold; this
    table holds the same answer in a few thousand rows. Every writer of a registration's status
    keeps it in the same transaction (core.registrations.rollups); a property test checks it
    against a full recount.
    """

    __tablename__ = "registration_counts"
    __table_args__ = (MYSQL_TABLE_ARGS,)

    section_id: Mapped[int] = mapped_column(ForeignKey("course_sections.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    furthest_stage: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)
