"""Entry point: page config, session restore, login gate, navigation by role, HTTP routes.

`streamlit run app.py` imports this module without a script context to find `app` (the
st.App that serves the cookie and metrics routes), and runs it as the page script on every
rerun, where `main()` builds the navigation.
"""

from __future__ import annotations

import asyncio.base_events
import hmac
import json
import socket
from dataclasses import dataclass

import streamlit as st
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from streamlit.runtime.scriptrunner import get_script_run_ctx

from core import monitoring, sessions
from core.access import Actor, Permission
from core.context import get_context
from core.metrics import REGISTRY
from pages._ui import client_ip, plain, timed_page
from web_security import SecurityHeadersMiddleware

COOKIE = "ims_session"


@dataclass(frozen=True)
class PageSpec:
    """A page and the permission that puts it in a user's navigation."""

    path: str
    title: str
    icon: str
    permission: Permission | None
    section: str = "Office"
    hidden: bool = False  # reachable by link, not listed in the sidebar


PAGES = [
    PageSpec("pages/home.py", "Home", ":material/home:", Permission.VIEW_HOME),
    PageSpec("pages/profile.py", "My profile", ":material/person:", None, "Account"),
    PageSpec("pages/progress.py", "Progress", ":material/monitoring:", Permission.VIEW_PROGRESS),
    PageSpec("pages/search.py", "Search postings", ":material/search:", Permission.SEARCH_POSTINGS),
    PageSpec("pages/postings.py", "Postings & companies", ":material/business:", Permission.MANAGE_POSTINGS),
    PageSpec("pages/review_queue.py", "Review queue", ":material/fact_check:", Permission.REVIEW_QUEUE),
    PageSpec(
        "pages/committee_votes.py", "Committee votes", ":material/how_to_vote:", Permission.VOTE_COMMITTEE
    ),
    PageSpec("pages/courses.py", "Courses", ":material/menu_book:", Permission.VIEW_COURSES),
    PageSpec("pages/import_data.py", "Import", ":material/upload:", Permission.IMPORT_REGISTRATIONS),
    PageSpec(
        "pages/registration.py",
        "Registration",
        ":material/description:",
        Permission.VIEW_REGISTRATION,
        hidden=True,
    ),
    PageSpec("pages/admin_users.py", "Users", ":material/group:", Permission.MANAGE_USERS, "Admin"),
    PageSpec("pages/monitoring.py", "Monitoring", ":material/speed:", Permission.VIEW_MONITORING, "Admin"),
]


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


async def set_session_cookie(request: Request) -> Response:
    """POST /auth/session: trade a one-time ticket (form field `t`) for the HttpOnly cookie."""
    form = await request.form()
    ticket = str(form.get("t") or "")
    token = await run_in_threadpool(sessions.redeem_ticket, get_context(), ticket) if ticket else None
    if token is None:
        return Response(status_code=403)
    response = Response(status_code=204)
    max_age = get_context().settings.session_absolute_hours * 3600
    response.set_cookie(
        COOKIE, token, max_age=max_age, path="/", httponly=True, samesite="strict", secure=_secure(request)
    )
    return response


def clear_session_cookie(request: Request) -> Response:
    """POST /auth/logout: revoke the cookie's session on the server, then clear the cookie."""
    token = request.cookies.get(COOKIE)
    if token:
        sessions.revoke(get_context(), None, token=token)
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict", secure=_secure(request))
    return response


async def metrics_endpoint(request: Request) -> Response:
    """GET /metrics: Prometheus text for a scraper holding `Authorization: Bearer <METRICS_TOKEN>`."""
    expected = get_context().settings.metrics_token
    if not expected:
        return Response(status_code=404)
    scheme, _, supplied = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(supplied.strip().encode(), expected.encode()):
        return Response(status_code=401, headers={"WWW-Authenticate": "Bearer"})
    await run_in_threadpool(monitoring.refresh_gauges, get_context())
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


