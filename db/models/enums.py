"""Closed vocabularies stored as short strings with CHECK constraints."""

from __future__ import annotations

import enum

from sqlalchemy import Enum


class Role(enum.StrEnum):
    """What a user of the dashboard is allowed to do."""

    ADMIN = "admin"
    COORDINATOR = "coordinator"
    ADVISOR = "advisor"
    STAFF = "staff"
    MANAGER = "manager"


class RegistrationStatus(enum.StrEnum):
    """The one registration state machine (see DESIGN.md)."""

    SUBMITTED = "submitted"
    ADVISOR_APPROVED = "advisor_approved"
    COMMITTEE_APPROVED = "committee_approved"
    PLACED = "placed"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"
    NEEDS_CHANGES = "needs_changes"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class WorkMode(enum.StrEnum):
    """Where the intern works."""

    ONSITE = "onsite"
    HYBRID = "hybrid"
    REMOTE = "remote"


class PostingStatus(enum.StrEnum):
    """Whether a posting takes applicants."""

    OPEN = "open"
    CLOSED = "closed"


class CourseKind(enum.StrEnum):
    """Internship course or co-operative education course."""

    INTERNSHIP = "internship"
    COOP = "coop"


class Vote(enum.StrEnum):
    """A committee member's vote."""

    APPROVE = "approve"
    REJECT = "reject"


class VisitMode(enum.StrEnum):
    """How a supervision visit is made."""

    ONSITE = "onsite"
    ONLINE = "online"


class VisitStatus(enum.StrEnum):
    """Where a supervision visit stands."""

    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"


class EvaluatorKind(enum.StrEnum):
    """Who evaluates whom: the workplace supervisor and the advisor evaluate the student; the student
    evaluates the workplace."""

    SUPERVISOR = "supervisor"
    ADVISOR = "advisor"
    STUDENT = "student"


class EvaluationStatus(enum.StrEnum):
    """Stored progress of an evaluation (overdue is read from its due date, never stored)."""

    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class Grading(enum.StrEnum):
    """How a course's result is given: satisfactory/unsatisfactory by a pass score, or the score."""

    SU = "su"
    SCORE = "score"


class CourseResult(enum.StrEnum):
    """An S/U result."""

    S = "S"
    U = "U"


class DocumentLanguage(enum.StrEnum):
    """The language of a placement's final documents."""

    TH = "th"
    EN = "en"


class DocumentStatus(enum.StrEnum):
    """Where the review of one uploaded document version stands."""

    PENDING = "pending"
    APPROVED = "approved"
    NEEDS_REVISION = "needs_revision"


class MailStatus(enum.StrEnum):
    """Where one outbox mail stands: waiting (or retrying), handed to a sender, delivered, given up."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


def enum_column(enum_cls: type[enum.StrEnum], name: str) -> Enum:
    """A VARCHAR + CHECK column holding the enum's values (portable, no native ENUM)."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=24,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )
