"""Every page in Thai, as each role: no English word is left on screen but user data and a short allow-list.

The check reads what a person sees (labels, options, help, placeholders, messages, toasts, dialog
text, table headers, chart titles, axes and legends), takes out the data the database holds (names,
titles, usernames...) and codes, and fails on any remaining English word: a string that is not
in the Thai catalog, or not passed through it.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import String, select
from streamlit.testing.v1 import AppTest

from app import PAGES
from core import clock, i18n
from core.access import ROLE_PERMISSIONS
from core.context import AppContext
from core.placements.forms import current_form_id
from db.models import (
    Base,
    Evaluation,
    EvaluatorKind,
    Registration,
    RegistrationStatus,
    Role,
    Visit,
    VisitMode,
    VisitStatus,
)
from tests import factories as f
from tests.ui.apptest import signed_in, visible_strings

S = RegistrationStatus
# Words that stay as they are in Thai text: file formats, units, the language switch, product names.
ALLOWED = {"CSV", "Excel", "xlsx", "csv", "UTF", "Windows", "Thai", "TIS", "cp", "ms", "MB", "ID", "English",
           "THB", "Language", "Sarabun", "Tahoma", "Noto", "Sans", "sans", "serif", "extra", "customdata"}  # fmt: skip
CODE = re.compile(r"\b[A-Z][A-Z0-9]*(?:[-_][A-Z0-9]+)*\b|\b\w*\d\w*\b|\S+@\S+|%\{[^}]*\}|<[^>]*>")
WORD = re.compile(r"[A-Za-z]{2,}")


def world(ctx: AppContext, people: dict[Role, int]) -> None:
    """A small office: every status, a committee mid-vote, postings, courses and sections."""
    now = clock.now()
    with ctx.sessions.begin() as s:
        program = f.program(s, f.faculty(s, name_th="คณะวิศวกรรมศาสตร์"), name_th="วิศวกรรมคอมพิวเตอร์")
        company = f.company(s, name_th="บริษัท ไทยซอฟต์ จำกัด", province="เชียงใหม่")
        posting = f.posting(s, company, "นักพัฒนาซอฟต์แวร์ฝึกงาน", slots=5, province="เชียงใหม่")
        section = f.section(s, members=[people[Role.ADVISOR], people[Role.ADMIN], people[Role.COORDINATOR]],
                            coordinator_id=people[Role.COORDINATOR])  # fmt: skip
        for n, status in enumerate(S):
            student = f.student(s, program, first_name_th=f"นักศึกษา{n}", last_name_th="ทดสอบ")
            steps = [f.Step(S.SUBMITTED.value, now - timedelta(days=40 - n), people[Role.COORDINATOR])]
            if status != S.SUBMITTED:
                steps.append(f.Step(status.value, now - timedelta(days=20 - n), people[Role.ADVISOR]))
            placed = status in (S.PLACED, S.IN_PROGRESS, S.COMPLETED, S.FAILED)
            rid = f.registration(s, student_id=student, section_id=section, advisor_id=people[Role.ADVISOR],
                                 internship_id=posting if placed else None, steps=steps)  # fmt: skip
            if status == S.IN_PROGRESS:  # after placement: details, a planned visit, the evaluations
                placement = f.placement(s, rid)
                s.add(Visit(placement_id=placement, number=1, planned_at=now, mode=VisitMode.ONSITE,
                            visitor_id=people[Role.ADVISOR], status=VisitStatus.PLANNED))  # fmt: skip
                for kind in EvaluatorKind:
                    s.add(Evaluation(placement_id=placement, form_id=current_form_id(s, kind), kind=kind,
                                     due_on=now.date() - timedelta(days=1)))  # fmt: skip


def data_words(ctx: AppContext) -> list[str]:
    """Every text the database holds (user data), longest first."""
    values: set[str] = set()
    with ctx.sessions.begin() as s:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String)]
            if columns:
                for row in s.execute(select(*columns)):
                    values.update(str(v) for v in row if v)
    return sorted(values, key=len, reverse=True)


def english_left(strings: list[str], data: list[str]) -> list[str]:
    """The strings that still hold an English word once data, codes and allowed words are taken out."""
    left = []
    for text in strings:
        rest = text
        for value in data:
            if len(value) > 1 and value in rest:
                rest = rest.replace(value, " ")
        rest = CODE.sub(" ", rest)
        if [w for w in WORD.findall(rest) if w not in ALLOWED]:
            left.append(text)
    return left


@pytest.fixture
def office(ctx: AppContext, session_for):  # type: ignore[no-untyped-def]
    actors = {role: session_for(role) for role in Role}
    world(ctx, {role: a.user_id for role, a in actors.items()})
    return actors


def _check(at: AppTest, data: list[str], where: str) -> None:
    assert not at.exception, (where, at.exception)
    assert i18n.language(at.session_state["lang"]) == "th"
    left = english_left(visible_strings(at), data)
    assert not left, f"{where}: not in Thai: {left}"
    # An empty selection shows the placeholder; without one the browser writes "Choose an option".
    empty = [w.label for w in [*at.selectbox, *at.multiselect] if w.value in (None, []) and not w.placeholder]
    assert not empty, f"{where}: no Thai placeholder for {empty}"


@pytest.mark.parametrize("role", list(Role))
def test_every_page_in_thai_as_each_role(ctx: AppContext, office, role: Role) -> None:  # type: ignore[no-untyped-def]
    actor = office[role]
    data = [*data_words(ctx), ctx.settings.replica_id]  # the server's name (host name) is data too
    home = signed_in(actor, lang="th")
    _check(home, data, f"{role} home")
    assert [b.label for b in home.sidebar.button] == ["ออกจากระบบ"]
    for spec in PAGES:
        if spec.permission is not None and spec.permission not in ROLE_PERMISSIONS[role]:
            continue
        at = signed_in(actor, spec.path, lang="th")
        _check(at, data, f"{role} {spec.path}")


def test_the_pages_behind_clicks_are_in_thai_too(ctx: AppContext, office) -> None:  # type: ignore[no-untyped-def]
    admin, data = office[Role.ADMIN], data_words(ctx)
    at = signed_in(admin, "pages/review_queue.py", lang="th")
    at.selectbox(key="rq_open").set_value(int(at.dataframe[0].value["id"].iloc[0])).run()
    _check(at, data, "registration detail")
    at.button(key="rd_approve").click().run()
    _check(at, data, "approve dialog")
    assert "จะเปลี่ยนจาก ส่งแล้ว เป็น อาจารย์ที่ปรึกษาอนุมัติแล้ว" in " ".join(visible_strings(at))

    at = signed_in(admin, "pages/progress.py", lang="th")
    for tab in ("Over time", "Breakdowns", "Bottlenecks", "Queue"):
        at.session_state["progress_tab"] = i18n.gettext("th", tab)
        at.session_state["progress_bottlenecks"] = True
        at.run()
        _check(at, data, f"progress {tab}")
    assert len(at.get("plotly_chart")) >= 1

    at = signed_in(admin, "pages/courses.py", lang="th")
    next(b for b in at.button if b.label == "สร้างรายวิชา").click().run()  # an empty form: every problem named
    _check(at, data, "course form errors")
    assert at.error

    at = signed_in(admin, "pages/postings.py", lang="th")
    company = next(k for k in at.selectbox(key="company_pick").options if k != "สถานประกอบการใหม่")
    at.selectbox(key="company_pick").select(company).run()
    at.button(key="company_delete").click().run()
    _check(at, data, "company delete dialog")

    at = signed_in(admin, "pages/search.py", lang="th")
    at.session_state["results"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    _check(at, data, "posting detail")

    at = signed_in(admin, "pages/import_data.py", lang="th")
    bad = "student_code;first_name_th\n12;ก\n".encode()
    at.file_uploader(key="im_file0").set_value(("s.csv", bad, "text/csv")).run()
    _check(at, data, "import problems")

    with ctx.sessions.begin() as s:
        working, section = s.execute(select(Registration.id, Registration.section_id).where(
            Registration.status == S.IN_PROGRESS)).one()  # fmt: skip
        evaluation = s.scalar(select(Evaluation.id).where(Evaluation.kind == EvaluatorKind.SUPERVISOR))
    at = signed_in(admin, "pages/visits_evaluations.py", lang="th")
    at.selectbox(key="ve_open").set_value(working).run()
    _check(at, data, "placement workspace")
    at.selectbox(key="pl_eval_pick").set_value(evaluation).run()
    _check(at, data, "evaluation form")
    at.button(key="pl_fail").click().run()
    _check(at, data, "fail dialog")
    for tab in ("plan", "forms"):
        at = signed_in(admin, "pages/visits_evaluations.py", lang="th")
        at.segmented_control(key="ve_tab").set_value(tab).run()
        if tab == "plan":
            at.selectbox(key="vp_section").set_value(section).run()
        _check(at, data, f"visits & evaluations {tab}")
    at = signed_in(office[Role.ADVISOR], "pages/my_students.py", lang="th")
    at.selectbox(key="ms_open").set_value(working).run()
    _check(at, data, "my student")

    at = signed_in(admin, "pages/admin_users.py", lang="th")
    at.selectbox(key="um_pick").set_value(office[Role.STAFF].user_id).run()
    at.button(key="um_deactivate").click().run()
    _check(at, data, "deactivate dialog")

    at = signed_in(office[Role.COORDINATOR], "pages/new_registration.py", lang="th")
    at.text_input(key="nr_q").input("นักศึกษา").run()
    _check(at, data, "student matches")
    at.selectbox(key="nr_student").select_index(0).run()
    at.selectbox(key="nr_term").select_index(0).run()
    at.selectbox(key="nr_section").select_index(0).run()
    at.text_input(key="nr_post_q").input("ซอฟต์แวร์").run()
    at.button(key="nr_save").click().run()  # the student is in the section already: the rule's message
    _check(at, data, "intake rule message")
    assert at.error
    at.selectbox(key="nr_student").set_value(None).run()
    at.session_state["nr_entered"] = _a_registration(ctx)
    at.run()
    at.button(key="nr_withdraw").click().run()
    _check(at, data, "withdraw dialog")

    at = signed_in(admin, "pages/admin_api_clients.py", lang="th")
    at.text_input(key="ac_name").input("พอร์ทัลนักศึกษา")
    at.multiselect(key="ac_scopes").select("changes:read")
    at.button[0].click().run()
    _check(at, [*data, at.code[0].value], "token shown once")
    at.selectbox(key="ac_pick").select_index(0).run()
    at.button(key="ac_revoke").click().run()
    _check(at, data, "revoke dialog")


def _a_registration(ctx: AppContext) -> int:
    from db.models import Registration

    with ctx.sessions.begin() as s:
        return int(s.scalar(select(Registration.id).where(Registration.status == S.SUBMITTED)) or 0)


def test_the_check_catches_an_english_word_but_not_data_or_codes() -> None:
    data = ["Somchai Jaidee", "Bangkok"]
    assert (
        english_left(["อนุมัติ", "CPE-401 กลุ่ม S1 1/2569", "Somchai Jaidee · Bangkok", "ดาวน์โหลด CSV"], data)
        == []
    )
    assert english_left(["Approve", "สถานะ: Submitted", "Bangkok office"], data) == [
        "Approve",
        "สถานะ: Submitted",
        "Bangkok office",
    ]


def test_the_bench_runs_each_page_in_thai_and_measures_the_translating(ctx: AppContext, office) -> None:  # type: ignore[no-untyped-def]
    from bench.pages import load_page, translation_share

    _seconds, at = load_page("pages/review_queue.py", office[Role.ADMIN])
    assert not at.exception and at.title[0].value == "คิวพิจารณา"
    assert 0 < translation_share("pages/review_queue.py", office[Role.ADMIN]) < 1
