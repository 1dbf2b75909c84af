"""HTTP beside the app, served by the same process (Streamlit's st.App routes).

Public API: `routes()` (the cookie routes, /metrics and the integration API under /api) and
`middleware()` for st.App; `COOKIE` and `post_script` for the page that
signs in and out; `disable_nagle()` to run before the server accepts connections.
"""

from starlette.middleware import Middleware
from starlette.routing import Mount, Route

from web.api import api_app
from web.cookies import COOKIE, clear_session_cookie, post_script, set_session_cookie
from web.metrics import metrics_endpoint
from web.security_headers import SecurityHeadersMiddleware
from web.server import disable_nagle

__all__ = ["COOKIE", "disable_nagle", "middleware", "post_script", "routes"]


def routes() -> list[Route | Mount]:
    """The HTTP routes served beside the app, and the integration API under /api."""
    return [
        Route("/auth/session", set_session_cookie, methods=["POST"]),
        Route("/auth/logout", clear_session_cookie, methods=["POST"]),
        Route("/metrics", metrics_endpoint, methods=["GET"]),
        Mount("/api", app=api_app()),
    ]


def middleware() -> list[Middleware]:
    """Middleware around every HTTP response (not the websocket)."""
    return [Middleware(SecurityHeadersMiddleware)]
