"""Run app.py in Streamlit's AppTest as a given user."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from core.access import Actor

APP = str(Path(__file__).resolve().parents[2] / "app.py")
# Pages escape user text for markdown (pages._ui.plain); a reader sees it without the backslashes.
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def signed_in(
    actor: Actor | None, page: str | None = None, timeout: float = 30, *, lang: str | None = None
) -> AppTest:
    """An AppTest of the whole app, signed in as `actor` (a real session row), on `page`, in `lang`
    (as if chosen with the sidebar's switch; else the user's own language or the office's default)."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    if actor is not None:
        at.session_state["actor"] = actor
    if lang is not None:
        at.session_state["lang_switch"] = lang
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
        "toast",
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


def confirm(at: AppTest, key: str) -> AppTest:
    """Press the confirm button of the dialog `key` (pages._ui.confirm): the change runs, the page shows
    the fresh rows and the outcome."""
    at.button(key=f"{key}__yes").click().run()
    assert not at.exception, at.exception
    return at


_TEXT_KINDS = {"title", "header", "subheader", "markdown", "caption", "error", "warning", "success", "info",
               "text", "toast", "exception"}  # fmt: skip


def _chart_words(spec: str) -> list[str]:
    """A plotly chart's title, axis titles, legend names and hover templates (not its data labels)."""
    figure = json.loads(spec)
    layout = figure.get("layout", {})
    words = [layout.get("title", {}).get("text", "")]
    words += [layout.get(axis, {}).get("title", {}).get("text", "") for axis in ("xaxis", "yaxis")]
    for trace in figure.get("data", []):
        words += [str(trace.get("name", "")), str(trace.get("hovertemplate", ""))]
    return [w for w in words if w]


def _table_headers(proto: Any, frame: Any) -> list[str]:
    """A table's column headers as shown: the column_config label, else the column's own name."""
    config = json.loads(proto.columns or "{}")
    hidden = {name for name, c in config.items() if isinstance(c, dict) and c.get("hidden")}
    shown = list(proto.column_order) or [str(c) for c in frame.columns]
    headers = []
    for name in shown:
        if name in hidden:
            continue
        label = config.get(f"name:{name}", config.get(name, {}))
        headers.append(
            label.get("label") if isinstance(label, dict) and label.get("label") is not None else name
        )
    return headers


def visible_strings(at: AppTest) -> list[str]:
    """Every label, option, help, header, message and chart title the run shows (data cells excepted)."""
    out: list[str] = []

    def visit(node: Any) -> None:
        kind = getattr(node, "type", "")
        if kind in _TEXT_KINDS:
            out.append(_ESCAPED.sub(r"\1", str(getattr(node, "value", ""))))
        for attribute in ("label", "help", "placeholder"):
            value = getattr(node, attribute, None)
            if isinstance(value, str):
                out.append(value)
        options = getattr(node, "options", None) if kind != "dataframe" else None
        if isinstance(options, list):
            out.extend(str(o) for o in options)
        if kind == "dataframe":
            out.extend(_table_headers(node.proto, node.value))
        elif kind == "plotly_chart":
            out.extend(_chart_words(node.proto.spec))
        for child in getattr(node, "children", {}).values():
            visit(child)

    visit(at._tree)
    return [s for s in out if s]
