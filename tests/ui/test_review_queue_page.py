"""The review queue page: who sees it, what it shows, and a coordinator approving one registration."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import clock
from core.context import AppContext
from db.models import Registration, RegistrationStatus
from tests import factories as f
from tests.ui.apptest import confirm, offers, page_alone, signed_in, texts

PAGE = "pages/review_queue.py"


def _registrations(ctx: AppContext, advisor_id: int | None = None) -> tuple[int, int]:
    with ctx.sessions.begin() as s:
        section_id = f.section(s)
        ready = f.registration(
            s, section_id=section_id, internship_id=f.posting(s), advisor_id=advisor_id,
            status=RegistrationStatus.COMMITTEE_APPROVED,
        )  # fmt: skip
        old = f.registration(s, section_id=section_id, at=clock.now() - timedelta(days=30))
    return ready, old


@pytest.mark.parametrize("role", ["coordinator", "advisor", "admin"])
def test_reviewers_see_the_queue(ctx: AppContext, session_for, role: str) -> None:
    actor = session_for(role)
    _registrations(ctx, advisor_id=actor.user_id)
    assert offers(signed_in(actor), PAGE)
    at = signed_in(actor, PAGE)
    assert not at.exception, at.exception
    assert "Review queue" in texts(at)
    frame = at.dataframe[0].value
    assert len(frame) == (1 if role == "advisor" else 2)  # the advisor sees only their own advisee
    if role != "advisor":
        assert "⚠ overdue" in set(frame["flag"])


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_others_do_not(ctx: AppContext, session_for, role: str) -> None:
    actor = session_for(role)
    _registrations(ctx)
    assert not offers(signed_in(actor), PAGE)
    at = page_alone(actor, PAGE)
    assert not at.exception, at.exception
    assert "You do not have access to this page." in texts(at)
    assert len(at.dataframe) == 0


def test_coordinator_approves_one_selected_registration(ctx: AppContext, session_for) -> None:
    actor = session_for("coordinator")
    ready, _ = _registrations(ctx)
    at = signed_in(actor, PAGE)
    at.selectbox(key="rq_open").select(ready).run()
    assert not at.exception, at.exception
    assert [b.label for b in at.button if b.key and b.key.startswith("rd_")] == [
        "Approve",
        "Ask for changes",
        "Reject",
        "Withdraw",
    ]
    at.button(key="rd_approve").click().run()
    assert not at.exception, at.exception
    with ctx.sessions.begin() as s:  # the dialog asks first: nothing changed yet
        assert s.get(Registration, ready).status == RegistrationStatus.COMMITTEE_APPROVED
    assert "moves from Committee approved to Placed." in texts(at)
    confirm(at, "rd_confirm_approve")
    with ctx.sessions.begin() as s:
        reg = s.get(Registration, ready)
        assert reg is not None and reg.status == RegistrationStatus.PLACED
    assert f"Registration {ready}: Committee approved → Placed." in texts(at)


def test_bulk_approve_reports_what_succeeded_and_what_did_not(ctx: AppContext, session_for) -> None:
    actor = session_for("coordinator")
    ready, submitted = _registrations(ctx)
    at = signed_in(actor, PAGE)
    at.session_state["rq_table"] = {"selection": {"rows": [0, 1], "columns": []}}
    at.run()
    at.button(key="rq_bulk_approve").click().run()
    confirm(at, "rq_confirm_approve")
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Approve: 1 of 2 done." in shown and len(at.warning) == 1 and not at.success
    assert (
        f"Registration {submitted}: A Coordinator cannot “Approve” a registration that is Submitted." in shown
    )
    with ctx.sessions.begin() as s:
        assert s.get(Registration, ready).status == RegistrationStatus.PLACED


def test_coordinator_sorts_by_any_column_either_way(ctx: AppContext, session_for) -> None:
    actor = session_for("coordinator")
    with ctx.sessions.begin() as s:
        section_id = f.section(s)
        codes = ["6500000003", "6500000001", "6500000002"]
        for days, code in enumerate(codes):
            student = f.student(s, student_code=code)
            f.registration(
                s, student_id=student, section_id=section_id, at=clock.now() - timedelta(days=days)
            )
    at = signed_in(actor, PAGE)
    assert at.dataframe[0].value["student_code"].tolist() == list(reversed(codes))  # longest waiting first
    at.selectbox(key="rq_sort").select("Student code").run()
    assert not at.exception, at.exception
    assert at.dataframe[0].value["student_code"].tolist() == sorted(codes, reverse=True)
    at.toggle(key="rq_ascending").set_value(True).run()
    assert at.dataframe[0].value["student_code"].tolist() == sorted(codes)
    at.selectbox(key="rq_sort").select("Days in state").run()
    assert at.dataframe[0].value["days_in_state"].tolist() == [0, 1, 2]  # fewest days first
    assert set(at.selectbox(key="rq_sort").options) >= {"Student", "Advisor", "Company", "Term", "Status"}


def _submitted(ctx: AppContext, n: int) -> list[int]:
    """n submitted registrations, the first the longest waiting (the queue's default order)."""
    with ctx.sessions.begin() as s:
        section_id = f.section(s)
        return [
            f.registration(s, section_id=section_id, at=clock.now() - timedelta(days=n - i)) for i in range(n)
        ]


def _tick(at, *positions: int) -> None:  # type: ignore[no-untyped-def]
    at.session_state["rq_table"] = {"selection": {"rows": list(positions), "columns": []}}
    at.run()
    assert not at.exception, at.exception


def _bulk_label(at) -> str:  # type: ignore[no-untyped-def]
    return next(e.label for e in at.expander if e.label.startswith("Bulk action"))


def _statuses(ctx: AppContext, ids: list[int]) -> list[str]:
    with ctx.sessions.begin() as s:
        return [s.get(Registration, i).status.value for i in ids]


def test_bulk_reject_changes_exactly_the_ticked_rows_and_clears_the_ticks(
    ctx: AppContext, session_for
) -> None:
    ids = _submitted(ctx, 5)
    at = signed_in(session_for("coordinator"), PAGE)
    _tick(at, 1, 3)
    assert "Bulk action on 2 selected: " in _bulk_label(at)
    at.text_input(key="rq_reason").input("incomplete form")
    at.button(key="rq_bulk_reject").click().run()
    asked = texts(at)  # the dialog names how many and which, and nothing changes before Reject
    assert "This changes 2 registrations:" in asked and f"#{ids[1]}, #{ids[3]}" in asked
    assert _statuses(ctx, ids) == ["submitted"] * 5
    confirm(at, "rq_confirm_reject")
    assert not at.exception, at.exception
    assert _statuses(ctx, ids) == ["submitted", "rejected", "submitted", "rejected", "submitted"]
    assert "Reject: 2 of 2 done." in texts(at)
    assert at.dataframe[0].value["id"].tolist() == [ids[0], ids[2], ids[4]]  # fresh rows, not the old ones
    assert at.session_state["rq_table"]["selection"]["rows"] == []
    assert at.button(key="rq_bulk_reject").disabled  # pressing Reject again changes nothing


def test_ticks_follow_their_registrations_when_rows_move(ctx: AppContext, session_for) -> None:
    ids = _submitted(ctx, 4)
    coordinator = session_for("coordinator")
    at = signed_in(coordinator, PAGE)
    _tick(at, 2)
    with ctx.sessions.begin() as s:  # someone else takes the first row out of the filtered view
        s.get(Registration, ids[0]).status = RegistrationStatus.WITHDRAWN
    at.run()
    assert at.dataframe[0].value["id"].tolist() == ids[1:]
    assert at.session_state["rq_table"]["selection"]["rows"] == [1]  # still ids[2], now one row up
    assert f"#{ids[2]}" in _bulk_label(at)


def test_a_stale_row_is_refused_not_acted_on(ctx: AppContext, session_for) -> None:
    ids = _submitted(ctx, 2)
    at = signed_in(session_for("coordinator"), PAGE)
    _tick(at, 0, 1)
    with ctx.sessions.begin() as s:  # decided by someone else after the reviewer ticked it
        reg = s.get(Registration, ids[0])
        reg.status, reg.version = RegistrationStatus.ADVISOR_APPROVED, reg.version + 1
    at.text_input(key="rq_reason").input("duplicate")
    at.button(key="rq_bulk_reject").click().run()
    confirm(at, "rq_confirm_reject")
    assert _statuses(ctx, ids) == ["advisor_approved", "rejected"]
    assert "Reject: 1 of 2 done." in texts(at) and "Already decided" in texts(at)


def test_next_page_starts_with_nothing_ticked(ctx: AppContext, session_for) -> None:
    _submitted(ctx, 55)
    at = signed_in(session_for("coordinator"), PAGE)
    _tick(at, 0, 1)
    at.button(key="rq_next").click().run()
    assert not at.exception, at.exception
    assert len(at.dataframe[0].value) == 5
    assert at.session_state["rq_table"]["selection"]["rows"] == []
    assert _bulk_label(at) == "Bulk action on 0 selected"


def test_narrowing_the_filter_after_ticking_does_not_crash(ctx: AppContext, session_for) -> None:
    ids = _submitted(ctx, 4)
    at = signed_in(session_for("coordinator"), PAGE)
    _tick(at, 3)
    with ctx.sessions.begin() as s:
        code = s.get(Registration, ids[0]).student_id
    at.text_input(key="rq_text").input(str(code) + "-no-such-student").run()
    assert not at.exception, at.exception
    assert at.session_state["rq_table"]["selection"]["rows"] == []


def test_ticking_exactly_one_row_opens_it(ctx: AppContext, session_for) -> None:
    ids = _submitted(ctx, 3)
    at = signed_in(session_for("coordinator"), PAGE)
    _tick(at, 1)
    assert at.selectbox(key="rq_open").value == ids[1]
    assert any(b.key == "rd_reject" for b in at.button)


def test_a_bulk_action_that_did_nothing_is_not_shown_as_success(ctx: AppContext, session_for) -> None:
    ids = _submitted(ctx, 2)
    at = signed_in(session_for("coordinator"), PAGE)
    _tick(at, 0, 1)
    at.button(key="rq_bulk_approve").click().run()  # coordinators cannot approve submitted ones
    confirm(at, "rq_confirm_approve")
    assert "Approve: 0 of 2 done." in texts(at)
    assert not at.success and len(at.error) == 1
    assert _statuses(ctx, ids) == ["submitted", "submitted"]


def test_a_shared_queue_link_opens_the_same_view_and_2569_means_2026(ctx: AppContext, session_for) -> None:
    actor = session_for("coordinator")
    with ctx.sessions.begin() as s:
        this_term = f.registration(s, section_id=f.section(s, academic_year=2026, semester=2))
        f.registration(s, section_id=f.section(s, academic_year=2025, semester=2))
        f.registration(s, section_id=f.section(s, academic_year=2026, semester=1))
    for year in ("2569", "2026"):
        at = signed_in(actor)
        at.query_params["year"], at.query_params["sem"] = year, "2"
        at.switch_page(PAGE).run()
        assert not at.exception, at.exception
        assert at.dataframe[0].value["id"].tolist() == [this_term], year
    at.number_input(key="rq_year").set_value(2569).run()  # typed in BE in the sidebar: the same filter
    assert at.dataframe[0].value["id"].tolist() == [this_term] and at.query_params["year"] == "2569"
    thai = signed_in(actor, PAGE, lang="th")
    assert "2/2569" in set(thai.dataframe[0].value["term"])


def test_the_export_follows_the_readers_language(ctx: AppContext, session_for) -> None:
    import io

    import pandas as pd

    from core import registrations

    actor = session_for("coordinator")
    _registrations(ctx)
    data = registrations.export_queue(ctx, actor=actor, lang="th")
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert {"id", "student_code", "status", "สถานะ", "ภาคการศึกษา", "วันที่ส่ง"} <= set(frame.columns)
    assert set(frame["สถานะ"]) == {"ส่งแล้ว", "คณะกรรมการอนุมัติแล้ว"} and set(frame["status"]) == {
        "submitted",
        "committee_approved",
    }
    assert all(term.endswith("/2569") for term in frame["ภาคการศึกษา"])
