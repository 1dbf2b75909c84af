"""New registration: a coordinator finds the student as they type, enters a walk-in, sees it, withdraws it;
each broken intake rule is its own message; API clients: a token shown once, rotated, revoked."""

from __future__ import annotations

from sqlalchemy import func, select

from core.context import AppContext
from db.models import ApiClient, AuditEntry, Registration, RegistrationEvent, Role, User
from tests import factories as f
from tests.ui.apptest import confirm, signed_in, texts

PAGE = "pages/new_registration.py"


def _world(ctx: AppContext, make_actor, *, capacity: int = 5) -> dict[str, int]:  # type: ignore[no-untyped-def]
    advisor = make_actor("advisor", "somsri.k", "สมศรี ใจงาม")
    with ctx.sessions.begin() as s:
        student = f.student(s, student_code="6612345678", first_name_th="มานะ", last_name_th="ขยันยิ่ง",
                            first_name_en="Mana", last_name_en="Khayanying")  # fmt: skip
        section = f.section(
            s, f.course(s, code="CPE-401"), section="01", capacity=capacity, academic_year=2026
        )
    return {"student": student, "section": section, "advisor": advisor.user_id}


def _fill(at, world: dict[str, int], typed: str = "มานะ"):  # type: ignore[no-untyped-def]
    at.text_input(key="nr_q").input(typed).run()
    at.selectbox(key="nr_student").select(world["student"]).run()
    at.selectbox(key="nr_term").select((1, 2026)).run()
    at.selectbox(key="nr_section").select(world["section"]).run()
    return at


def _count(ctx: AppContext, model) -> int:  # type: ignore[no-untyped-def]
    with ctx.sessions.begin() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_coordinator_enters_a_walk_in_sees_it_and_withdraws_it(ctx, session_for, make_actor) -> None:
    world = _world(ctx, make_actor)
    at = _fill(signed_in(session_for(Role.COORDINATOR), PAGE), world)
    assert "6612345678" in at.selectbox(key="nr_student").format_func(world["student"])
    at.selectbox(key="nr_advisor").select(world["advisor"]).run()
    at.button(key="nr_save").click().run()
    assert not at.exception, at.exception
    with ctx.sessions.begin() as s:
        reg = s.scalars(select(Registration)).one()
        assert (reg.status.value, reg.advisor_id) == ("submitted", world["advisor"])
        assert (
            s.scalar(select(AuditEntry.action).where(AuditEntry.entity_id == str(reg.id)))
            == "registration.create"
        )
    assert _count(ctx, RegistrationEvent) == 1
    assert "6612345678" in texts(at) and "Submitted" in set(at.dataframe[0].value["To"])
    at.button(key="nr_withdraw").click().run()  # no reason: refused, nothing changes
    confirm(at, "nr_withdraw_confirm")
    assert "A reason is required" in texts(at)
    at.text_input(key="nr_withdraw_reason").input("ย้ายไปฝึกงานภาคฤดูร้อน").run()
    at.button(key="nr_withdraw").click().run()
    confirm(at, "nr_withdraw_confirm")
    with ctx.sessions.begin() as s:
        assert s.scalars(select(Registration)).one().status.value == "withdrawn"


def test_each_broken_rule_is_its_own_message_and_nothing_is_saved(ctx, session_for, make_actor) -> None:
    world = _world(ctx, make_actor, capacity=1)
    with ctx.sessions.begin() as s:
        f.registration(s, section_id=world["section"])  # the one seat is taken
        f.posting(s, title="เฉพาะสาขาอื่น", programs=[f.program(s)])
    at = _fill(signed_in(session_for(Role.COORDINATOR), PAGE), world, typed="6612")
    at.selectbox(key="nr_advisor").select(world["advisor"]).run()
    with ctx.sessions.begin() as s:  # the advisor leaves while the form is open
        s.get_one(User, world["advisor"]).active = False
    before = _count(ctx, Registration)
    at.button(key="nr_save").click().run()
    shown = [texts_of(e) for e in at.error]
    assert shown == [
        "CPE-401 sec 01 1/2026 is full: all 1 seats are taken.",
        "somsri.k is not an active advisor.",
    ] or (len(shown) == 2 and any("full" in m for m in shown) and any("advisor" in m for m in shown)), shown
    assert _count(ctx, Registration) == before
    at.text_input(key="nr_post_q").input("สาขาอื่น").run()
    assert "not open to the student's program" in texts(at)  # the picker says why it cannot take them
    assert at.selectbox(key="nr_posting").options == []


def texts_of(element) -> str:  # type: ignore[no-untyped-def]
    """An element's text as the reader sees it (without markdown escapes)."""
    return str(element.value).replace("\\", "")


def test_admin_issues_a_token_once_rotates_and_revokes_it(ctx, session_for) -> None:
    at = signed_in(session_for(Role.ADMIN), "pages/admin_api_clients.py")
    assert "No API client yet" in texts(at)
    at.text_input(key="ac_name").input("พอร์ทัลนักศึกษา")
    at.multiselect(key="ac_scopes").select("registrations:write").select("changes:read")
    at.button[0].click().run()  # the form's submit button
    assert not at.exception, at.exception
    token = at.code[0].value
    assert token.startswith("imsk_") and len(token) > 40
    with ctx.sessions.begin() as s:
        client = s.scalars(select(ApiClient)).one()
        assert (
            token not in (client.token_hash, client.token_prefix)
            and client.scopes == "registrations:write changes:read"
        )
    at.run()
    assert not at.code  # shown once
    at.selectbox(key="ac_pick").select(client.id).run()
    at.button(key="ac_rotate").click().run()
    confirm(at, "ac_rotate_confirm")
    assert at.code[0].value != token
    at.selectbox(key="ac_pick").select(client.id).run()
    at.button(key="ac_revoke").click().run()
    confirm(at, "ac_revoke_confirm")
    assert "Revoked" in set(at.dataframe[0].value["state"])
