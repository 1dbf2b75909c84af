"""Small helpers every page shares: the signed-in actor, the role guard, error display."""

from __future__ import annotations

import logging
import string
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import streamlit as st

from core import monitoring
from core.access import Actor, Permission
from core.bootstrap import app_context
from core.context import AppContext
from core.errors import DomainError

T = TypeVar("T")
logger = logging.getLogger("ims.ui")
# Backslash before every ASCII punctuation mark: CommonMark then shows it literally, so user text in
# st.markdown/caption/success/error can neither format, link, nor start a Streamlit directive.
_MARKDOWN_ESCAPES = str.maketrans({c: "\\" + c for c in string.punctuation})


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
        st.error("You do not have access to this page.")
        st.stop()
    assert actor is not None
    return actor


def run_action(action: Callable[[], T], *, success: str | None = None) -> T | None:
    """Run one service call; show domain errors as they are, anything else with an incident id."""
    try:
        result = action()
    except DomainError as exc:
        st.error(plain(exc.message))
        return None
    except Exception as exc:
        incident = uuid.uuid4().hex[:12]
        logger.exception("incident %s", incident)
        monitoring.record_incident(incident, exc, st.session_state.get("page_name"))
        st.error(f"Something went wrong. Incident id: {incident}. The office's admin can look it up.")
        return None
    if success:
        st.success(plain(success))
    return result


FLASH = "flash"
_SHOW = {"success": st.success, "warning": st.warning, "error": st.error, "info": st.info}


def flash(lines: str | list[str], kind: str = "success") -> None:
    """Keep a message for the next run (an action reruns the page to show fresh rows)."""
    st.session_state[FLASH] = (kind, [lines] if isinstance(lines, str) else list(lines))


def show_flash() -> None:
    """Show the message the last action left, once; each line is shown as plain text."""
    kept = st.session_state.pop(FLASH, None)
    if kept:
        kind, lines = kept
        _SHOW.get(kind, st.info)("  \n".join(plain(line) for line in lines))


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
