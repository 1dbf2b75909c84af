"""Selectable tables whose selection holds row ids, never positions.

st.dataframe reports ticked rows by their position in the table the browser showed. Read against
freshly fetched rows, a position can name another registration (rows move after an action, a
page change or someone else's decision). Each run therefore reads the positions against the ids
and versions of the table shown last time, keeps the ticks on those same rows wherever they are
now, and forgets rows no longer shown. Pages clear a selection after an action or a view change.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import pandas as pd
import streamlit as st

_SHOWN = "{}__shown"  # the ids (and versions) of the rows the table showed last, in order
_VIEW = "{}__view"
_CLEAR = "{}__clear"
_EMPTY: dict[str, list[Any]] = {"rows": [], "columns": [], "cells": []}


def _rows(value: Any) -> list[int]:
    try:
        return [int(i) for i in value["selection"]["rows"]]
    except (KeyError, TypeError):
        return []


def selected(key: str, frame: pd.DataFrame, *, id_column: str = "id", version_column: str | None = None
             ) -> dict[int, int | None]:  # fmt: skip
    """Before drawing the table `key` of `frame`: {id: version as shown} of the rows ticked and still shown.

    The versions are those of the table the user ticked in, so a service can refuse a row that
    changed since. Call it once per run, before `st.dataframe(..., key=key)`.
    """
    state = st.session_state
    if state.pop(_CLEAR.format(key), False):
        state[key], state[_SHOWN.format(key)] = {"selection": dict(_EMPTY)}, []
    shown: list[tuple[int, int | None]] = state.get(_SHOWN.format(key), [])
    ticked = [shown[i] for i in _rows(state.get(key)) if 0 <= i < len(shown)]
    ids = [int(i) for i in frame[id_column]] if id_column in frame else []
    versions = [int(v) for v in frame[version_column]] if version_column else [None] * len(ids)
    where = {row_id: at for at, row_id in enumerate(ids)}
    kept = {row_id: version for row_id, version in ticked if row_id in where}
    positions = [where[row_id] for row_id in kept]
    if positions != _rows(state.get(key)):
        state[key] = {"selection": {**_EMPTY, "rows": positions}}
    state[_SHOWN.format(key)] = list(zip(ids, versions, strict=True))
    return kept


def clear(key: str) -> None:
    """Untick every row of the table `key` from the next run on (after an action: rows changed or moved).

    The widget may already be drawn in this run, when its state can no longer be written.
    """
    st.session_state[_CLEAR.format(key)] = True


def clear_on_change(key: str, view: Hashable) -> None:
    """Untick the table `key` when what it shows changes (another page, filter or sort)."""
    name = _VIEW.format(key)
    if st.session_state.get(name) != view:
        clear(key)
        st.session_state[name] = view
