"""RFC 9457 problem details: one stable `type` per kind of error, field details for validation.

Every error the API sends is `application/problem+json`. Domain errors keep their message (safe to
show, in the client's Accept-Language: Thai or English); anything unexpected becomes a 500 that
carries only an incident id, never a trace (the details go to the log).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core import i18n, ops
from core.bootstrap import app_context
from core.errors import AuthError, Conflict, DomainError, InvalidInput, NotFound, Outdated, PermissionDenied
from core.i18n import msg

logger = logging.getLogger("ims.api")
MEDIA_TYPE = "application/problem+json"
DOCS = "/api/v1/docs"


@dataclass(frozen=True)
class Kind:
    """One kind of problem: its status, its stable type (a link to the docs) and its title."""

    slug: str
    status: int
    title: str

    @property
    def type(self) -> str:
        """The problem type URI: the docs section that explains it."""
        return f"{DOCS}#problem-{self.slug}"


KINDS = {
    k.slug: k
    for k in (
        Kind("bad-request", 400, "The request is malformed"),
        Kind("unauthorized", 401, "A valid API token is required"),
        Kind("forbidden", 403, "The token's scopes do not allow this"),
        Kind("not-found", 404, "No such resource"),
        Kind("method-not-allowed", 405, "The resource does not support this method"),
        Kind("conflict", 409, "The request conflicts with the current state"),
        Kind("duplicate-registration", 409, "The student is already registered in this section"),
        Kind("precondition-failed", 412, "The registration changed since the version in If-Match"),
        Kind("payload-too-large", 413, "The request body is larger than 64 KB"),
        Kind("unsupported-media-type", 415, "The request body must be JSON"),
        Kind("validation", 422, "The request has invalid fields"),
        Kind("intake-rules", 422, "The registration breaks intake rules"),
        Kind("idempotency-key-reused", 422, "The Idempotency-Key was used with another body"),
        Kind("precondition-required", 428, "If-Match with the registration's version is required"),
        Kind("rate-limited", 429, "Too many requests"),
        Kind("server-error", 500, "Something went wrong on our side"),
    )
}


def language(headers: Any) -> str:
    """Thai when the client's Accept-Language puts Thai first, else English."""
    first = str(headers.get("accept-language", "")).split(",")[0].strip().lower()
    return "th" if first.startswith("th") else "en"


def problem(
    slug: str,
    detail: str,
    *,
    instance: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    """A problem+json response of kind `slug`."""
    kind = KINDS[slug]
    body: dict[str, Any] = {"type": kind.type, "title": kind.title, "status": kind.status, "detail": detail}
    if instance:
        body["instance"] = instance
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    content = json.dumps(body, ensure_ascii=False).encode()
    return Response(content, status_code=kind.status, media_type=MEDIA_TYPE, headers=headers)


def slug_of(exc: DomainError) -> str:
    """The problem kind of a domain error (the most specific class first)."""
    for cls, slug in (
        (Outdated, "precondition-failed"),
        (Conflict, "conflict"),
        (NotFound, "not-found"),
        (PermissionDenied, "forbidden"),
        (AuthError, "unauthorized"),
        (InvalidInput, "validation"),
    ):
        if isinstance(exc, cls):
            return slug
    return "bad-request"


def domain_problem(request: Request, exc: DomainError) -> Response:
    """A domain error as a problem, its message in the client's language."""
    slug = slug_of(exc)
    headers = {"WWW-Authenticate": "Bearer"} if slug == "unauthorized" else None
    return problem(
        slug, exc.text.render(language(request.headers)), instance=request.url.path, headers=headers
    )


class ServerErrors:
    """Any exception a route lets escape becomes a 500 problem with an incident id (logged, counted)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app; answer for it when it fails before it started answering."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:
            incident = ops.new_id()
            await run_in_threadpool(
                ops.record_incident,
                app_context(),
                incident=incident,
                error=exc,
                page=f"api {scope.get('method', '')} {scope.get('path', '')}",
                user_id=None,
            )
            if started:  # the response is under way: nothing more can be said to the client
                return
            text = i18n.render(
                msg("Something went wrong. Incident id: {incident}.", incident=incident),
                language({k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}),
            )
            await problem("server-error", text, incident=incident)(scope, receive, send)
