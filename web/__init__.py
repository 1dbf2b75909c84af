"""HTTP beside the app, served by the same process (Streamlit's st.App routes).

Public API: `routes()` (the cookie routes, /metrics, the health checks and document downloads) and
`middleware()` (request ids for the logs, security headers, closed Streamlit endpoints, and the
integration API under /api/v1) for st.App; `COOKIE` and `post_script` for the page that signs in and
out; `disable_nagle()` and `startup()` to run before the server accepts connections; `serving`, the
lifespan that runs the outbox sender and the daily reminders while the server is up.
"""

from starlette.middleware import Middleware
from starlette.routing import Route

from web import health
from web.api import ApiFirst
from web.background import serving
from web.closed_paths import ClosedPathsMiddleware
from web.cookies import COOKIE, clear_session_cookie, post_script, set_session_cookie
from web.documents import document_download
from web.metrics import metrics_endpoint
from web.request_ids import RequestIds
from web.security_headers import SecurityHeadersMiddleware
from web.server import disable_nagle, startup

__all__ = ["COOKIE", "disable_nagle", "middleware", "post_script", "routes", "serving", "startup"]


def routes() -> list[Route]:
    """The HTTP routes served beside the app (the integration API comes in through `middleware()`)."""
    return [
        Route("/auth/session", set_session_cookie, methods=["POST"]),
        Route("/auth/logout", clear_session_cookie, methods=["POST"]),
        Route("/metrics", metrics_endpoint, methods=["GET"]),
        Route("/files/documents/{document_id}", document_download, methods=["GET"]),
        Route("/healthz/live", health.live, methods=["GET"]),
        Route("/healthz/ready", health.ready, methods=["GET"]),
    ]


def middleware() -> list[Middleware]:
    """Request ids for the logs; security headers around every HTTP response; Streamlit's metrics and agent
    endpoints closed; the integration API answers /api/* before Streamlit."""
    return [
        Middleware(RequestIds),
        Middleware(SecurityHeadersMiddleware),
        Middleware(ClosedPathsMiddleware),
        Middleware(ApiFirst),
    ]
