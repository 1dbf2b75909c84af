"""The bench's websocket load generator against a real server on a small data set (no timings asserted)."""

from __future__ import annotations

from pathlib import Path

from bench import web_load
from bench.runner import Plan
from bench.web_load import web_load_rows
from tests.conftest import context_for
from tools import demo


def test_simulated_users_load_pages_over_the_websocket(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # One back end is enough to prove the protocol client; the bench runs it on both.
    monkeypatch.setattr(web_load, "THINK_S", (0.2, 0.6))
    monkeypatch.setattr(web_load, "STRESS_THINK_S", (0.1, 0.2))
    for ctx in context_for("sqlite", tmp_path):
        demo.load(ctx.db, "small", rounds=4)
        warm, first, stress = web_load_rows(
            ctx, Plan("test", 1), None, users_count=4, seconds=5, stress_seconds=2
        )
        assert "0 errors" in warm.note, warm.note
        assert first.runs == 4 and warm.runs >= 3  # every user loaded a first page, and pages after it
        assert warm.median_ms is not None and warm.median_ms > 0
        assert "stress" in stress.case and "0 errors" in stress.note and stress.runs > 0
