"""The review queue page: who sees it, what it shows, and a coordinator approving one registration."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import clock
from core.context import AppContext
from db.models import Registration, RegistrationStatus
from tests import factories as f
from tests.ui.apptest import offers, page_alone, signed_in, texts

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
    with ctx.sessions.begin() as s:
        reg = s.get(Registration, ready)
        assert reg is not None and reg.status == RegistrationStatus.PLACED
    assert "committee_approved → placed" in texts(at)


def test_bulk_approve_reports_what_succeeded_and_what_did_not(ctx: AppContext, session_for) -> None:
    actor = session_for("coordinator")
    ready, submitted = _registrations(ctx)
    at = signed_in(actor, PAGE)
    at.session_state["rq_table"] = {"selection": {"rows": [0, 1], "columns": []}}
    at.run()
    at.button(key="rq_bulk_approve").click().run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Approve: 1 done." in shown
    assert (
        f"Registration {submitted}: A coordinator cannot approve a registration that is submitted." in shown
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
