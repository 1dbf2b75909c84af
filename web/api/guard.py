"""What every API request passes before a route runs: body size and type, the token, the rate limit.

- Bodies over 64 KB are refused with 413 (by Content-Length, or while reading a chunked body: a
  body is read whole, at most 64 KB, before the route sees it);
  a body that is not JSON with 415.
- `Authorization: Bearer <token>` names the client (401 otherwise); its scopes must grant the
  route's permission (403); its bucket must hold a token (429 with Retry-After).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core import api_clients
from core.access import Actor, Permission, require
from core.bootstrap import app_context
from core.context import AppContext
from core.errors import AuthError
from web.api.problems import problem

MAX_BODY = 64 * 1024
WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def is_json(content_type: str) -> bool:
    """application/json or a +json type, any parameters (charset) allowed."""
    media = content_type.split(";")[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


class BodyLimits:
    """413 for bodies over 64 KB, 415 for bodies that are not JSON; before anything reads them.

    Only for a route that takes this method: anything else goes on to the router's 404 or 405.
    """

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute] = ()) -> None:
        self.app = app
        self.routes = routes

    def _takes_body(self, scope: Scope) -> bool:
        return scope["method"] in WITH_BODY and any(r.matches(scope)[0] == Match.FULL for r in self.routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the headers, then read the body whole (at most 64 KB) before the route does."""
        if scope["type"] != "http" or not self._takes_body(scope):
            await self.app(scope, receive, send)
            return
        length = _header(scope, b"content-length")
        if length and (not length.isdigit() or int(length) > MAX_BODY):
            slug = "payload-too-large" if length.isdigit() else "bad-request"
            await problem(slug, "The request body must be at most 65536 bytes.")(scope, receive, send)
            return
        if not is_json(_header(scope, b"content-type")):
            await problem("unsupported-media-type", "Send the body as application/json.")(
                scope, receive, send
            )
            return
        body = await _read_at_most(receive, MAX_BODY)
        if body is None:
            await problem("payload-too-large", "The request body must be at most 65536 bytes.")(
                scope, receive, send
            )
            return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()  # http.disconnect, when the client goes
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def _read_at_most(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None as soon as it passes `limit` bytes (a chunked body has no length)."""
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(parts)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        parts.append(chunk)
        if not message.get("more_body", False):
            return b"".join(parts)


def _token(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


class RateLimited(Exception):
    """The client's bucket is empty: try again after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def client_ip(request: Request) -> str | None:
    """The caller's address as the server saw it."""
    return request.client.host if request.client else None


def _admit(ctx: AppContext, token: str, ip: str | None) -> tuple[api_clients.Caller, api_clients.Decision]:
    """Who holds the token, and whether their bucket has room (one trip to a worker thread for both)."""
    found = api_clients.authenticate(ctx, token=token, ip=ip)
    limiter = api_clients.limiter_for(ctx.settings.redis_url)
    return found, limiter.take(found.actor.client_id or 0, found.rate_per_s, found.burst)


def caller(permission: Permission, *or_: Permission) -> Callable[[Request], object]:
    """A route dependency: the client's Actor when its token is good, its scopes grant `permission`
    (or one of `or_`) and its rate limit allows one more request."""

    async def dependency(request: Request) -> Actor:
        ctx = app_context()
        token, ip = _token(request), client_ip(request)
        if token is None:
            raise AuthError("Send the API token as Authorization: Bearer <token>.")
        found, decision = await run_in_threadpool(_admit, ctx, token, ip)
        if not decision.allowed:
            raise RateLimited(decision.retry_after_s)
        granted = next((p for p in or_ if found.actor.can(p)), permission)
        return require(found.actor, granted)  # refusals are logged and audited

    return dependency
