"""Every page in app.PAGES x every role (+ anonymous), with the expected access read from ROLE_PERMISSIONS.

Allowed: the page is in the navigation and renders data without an error. Forbidden: it is not in the
navigation, and run on its own it shows the access error and nothing of the seeded data.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app import PAGES, PageSpec
from core.access import ROLE_PERMISSIONS
from core.context import AppContext
from db.models import RegistrationStatus, Role
from tests import factories as f
from tests.ui.apptest import offers, page_alone, signed_in, texts

DENIED = "You do not have access to this page."
SECRET_CODE = "6599900017"
SECRET_NAMES = ("Zephyrine", "Quillfeather", "ทดสอบลับ", "นามสกุลลับ")
SPECS = {spec.path: spec for spec in PAGES}


def allowed(role: Role, spec: PageSpec) -> bool:
    """What the access table says: None means every signed-in user."""
    return spec.permission is None or spec.permission in ROLE_PERMISSIONS[role]


def seed(ctx: AppContext, advisor_id: int) -> None:
    """One student with a placement-ready registration (advised by `advisor_id`) at an open posting."""
    with ctx.sessions.begin() as s:
        student = f.student(
            s,
            student_code=SECRET_CODE,
            first_name_en=SECRET_NAMES[0],
            last_name_en=SECRET_NAMES[1],
            first_name_th=SECRET_NAMES[2],
            last_name_th=SECRET_NAMES[3],
        )
        posting = f.posting(s)
        f.registration(
            s,
            student_id=student,
            internship_id=posting,
            advisor_id=advisor_id,
            status=RegistrationStatus.SUBMITTED,
        )
        working = f.registration(
            s, internship_id=f.posting(s), advisor_id=advisor_id, status=RegistrationStatus.IN_PROGRESS
        )
        f.placement(s, working)  # after placement: My students, Visits & evaluations, the overview
        voting = f.section(s)  # the same user sits on its committee: one vote waits for them
        f.committee(s, voting, [advisor_id])
        f.registration(s, section_id=voting, status=RegistrationStatus.ADVISOR_APPROVED)


def data_elements(at: AppTest) -> int:
    """How many data-bearing elements (tables, charts, metrics) the run rendered."""
    kinds = ("dataframe", "table", "metric", "plotly_chart", "arrow_vega_lite_chart", "json")
    return sum(len(at.get(kind)) for kind in kinds)


def shows_data(at: AppTest, path: str) -> bool:
    """Whether an allowed page shows something of the database (the postings page lists them to pick)."""
    if path == "pages/postings.py":
        return len(at.selectbox(key="posting_pick").options) > 1
    if path == "pages/import_data.py":  # nothing of the database until a file is uploaded
        return len(at.get("file_uploader")) == 1
    if path == "pages/registration.py":  # opened by link with ?id=; without one it asks for the id
        return len(at.number_input) == 1
    if path == "pages/new_registration.py":  # the terms of the seeded sections, before anything is typed
        return len(at.selectbox(key="nr_term").options) > 0
    return data_elements(at) > 0


def seed_visible(at: AppTest) -> bool:
    """Whether any seeded student code or name appears anywhere in the run."""
    shown = texts(at) + "".join(str(df.value.to_dict()) for df in at.dataframe)
    return any(secret in shown for secret in (SECRET_CODE, *SECRET_NAMES))


@pytest.mark.parametrize("path", list(SPECS))
@pytest.mark.parametrize("role", list(Role))
def test_page_access_follows_the_role_table(ctx: AppContext, session_for, role: Role, path: str) -> None:
    actor = session_for(role)
    seed(ctx, actor.user_id)
    spec = SPECS[path]
    if allowed(role, spec):
        assert offers(signed_in(actor), path)
        at = signed_in(actor, path)
        assert not at.exception, at.exception
        assert DENIED not in texts(at)
        assert not [e.value for e in at.error], [e.value for e in at.error]
        assert shows_data(at, path), f"{path} showed no data to {role}"
    else:
        assert not offers(signed_in(actor), path)
        at = page_alone(actor, path)
        assert not at.exception, at.exception
        assert DENIED in texts(at)
        assert data_elements(at) == 0
        assert not seed_visible(at)


def test_allowed_pages_show_the_seeded_rows(ctx: AppContext, session_for) -> None:
    admin = session_for(Role.ADMIN)
    seed(ctx, admin.user_id)
    at = signed_in(admin, "pages/review_queue.py")
    assert SECRET_CODE in set(at.dataframe[0].value["student_code"])
    at = signed_in(admin, "pages/home.py")
    assert seed_visible(at)


@pytest.mark.parametrize("path", list(SPECS))
def test_anonymous_gets_the_access_error_on_every_page(ctx: AppContext, session_for, path: str) -> None:
    seed(ctx, session_for(Role.ADVISOR).user_id)
    at = page_alone(None, path)
    assert not at.exception, at.exception
    assert DENIED in texts(at)
    assert data_elements(at) == 0
    assert not seed_visible(at)


def test_anonymous_can_open_only_the_login_page(ctx: AppContext) -> None:
    at = page_alone(None, "pages/login.py")
    assert not at.exception, at.exception
    assert DENIED not in texts(at)
    at = signed_in(None)
    assert all(not offers(at, path) for path in SPECS)


def test_every_page_file_is_in_the_matrix() -> None:
    from pathlib import Path

    pages = Path(__file__).resolve().parents[2] / "pages"
    on_disk = {f"pages/{p.name}" for p in pages.glob("*.py") if not p.name.startswith("_")}
    # Public pages, open to anyone: signing in, and the supervisor's one-time link (tests/ui/test_document_pages.py).
    assert on_disk - {"pages/login.py", "pages/evaluate.py"} <= set(SPECS)


def test_staff_home_shows_no_registration_activity(ctx: AppContext, session_for) -> None:
    """Staff cover postings: Home shows them postings and companies, never students or status changes."""
    staff = session_for(Role.STAFF)
    seed(ctx, session_for(Role.ADVISOR).user_id)
    at = signed_in(staff, "pages/home.py")
    assert not at.exception, at.exception
    assert not seed_visible(at) and "Latest activity" not in texts(at) and not at.dataframe
    assert {m.label for m in at.metric} == {"Students", "Companies", "Open postings"}
