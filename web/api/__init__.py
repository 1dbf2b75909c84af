"""The integration API, /api/v1: a FastAPI application served by the app's own server.

`api_app()` builds it: the routes (web.api.routes), RFC 9457 problems for every error
(web.api.problems), the body, token and rate limits (web.api.guard), the OpenAPI 3.1 document at
/api/v1/openapi.json and a docs page at /api/v1/docs (web.api.docs). `ApiFirst` hands /api/*
requests to it ahead of Streamlit's own middleware (sessions, gzip, its path checks for file
routes), so every answer under /api, a 404 included, is the API's own problem+json.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.responses import Response
from starlette.routing import get_route_path
from starlette.types import ASGIApp, Receive, Scope, Send

from core.errors import DomainError
from core.registrations import IntakeRefused, KeyReused
from web.api import docs, routes
from web.api.guard import BodyLimits, RateLimited
from web.api.problems import MEDIA_TYPE, ServerErrors, domain_problem, language, problem

TITLE = "Internship Management System API"
VERSION = "1.0.0"
# The field names a client sent, for the intake rules' own names of them.
RULE_FIELDS = {"student": "student_code", "section": "section_id", "advisor": "advisor_username",
               "posting": "internship_id"}  # fmt: skip
SLUGS = {400: "bad-request", 404: "not-found", 405: "method-not-allowed", 413: "payload-too-large",
         415: "unsupported-media-type"}  # fmt: skip


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or str(loc[0] if loc else "body")


async def _validation(request: Request, exc: RequestValidationError) -> Response:
    found = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in found):
        return problem("bad-request", "The body is not valid JSON.", instance=request.url.path)
    if any(e.get("type") == "missing" and tuple(e.get("loc", ()))[-1:] == ("If-Match",) for e in found):
        return problem("precondition-required", "Send If-Match with the registration's version, e.g. \"3\".",
                       instance=request.url.path)  # fmt: skip
    errors = [
        {"field": _field(tuple(e.get("loc", ()))), "message": str(e.get("msg", ""))[:300]} for e in found
    ]
    return problem(
        "validation", "Some fields are invalid; see errors.", instance=request.url.path, errors=errors
    )


async def _intake(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, IntakeRefused)
    lang = language(request.headers)
    errors = [
        {"field": RULE_FIELDS.get(p.field, p.field), "rule": p.rule, "message": p.message.render(lang)}
        for p in exc.problems
    ]
    only_duplicates = all(p.rule == "duplicate" for p in exc.problems)
    slug = "duplicate-registration" if only_duplicates else "intake-rules"
    return problem(slug, exc.text.render(lang), instance=request.url.path, errors=errors)


async def _domain(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    if isinstance(exc, KeyReused):
        return problem(
            "idempotency-key-reused", exc.text.render(language(request.headers)), instance=request.url.path
        )
    return domain_problem(request, exc)


async def _rate_limited(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RateLimited)
    return problem("rate-limited", f"Too many requests: try again in {exc.retry_after} s.",
                   instance=request.url.path, headers={"Retry-After": str(exc.retry_after)})  # fmt: skip


def _allowed(request: Request) -> str:
    """Every method some route takes at this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, APIRoute) and route.path_regex.match(get_route_path(request.scope)):
            methods |= route.methods
    return ", ".join(sorted(methods))


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    slug = SLUGS.get(exc.status_code, "bad-request")
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed(request)
    return problem(slug, str(exc.detail), instance=request.url.path, headers=headers or None)


LINKS = {  # what a created registration leads to (schemathesis follows these in its stateful phase)
    "GetRegistration": {"operationId": "get_registration",
                        "parameters": {"registration_id": "$response.body#/id"}},
    "WithdrawRegistration": {"operationId": "withdraw_registration",
                             "parameters": {"registration_id": "$response.body#/id",
                                            "header.If-Match": "$response.header.ETag"}},
}  # fmt: skip


def _problem_media(schema: dict[str, Any]) -> dict[str, Any]:
    """Error responses are application/problem+json; every route needs the bearer token; a created
    registration links to reading and withdrawing it."""
    created = schema.get("paths", {}).get("/v1/registrations", {}).get("post", {}).get("responses", {})
    if "201" in created:
        created["201"]["links"] = LINKS
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            operation["security"] = [{"bearer": []}]
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status[0] in "45" and "application/json" in content:
                    content[MEDIA_TYPE] = content.pop("application/json")
    schema.setdefault("components", {})["securitySchemes"] = {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from the Admin → API clients page",
        }
    }
    return schema


class ApiFirst:
    """Middleware for st.App: requests under /api go to the API application, the rest to Streamlit."""

    PREFIX = "/api"

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.api = api_app()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Dispatch by path; the API sees /api as its root path, as a Mount would give it."""
        path = scope.get("path", "") if scope["type"] in ("http", "websocket") else ""
        if path == self.PREFIX or path.startswith(self.PREFIX + "/"):
            if scope["type"] != "http":
                return  # no websockets under /api
            root = scope.get("root_path", "") + self.PREFIX
            await self.api(
                {**scope, "root_path": root, "path": root + path[len(self.PREFIX) :]}, receive, send
            )
            return
        await self.app(scope, receive, send)


def api_app() -> FastAPI:
    """The /api application (mount it at /api)."""
    app = FastAPI(
        title=TITLE,
        version=VERSION,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        middleware=[Middleware(ServerErrors), Middleware(BodyLimits, routes=routes.router.routes)],
    )
    app.include_router(routes.router)
    app.add_exception_handler(RequestValidationError, _validation)  # type: ignore[arg-type]
    app.add_exception_handler(IntakeRefused, _intake)
    app.add_exception_handler(DomainError, _domain)
    app.add_exception_handler(RateLimited, _rate_limited)
    app.add_exception_handler(HTTPException, _http)
    cached: dict[str, Any] = {}

    def openapi_document() -> dict[str, Any]:
        if not cached:
            document = get_openapi(title=TITLE, version=VERSION, routes=app.routes, description=docs.INTRO,
                                   servers=[{"url": "/api"}])  # fmt: skip
            cached.update(_problem_media(document))
        return cached

    app.openapi = openapi_document  # type: ignore[method-assign]
    app.add_api_route("/v1/openapi.json", lambda: openapi_document(), include_in_schema=False)
    app.add_api_route("/v1/docs", lambda: docs.page(openapi_document()), include_in_schema=False)
    return app
