"""The CI drill: revoke a session while its monitoring tab and a download are open.

Deferred downloads and the monitoring fragment run without a full rerun, so app.py's per-rerun
session check never sees them: the next download and the next fragment run must be refused anyway.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from core import auth
from core.access import Actor
from core.auth import users
from core.context import AppContext
from core.errors import AuthError, PermissionDenied
from db.models import Role
from tests.ui.apptest import page_alone, signed_in, texts

EXPORTS = {
    "pages/review_queue.py": (Role.COORDINATOR, "review-queue.csv"),
    "pages/progress.py": (Role.MANAGER, "progress.csv"),
    "pages/search.py": (Role.STAFF, "postings.csv"),
}


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], object]]:
    """The deferred data callables the pages register, by file name (what a click would run)."""
    captured: dict[str, Callable[[], object]] = {}
    real = MediaFileManager.add_deferred

    def capture(self, data_callable, mimetype, coordinates, file_name=None, **kw):  # type: ignore[no-untyped-def]
        captured[file_name] = data_callable
        return real(self, data_callable, mimetype, coordinates, file_name=file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", capture)
    return captured


@pytest.mark.parametrize("page", list(EXPORTS))
def test_download_after_the_session_is_revoked_is_refused(
    ctx: AppContext, session_for, make_actor, downloads, page: str
) -> None:
    role, file_name = EXPORTS[page]
    actor: Actor = session_for(role)
    at = signed_in(actor, page)
    assert not at.exception, at.exception
    assert downloads[file_name]()  # the open tab's download works while the session lives
    admin = make_actor(Role.ADMIN)
    users.set_active(ctx, actor=admin, user_id=actor.person, active=False)  # ends every session
    with pytest.raises(AuthError):
        downloads[file_name]()


def test_download_after_a_demotion_is_refused(ctx: AppContext, session_for, make_actor, downloads) -> None:
    actor: Actor = session_for(Role.COORDINATOR)
    signed_in(actor, "pages/review_queue.py")
    users.change_role(ctx, actor=make_actor(Role.ADMIN), user_id=actor.person, role=Role.STAFF.value)
    with pytest.raises(PermissionDenied):
        downloads["review-queue.csv"]()


def test_monitoring_fragment_stops_once_the_session_is_revoked(ctx: AppContext, session_for) -> None:
    admin: Actor = session_for(Role.ADMIN)
    at = signed_in(admin, "pages/monitoring.py")
    assert not at.exception and "Active sessions" in texts(at)
    auth.revoke(ctx, admin, session_id=admin.session_id)
    # A fragment run is the page's own code without app.py's check: run the page alone, stale actor in hand.
    fragment = page_alone(admin, "pages/monitoring.py")
    assert not fragment.exception, fragment.exception
    assert "Active sessions" not in texts(fragment) and "actor" not in fragment.session_state


def test_monitoring_fragment_stops_for_a_demoted_admin(ctx: AppContext, session_for, make_actor) -> None:
    admin: Actor = session_for(Role.ADMIN)
    signed_in(admin, "pages/monitoring.py")
    users.change_role(ctx, actor=make_actor(Role.ADMIN), user_id=admin.person, role=Role.MANAGER.value)
    fragment = page_alone(admin, "pages/monitoring.py")
    assert "Active sessions" not in texts(fragment)
