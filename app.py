"""The router: restore the session, then the login page or the signed-in user's pages by role.

`streamlit run app.py` imports this module without a script context to find `app` (the st.App
that serves web/'s HTTP routes), and runs it as the page script on every rerun.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

import web
from core import auth, evaluation_links, i18n, ops
from core.access import ROLE_LABELS, Actor, Permission
from core.auth import users
from core.i18n import N_
from pages._ui import LANG, _, client_ip, context, plain, run_action, timed_page


@dataclass(frozen=True)
class PageSpec:
    """A page and the permission that puts it in a user's navigation."""

    path: str
    title: str
    icon: str
    permission: Permission | None
    section: str = N_("Office")
    hidden: bool = False  # reachable by link, not listed in the sidebar


PAGES = [
    PageSpec("pages/home.py", N_("Home"), ":material/home:", Permission.VIEW_HOME),
    PageSpec("pages/profile.py", N_("My profile"), ":material/person:", None, N_("Account")),
    PageSpec("pages/progress.py", N_("Progress"), ":material/monitoring:", Permission.VIEW_PROGRESS),
    PageSpec("pages/search.py", N_("Search postings"), ":material/search:", Permission.SEARCH_POSTINGS),
    PageSpec(
        "pages/postings.py", N_("Postings & companies"), ":material/business:", Permission.MANAGE_POSTINGS
    ),
    PageSpec("pages/review_queue.py", N_("Review queue"), ":material/fact_check:", Permission.REVIEW_QUEUE),
    PageSpec(
        "pages/committee_votes.py", N_("Committee votes"), ":material/how_to_vote:", Permission.VOTE_COMMITTEE
    ),
    PageSpec("pages/my_students.py", N_("My students"), ":material/school:", Permission.VIEW_MY_STUDENTS),
    PageSpec(
        "pages/visits_evaluations.py",
        N_("Visits & evaluations"),
        ":material/assignment_turned_in:",
        Permission.VIEW_VISITS_EVALUATIONS,
    ),
    PageSpec(
        "pages/placement_stats.py",
        N_("Visits and evaluations overview"),
        ":material/insights:",
        Permission.VIEW_PLACEMENT_STATS,
    ),
    PageSpec("pages/documents.py", N_("Documents"), ":material/folder_open:", Permission.VIEW_DOCUMENTS),
    PageSpec("pages/courses.py", N_("Courses"), ":material/menu_book:", Permission.VIEW_COURSES),
    PageSpec("pages/import_data.py", N_("Import"), ":material/upload:", Permission.IMPORT_REGISTRATIONS),
    PageSpec(
        "pages/new_registration.py",
        N_("New registration"),
        ":material/person_add:",
        Permission.ENTER_REGISTRATION,
    ),
    PageSpec(
        "pages/registration.py",
        N_("Registration"),
        ":material/description:",
        Permission.VIEW_REGISTRATION,
        hidden=True,
    ),
    PageSpec("pages/admin_users.py", N_("Users"), ":material/group:", Permission.MANAGE_USERS, N_("Admin")),
    PageSpec(
        "pages/admin_api_clients.py",
        N_("API clients"),
        ":material/key:",
        Permission.MANAGE_API_CLIENTS,
        N_("Admin"),
    ),
    PageSpec(
        "pages/outbox.py", N_("Outbox"), ":material/outgoing_mail:", Permission.VIEW_OUTBOX, N_("Admin")
    ),
    PageSpec(
        "pages/monitoring.py", N_("Monitoring"), ":material/speed:", Permission.VIEW_MONITORING, N_("Admin")
    ),
    PageSpec(
        "pages/audit_log.py", N_("Audit log"), ":material/history:", Permission.VIEW_AUDIT_LOG, N_("Admin")
    ),
]
LANGUAGE_SWITCH = "lang_switch"
# The workplace supervisor's form: reached from a one-time link, by anyone, signed in or not.
EVALUATE_TITLE = N_("Internship evaluation")
EVALUATE_PAGE = partial(
    st.Page,
    "pages/evaluate.py",
    icon=":material/rate_review:",
    url_path=evaluation_links.PATH,
    visibility="hidden",
)


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


def _language(actor: Actor | None) -> None:
    """This rerun's language: the user's own choice, else this session's, else the office's default."""
    chosen = actor.language if actor is not None and actor.language else st.session_state.get(LANGUAGE_SWITCH)
    st.session_state[LANG] = i18n.language(chosen, context().settings.default_language)
    st.session_state[LANGUAGE_SWITCH] = st.session_state[LANG]


def _switch_language() -> None:
    chosen = st.session_state.get(LANGUAGE_SWITCH)
    actor = st.session_state.get("actor")
    if chosen in i18n.LANGUAGES and isinstance(actor, Actor):
        run_action(lambda: users.set_language(context(), actor=actor, language=chosen))


def _language_switch() -> None:
    with st.sidebar:
        st.segmented_control(
            "ภาษา / Language",
            list(i18n.LANGUAGES),
            format_func=i18n.LANGUAGE_NAMES.get,
            key=LANGUAGE_SWITCH,
            on_change=_switch_language,
            label_visibility="collapsed",
        )


def _logout(actor: Actor) -> None:
    auth.revoke(context(), actor, session_id=actor.session_id)
    st.session_state.clear()
    st.session_state["pending_logout"] = True


def _sidebar(actor: Actor) -> None:
    with st.sidebar:
        st.markdown(f"**{plain(actor.full_name)}**")
        st.caption(plain(f"{actor.username} · {_(ROLE_LABELS[actor.role])}"))
        if st.button(_("Log out"), key="logout"):
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
                title=_(spec.title),
                icon=spec.icon,
                default=spec.path == "pages/home.py",
                visibility="hidden" if spec.hidden else "visible",
            )
            sections.setdefault(_(spec.section), []).append(page)
    sections.setdefault(_(N_("Account")), []).append(EVALUATE_PAGE(title=_(EVALUATE_TITLE)))
    return sections


def _run(page: st.Page) -> None:
    with timed_page(page.url_path or "home"):  # the metric's label does not change with the language
        page.run()


def main() -> None:
    """Run one rerun: restore the session, then show the login page or the user's pages.

    Log lines of the rerun name it (a request id) and the user; the user's own writes are read
    back from the primary database (core.ops.logs.bound).
    """
    actor = _restore()
    with ops.logs.bound(request_id=ops.new_id(), user_id=actor.user_id if actor else None):
        _language(actor)
        st.set_page_config(
            page_title=_("Internship Management System"), page_icon=":material/school:", layout="wide"
        )
        _emit_cookie_scripts()
        _language_switch()
        if actor is None:
            login = st.Page("pages/login.py", title=_("Sign in"), icon=":material/login:", default=True)
            _run(st.navigation([login, EVALUATE_PAGE(title=_(EVALUATE_TITLE))]))
            return
        _sidebar(actor)
        if actor.must_change_password:
            # A temporary password opens nothing but the page to replace it.
            _run(
                st.navigation([st.Page("pages/profile.py", title=_("My profile"), icon=":material/person:")])
            )
            return
        _run(st.navigation(_navigation(actor)))


if get_script_run_ctx(suppress_warning=True) is None:  # the server importing us: no warning
    web.startup()  # JSON logs, settings and schema checked before the first connection
    web.disable_nagle()  # before the server accepts its first connection
    app = st.App(__file__, routes=web.routes(), middleware=web.middleware(), lifespan=web.serving)
else:
    main()
