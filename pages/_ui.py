"""Small helpers every page shares: the signed-in actor, the role guard, error display."""

from __future__ import annotations

import logging
import string
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, NamedTuple, TypeVar

import streamlit as st

from core import auth, i18n, monitoring, ops
from core.access import Actor, Permission
from core.bootstrap import app_context
from core.context import AppContext
from core.errors import DomainError

T = TypeVar("T")
logger = logging.getLogger("ims.ui")
# Backslash before every ASCII punctuation mark: CommonMark then shows it literally, so user text in
# st.markdown/caption/success/error can neither format, link, nor start a Streamlit directive.
_MARKDOWN_ESCAPES = str.maketrans({c: "\\" + c for c in string.punctuation})


LANG = "lang"  # the language of this browser session's pages (set by app.py on every rerun)


def lang() -> str:
    """The reader's language: theirs when signed in, else this session's choice, else the office's."""
    return i18n.language(st.session_state.get(LANG), context().settings.default_language)


def _(msgid: str, **params: object) -> str:
    """`msgid` in the reader's language, its {named} parameters filled in."""
    template = i18n.gettext(lang(), msgid)
    return template.format(**params) if params else template


def ngettext(singular: str, plural: str, n: int, **params: object) -> str:
    """The singular or plural msgid for `n` in the reader's language (`{n}` is filled in too)."""
    return i18n.ngettext(lang(), singular, plural, n).format(n=n, **params)


def tr(message: i18n.Text | str) -> str:
    """A Text from core (or a msgid) in the reader's language."""
    return i18n.render(message, lang())


def term(semester: int, academic_year: int) -> str:
    """A term as the reader writes it: 2/2569 in Thai, 2/2026 in English."""
    return i18n.format_term(semester, academic_year, lang())


def when(moment: datetime | None) -> str:
    """A stored time in the office's zone, the date as the reader writes it ("—" when unset)."""
    return "—" if moment is None else i18n.format_datetime(moment, lang())


def day(value: date | None) -> str:
    """A date as the reader writes it (BE years in Thai; "—" when unset)."""
    return "—" if value is None else i18n.format_date(value, lang())


def shown_year(academic_year: int) -> int:
    """A stored (CE) year as the reader writes it."""
    return i18n.display_year(academic_year, lang())


def formatted(options: Iterable[T], label: Callable[[T], str]) -> Callable[[T], str]:
    """A widget's format_func with every option's text made now, in this run's language (AppTest formats
    options again outside the run, where the reader's language is not known)."""
    table = {option: label(option) for option in options}
    return lambda option: table.get(option, str(option))


def plain(text: object) -> str:
    """`text` escaped so that Streamlit's markdown elements show it exactly as typed."""
    return str(text).translate(_MARKDOWN_ESCAPES)


def context() -> AppContext:
    """The shared application context."""
    return app_context()


def current_actor() -> Actor | None:
    """The signed-in actor of this browser session (validated by app.py on every rerun)."""
    actor = st.session_state.get("actor")
    return actor if isinstance(actor, Actor) else None


def guard(permission: Permission) -> Actor:
    """Stop the page unless the signed-in user's role grants `permission`."""
    actor = current_actor()
    if actor is None or not actor.can(permission):
        st.error(_("You do not have access to this page."))
        st.stop()
    assert actor is not None
    return actor


def deferred(permission: Permission, make: Callable[[Actor], T]) -> Callable[[], T]:
    """A download's data, built when clicked (no rerun runs then): session and role re-checked first."""
    ctx, stale = context(), current_actor()
    return lambda: make(auth.revalidate(ctx, stale, permission))


def still_signed_in(permission: Permission) -> Actor:
    """In a self-refreshing fragment: the re-checked actor, or a full rerun (to sign-in) if it ended."""
    try:
        fresh = auth.revalidate(context(), current_actor(), permission)
    except DomainError:
        st.session_state.pop("actor", None)
        st.rerun(scope="app")
    st.session_state["actor"] = fresh
    return fresh


