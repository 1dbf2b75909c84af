"""The bench's websocket load generator against a real server on a small data set (no timings asserted)."""

from __future__ import annotations

from pathlib import Path

from bench.runner import Plan
from bench.web_load import web_load_rows
from db import demo
from tests.conftest import context_for


def test_simulated_users_load_pages_over_the_websocket(tmp_path: Path) -> None:
    # One back end is enough to prove the protocol client; the bench runs it on both.
    for ctx in context_for("sqlite", tmp_path):
        demo.load(ctx.db, "small", rounds=4)
        warm, first = web_load_rows(ctx, Plan("test", 1), None, users_count=4, seconds=8)
        assert "0 errors" in warm.note, warm.note
        assert first.runs == 4 and warm.runs >= 3  # every user loaded a first page, and pages after it
        assert warm.median_ms is not None and warm.median_ms > 0
