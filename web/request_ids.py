"""A request id on every HTTP request: taken from the proxy's X-Request-ID when it is well formed,
else made here; bound to the request's log lines and echoed in the response's X-Request-ID."""

from __future__ import annotations

import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core import ops

_WELL_FORMED = re.compile(rb"^[A-Za-z0-9._-]{8,64}$")


def request_id(scope: Scope) -> str:
    """The proxy's id for this request if it looks like one (never arbitrary client text), else a new one."""
    for name, value in scope.get("headers", []):
        if name == b"x-request-id" and _WELL_FORMED.match(value):
            return value.decode("ascii")
    return ops.new_id()


class RequestIds:
    """Bind a request id to everything logged while the request runs (HTTP and websocket)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request inside its log context; stamp the id on HTTP responses."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        rid = request_id(scope)

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["X-Request-ID"] = rid
            await send(message)

        with ops.logs.bound(request_id=rid):
            await self.app(scope, receive, stamped)
