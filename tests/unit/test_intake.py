"""The intake rules, shared by the import, the form and the API: one message per rule, nothing saved on refusal."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from core import imports, registrations
from core.context import AppContext
from core.errors import Outdated, PermissionDenied
from core.registrations import Idempotency, IntakeRefused, IntakeRequest, KeyReused
from db.models import (
    AuditEntry,
    Course,
    CourseSection,
    Registration,
    RegistrationChange,
    RegistrationEvent,
    User,
)
from tests import factories as f


@pytest.fixture
def office(ctx: AppContext, make_actor):  # type: ignore[no-untyped-def]
    coordinator = make_actor("coordinator")
    advisor = make_actor("advisor", "adv.rules")
    other = make_actor("coordinator", "coord.not.advisor")
    with ctx.sessions.begin() as s:
        program = f.program(s)
        course = f.course(s, code="CPE-401")
        section = f.section(s, course, section="01", capacity=2, academic_year=2026, semester=1)
        codes = [s.get_one(f.Student, f.student(s, program)).student_code for _ in range(4)]
    return {"coordinator": coordinator, "advisor": advisor, "other": other, "section": section, "codes": codes,
            "course": course, "program": program}  # fmt: skip


def _enter(ctx: AppContext, o: dict, code: str, **extra: object) -> int:  # type: ignore[type-arg]
    request = IntakeRequest(student_code=code, section_id=o["section"], **extra)  # type: ignore[arg-type]
    return registrations.enter_registration(ctx, actor=o["coordinator"], request=request).registration_id


def _rules(exc: pytest.ExceptionInfo[IntakeRefused]) -> list[tuple[str, str]]:
    return [(p.field, p.rule) for p in exc.value.problems]


def _count(ctx: AppContext, model: type) -> int:
    with ctx.sessions.begin() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_entering_writes_the_registration_its_event_audit_and_feed_row(ctx: AppContext, office) -> None:  # type: ignore[no-untyped-def]
    reg = _enter(ctx, office, office["codes"][0].lower(), advisor_id=office["advisor"].user_id)
    with ctx.sessions.begin() as s:
        row = s.get_one(Registration, reg)
        assert (row.status.value, row.version, row.advisor_id) == ("submitted", 1, office["advisor"].user_id)
        event = s.scalars(select(RegistrationEvent)).one()
        assert (event.from_status, event.to_status.value, event.actor_id) == (
            None,
            "submitted",
            office["coordinator"].user_id,
        )
        assert s.scalars(select(RegistrationChange)).one().event_id == event.id
        assert (
            s.scalar(select(AuditEntry.action).where(AuditEntry.entity_id == str(reg)))
            == "registration.create"
        )


def test_every_broken_rule_is_one_problem_and_nothing_is_saved(ctx: AppContext, office) -> None:  # type: ignore[no-untyped-def]
    codes = office["codes"]
    _enter(ctx, office, codes[0])
    _enter(ctx, office, codes[1])
    with ctx.sessions.begin() as s:
        closed = f.posting(s, status="closed", period=(date(2026, 6, 1), date(2026, 9, 30)))
    before = (_count(ctx, Registration), _count(ctx, RegistrationEvent), _count(ctx, AuditEntry))
    with pytest.raises(IntakeRefused) as full:
        _enter(ctx, office, codes[2], advisor_id=office["other"].user_id, internship_id=closed)
    assert _rules(full) == [
        ("section", "section_full"),
        ("posting", "posting"),
        ("advisor", "not_an_advisor"),
    ]
    assert "is full: all 2 seats are taken" in full.value.message
    with pytest.raises(IntakeRefused) as twice:
        _enter(ctx, office, codes[0])
    assert ("student", "duplicate") in _rules(twice)
    with pytest.raises(IntakeRefused) as unknown:
        registrations.enter_registration(ctx, actor=office["coordinator"], request=IntakeRequest(
            student_code="0000000000", course_code="NOPE-1", semester=1, academic_year=2569,
            advisor_username="ghost"))  # fmt: skip
    assert _rules(unknown) == [("student", "unknown"), ("section", "unknown"), ("advisor", "unknown")]
    assert (_count(ctx, Registration), _count(ctx, RegistrationEvent), _count(ctx, AuditEntry)) == before


def test_a_closed_section_and_a_rejected_registration_say_so(ctx: AppContext, office) -> None:  # type: ignore[no-untyped-def]
    reg = _enter(ctx, office, office["codes"][0])
    registrations.transition(
        ctx, actor=office["coordinator"], registration_id=reg, action="reject", reason="late"
    )
    with pytest.raises(IntakeRefused) as rejected:
        _enter(ctx, office, office["codes"][0])
    assert "reinstate it instead" in rejected.value.message
    with ctx.sessions.begin() as s:
        s.get_one(Course, office["course"]).archived = True
    with pytest.raises(IntakeRefused) as closed:
        _enter(ctx, office, office["codes"][1])
    assert _rules(closed) == [("section", "section_closed")]


def test_the_course_code_and_term_name_the_section(ctx: AppContext, office) -> None:  # type: ignore[no-untyped-def]
    by_term = IntakeRequest(
        student_code=office["codes"][0], course_code="cpe-401", semester=1, academic_year=2569
    )
    made = registrations.enter_registration(ctx, actor=office["coordinator"], request=by_term)
    with ctx.sessions.begin() as s:
        assert s.get_one(Registration, made.registration_id).section_id == office["section"]
        f.section(s, office["course"], section="02", academic_year=2026, semester=1)
    again = IntakeRequest(
        student_code=office["codes"][1], course_code="CPE-401", semester=1, academic_year=2026
    )
    with pytest.raises(IntakeRefused) as ambiguous:
        registrations.enter_registration(ctx, actor=office["coordinator"], request=again)
    assert _rules(ambiguous) == [("section", "ambiguous")] and "01, 02" in ambiguous.value.message
    named = IntakeRequest(student_code=office["codes"][1], course_code="CPE-401", semester=1, academic_year=2026,
                          section="2")  # fmt: skip
    made = registrations.enter_registration(ctx, actor=office["coordinator"], request=named)
    with ctx.sessions.begin() as s:
        section = s.get_one(CourseSection, s.get_one(Registration, made.registration_id).section_id)
        assert section.section == "02"


def test_idempotency_replays_and_refuses_another_body(ctx: AppContext, office) -> None:  # type: ignore[no-untyped-def]
    request = IntakeRequest(student_code=office["codes"][0], section_id=office["section"])
    key = Idempotency(client_id=_client(ctx, office), key="k-1", fingerprint="a" * 64)
    first = registrations.enter_registration(
        ctx, actor=office["coordinator"], request=request, idempotency=key
    )
    again = registrations.enter_registration(
        ctx, actor=office["coordinator"], request=request, idempotency=key
    )
    assert (again.registration_id, again.replayed, first.replayed) == (first.registration_id, True, False)
    with pytest.raises(KeyReused):
        registrations.enter_registration(ctx, actor=office["coordinator"], request=request,
                                         idempotency=Idempotency(key.client_id, "k-1", "b" * 64))  # fmt: skip
    assert (_count(ctx, Registration), _count(ctx, RegistrationEvent)) == (1, 1)


def test_two_concurrent_requests_with_one_key_make_one_registration_and_one_event(
    ctx: AppContext, office
) -> None:  # type: ignore[no-untyped-def]
    request = IntakeRequest(student_code=office["codes"][0], section_id=office["section"])
    key = Idempotency(client_id=_client(ctx, office), key="same", fingerprint="c" * 64)
    start, results, failures = threading.Barrier(2), [], []

    def enter() -> None:
        start.wait()
        try:
            results.append(registrations.enter_registration(ctx, actor=office["coordinator"], request=request,
                                                            idempotency=key))  # fmt: skip
        except Exception as exc:  # collected and asserted below
            failures.append(exc)

    threads = [threading.Thread(target=enter) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert len({r.registration_id for r in results}) == 1 and sorted(r.replayed for r in results) == [
        False,
        True,
    ]
    assert (_count(ctx, Registration), _count(ctx, RegistrationEvent)) == (1, 1)


def test_withdraw_needs_a_reason_and_the_version_seen(ctx: AppContext, office, make_actor) -> None:  # type: ignore[no-untyped-def]
    reg = _enter(ctx, office, office["codes"][0])
    with pytest.raises(Outdated):
        registrations.withdraw_registration(ctx, actor=office["coordinator"], registration_id=reg, reason="x",
                                            version=5)  # fmt: skip
    with pytest.raises(Exception, match="A reason is required"):
        registrations.withdraw_registration(ctx, actor=office["coordinator"], registration_id=reg, reason=" ")
    done = registrations.withdraw_registration(ctx, actor=office["coordinator"], registration_id=reg,
                                               reason="ย้ายสถานศึกษา", version=1)  # fmt: skip
    assert (done.status, done.version) == ("withdrawn", 2)
    with pytest.raises(PermissionDenied):
        registrations.withdraw_registration(ctx, actor=make_actor("advisor"), registration_id=reg, reason="x")


def test_the_import_applies_the_same_rules(ctx: AppContext, office) -> None:  # type: ignore[no-untyped-def]
    head = "student_code,course_code,section,semester,academic_year,advisor_username,company_registration_no"
    codes = office["codes"]
    rows = [f"{c},CPE-401,01,1,2569,adv.rules," for c in codes[:3]]  # three for two seats
    text = "\n".join([head, *rows, f"{codes[3]},CPE-401,01,1,2569,coord.not.advisor,"]) + "\n"
    preview = imports.preview_import(ctx, actor=office["coordinator"], kind="registrations", data=text.encode(),
                                     filename="r.csv")  # fmt: skip
    issues = [(i.line, i.column, i.message.render("en")) for i in preview.errors]
    assert (4, "section", "CPE-401 sec 01 1/2026 is full: all 2 seats are taken.") in issues
    assert (5, "advisor_username", "coord.not.advisor is not an active advisor.") in issues
    ok = "\n".join([head, *rows[:2]]) + "\n"
    assert imports.commit_import(ctx, actor=office["coordinator"], kind="registrations", data=ok.encode(),
                                 filename="r.csv").created == 2  # fmt: skip
    again = imports.preview_import(ctx, actor=office["coordinator"], kind="registrations", data=ok.encode(),
                                   filename="r.csv")  # fmt: skip
    assert (again.errors, again.unchanged) == ((), 2)  # a file uploaded again changes nothing
    with ctx.sessions.begin() as s:
        s.get_one(CourseSection, office["section"]).archived = True
    closed = imports.preview_import(ctx, actor=office["coordinator"], kind="registrations",
                                    data=("\n".join([head, rows[2]]) + "\n").encode(), filename="r.csv")  # fmt: skip
    assert [i.message.render("en") for i in closed.errors] == ["CPE-401 sec 01 1/2026 is closed."]
    assert _count(ctx, RegistrationChange) == 2


def _client(ctx: AppContext, office) -> int:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from core import api_clients, clock

    admin_id = office["coordinator"].user_id
    with ctx.sessions.begin() as s:
        s.get_one(User, admin_id).role = "admin"
    admin = office["coordinator"].__class__(admin_id, "a", "a", "admin")
    issued = api_clients.create_client(ctx, actor=admin, name=f"c{clock.now().timestamp()}", scopes=["changes:read"],
                                       expires_on=clock.now().date() + timedelta(days=1))  # fmt: skip
    with ctx.sessions.begin() as s:
        s.get_one(User, admin_id).role = "coordinator"
    return issued.client_id
