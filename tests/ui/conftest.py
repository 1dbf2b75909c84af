"""UI tests sign in for real (a session row exists), so app.py's per-rerun check passes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core import auth
from core.access import Actor
from core.context import AppContext
from db.models import Role
from tests.conftest import TEST_PASSWORD, context_for


@pytest.fixture
def ctx(sqlite_dir: Path) -> Iterator[AppContext]:
    """UI tests run on SQLite; the services beneath them are tested on both back ends."""
    yield from context_for("sqlite", sqlite_dir)


@pytest.fixture
def session_for(ctx: AppContext, make_actor):  # type: ignore[no-untyped-def]
    """Create a user with `role` and sign them in; returns the Actor with its session id."""

    def make(role: Role | str, username: str | None = None) -> Actor:
        user = make_actor(role, username)
        return auth.login(ctx, user.username, TEST_PASSWORD).actor

    return make
