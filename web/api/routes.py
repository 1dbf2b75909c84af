"""The /api/v1 endpoints: thin adapters from HTTP to the core services (rules stay in core)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Response

from core import postings, registrations, students
from core.access import Actor, Permission
from core.bootstrap import app_context
from core.courses import list_sections
from core.errors import InvalidInput
from core.registrations import Idempotency, IntakeRequest
from core.terms import parse_term
from web.api import schemas
from web.api.guard import caller
from web.api.problems import KINDS

router = APIRouter(prefix="/v1")
CURSOR = Annotated[str | None, Query(max_length=100, description="From the previous page's next_cursor")]
KEY = Annotated[
    str | None,
    Header(alias="Idempotency-Key", min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$",
           description="Any unique string: a retry with the same key and body returns the first result"),
]  # fmt: skip
REGISTRATION_ID = Annotated[int, Path(ge=1, le=2_147_483_647)]


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem responses a route can send (every route can send 401, 429, 500)."""
    codes = sorted({*statuses, 401, 429, 500})
    described = {k.status: k.title for k in reversed(KINDS.values())}
    out: dict[int | str, dict[str, Any]] = {code: {"model": schemas.Problem, "description": described[code]}
                                            for code in codes}  # fmt: skip
    if 429 in out:
        out[429]["headers"] = {
            "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
        }
    return out


def _registration(record: registrations.RegistrationRecord) -> dict[str, Any]:
    return asdict(record)


def _etag(version: int) -> str:
    return f'"{version}"'


def _version(if_match: str) -> int:
    """The version in an If-Match header: "3", W/"3" or 3."""
    value = if_match.strip().removeprefix("W/").strip('"')
    if not value.isdigit() or len(value) > 9:
        raise InvalidInput('If-Match must be the registration\'s version, e.g. "3".')
    return int(value)


