"""Streamlit's own endpoints the office does not serve: answered 404 before Streamlit sees them.

- `/_stcore/metrics` reports per-session cache and state sizes to anyone who asks, with no
  authentication; operators scrape the app's own `/metrics` (bearer METRICS_TOKEN) instead.
- `/_stcore/agent/` is the experimental agent API; `server.enableAgentApi = false` turns it off in
  .streamlit/config.toml, and this keeps it closed should a command-line flag turn it on.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

CLOSED = ("/_stcore/metrics", "/_stcore/agent/")


def is_closed(path: str) -> bool:
    """Whether `path` is one of Streamlit's endpoints that stay closed."""
    return any(path == p or path.startswith(p if p.endswith("/") else p + "/") for p in CLOSED)


class ClosedPathsMiddleware:
    """404 for the closed endpoints; everything else (WebSocket included) passes untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse a closed path, else pass the request on."""
        if scope["type"] == "http" and is_closed(scope.get("path", "")):
            await Response(status_code=404)(scope, receive, send)
            return
        await self.app(scope, receive, send)
