"""The progress page for the roles that watch progress, and the monitoring page for admins only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.access import ROLE_NAMES
from tests import factories as f
from tests.factories import Step
from tests.ui.apptest import offers, page_alone, signed_in, texts

T = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def _data(ctx, advisor_id: int) -> None:  # type: ignore[no-untyped-def]
    with ctx.sessions.begin() as session:
        program = f.program(
            session, f.faculty(session, name_th="คณะวิศวกรรมศาสตร์"), name_th="วิศวกรรมคอมพิวเตอร์"
        )
        section = f.section(
            session,
            f.course(session, code="CPE491", name_th="ฝึกงาน", name_en="CPE491"),
            academic_year=2025,
            semester=1,
            capacity=100,
            coordinator_id=advisor_id,
            members=[advisor_id],
            section="1",
        )
        posting = f.posting(
            session,
            f.company(session, name_th="บริษัท ไทยซอฟต์ จำกัด", name_en="บริษัท ไทยซอฟต์ จำกัด", province="เชียงใหม่"),
            "Intern",
            province="เชียงใหม่",
        )
        paths = [
            ["submitted"],
            ["submitted", "advisor_approved"],
            ["submitted", "advisor_approved", "committee_approved", "placed"],
        ]
        for i, path in enumerate(paths):
            steps = [
                Step(s, T + timedelta(days=i + d), advisor_id if d else None) for d, s in enumerate(path)
            ]
            f.registration(
                session,
                student_id=f.student(session, program),
                section_id=section,
                steps=steps,
                advisor_id=advisor_id,
                internship_id=posting if i == 2 else None,
            )


@pytest.mark.parametrize("role", ["manager", "coordinator", "admin"])
def test_progress_renders_with_charts(ctx, session_for, role: str) -> None:
    actor = session_for(role)
    _data(ctx, actor.user_id)
    assert offers(signed_in(actor), "pages/progress.py")
    at = signed_in(actor, "pages/progress.py")
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Progress" in shown and "Registered 3" in shown and "Placed 1" in shown
    assert len(at.get("plotly_chart")) == 1  # the funnel: only the open tab runs
    assert len(at.get("download_button")) == 2
    for tab, charts in (("Over time", 1), ("Breakdowns", 5), ("Queue", 2), ("Bottlenecks", 0)):
        at.session_state["progress_tab"] = tab
        at.run()
        assert not at.exception, at.exception
        assert len(at.get("plotly_chart")) == charts, tab


def test_each_tab_runs_only_its_own_queries(ctx, session_for, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from core import progress

    actor = session_for("manager")
    _data(ctx, actor.user_id)
    called: list[str] = []
    for module, name in ((progress, "timeline"), (progress, "breakdown"), (progress, "queue_ageing")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, _n=name, _r=real, **k: called.append(_n) or _r(*a, **k))
    at = signed_in(actor, "pages/progress.py")
    assert not at.exception and called == []
    at.session_state["progress_tab"] = "Queue"
    at.run()
    assert not at.exception and called == ["queue_ageing"]


@pytest.mark.parametrize("role", ["staff", "advisor"])
def test_progress_refused_for_other_roles(ctx, session_for, role: str) -> None:
    actor = session_for(role)
    assert not offers(signed_in(actor), "pages/progress.py")
    at = page_alone(actor, "pages/progress.py")
    assert not at.exception, at.exception
    assert "You do not have access to this page." in texts(at)
    assert len(at.get("plotly_chart")) == 0 and len(at.metric) == 0


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_monitoring_only_for_admin(ctx, session_for, role: str) -> None:
    actor = session_for(role)
    offered = offers(signed_in(actor), "pages/monitoring.py")
    at = page_alone(actor, "pages/monitoring.py")
    assert not at.exception, at.exception
    if role == "admin":
        assert offered
        assert "Database up" in texts(at) and "Active sessions 1" in texts(at)
        assert len(at.get("plotly_chart")) >= 3
    else:
        assert not offered
        assert "You do not have access to this page." in texts(at)
        assert len(at.metric) == 0


def test_bottlenecks_are_read_only_when_asked_for(ctx, session_for, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from core.progress import frames as progress_data

    actor = session_for("manager")
    _data(ctx, actor.user_id)
    calls: list[object] = []
    real = progress_data.events
    monkeypatch.setattr(progress_data, "events", lambda *a: calls.append(a) or real(*a))
    at = signed_in(actor, "pages/progress.py")
    assert not at.exception, at.exception
    assert not calls and "Approvers for state" not in [s.label for s in at.selectbox]
    at.session_state["progress_tab"] = "Bottlenecks"
    at.run()
    assert not calls
    at.toggle(key="progress_bottlenecks").set_value(True).run()
    assert not at.exception, at.exception
    assert calls and "Approvers for state" in [s.label for s in at.selectbox]


def test_progress_opens_on_a_year_with_registrations_and_checks_its_filters(ctx, session_for) -> None:  # type: ignore[no-untyped-def]
    from tests import factories as f

    actor = session_for("manager")
    _data(ctx, actor.user_id)
    with ctx.sessions.begin() as s:
        f.section(s, academic_year=2026)  # a new year's sections, nobody registered yet
        f.program(s)  # another faculty's program
    at = signed_in(actor, "pages/progress.py")
    year, _, faculty, program = at.selectbox[:4]
    assert year.value == 2025 and "Registered 3" in texts(at)
    assert len(program.options) == 3  # All + both programs
    faculty.select_index(1).run()  # the Builder's faculty comes first by code
    assert at.selectbox[3].options == ["All", "วิศวกรรมคอมพิวเตอร์"]
    at.number_input[0].set_value(120.0).run()
    assert "The placement target must be between 0% and 100%." in texts(at)


def test_a_rise_in_withdrawn_or_failed_reads_as_bad_news(ctx, session_for) -> None:  # type: ignore[no-untyped-def]
    actor = session_for("manager")
    _data(ctx, actor.user_id)
    with ctx.sessions.begin() as session:  # one more withdrawal than a year ago, and one more registration
        program = f.program(session, f.faculty(session, name_th="คณะวิทยาศาสตร์"), name_th="เคมี")
        now = f.section(
            session,
            f.course(session, code="SCI491", name_th="ฝึกงาน", name_en="SCI491"),
            academic_year=2025,
            semester=1,
            capacity=100,
            coordinator_id=None,
            members=[],
            section="1",
        )
        then = f.section(
            session,
            f.course(session, code="SCI490", name_th="ฝึกงาน", name_en="SCI490"),
            academic_year=2024,
            semester=1,
            capacity=100,
            coordinator_id=None,
            members=[],
            section="1",
        )
        f.registration(session, student_id=f.student(session, program), section_id=now, steps=[Step('submitted', T, None), Step('withdrawn', T + timedelta(days=1), actor.user_id)])  # fmt: skip
        f.registration(
            session,
            student_id=f.student(session, program),
            section_id=then,
            steps=[Step("submitted", T - timedelta(days=365), None)],
        )
    at = signed_in(actor, "pages/progress.py")
    deltas = {m.label: (m.proto.delta, m.proto.color) for m in at.metric}
    assert deltas["Withdrawn"][0] == "1" and deltas["Registered"][0] == "3"
    assert deltas["Withdrawn"][1] != deltas["Registered"][1]  # red, where a rise in registrations is green
    helps = {m.label: m.proto.help for m in at.metric}
    assert "placed, in progress or completed" in helps["Placed"]


def _open_with(actor, url: dict[str, str], lang: str | None = None):  # type: ignore[no-untyped-def]
    at = signed_in(actor, lang=lang)
    for name, value in url.items():
        at.query_params[name] = value
    at.switch_page("pages/progress.py").run()
    assert not at.exception, at.exception
    return at


def test_a_shared_progress_link_opens_the_same_view_and_2568_means_2025(ctx, session_for) -> None:  # type: ignore[no-untyped-def]
    actor = session_for("manager")
    _data(ctx, actor.user_id)
    for year in ("2568", "2025"):
        at = _open_with(actor, {"year": year, "sem": "1", "target": "70"})
        assert at.selectbox[0].value == 2025 and at.selectbox[1].value == 1
        assert at.number_input[0].value == 70 and "Registered 3" in texts(at)
    at.selectbox[1].set_value(2).run()  # a change goes back into the link
    assert at.query_params["sem"] == "2" and at.query_params["year"] == "2025"
    at = _open_with(actor, {"year": "0"})  # "All years" is a choice of its own
    assert at.selectbox[0].value == 0 and "year" in at.query_params


def test_a_manager_reads_the_charts_in_thai_with_buddhist_years(ctx, session_for) -> None:  # type: ignore[no-untyped-def]
    import json

    actor = session_for("manager")
    _data(ctx, actor.user_id)
    at = _open_with(actor, {}, lang="th")
    assert at.selectbox[0].options[:2] == ["ทั้งหมด", "2568"]  # the year the data holds (2025) in BE
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert figure["layout"]["title"]["text"] == "กรวยขั้นตอน: การลงทะเบียนที่เคยไปถึงแต่ละขั้นตอน"
    assert figure["data"][0]["y"][:2] == ["ส่งแล้ว", "อาจารย์ที่ปรึกษาอนุมัติแล้ว"]
    csv = at.get("download_button")[0]
    assert csv.label == "ส่งออก CSV"


def test_chart_labels_from_data_are_shown_as_text_not_markup(ctx, session_for) -> None:  # type: ignore[no-untyped-def]
    import json

    actor = session_for("manager")
    with ctx.sessions.begin() as s:
        company = f.company(s, name_th='<a href="javascript:alert(1)">x</a><b>co</b>', province="<br>ตาก")
        posting = f.posting(s, company, province="<br>ตาก")
        f.registration(s, internship_id=posting, status="placed")
    at = signed_in(actor)
    at.session_state["progress_tab"] = "Breakdowns"
    at.switch_page("pages/progress.py").run()
    labels = [y for chart in at.get("plotly_chart") for trace in json.loads(chart.proto.spec)["data"]
              for y in trace.get("y", [])]  # fmt: skip
    assert '&lt;a href="javascript:alert(1)"&gt;x&lt;/a&gt;&lt;b&gt;co&lt;/b&gt;' in labels
    assert "&lt;br&gt;ตาก" in labels and not any("<" in str(label) for label in labels)
