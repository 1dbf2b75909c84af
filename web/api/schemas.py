"""The JSON shapes of /api/v1: what a client sends and what it gets back (the OpenAPI components)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from core.access import SCOPES
from core.registrations import states

Status = Literal[tuple(sorted(states.VALUES))]  # type: ignore[valid-type]
Code = Annotated[str, StringConstraints(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9-]+$")]
Scope = Literal[SCOPES]  # type: ignore[valid-type]
Id = Annotated[int, Field(ge=1, le=2_147_483_647)]


class Strict(BaseModel):
    """Unknown fields are refused, not ignored: a typo never passes silently."""

    model_config = ConfigDict(extra="forbid")


class NewRegistration(Strict):
    """A registration to enter: the student by code; the section by id, or the course code with the
    term (and the section label when the course has several sections that term)."""

    student_code: Code
    section_id: Id | None = None
    course_code: Code | None = None
    semester: Annotated[int, Field(ge=1, le=3)] | None = None
    academic_year: Annotated[int, Field(ge=2000, le=2743, description="CE (2026) or BE (2569)")] | None = None
    section: Annotated[str, StringConstraints(min_length=1, max_length=10)] | None = None
    internship_id: Id | None = Field(default=None, description="A posting the student asks for (optional)")
    advisor_username: Annotated[str, StringConstraints(min_length=1, max_length=50)] | None = None

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"student_code": "6512345678", "section_id": 12},
                {"student_code": "6512345678", "course_code": "CPE-401", "semester": 1, "academic_year": 2569,
                 "advisor_username": "somsri.k"},
            ]
        },
    )  # fmt: skip


class Withdrawal(Strict):
    """Why the student withdraws (kept on the registration's timeline)."""

    reason: Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class Registration(BaseModel):
    """A registration as other systems know it."""

    id: int
    student_code: str
    section_id: int
    course_code: str
    section: str
    semester: int
    academic_year: int = Field(description="CE")
    status: Status
    version: int = Field(description="Send it back in If-Match to change the registration")
    internship_id: int | None
    advisor_username: str | None
    submitted_at: datetime
    status_changed_at: datetime
    updated_at: datetime


class RegistrationList(BaseModel):
    """One page of registrations in id order; ask again with `next_cursor` until it is null."""

    items: list[Registration]
    next_cursor: str | None


class ChangeItem(BaseModel):
    """One status change, in commit order."""

    cursor: str
    registration_id: int
    student_code: str
    from_status: Status | None
    to_status: Status
    version: int
    at: datetime


class ChangeList(BaseModel):
    """Changes after a cursor; `next_cursor` is the one to ask with next (the same when nothing is new)."""

    items: list[ChangeItem]
    next_cursor: str


class Facet(BaseModel):
    """One value of a facet and how many postings have it."""

    value: str
    label: str
    count: int


class Posting(BaseModel):
    """A posting in search results."""

    id: int
    title: str
    company: str
    province: str
    work_mode: Literal["onsite", "hybrid", "remote"]
    stipend: int | None
    slots: int
    slots_left: int
    status: Literal["open", "closed"]


class PostingResults(BaseModel):
    """One page of matching postings, the total, and facet counts over all matches."""

    items: list[Posting]
    total: int
    page: int
    page_size: int
    facets: dict[str, list[Facet]]


class Section(BaseModel):
    """A course section of a term, with its seats."""

    id: int
    course_code: str
    section: str
    semester: int
    academic_year: int = Field(description="CE")
    capacity: int
    registrations: int
    placed: int
    archived: bool


class FieldError(BaseModel):
    """What is wrong with one field (or which intake rule a registration breaks)."""

    field: str
    message: str
    rule: str | None = None


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldError] | None = None
    incident: str | None = Field(default=None, description="On a 5xx: quote it to the office")


def _iso_date(value: Any) -> Any:
    """Only an ISO 8601 date (2026-06-01) is a date here, never a number read as a timestamp."""
    if isinstance(value, str) and len(value) == 10:
        return date.fromisoformat(value)
    raise ValueError("give a date as YYYY-MM-DD")


def _iso_datetime(value: Any) -> Any:
    """Only an ISO 8601 time with its zone (2026-06-01T00:00:00Z) is a time here."""
    if isinstance(value, str) and "T" in value:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is not None:
            return moment
    raise ValueError("give a time as YYYY-MM-DDTHH:MM:SSZ (with its time zone)")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_datetime)]
