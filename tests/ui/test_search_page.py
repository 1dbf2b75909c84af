"""AppTest: the search page for every searching role, the advisor kept out, the postings page create flow."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from core.postings import search
from tests import factories as f
from tests.ui.apptest import offers, page_alone, signed_in, texts

PAGE = "pages/search.py"


def by_label(widgets, label: str):  # type: ignore[no-untyped-def]
    """The one widget with this label."""
    (widget,) = [w for w in widgets if w.label == label]
    return widget


@pytest.fixture
def postings(ctx) -> dict[str, int]:
    thai = f.new(ctx, f.company, name_th="บริษัท ไทยซอฟต์ จำกัด", name_en="Thai Soft", province="กรุงเทพมหานคร")
    resort = f.new(ctx, f.company, name_th="อันดามัน รีสอร์ท", name_en="Andaman Resort", province="กรุงเทพมหานคร")
    return {
        "swe": f.new(ctx, f.posting, thai, "วิศวกรซอฟต์แวร์ฝึกงาน", province="Bangkok", stipend=9000, slots=3),
        "front": f.new(ctx, f.posting, resort, "พนักงานต้อนรับส่วนหน้า", province="Phuket", slots=3),
        "ux": f.new(
            ctx, f.posting, thai, "UX Designer Intern", province="Bangkok", work_mode="remote", slots=3
        ),
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
    assert "3 postings" in texts(at)


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


@pytest.fixture
def ranged(ctx) -> dict[str, int]:
    """Four postings that differ in the program they are open to, stipend and period."""
    company = f.new(ctx, f.company, name_th="บริษัท ทดสอบ จำกัด", name_en="Test Co", province="กรุงเทพมหานคร")
    cs, ee = f.new(ctx, f.program, code="CS"), f.new(ctx, f.program, code="EE")
    june, oct_ = (date(2026, 6, 1), date(2026, 8, 31)), (date(2026, 10, 1), date(2026, 12, 31))
    return {
        "cs": cs,
        "ee": ee,
        "cs_june": f.new(
            ctx, f.posting, company, "CS June", stipend=9000, period=june, programs=(cs,), slots=3
        ),
        "ee_oct": f.new(
            ctx, f.posting, company, "EE October", stipend=6000, period=oct_, programs=(ee,), slots=3
        ),
        "all_paid": f.new(ctx, f.posting, company, "Everyone paid", stipend=12000, slots=3),
        "all_unpaid": f.new(ctx, f.posting, company, "Everyone unpaid", slots=3),
    }


def shown(at) -> set[int]:  # type: ignore[no-untyped-def]
    return set(at.dataframe[0].value["id"])


def test_program_stipend_and_period_filters_narrow_and_go_into_the_url(ctx, session_for, ranged) -> None:
    at = signed_in(session_for("staff"), PAGE)
    assert shown(at) == {ranged[k] for k in ("cs_june", "ee_oct", "all_paid", "all_unpaid")}
    by_label(at.selectbox, "Open to program").set_value(str(ranged["cs"])).run()
    assert not at.exception, at.exception
    assert shown(at) == {ranged["cs_june"], ranged["all_paid"], ranged["all_unpaid"]}
    assert at.query_params["program"] == str(ranged["cs"])
    by_label(at.number_input, "Stipend from (THB/month)").set_value(5000).run()
    by_label(at.number_input, "Stipend to (THB/month)").set_value(10000).run()
    assert shown(at) == {ranged["cs_june"]}
    assert (at.query_params["smin"], at.query_params["smax"]) == ("5000", "10000")
    by_label(at.selectbox, "Open to program").set_value("").run()
    by_label(at.date_input, "Period from").set_value(date(2026, 9, 1)).run()
    by_label(at.date_input, "Period to").set_value(date(2026, 9, 30)).run()
    assert shown(at) == set()  # June–August and October both miss September
    by_label(at.date_input, "Period to").set_value(date(2026, 10, 15)).run()
    assert shown(at) == {ranged["ee_oct"]}
    assert (at.query_params["from"], at.query_params["to"]) == ("2026-09-01", "2026-10-15")
    assert "program" not in at.query_params


def test_new_filters_are_restored_from_the_url(ctx, session_for, ranged) -> None:
    at = signed_in(session_for("manager"))
    url = {"program": str(ranged["ee"]), "smin": "1", "from": "2026-09-01", "to": "2026-12-31"}
    for name, value in url.items():
        at.query_params[name] = value
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert shown(at) == {ranged["ee_oct"], ranged["all_paid"]}
    assert by_label(at.number_input, "Stipend from (THB/month)").value == 1
    assert by_label(at.number_input, "Stipend to (THB/month)").value is None
    assert by_label(at.date_input, "Period from").value == date(2026, 9, 1)
    assert by_label(at.selectbox, "Open to program").value == str(ranged["ee"])
    assert {k: at.query_params[k] for k in url} == url


def test_stipend_minimum_above_maximum_is_refused(ctx, session_for, ranged) -> None:
    at = signed_in(session_for("staff"), PAGE)
    by_label(at.number_input, "Stipend from (THB/month)").set_value(9000).run()
    by_label(at.number_input, "Stipend to (THB/month)").set_value(1000).run()
    assert not at.exception, at.exception
    assert "The minimum stipend is above the maximum." in texts(at)
    assert len(at.dataframe) == 0  # no search ran, no results shown
    assert len(by_label(at.selectbox, "Province").options) == 1  # the filters stay to be fixed
    by_label(at.number_input, "Stipend to (THB/month)").set_value(None).run()
    assert shown(at) == {ranged["cs_june"], ranged["all_paid"]}


def test_export_holds_every_match_beyond_the_page(ctx, session_for, monkeypatch) -> None:
    company = f.new(ctx, f.company, name_th="บริษัท ทดสอบ จำกัด", name_en="Test Co", province="กรุงเทพมหานคร")
    ids = {
        f.new(ctx, f.posting, company, f"Bulk intern {n}", province="Chiang Mai", slots=3) for n in range(30)
    }
    f.new(ctx, f.posting, company, "Elsewhere", province="Phuket", slots=3)
    deferred: dict[str, object] = {}
    real = MediaFileManager.add_deferred

    def capture(self, data_callable, mimetype, coordinates, file_name=None, **kw):  # type: ignore[no-untyped-def]
        deferred[file_name] = data_callable
        return real(self, data_callable, mimetype, coordinates, file_name=file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", capture)
    at = signed_in(session_for("staff"), PAGE)
    by_label(at.selectbox, "Province").select("Chiang Mai").run()
    assert not at.exception, at.exception
    assert len(at.dataframe[0].value) == 25 and "30 postings · page 1 of 2" in texts(at)
    csv = pd.read_csv(io.BytesIO(deferred["postings.csv"]()), encoding="utf-8-sig")  # type: ignore[operator]
    assert set(csv["id"]) == ids
    sheet = pd.read_excel(io.BytesIO(deferred["postings.xlsx"]()))  # type: ignore[operator]
    assert set(sheet["id"]) == ids


def test_a_saved_posting_stays_in_its_form_and_a_second_save_edits_it(ctx, session_for) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from db.models import Internship

    staff = session_for("staff")
    first, second = (
        f.new(ctx, f.company, name_th="บริษัท หนึ่ง จำกัด", name_en="Test Co", province="กรุงเทพมหานคร"),
        f.new(ctx, f.company, name_th="บริษัท สอง จำกัด", name_en="Test Co", province="กรุงเทพมหานคร"),
    )
    f.new(ctx, f.posting, first, "Data intern", slots=3)
    f.new(ctx, f.posting, second, "Data intern", slots=3)
    at = signed_in(staff, "pages/postings.py")
    labels = at.selectbox(key="posting_pick").options  # as shown
    assert len(set(labels)) == len(labels) == 3  # identical titles, told apart by id and company
    by_label(at.text_input, "Title (3–200 characters)").input("QA intern")
    by_label(at.text_input, "Province").input("Bangkok")
    by_label(at.button, "Save posting").click().run()
    assert "Saved posting #" in texts(at)
    saved = at.selectbox(key="posting_pick").value
    assert saved != 0 and by_label(at.text_input, "Title (3–200 characters)").value == "QA intern"
    by_label(at.text_input, "Title (3–200 characters)").input("QA intern (2 slots)")
    by_label(at.button, "Save posting").click().run()
    with ctx.sessions.begin() as s:
        assert s.scalar(select(func.count()).select_from(Internship)) == 3
        assert s.get(Internship, saved).title == "QA intern (2 slots)"


def test_narrowing_the_search_after_picking_a_row_does_not_crash(ctx, session_for) -> None:  # type: ignore[no-untyped-def]
    company = f.new(ctx, f.company, name_th="บริษัท ทดสอบ จำกัด", name_en="Test Co", province="กรุงเทพมหานคร")
    for title in ("Data intern", "QA intern", "Sales intern"):
        f.new(ctx, f.posting, company, title, slots=3)
    at = signed_in(session_for("staff"), "pages/search.py")
    at.session_state["results"] = {"selection": {"rows": [2], "columns": []}}
    at.run()
    assert "Posting detail" in texts(at)
    at.text_input(key="s_q").input("qa").run()
    assert not at.exception, at.exception
    assert list(at.dataframe[0].value["title"]) == ["QA intern"] and "Posting detail" not in texts(at)


def test_deleting_a_company_asks_first_and_names_its_postings(ctx, session_for) -> None:  # type: ignore[no-untyped-def]
    from core.postings import list_companies

    staff = session_for("staff")
    with ctx.sessions.begin() as s:
        company = f.company(s, name_th="บริษัท ลบได้ จำกัด")
        first = f.posting(s, company, "Data intern")
        second = f.posting(s, company, "QA intern")
    at = signed_in(staff, "pages/postings.py")
    at.selectbox(key="company_pick").set_value(company).run()
    at.button(key="company_delete").click().run()
    asked = texts(at)
    assert "บริษัท ลบได้ จำกัด and its 2 postings are deleted for good:" in asked
    assert f"#{first} Data intern" in asked and f"#{second} QA intern" in asked
    assert [c.id for c in list_companies(ctx, actor=staff)] == [company]  # nothing yet
    at.button(key="company_confirm_delete__yes").click().run()
    assert not at.exception, at.exception
    assert "Deleted บริษัท ลบได้ จำกัด and its 2 postings." in texts(at)
    assert list_companies(ctx, actor=staff) == [] and at.selectbox(key="company_pick").value == 0
