"""AppTest: the search page for every searching role, the advisor kept out, the postings page create flow."""

from __future__ import annotations

import pytest

from core import search
from tests.factories_postings import make_company, make_posting
from tests.ui.apptest import offers, page_alone, signed_in, texts

PAGE = "pages/search.py"


def by_label(widgets, label: str):  # type: ignore[no-untyped-def]
    """The one widget with this label."""
    (widget,) = [w for w in widgets if w.label == label]
    return widget


@pytest.fixture
def postings(ctx) -> dict[str, int]:
    thai = make_company(ctx, "บริษัท ไทยซอฟต์ จำกัด", "Thai Soft")
    resort = make_company(ctx, "อันดามัน รีสอร์ท", "Andaman Resort")
    return {
        "swe": make_posting(ctx, thai, "วิศวกรซอฟต์แวร์ฝึกงาน", province="Bangkok", stipend=9000),
        "front": make_posting(ctx, resort, "พนักงานต้อนรับส่วนหน้า", province="Phuket"),
        "ux": make_posting(ctx, thai, "UX Designer Intern", province="Bangkok", work_mode="remote"),
    }


@pytest.mark.parametrize("role", ["staff", "coordinator", "manager", "admin"])
def test_searching_roles_use_the_page(ctx, session_for, postings, role) -> None:
    actor = session_for(role)
    assert offers(signed_in(actor), PAGE)
    at = signed_in(actor, PAGE)
    assert not at.exception, at.exception
    assert "Search postings" in texts(at)
    assert len(at.dataframe[0].value) == 3
    assert "Bangkok (2)" in by_label(at.selectbox, "Province").options
    assert "3 posting(s)" in texts(at)


def test_advisor_gets_the_access_error(ctx, session_for, postings) -> None:
    actor = session_for("advisor")
    assert not offers(signed_in(actor), PAGE)
    at = page_alone(actor, PAGE)
    assert not at.exception
    assert "You do not have access to this page." in texts(at)
    assert len(at.dataframe) == 0


def test_thai_query_narrows_results_and_goes_into_the_url(ctx, session_for, postings) -> None:
    at = signed_in(session_for("staff"), PAGE)
    by_label(at.text_input, "Search (Thai or English)").input("ซอฟต์แวร์").run()
    assert not at.exception, at.exception
    assert list(at.dataframe[0].value["id"]) == [postings["swe"]]
    assert at.query_params["q"] == "ซอฟต์แวร์"
    province = by_label(at.selectbox, "Province")
    assert province.options == ["Any", "Bangkok (1)"]  # facet counts follow the query
    province.select("Bangkok").run()
    assert list(at.dataframe[0].value["id"]) == [postings["swe"]]
    assert at.query_params["province"] == "Bangkok"


def test_state_is_restored_from_the_url(ctx, session_for, postings) -> None:
    actor = session_for("manager")
    at = signed_in(actor)
    at.query_params["province"] = "Phuket"
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert list(at.dataframe[0].value["id"]) == [postings["front"]]


def test_staff_creates_a_company_and_a_posting(ctx, session_for) -> None:
    staff = session_for("staff")
    at = signed_in(staff, "pages/postings.py")
    assert not at.exception, at.exception
    assert "Add a company first" in texts(at)
    by_label(
        at.text_input, "Registration number (13-digit Thai juristic id, or 5–20 letters and digits)"
    ).input("12345")
    by_label(at.button, "Save company").click().run()
    assert "13-digit Thai juristic id" in texts(at)  # a clear message, nothing saved
    by_label(
        at.text_input, "Registration number (13-digit Thai juristic id, or 5–20 letters and digits)"
    ).input("0105556012345")
    by_label(at.text_input, "Name (Thai)").input("บริษัท ไทยซอฟต์ จำกัด")
    by_label(at.text_input, "Name (English)").input("Thai Soft")
    by_label(at.text_input, "Province of the company").input("กรุงเทพมหานคร")
    by_label(at.button, "Save company").click().run()
    assert "Saved บริษัท ไทยซอฟต์ จำกัด (0105556012345)." in texts(at)

    at.run()
    by_label(at.text_input, "Title (3–200 characters)").input("ab")
    by_label(at.text_input, "Province").input("Bangkok")
    by_label(at.button, "Save posting").click().run()
    assert "Title must be 3–200 characters" in texts(at)
    by_label(at.text_input, "Title (3–200 characters)").input("วิศวกรซอฟต์แวร์ฝึกงาน")
    by_label(at.button, "Save posting").click().run()
    assert not at.exception, at.exception
    assert "Saved posting #" in texts(at)
    found = search.search_postings(ctx, actor=staff, query="ซอฟต์แวร์")
    assert list(found.rows["title"]) == ["วิศวกรซอฟต์แวร์ฝึกงาน"]
