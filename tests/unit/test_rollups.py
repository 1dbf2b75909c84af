"""The registration rollups equal a full recount after random transitions, imports and reinstatements."""

from __future__ import annotations

from contextlib import suppress

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from core import progress
from core import registrations as workflow
from core.context import AppContext
from core.errors import DomainError
from core.imports import importer as imports
from core.registrations import rollups
from core.registrations import states as rules
from db.models import Registration, Role
from db.models import RegistrationStatus as S
from tests import factories as f

R_HEAD = "student_code,course_code,section,semester,academic_year,advisor_username,company_registration_no"
S_HEAD = (
    "student_code,first_name_th,last_name_th,first_name_en,last_name_en,email,phone,faculty,program,year,gpax"
)
STUDENTS = 40
# Weighted towards approving (sequences reach the placement) and reinstating (rejected comes back).
ACTION = st.sampled_from([*rules.ACTIONS, "approve", "approve", "approve", "reinstate"])
STEP = st.one_of(
    st.tuples(st.just("transition"), st.integers(0, 200), ACTION),
    st.tuples(st.just("import"), st.integers(0, STUDENTS - 1), st.integers(1, 6)),
    st.tuples(st.just("reinstate"), st.integers(0, 200), st.just("")),
)


def _office(ctx: AppContext, make_actor) -> tuple[object, int]:  # type: ignore[no-untyped-def]
    """Students to import registrations for, a section the import fills and one made by hand."""
    make_actor(Role.ADVISOR, "adv1")
    office = make_actor(Role.ADMIN)
    with ctx.sessions.begin() as s:
        fac = f.faculty(s, code="ENG", name_th="คณะวิศวกรรมศาสตร์", name_en="Engineering")
        f.program(s, faculty_id=fac, code="CPE", name_th="วิศวกรรมคอมพิวเตอร์", name_en="Computer Engineering")
        f.section(s, f.course(s, code="CPE-401"), section="1", semester=1, academic_year=2026, capacity=500)
        f.company(s, registration_no="0105555000001")
        other = f.section(s, capacity=500, academic_year=2025)
        posting = f.posting(s, slots=500)
        for status in (S.SUBMITTED, S.REJECTED, S.COMMITTEE_APPROVED, S.ADVISOR_APPROVED):
            f.registration(s, section_id=other, internship_id=posting, status=status)
    rows = [
        f"65{i:08d},สมชาย,ใจดี,Somchai,Jaidee,s{i}@example.ac.th,0812345678,ENG,วิศวกรรมคอมพิวเตอร์,4,3.25"
        for i in range(STUDENTS)
    ]
    data = "\n".join([S_HEAD, *rows]).encode()
    imports.commit_import(ctx, actor=office, kind="students", data=data, filename="s.csv")
    return office, posting


def _import(ctx: AppContext, office: object, first: int, count: int) -> None:
    rows = [f"65{i:08d},cpe-401,1,1,2026,adv1," for i in range(first, min(first + count, STUDENTS))]
    data = ("\n".join([R_HEAD, *rows]) + "\n").encode()
    with suppress(DomainError):  # every row already imported: nothing to commit
        imports.commit_import(ctx, actor=office, kind="registrations", data=data, filename="r.csv")


def _ids(ctx: AppContext) -> list[int]:
    with ctx.sessions.begin() as s:
        return list(s.scalars(select(Registration.id).order_by(Registration.id)))


def _take(ctx: AppContext, office: object, reg_id: int, action: str, posting: int) -> None:
    with suppress(DomainError):  # not allowed from this status (or the rules refuse it): nothing changes
        workflow.transition(ctx, actor=office, registration_id=reg_id, action=action, reason="why",
                            internship_id=posting)  # fmt: skip


def _assert_rollups_equal_recount(ctx: AppContext) -> None:
    with ctx.sessions.begin() as s:
        assert rollups.counts(s) == rollups.recounted(s)


def test_rollups_equal_a_full_recount_after_random_writes(ctx: AppContext, make_actor) -> None:  # type: ignore[no-untyped-def]
    office, posting = _office(ctx, make_actor)
    _assert_rollups_equal_recount(ctx)

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(steps=st.lists(STEP, min_size=3, max_size=15))
    def run(steps: list[tuple[str, int, object]]) -> None:
        for kind, number, extra in steps:
            if kind == "import":
                _import(ctx, office, number, int(str(extra)))
                continue
            ids = _ids(ctx)
            action = "reinstate" if kind == "reinstate" else str(extra)
            _take(ctx, office, ids[number % len(ids)], action, posting)
        _assert_rollups_equal_recount(ctx)

    run()


def test_the_dashboard_reads_the_rollups_and_agrees_with_the_registrations(
    ctx: AppContext, make_actor
) -> None:  # type: ignore[no-untyped-def]
    office, posting = _office(ctx, make_actor)
    _import(ctx, office, 0, 10)
    for reg_id in _ids(ctx)[:6]:
        _take(ctx, office, reg_id, "approve", posting)
    manager = make_actor(Role.ADMIN)
    with ctx.sessions.begin() as s:
        statuses = [str(r.value) for r in s.scalars(select(Registration.status))]
    tiles = {
        k.key: k.value for k in progress.kpis(ctx, actor=manager, filters=progress.ProgressFilters()).kpis
    }
    assert tiles["registered"] == len(statuses)
    assert tiles[S.PLACED.value] == sum(s in {x.value for x in rules.PLACED} for s in statuses) > 0
    by_term = progress.kpis(
        ctx, actor=manager, filters=progress.ProgressFilters(academic_year=2026, semester=1)
    )
    assert {k.key: k.value for k in by_term.kpis}["registered"] == 10  # the imported section alone
    # A write that bypasses the writers is not seen until the rollups are counted again.
    with ctx.sessions.begin() as s:
        s.execute(update(Registration).where(Registration.id == _ids(ctx)[-1]).values(status=S.WITHDRAWN))
        assert rollups.counts(s) != rollups.recounted(s)
        rollups.recount(s)
        assert rollups.counts(s) == rollups.recounted(s)
