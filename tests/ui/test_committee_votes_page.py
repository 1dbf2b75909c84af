"""Committee votes: a committee member who is not the student's advisor reads and casts the deciding vote."""

from __future__ import annotations

import pytest

from core.context import AppContext
from db.models import Registration, RegistrationStatus
from tests import factories as f
from tests.ui.apptest import offers, page_alone, signed_in, texts

PAGE = "pages/committee_votes.py"


def _seed(ctx: AppContext, members: list[int], advisor: int) -> int:
    with ctx.sessions.begin() as s:
        section_id = f.section(s)
        f.committee(s, section_id, members)
        return f.registration(
            s, section_id=section_id, advisor_id=advisor, status=RegistrationStatus.ADVISOR_APPROVED
        )


def test_a_member_casts_the_deciding_vote_on_another_advisors_student(ctx: AppContext, session_for) -> None:
    advisor, first, second = session_for("advisor"), session_for("advisor"), session_for("coordinator")
    reg_id = _seed(ctx, [first.user_id, second.user_id, advisor.user_id], advisor.user_id)
    at = signed_in(first, PAGE)
    assert not at.exception, at.exception
    assert at.dataframe[0].value["id"].tolist() == [reg_id]
    at.session_state["cv_table"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert "Committee: 0 approve, 0 reject, quorum 2" in texts(at)
    at.button(key="rd_cast").click().run()
    assert not at.exception, at.exception
    assert "Vote recorded" in texts(at)
    assert at.info and "Nothing waits for your vote" in texts(at)
    at = signed_in(second, PAGE)
    at.session_state["cv_table"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    at.text_input(key="rd_remarks").input("good fit")
    at.button(key="rd_cast").click().run()
    assert f"Registration {reg_id} is Committee approved" in texts(at)
    with ctx.sessions.begin() as s:
        assert s.get(Registration, reg_id).status == RegistrationStatus.COMMITTEE_APPROVED


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_people_on_no_committee_role_do_not_get_the_page(ctx: AppContext, session_for, role: str) -> None:
    actor = session_for(role)
    assert not offers(signed_in(actor), PAGE)
    assert "You do not have access to this page." in texts(page_alone(actor, PAGE))


def test_an_empty_list_says_what_will_appear(ctx: AppContext, session_for) -> None:
    at = signed_in(session_for("advisor"), PAGE)
    assert not at.exception, at.exception
    assert "Nothing waits for your vote" in texts(at)