def _post_script(url: str, ticket: str = "") -> str:
    # Only our own fixed URL and a random URL-safe ticket go into this script, never user data.
    body = json.dumps(f"t={ticket}")
    return (
        f"<script>fetch({json.dumps(url)}, {{method: 'POST', credentials: 'same-origin', "
        f"headers: {{'Content-Type': 'application/x-www-form-urlencoded'}}, body: {body}}});</script>"
    )


def _restore() -> Actor | None:
    ctx = get_context()
    actor = st.session_state.get("actor")
    ip = client_ip()
    if isinstance(actor, Actor):
        restored = sessions.resume(ctx, session_id=actor.session_id, ip=ip)
    else:
        cookie = st.context.cookies.get(COOKIE)
        restored = sessions.resume(ctx, token=cookie if isinstance(cookie, str) else None, ip=ip)
    if restored is None:
        st.session_state.pop("actor", None)
    else:
        st.session_state["actor"] = restored
    return restored


def _logout(actor: Actor) -> None:
    sessions.revoke(get_context(), actor, session_id=actor.session_id)
    st.session_state.clear()
    st.session_state["pending_logout"] = True


def _sidebar(actor: Actor) -> None:
    with st.sidebar:
        st.markdown(f"**{plain(actor.full_name)}**")
        st.caption(plain(f"{actor.username} · {actor.role.value}"))
        if st.button("Log out", key="logout"):
            _logout(actor)
            st.rerun()


def _emit_cookie_scripts() -> None:
    ticket = st.session_state.pop("pending_ticket", None)
    if ticket:
        st.html(_post_script("/auth/session", ticket), unsafe_allow_javascript=True)
    if st.session_state.pop("pending_logout", False):
        st.html(_post_script("/auth/logout"), unsafe_allow_javascript=True)


def _navigation(actor: Actor) -> dict[str, list[st.Page]]:
    sections: dict[str, list[st.Page]] = {}
    for spec in PAGES:
        if spec.permission is None or actor.can(spec.permission):
            page = st.Page(
                spec.path,
                title=spec.title,
                icon=spec.icon,
                default=spec.path == "pages/home.py",
                visibility="hidden" if spec.hidden else "visible",
            )
            sections.setdefault(spec.section, []).append(page)
    return sections


def _run(page: st.Page) -> None:
    with timed_page(page.title):
        page.run()


def main() -> None:
    """Run one rerun: restore the session, then show the login page or the user's pages."""
    st.set_page_config(
        page_title="Internship Management System", page_icon=":material/school:", layout="wide"
    )
    actor = _restore()
    _emit_cookie_scripts()
    if actor is None:
        _run(st.navigation([st.Page("pages/login.py", title="Sign in", icon=":material/login:")]))
        return
    _sidebar(actor)
    if actor.must_change_password:
        # A temporary password opens nothing but the page to replace it.
        _run(st.navigation([st.Page("pages/profile.py", title="My profile", icon=":material/person:")]))
        return
    _run(st.navigation(_navigation(actor)))


def _tcp_nodelay(sock: socket.socket) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def disable_nagle() -> None:
    """Send every websocket message at once (TCP_NODELAY on every accepted connection).

    asyncio sets TCP_NODELAY only on sockets whose proto is IPPROTO_TCP; the server's listening
    socket is made with proto 0, so its connections kept Nagle's algorithm. Each rerun's second
    small message then waited for the browser's delayed ACK: ~40 ms on every page load and click
    (a one-line Streamlit app: 48 ms per rerun, 6 ms without Nagle, measured on loopback).
    """
    asyncio.base_events._set_nodelay = _tcp_nodelay  # type: ignore[attr-defined]


if get_script_run_ctx() is None:
    disable_nagle()  # before the server accepts its first connection
    app = st.App(
        __file__,
        routes=[
            Route("/auth/session", set_session_cookie, methods=["POST"]),
            Route("/auth/logout", clear_session_cookie, methods=["POST"]),
            Route("/metrics", metrics_endpoint, methods=["GET"]),
        ],
        middleware=[Middleware(SecurityHeadersMiddleware)],
    )
else:
    main()
