"""The session cookie's HTTP routes, and the script a page emits to call them.

Streamlit cannot set cookies from a script: after a login the page posts a one-time ticket to
POST /auth/session, which sets the HttpOnly cookie; logging out posts to POST /auth/logout.
"""

from __future__ import annotations

import json

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from core import auth
from core.bootstrap import app_context

COOKIE = "ims_session"


def _secure(request: Request) -> bool:
    # The scheme comes from X-Forwarded-Proto only through a trusted proxy (web.server).
    return request.url.scheme == "https"


async def set_session_cookie(request: Request) -> Response:
    """POST /auth/session: trade a one-time ticket (form field `t`) for the HttpOnly cookie."""
    form = await request.form()
    ticket = str(form.get("t") or "")
    ctx = app_context()
    token = await run_in_threadpool(auth.redeem_ticket, ctx, ticket) if ticket else None
    if token is None:
        return Response(status_code=403)
    response = Response(status_code=204)
    max_age = ctx.settings.session_absolute_hours * 3600
    response.set_cookie(
        COOKIE, token, max_age=max_age, path="/", httponly=True, samesite="strict", secure=_secure(request)
    )
    return response


def clear_session_cookie(request: Request) -> Response:
    """POST /auth/logout: revoke the cookie's session on the server, then clear the cookie."""
    token = request.cookies.get(COOKIE)
    if token:
        auth.revoke(app_context(), None, token=token)
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict", secure=_secure(request))
    return response


def post_script(url: str, ticket: str = "") -> str:
    """A script that posts `t=<ticket>` to one of our own routes (with the page's cookies)."""
    # Only our own fixed URL and a random URL-safe ticket go into this script, never user data.
    body = json.dumps(f"t={ticket}")
    return (
        f"<script>fetch({json.dumps(url)}, {{method: 'POST', credentials: 'same-origin', "
        f"headers: {{'Content-Type': 'application/x-www-form-urlencoded'}}, body: {body}}});</script>"
    )
