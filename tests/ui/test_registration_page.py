"""The read-only registration page that the progress drill-down links to."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from db.models import RegistrationStatus, Role
from tests import factories
from tests.ui.apptest import APP, texts


def _open(actor, registration_id: int) -> AppTest:
    at = AppTest.from_file(str(__import__("pathlib").Path(APP).parent / "pages" / "registration.py"))
    at.session_state["actor"] = actor
    at.query_params["id"] = str(registration_id)
    return at.run()


def test_manager_opens_a_registration_by_link(ctx, session_for) -> None:
    manager = session_for(Role.MANAGER)
    with ctx.sessions.begin() as s:
        student = factories.student(s, student_code="6699887766", first_name_th="มานี", last_name_th="มีนา")
        reg = factories.registration(s, student_id=student, status=RegistrationStatus.PLACED)
    at = _open(manager, reg)
    assert not at.exception, at.exception
    assert "6699887766" in texts(at)
    assert "Placed" in set(at.dataframe[0].value["To"])
    assert not at.button  # read-only: no action buttons for anyone here


def test_advisor_cannot_open_someone_elses_advisee(ctx, session_for) -> None:
    advisor = session_for(Role.ADVISOR)
    with ctx.sessions.begin() as s:
        reg = factories.registration(s)  # no advisor
    at = _open(advisor, reg)
    assert "No such registration." in texts(at)
    assert len(at.dataframe) == 0


def test_staff_is_refused(ctx, session_for) -> None:
    staff = session_for(Role.STAFF)
    with ctx.sessions.begin() as s:
        reg = factories.registration(s)
    at = _open(staff, reg)
    assert "You do not have access to this page." in texts(at)
    assert len(at.dataframe) == 0
