"""Filters that live in the URL, so a view can be shared as a link.

Each widget key is bound to a query parameter: restored from the URL the first time a browser
session opens the page, written back on every run (only values that differ from the default).
Only filters go in the URL, never anything secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st


@dataclass(frozen=True)
class Param:
    """A widget key's query parameter, the kind of value it holds, and its default."""

    name: str
    kind: str  # "text", "int", "bool", "list"
    default: Any = None


def _parse(raw: str, param: Param) -> Any:
    if param.kind == "text":
        return raw[:200]
    if param.kind == "list":
        return [v for v in raw.split(",") if v][:20]
    if param.kind == "bool":
        return raw == "1"
    if not raw.isdigit() or len(raw) > 9:
        return param.default
    return int(raw)


def _format(value: Any, param: Param) -> str:
    if param.kind == "list":
        return ",".join(str(v) for v in value)
    if param.kind == "bool":
        return "1" if value else "0"
    return str(value)


def restore(params: Mapping[str, Param]) -> None:
    """Fill the widgets' state from the URL, once per browser session."""
    state, query = st.session_state, st.query_params
    for key, param in params.items():
        if key in state:
            continue
        raw = query.get(param.name)
        state[key] = param.default if raw is None else _parse(str(raw), param)


def store(params: Mapping[str, Param]) -> None:
    """Write the widgets' values that differ from their defaults to the URL (other parameters stay)."""
    query = st.query_params
    for key, param in params.items():
        value = st.session_state.get(key, param.default)
        wanted = None if value in (None, "", []) or value == param.default else _format(value, param)
        if wanted is None and param.name in query:
            del query[param.name]
        elif wanted is not None and query.get(param.name) != wanted:
            query[param.name] = wanted
