"""The router: restore the session, then the login page or the signed-in user's pages by role.

`streamlit run app.py` imports this module without a script context to find `app` (the st.App
that serves web/'s HTTP routes), and runs it as the page script on every rerun.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

import web
from core import auth
from core.access import Actor, Permission
from pages._ui import client_ip, context, plain, timed_page


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


def _restore() -> Actor | None:
    actor = st.session_state.get("actor")
    ip = client_ip()
    if isinstance(actor, Actor):
        restored = auth.resume(context(), session_id=actor.session_id, ip=ip)
    else:
        cookie = st.context.cookies.get(web.COOKIE)
        restored = auth.resume(context(), token=cookie if isinstance(cookie, str) else None, ip=ip)
    if restored is None:
        st.session_state.pop("actor", None)
    else:
        st.session_state["actor"] = restored
    return restored


def _logout(actor: Actor) -> None:
    auth.revoke(context(), actor, session_id=actor.session_id)
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
        st.html(web.post_script("/auth/session", ticket), unsafe_allow_javascript=True)
    if st.session_state.pop("pending_logout", False):
        st.html(web.post_script("/auth/logout"), unsafe_allow_javascript=True)


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


if get_script_run_ctx() is None:
    web.disable_nagle()  # before the server accepts its first connection
    app = st.App(__file__, routes=web.routes(), middleware=web.middleware())
else:
    main()
