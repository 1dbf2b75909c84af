"""The session cookie's HTTP routes, and the script a page emits to call them.

Streamlit cannot set cookies from a script: after a login the page posts a one-time ticket to
POST /auth/session, which sets the HttpOnly cookie; logging out posts to POST /auth/logout.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import Response

from core import auth
from core.bootstrap import app_context

COOKIE = "ims_session"
# The only field is a 43-character ticket: anything much larger is refused before it is read.
MAX_BODY = 256
MAX_FIELDS = 2


def same_origin(request: Request) -> bool:
    """Whether the browser says this POST comes from one of our own pages (login CSRF defence).

    Browsers send Sec-Fetch-Site on every request; older ones at least send Origin on a POST.
    A request with neither is not from a browser's page, and these routes serve only that page.
    """
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return False
    return urlsplit(origin).netloc.lower() == request.headers.get("host", "").lower()


async def _ticket_field(request: Request) -> str | None:
    """The `t` field of a small url-encoded form, or None when the body is too big or malformed."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return None
    try:
        form = await request.form(max_files=0, max_fields=MAX_FIELDS, max_part_size=MAX_BODY)
    except (MultiPartException, HTTPException):
        return None
    value = form.get("t")
    return value if isinstance(value, str) else ""


def _secure(request: Request) -> bool:
    # The scheme comes from X-Forwarded-Proto only through a trusted proxy (web.server).
    return request.url.scheme == "https"


async def set_session_cookie(request: Request) -> Response:
    """POST /auth/session: trade a one-time ticket (form field `t`) for the HttpOnly cookie."""
    if not same_origin(request):
        return Response(status_code=403)
    ticket = await _ticket_field(request)
    if ticket is None:
        return Response(status_code=413)
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
    if not same_origin(request):
        return Response(status_code=403)
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
