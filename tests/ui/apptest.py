"""Run app.py in Streamlit's AppTest as a given user."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.access import Actor

APP = str(Path(__file__).resolve().parents[2] / "app.py")
# Pages escape user text for markdown (pages._ui.plain); a reader sees it without the backslashes.
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def signed_in(actor: Actor | None, page: str | None = None, timeout: float = 30) -> AppTest:
    """An AppTest of the whole app, signed in as `actor` (a real session row), on `page`."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    if actor is not None:
        at.session_state["actor"] = actor
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    return at


def texts(at: AppTest) -> str:
    """Everything the page shows as text, for assertions."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "error",
        "warning",
        "success",
        "info",
        "text",
    ):
        parts.extend(_ESCAPED.sub(r"\1", str(getattr(el, "value", ""))) for el in getattr(at, kind))
    for metric in at.metric:
        parts.append(f"{metric.label} {metric.value}")
    return "\n".join(parts)


def page_alone(actor: Actor | None, page: str, timeout: float = 30) -> AppTest:
    """Run one page file directly (as if navigation had let the user in) to test its own guard."""
    at = AppTest.from_file(str(Path(APP).parent / page), default_timeout=timeout)
    if actor is not None:
        at.session_state["actor"] = actor
    return at.run()


def offers(at: AppTest, page: str) -> bool:
    """Whether this session's navigation includes `page` (switching to it is allowed)."""
    try:
        at.switch_page(page)
    except ValueError:
        return False
    return True