def failure(exc: Exception) -> str:
    """What to tell the user about a failed call: a domain error as it is, anything else by incident id."""
    if isinstance(exc, DomainError):
        return tr(exc.text)
    incident = ops.new_id()
    actor = st.session_state.get("actor")
    ops.record_incident(
        context(),
        incident=incident,
        error=exc,
        page=st.session_state.get("page_name"),
        user_id=actor.user_id if isinstance(actor, Actor) else None,
    )
    return _(
        "Something went wrong. Incident id: {incident}. The office's admin can look it up.", incident=incident
    )


def run_action(action: Callable[[], T], *, success: str | None = None) -> T | None:
    """Run one service call; show what went wrong, if anything, where the page is."""
    try:
        result = action()
    except Exception as exc:  # domain errors are shown as they are, the rest by incident id
        st.error(plain(failure(exc)))
        return None
    if success:
        st.success(plain(success))
    return result


class Note(NamedTuple):
    """What an action's outcome says and how: "success" (a toast), "warning", "error" or "info"."""

    kind: str
    lines: list[str]


Message = str | list[str] | Callable[[Any], "str | list[str] | Note"]


def _keep(message: Message, result: object) -> None:
    said = message(result) if callable(message) else message
    if isinstance(said, Note):
        flash(said.lines, said.kind)
    else:
        flash(said)


def act(action: Callable[[], T], message: Message) -> T | None:
    """Run one change; on success keep `message` (or `message(result)`) and rerun, so every table and
    button shows the new state; on failure show why and change nothing."""
    done = run_action(lambda: [action()])  # some changes return nothing
    if done is None:
        return None
    _keep(message, done[0])
    st.rerun()
    return done[0]  # pragma: no cover - st.rerun() does not return


FLASH = "flash"
CONFIRMED = "confirmed"  # dialogs whose change ran; each closes itself on its next run
_SHOW = {"warning": st.warning, "error": st.error, "info": st.info}


def flash(lines: str | list[str], kind: str = "success") -> None:
    """Keep a message for the next run (an action reruns the page to show fresh rows)."""
    st.session_state[FLASH] = (kind, [lines] if isinstance(lines, str) else list(lines))


def show_flash() -> None:
    """Show the message the last action left, once: a toast for success, else a box on the page."""
    st.session_state.pop(CONFIRMED, None)
    kept = st.session_state.pop(FLASH, None)
    if not kept:
        return
    kind, lines = kept
    text = "  \n".join(plain(line) for line in lines)
    if kind == "success":
        st.toast(text, icon=":material/check_circle:")
    else:
        _SHOW.get(kind, st.info)(text)


def confirm(key: str, title: str, lines: list[str], action: Callable[[], Any], message: Message, *,
            label: str) -> None:  # fmt: skip
    """A dialog that says what will change (`lines`); the change runs only when `label` is pressed."""

    def confirmed() -> None:
        try:
            result = action()
        except Exception as exc:  # shown after the dialog closes
            flash(failure(exc), "error")
        else:
            _keep(message, result)
        st.session_state.setdefault(CONFIRMED, set()).add(key)

    @st.dialog(title)
    def dialog() -> None:
        if key in st.session_state.get(CONFIRMED, set()):
            st.rerun()  # the change ran: close the dialog and show the page afresh
        for line in lines:
            st.markdown(plain(line))
        left, right = st.columns(2)
        left.button(label, type="primary", key=f"{key}__yes", on_click=confirmed)
        if right.button(_("Cancel"), key=f"{key}__no"):
            st.rerun()

    dialog()


@contextmanager
def timed_page(name: str) -> Iterator[None]:
    """Time one run of a page script into ims_page_run_seconds{page=name} (st.stop/rerun included)."""
    st.session_state["page_name"] = name
    started = time.perf_counter()
    try:
        yield
    finally:
        monitoring.observe_page(name, time.perf_counter() - started)


def client_ip() -> str | None:
    """The browser's address as Streamlit saw it (None when unknown, e.g. in tests)."""
    ip = st.context.ip_address
    return ip if isinstance(ip, str) else None


def client_agent() -> str | None:
    """The browser's User-Agent header, if any."""
    agent = st.context.headers.get("User-Agent")
    return agent if isinstance(agent, str) else None
