"""HTTP beside the app, served by the same process (Streamlit's st.App routes).

Public API: `routes()` (the cookie routes, /metrics and the health checks) and `middleware()`
(request ids for the logs, security headers, and the integration API under /api/v1) for
st.App; `COOKIE` and `post_script` for the page that signs in and out; `disable_nagle()` and
`startup()` to run before the server accepts connections.
"""

from starlette.middleware import Middleware
from starlette.routing import Route

from web import health
from web.api import ApiFirst
from web.cookies import COOKIE, clear_session_cookie, post_script, set_session_cookie
from web.metrics import metrics_endpoint
from web.request_ids import RequestIds
from web.security_headers import SecurityHeadersMiddleware
from web.server import disable_nagle, startup

__all__ = ["COOKIE", "disable_nagle", "middleware", "post_script", "routes", "startup"]


def routes() -> list[Route]:
    """The HTTP routes served beside the app (the integration API comes in through `middleware()`)."""
    return [
        Route("/auth/session", set_session_cookie, methods=["POST"]),
        Route("/auth/logout", clear_session_cookie, methods=["POST"]),
        Route("/metrics", metrics_endpoint, methods=["GET"]),
        Route("/healthz/live", health.live, methods=["GET"]),
        Route("/healthz/ready", health.ready, methods=["GET"]),
    ]


def middleware() -> list[Middleware]:
    """Security headers around every HTTP response; the integration API answers /api/* before Streamlit."""
    return [Middleware(RequestIds), Middleware(SecurityHeadersMiddleware), Middleware(ApiFirst)]