def _fingerprint(body: schemas.NewRegistration) -> str:
    canonical = json.dumps(body.model_dump(exclude_none=True), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@router.post(
    "/registrations",
    operation_id="create_registration",
    status_code=201,
    response_model=schemas.Registration,
    responses=errors(400, 403, 409, 413, 415, 422),
    summary="Enter a registration",
)
def create_registration(
    body: schemas.NewRegistration,
    response: Response,
    actor: Annotated[Actor, Depends(caller(Permission.ENTER_REGISTRATION))],
    idempotency_key: KEY = None,
) -> dict[str, Any]:
    """Enter a `submitted` registration under the intake rules. Every broken rule is listed in
    `errors` (422), or 409 when the student is already registered in the section."""
    ctx = app_context()
    request = IntakeRequest(**body.model_dump(exclude_none=True))
    idem = Idempotency(actor.client_id or 0, idempotency_key, _fingerprint(body)) if idempotency_key else None
    entered = registrations.enter_registration(ctx, actor=actor, request=request, idempotency=idem)
    record = registrations.get_record(ctx, actor=actor, registration_id=entered.registration_id)
    response.headers["Location"] = f"/api/v1/registrations/{record.id}"
    response.headers["ETag"] = _etag(record.version)
    if entered.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return _registration(record)


@router.get(
    "/registrations/{registration_id}",
    operation_id="get_registration",
    response_model=schemas.Registration,
    responses=errors(403, 404, 422),
    summary="One registration",
)
def get_registration(
    registration_id: REGISTRATION_ID,
    response: Response,
    actor: Annotated[Actor, Depends(caller(Permission.VIEW_REGISTRATION, Permission.ENTER_REGISTRATION))],
) -> dict[str, Any]:
    """The registration; its version is also the ETag (send it in If-Match to withdraw)."""
    record = registrations.get_record(app_context(), actor=actor, registration_id=registration_id)
    response.headers["ETag"] = _etag(record.version)
    return _registration(record)


@router.get(
    "/registrations",
    response_model=schemas.RegistrationList,
    responses=errors(400, 403, 422),
    summary="Registrations, a page at a time",
)
def list_registrations(
    actor: Annotated[Actor, Depends(caller(Permission.VIEW_REGISTRATION))],
    student_code: Annotated[str | None, Query(min_length=1, max_length=20)] = None,
    status: schemas.Status | None = None,
    updated_since: Annotated[
        schemas.IsoDateTime | None, Query(description="With a time zone, e.g. 2026-06-01T00:00:00Z")
    ] = None,
    cursor: CURSOR = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """Registrations in id order (a keyset cursor: pages neither repeat nor skip while others write)."""
    page = registrations.list_records(
        app_context(), actor=actor, student_code=student_code, status=status, updated_since=updated_since,
        cursor=cursor, limit=limit,
    )  # fmt: skip
    return {"items": [_registration(r) for r in page.records], "next_cursor": page.next_cursor}


@router.post(
    "/registrations/{registration_id}/withdraw",
    operation_id="withdraw_registration",
    response_model=schemas.Registration,
    responses=errors(400, 403, 404, 409, 412, 413, 415, 422, 428),
    summary="Withdraw on the student's behalf",
)
def withdraw(
    registration_id: REGISTRATION_ID,
    body: schemas.Withdrawal,
    response: Response,
    actor: Annotated[Actor, Depends(caller(Permission.ENTER_REGISTRATION))],
    if_match: Annotated[str, Header(alias="If-Match", max_length=20, description='The version, e.g. "3"')],
) -> dict[str, Any]:
    """Withdraw the registration with a reason; 412 when it changed since the version in If-Match."""
    ctx = app_context()
    registrations.withdraw_registration(
        ctx, actor=actor, registration_id=registration_id, reason=body.reason, version=_version(if_match)
    )
    record = registrations.get_record(ctx, actor=actor, registration_id=registration_id)
    response.headers["ETag"] = _etag(record.version)
    return _registration(record)


@router.get(
    "/postings", response_model=schemas.PostingResults, responses=errors(403, 422), summary="Search postings"
)
def search_postings(
    actor: Annotated[Actor, Depends(caller(Permission.SEARCH_POSTINGS))],
    q: Annotated[str, Query(max_length=200, description="Thai or English words")] = "",
    province: Annotated[str | None, Query(max_length=60)] = None,
    work_mode: Literal["onsite", "hybrid", "remote"] | None = None,
    company_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    program_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    stipend_min: Annotated[int | None, Query(ge=0, le=999_999_999)] = None,
    stipend_max: Annotated[int | None, Query(ge=0, le=999_999_999)] = None,
    period_from: schemas.IsoDate | None = None,
    period_to: schemas.IsoDate | None = None,
    open_only: bool = True,
    sort: Literal["relevance", "newest", "stipend"] = "relevance",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 25,
) -> dict[str, Any]:
    """The search page's search: the same words, filters and facets."""
    search = postings.PostingQuery(
        query=q, province=province, work_mode=work_mode, company_id=company_id, program_id=program_id,
        stipend_min=stipend_min, stipend_max=stipend_max, period_from=period_from, period_to=period_to,
        open_only=open_only, sort=sort,
    )  # fmt: skip
    found = postings.search_postings(
        app_context(), actor=actor, search=search, page=page, page_size=page_size
    )
    items = [
        {k: (None if v is None or v != v else v) for k, v in row.items()}
        for row in found.rows.to_dict("records")
    ]
    return {
        "items": items,
        "total": found.total,
        "page": found.page,
        "page_size": found.page_size,
        "facets": {name: [asdict(f) for f in values] for name, values in found.facets.items()},
    }


@router.get(
    "/students/{code}",
    response_model=students.StudentRecord,  # the core record is the contract: one list of fields
    responses=errors(403, 404, 422),
    summary="One student",
)
def get_student(
    code: Annotated[str, Path(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9-]+$")],
    actor: Annotated[Actor, Depends(caller(Permission.VIEW_REGISTRATION, Permission.ENTER_REGISTRATION))],
) -> students.StudentRecord:
    """The student with this code."""
    return students.student_by_code(app_context(), actor=actor, code=code)


@router.get(
    "/sections",
    response_model=list[schemas.Section],
    responses=errors(400, 403, 422),
    summary="Sections of a term",
)
def sections(
    actor: Annotated[Actor, Depends(caller(Permission.VIEW_COURSES))],
    term: Annotated[str, Query(max_length=20, description='"semester/year", e.g. 1/2569 or 1/2026')],
) -> list[dict[str, Any]]:
    """Every open section of the term, with its capacity and registrations counted."""
    wanted = parse_term(term)
    if wanted is None:
        raise InvalidInput("term must be semester/year, e.g. 1/2569 or 1/2026.")
    rows = list_sections(app_context(), actor=actor, term=wanted)
    keys = schemas.Section.model_fields
    return [{k: v for k, v in asdict(r).items() if k in keys} for r in rows]


@router.get(
    "/changes", response_model=schemas.ChangeList, responses=errors(400, 403, 422), summary="Changes feed"
)
def changes(
    actor: Annotated[Actor, Depends(caller(Permission.READ_CHANGES))],
    after: CURSOR = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """Registration status changes after the cursor, in commit order: follow `next_cursor` to stay in sync."""
    page = registrations.list_changes(app_context(), actor=actor, after=after, limit=limit)
    return {"items": [asdict(c) for c in page.changes], "next_cursor": page.next_cursor}
