"""Browser security headers on every HTTP response (ASVS V3.4), as a pure ASGI middleware.

No script-src policy: Streamlit's front end needs inline scripts, so the Content-Security-Policy
only forbids framing. WebSocket traffic passes through untouched.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000"


def came_over_https(scope: Scope) -> bool:
    """True when the request reached us, or a trusted proxy in front of us, over HTTPS.

    The server sets the scheme from X-Forwarded-Proto only when the peer is listed in
    FORWARDED_ALLOW_IPS (see web.server.forwarding_rule); the header itself is never read here.
    """
    return scope.get("scheme") in ("https", "wss")


class SecurityHeadersMiddleware:
    """Add the fixed browser security headers (and HSTS over HTTPS) to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; stamp the headers onto the response start message."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = dict(HEADERS)
        if came_over_https(scope):
            extra["Strict-Transport-Security"] = HSTS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                own_policy = headers.get("Content-Security-Policy")
                for name, value in extra.items():
                    headers[name] = value
                if own_policy:  # a route's own policy (a download's sandbox) is kept, framing still denied
                    headers["Content-Security-Policy"] = f"{own_policy}; {HEADERS['Content-Security-Policy']}"
            await send(message)

        await self.app(scope, receive, send_with_headers)
