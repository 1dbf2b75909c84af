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
