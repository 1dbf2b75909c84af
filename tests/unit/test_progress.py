"""Progress aggregates against the truth counted in plain Python over a hand-built data set."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import pytest

from core import clock, progress
from core.errors import InvalidInput, PermissionDenied
from core.progress import ProgressFilters
from core.progress.bottlenecks import time_in_state
from core.progress.queue_ageing import queue_ageing
from core.registrations.states import FUNNEL_RANK as STAGE_RANK
from core.registrations.states import FUNNEL_STAGES as STAGES
from db.models import Role
from tests import factories as f
from tests.factories import Step

T = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)  # a Monday: the current term's first submission
P = datetime(2024, 6, 3, 9, 0, tzinfo=UTC)  # the previous term's first submission
NOW = T + timedelta(days=20, hours=3)
PLACED = {"placed", "in_progress", "completed"}

# (name, program, section, company, advisor, [(status, day, actor)]) — days after the term's start.
CURRENT = [
    ("r1", "P1", "c1", "A", "adv1", [("submitted", 0, None), ("advisor_approved", 1, "adv1"), ("committee_approved", 3, "m1"), ("placed", 4, "coord"), ("in_progress", 6, "coord"), ("completed", 15, "coord")]),
    ("r2", "P1", "c1", "B", "adv1", [("submitted", 0, None), ("advisor_approved", 2, "adv1"), ("committee_approved", 5, "m2"), ("placed", 7, "coord"), ("in_progress", 9, "coord")]),
    ("r3", "P2", "c1", "A", "adv2", [("submitted", 1, None), ("advisor_approved", 4, "adv2"), ("committee_approved", 6, "m1"), ("placed", 8, "coord")]),
    ("r4", "P2", "c2", "C", "adv2", [("submitted", 1, None), ("advisor_approved", 11, "adv2"), ("committee_approved", 12, "m3"), ("placed", 13, "coord"), ("in_progress", 14, "coord"), ("failed", 18, "coord")]),
    ("r5", "P3", "c2", None, "adv1", [("submitted", 2, None), ("advisor_approved", 3, "adv1")]),
    ("r6", "P3", "c1", None, "adv2", [("submitted", 2, None)]),
    ("r7", "P1", "c2", None, "adv1", [("submitted", 3, None), ("needs_changes", 5, "adv1")]),
    ("r8", "P1", "c1", None, "adv1", [("submitted", 4, None), ("advisor_approved", 5, "adv1"), ("committee_approved", 19, "m2")]),
    ("r9", "P3", "c2", None, "adv1", [("submitted", 5, None), ("withdrawn", 6, "coord")]),
    ("r10", "P2", "c1", None, "adv2", [("submitted", 15, None)]),
    ("r11", "P1", "c1", None, "adv2", [("submitted", 0, None), ("advisor_approved", 1, "adv2"), ("rejected", 10, "m1")]),
    ("r12", "P1", "c1s2", None, "adv1", [("submitted", 0, None)]),
]  # fmt: skip
PREVIOUS = [
    ("q1", "P1", "prev", None, "adv1", [("submitted", 0, None), ("advisor_approved", 2, "adv1"), ("committee_approved", 4, "m1"), ("placed", 10, "coord"), ("in_progress", 19, "coord"), ("completed", 30, "coord")]),
    ("q2", "P1", "prev", None, "adv1", [("submitted", 1, None), ("advisor_approved", 21, "adv1")]),
    ("q3", "P2", "prev", None, "adv2", [("submitted", 25, None)]),
    ("q4", "P3", "prev", None, "adv2", [("submitted", 0, None), ("withdrawn", 5, "coord")]),
    ("q5", "P2", "prev", "A", "adv2", [("submitted", 3, None), ("advisor_approved", 5, "adv2"), ("committee_approved", 6, "m2"), ("placed", 20, "coord")]),
]  # fmt: skip
TERMS = {"c1": ("C1", 2025, 1), "c2": ("C2", 2025, 1), "c1s2": ("C1", 2025, 2), "prev": ("C1", 2024, 1)}


@dataclass(frozen=True)
class Reg:
    """A registration as the test knows it."""

    id: int
    name: str
    program: str
    faculty: str
    course: str
    year: int
    semester: int
    company: str | None
    steps: tuple[tuple[str, datetime, str | None], ...]

    @property
    def status(self) -> str:
        return self.steps[-1][0]


@pytest.fixture
def world(ctx, make_actor, monkeypatch):  # type: ignore[no-untyped-def]
    """Build the data set; returns (regs, users by name, actors)."""
    monkeypatch.setattr(clock, "now", lambda: NOW)
    users = {
        n: make_actor(Role.ADVISOR, n, full_name=f"อาจารย์ {n}").user_id
        for n in ("adv1", "adv2", "m1", "m2", "m3")
    }
    users["coord"] = make_actor(Role.COORDINATOR, "coord").user_id
    regs: list[Reg] = []
    with ctx.sessions.begin() as session:
        faculties = {
            "F1": f.faculty(session, name_th="คณะวิศวกรรมศาสตร์"),
            "F2": f.faculty(session, name_th="คณะวิทยาศาสตร์"),
        }
        faculty_of = {"P1": "F1", "P2": "F1", "P3": "F2"}
        programs = {
            p: f.program(session, faculties[fac], name_th=f"สาขา {p}") for p, fac in faculty_of.items()
        }
        courses = {c: f.course(session, code=c, name_th=f"ฝึกงาน {c}", name_en=c) for c in ("C1", "C2")}
        committee = {"c1": ["m1", "m2"], "c2": ["m1", "m3"], "c1s2": [], "prev": ["m1", "m2"]}
        sections = {
            key: f.section(
                session,
                courses[c],
                academic_year=y,
                semester=s,
                capacity=100,
                coordinator_id=users["coord"],
                members=[users[m] for m in committee[key]],
                section="1",
            )
            for key, (c, y, s) in TERMS.items()
        }
        postings = {
            "A": f.posting(
                session,
                f.company(session, name_th="บริษัท ก", name_en="บริษัท ก", province="กรุงเทพมหานคร"),
                "Intern",
                province="กรุงเทพมหานคร",
            ),
            "B": f.posting(
                session,
                f.company(session, name_th="บริษัท ข", name_en="บริษัท ข", province="เชียงใหม่"),
                "Intern",
                province="เชียงใหม่",
            ),
            "C": f.posting(
                session,
                f.company(session, name_th="บริษัท ค", name_en="บริษัท ค", province="กรุงเทพมหานคร"),
                "Intern",
                province="กรุงเทพมหานคร",
            ),
        }
        for start, specs in ((T, CURRENT), (P, PREVIOUS)):
            for name, prog, sec, company, adv, raw in specs:
                steps = tuple((s, start + timedelta(days=d), a) for s, d, a in raw)
                rid = f.registration(
                    session,
                    student_id=f.student(session, programs[prog]),
                    section_id=sections[sec],
                    advisor_id=users[adv],
                    internship_id=postings[company] if company else None,
                    steps=[Step(s, at, users[a] if a else None) for s, at, a in steps],
                )
                course, year, semester = TERMS[sec]
                regs.append(Reg(rid, name, prog, faculty_of[prog], course, year, semester, company, steps))
        r5 = next(r for r in regs if r.name == "r5")
        f.vote(session, r5.id, users["m3"], at=T + timedelta(days=4))
    ids = {"faculty": faculties, "program": programs, "course": courses}
    return regs, users, ids


def _current(regs: list[Reg]) -> list[Reg]:
    return [r for r in regs if (r.year, r.semester) == (2025, 1)]


def _rank(reg: Reg) -> int:
    return max(STAGE_RANK.get(s, 0) for s, _, _ in reg.steps)


def _p90(values: list[float]) -> float:
    ordered, pos = sorted(values), 0.9 * (len(values) - 1)
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


TERM = ProgressFilters(academic_year=2025, semester=1)


def test_kpis_match_the_rows_and_last_term_at_the_same_point(ctx, make_actor, world) -> None:
    regs, _, _ = world
    manager = make_actor(Role.MANAGER)
    result = progress.kpis(ctx, actor=manager, filters=TERM, target=0.5)
    values = {k.key: k.value for k in result.kpis}
    cur = _current(regs)
    assert values["registered"] == len(cur) == 11
    assert values["approved"] == sum(_rank(r) >= 1 for r in cur) == 7
    for status in ("in_progress", "completed", "failed", "withdrawn"):
        assert values[status] == sum(r.status == status for r in cur)
    # One meaning of "placed" on the tile, in the rate and in the charts: holding a place now.
    assert values["placed"] == sum(r.status in PLACED for r in cur) == 3
    assert result.placement_rate == pytest.approx(values["placed"] / len(cur))
    assert {k.key for k in result.kpis if k.lower_is_better} == {"failed", "withdrawn"}
    assert "placed, in progress or completed" in next(k.definition for k in result.kpis if k.key == "placed")
    assert result.meets_target is False  # 3/11
    # Previous term as it stood 20 days after its own start (end of that day).
    cutoff = datetime.combine(P.date() + timedelta(days=(NOW.date() - T.date()).days), time.max, UTC)
    prev = [r for r in regs if r.year == 2024 and r.steps[0][1] <= cutoff]
    asof = {r.name: [s for s, at, _ in r.steps if at <= cutoff][-1] for r in prev}
    before = {k.key: k.previous for k in result.kpis}
    assert before["registered"] == len(prev) == 4
    assert (
        before["approved"]
        == sum(any(STAGE_RANK.get(s, 0) >= 1 and at <= cutoff for s, at, _ in r.steps) for r in prev)
        == 2
    )
    assert (before["placed"], before["in_progress"], before["completed"], before["withdrawn"]) == (2, 1, 0, 1)
    assert before["placed"] == sum(v in PLACED for v in asof.values())
    assert {k.key: k.delta for k in result.kpis}["registered"] == 11 - 4
    assert result.previous_rate == pytest.approx(2 / 4)


@pytest.mark.parametrize(
    ("field", "key", "pick"),
    [("faculty_id", "F2", lambda r: r.faculty == "F2"), ("program_id", "P1", lambda r: r.program == "P1"), ("course_id", "C2", lambda r: r.course == "C2")],
)  # fmt: skip
def test_filters_and_funnel(ctx, make_actor, world, field, key, pick) -> None:
    regs, _, ids = world
    dim = field.removesuffix("_id")
    filters = ProgressFilters(academic_year=2025, semester=1, **{field: ids[dim][key]})
    frame = progress.funnel(ctx, actor=make_actor(Role.COORDINATOR), filters=filters)
    chosen = [r for r in _current(regs) if pick(r)]
    assert list(frame["stage"]) == list(STAGES)
    assert list(frame["reached"]) == [sum(_rank(r) >= i for r in chosen) for i in range(len(STAGES))]


def test_timeline_breakdowns_and_drilldown(ctx, make_actor, world) -> None:
    regs, _, _ = world
    admin = make_actor(Role.ADMIN)
    cur = _current(regs)
    weekly = progress.timeline(ctx, actor=admin, filters=TERM, freq="W")
    truth: dict[tuple[object, str], int] = {}
    for r in cur:
        day = r.steps[0][1].date()
        week = day - timedelta(days=day.weekday())
        truth[(week, r.status)] = truth.get((week, r.status), 0) + 1
    got = {(p.date(), s): n for p, s, n in weekly.itertuples(index=False)}
    assert got == truth
    companies = progress.breakdown(ctx, actor=admin, filters=TERM, dimension="company", top=2)
    assert list(companies["label"]) == ["บริษัท ก", "บริษัท ข", "Others"]
    assert list(companies["registrations"]) == [2, 1, 1]
    assert list(companies["placed_students"]) == [2, 1, 0]
    provinces = progress.breakdown(ctx, actor=admin, filters=TERM, dimension="province")
    assert dict(zip(provinces["label"], provinces["registrations"], strict=True)) == {
        "กรุงเทพมหานคร": 3,
        "เชียงใหม่": 1,
    }
    stage = progress.drilldown(ctx, actor=admin, dimension="stage", value="placed", filters=TERM).rows
    assert set(stage["id"]) == {r.id for r in cur if _rank(r) >= STAGES.index("placed")}
    a_key = companies.loc[0, "key"]
    company = progress.drilldown(ctx, actor=admin, dimension="company", value=a_key, filters=TERM).rows
    assert set(company["id"]) == {r.id for r in cur if r.company == "A"}
    r3 = next(r for r in cur if r.name == "r3")
    assert company.set_index("id").loc[r3.id, "days_in_state"] == pytest.approx(12.1, abs=0.05)


def test_time_in_state_matches_hand_computed_medians(ctx, make_actor, world) -> None:
    regs, users, _ = world
    result = time_in_state(ctx, actor=make_actor(Role.MANAGER), filters=TERM)
    stage = result.per_stage.set_index("state")
    # Submitted lasted 1,2,3,10,1,2,1,1,1 days: median 1, p90 at 7.2 of 8 -> 3 + 0.2 * 7 = 4.4.
    assert stage.loc["submitted", "median_days"] == pytest.approx(1.0)
    assert stage.loc["submitted", "p90_days"] == pytest.approx(4.4)
    # Advisor-approved lasted 2,3,2,1,14,9 days: median 2.5, p90 at 4.5 of 5 -> 9 + 0.5 * 5 = 11.5.
    assert stage.loc["advisor_approved", "median_days"] == pytest.approx(2.5)
    assert stage.loc["advisor_approved", "p90_days"] == pytest.approx(11.5)
    pairs: dict[tuple[str, str | None], list[float]] = {}
    for r in _current(regs):
        for (state, at, _), (_, nxt, who) in zip(r.steps, r.steps[1:], strict=False):
            pairs.setdefault((state, who), []).append((nxt - at).total_seconds() / 86400)
    by = {
        (s, n): (m, p)
        for s, n, m, p in result.per_approver[["state", "approver", "median_days", "p90_days"]].itertuples(
            index=False
        )
    }
    for (state, who), values in pairs.items():
        median, p90 = by[(state, f"อาจารย์ {who}" if who != "coord" else "Test Coordinator")]
        assert median == pytest.approx(statistics.median(values)) and p90 == pytest.approx(_p90(values))
    slow = result.per_approver[result.per_approver["stands_out"]]
    assert ("submitted", "อาจารย์ adv2") in set(zip(slow["state"], slow["approver"], strict=True))


def test_queue_ageing_names_the_oldest_and_who_holds_overdue_items(ctx, make_actor, world) -> None:
    regs, users, _ = world
    result = queue_ageing(ctx, actor=make_actor(Role.MANAGER), filters=TERM, oldest=3)
    names = {r.id: r.name for r in regs}
    assert [names[i] for i in result.oldest["id"]] == ["r6", "r5", "r7"]
    assert list(result.oldest["days_in_state"]) == pytest.approx([18.125, 17.125, 15.125])
    by_state = result.by_state.set_index("state")
    assert by_state.loc["submitted", "open"] == 2 and by_state.loc["submitted", "overdue"] == 1
    # r7 has needed changes for 15 days: it waits for the student, so it is open but never overdue.
    assert by_state.loc["needs_changes", "open"] == 1 and by_state.loc["needs_changes", "overdue"] == 0
    overdue = {
        (a, s): n
        for a, s, n in result.overdue_by_approver[["approver_id", "state", "overdue"]].itertuples(index=False)
    }
    # r6 waits on its advisor; r5 on the one committee member (m1) who has not voted yet.
    assert overdue == {(users["adv2"], "submitted"): 1, (users["m1"], "advisor_approved"): 1}


def test_a_write_and_bump_is_visible_on_next_load(ctx, make_actor, world) -> None:
    manager = make_actor(Role.MANAGER)
    before = {k.key: k.value for k in progress.kpis(ctx, actor=manager, filters=TERM).kpis}
    regs, users, ids = world
    with ctx.sessions.begin() as session:
        from sqlalchemy import select

        from db.models import CourseSection

        section = session.scalar(
            select(CourseSection.id).where(CourseSection.academic_year == 2025, CourseSection.semester == 1)
        )
        f.registration(
            session,
            student_id=f.student(session, ids["program"]["P1"]),
            section_id=section,
            steps=[Step("submitted", T + timedelta(days=19))],
        )
    stale = {k.key: k.value for k in progress.kpis(ctx, actor=manager, filters=TERM).kpis}
    assert stale["registered"] == before["registered"]  # cached until the writer bumps
    ctx.cache.bump("registrations")
    fresh = {k.key: k.value for k in progress.kpis(ctx, actor=manager, filters=TERM).kpis}
    assert fresh["registered"] == before["registered"] + 1


def test_only_progress_roles_may_look(ctx, make_actor) -> None:
    for role in (Role.STAFF, Role.ADVISOR):
        with pytest.raises(PermissionDenied):
            progress.kpis(ctx, actor=make_actor(role), filters=TERM)
        with pytest.raises(PermissionDenied):
            queue_ageing(ctx, actor=make_actor(role), filters=TERM)


def test_drilldown_lists_the_longest_waiting_first_and_says_when_it_cuts(
    ctx, make_actor, world, monkeypatch
) -> None:
    regs, _, _ = world
    manager = make_actor(Role.MANAGER)
    everyone = progress.drilldown(ctx, actor=manager, dimension="stage", value="submitted", filters=TERM)
    assert everyone.total == len(_current(regs)) and not everyone.truncated
    days = list(everyone.rows["days_in_state"])
    assert days == sorted(days, reverse=True)
    monkeypatch.setattr("core.progress.rows.DRILL_LIMIT", 2)
    ctx.cache.bump("registrations")
    cut = progress.drilldown(ctx, actor=manager, dimension="stage", value="submitted", filters=TERM)
    assert cut.truncated and cut.total == everyone.total
    assert list(cut.rows["id"]) == list(everyone.rows["id"][:2])


@pytest.mark.parametrize(
    ("dimension", "value"),
    [("status", "nonsense"), ("stage", "rejected"), ("company", "1 OR 1=1"), ("colour", "red")],
)
def test_drilldown_refuses_unknown_selections(ctx, make_actor, dimension, value) -> None:
    with pytest.raises(InvalidInput):
        progress.drilldown(
            ctx, actor=make_actor(Role.MANAGER), dimension=dimension, value=value, filters=TERM
        )


def _snapshots(ctx) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from db.models import ProgressSnapshot

    with ctx.sessions.begin() as session:
        return int(session.scalar(select(func.count()).select_from(ProgressSnapshot)) or 0)


def test_last_terms_past_day_is_computed_once_and_kept(ctx, make_actor, world, monkeypatch) -> None:
    from core.progress import aggregates as progress_sql

    manager = make_actor(Role.MANAGER)
    first = {k.key: k.previous for k in progress.kpis(ctx, actor=manager, filters=TERM).kpis}
    assert _snapshots(ctx) == 1
    calls: list[object] = []
    real = progress_sql.status_stage_counts_at
    monkeypatch.setattr(progress_sql, "status_stage_counts_at", lambda *a: calls.append(a) or real(*a))
    ctx.cache.bump("registrations")  # a cold cache: the snapshot still answers
    again = {k.key: k.previous for k in progress.kpis(ctx, actor=manager, filters=TERM).kpis}
    assert again == first and calls == []
    # A day that is not over yet is never kept: events may still arrive on it.
    monkeypatch.setattr(clock, "now", lambda: datetime(2024, 6, 3, 12, 0, tzinfo=UTC))
    with ctx.sessions.begin() as session:
        from core.progress import history as progress_history

        cutoff = datetime(2024, 6, 3, 23, 59, 59, tzinfo=UTC)
        progress_history.counts_at(session, ProgressFilters(academic_year=2024, semester=1), cutoff)
    assert len(calls) == 1 and _snapshots(ctx) == 1


def test_a_section_edit_forgets_kept_snapshots(ctx, make_actor, world) -> None:
    from sqlalchemy import select

    from core.courses import sections
    from db.models import CourseSection

    manager, admin = make_actor(Role.MANAGER), make_actor(Role.ADMIN)
    progress.kpis(ctx, actor=manager, filters=TERM)
    assert _snapshots(ctx) == 1
    with ctx.sessions.begin() as session:
        section = session.scalars(select(CourseSection).where(CourseSection.academic_year == 2024)).first()
        assert section is not None
        args = {"course_id": section.course_id, "section": section.section, "semester": section.semester}
        sid, capacity = section.id, section.capacity
    sections.save_section(ctx, actor=admin, **args, academic_year=2023, capacity=capacity, section_id=sid)
    assert _snapshots(ctx) == 0


def test_a_renamed_company_shows_in_the_breakdown_at_once(ctx, make_actor, world) -> None:
    from core.postings import companies

    manager, staff = make_actor(Role.MANAGER), make_actor("staff")
    before = progress.breakdown(ctx, actor=manager, filters=TERM, dimension="company")
    key = int(before.loc[before["label"] == "บริษัท ก", "key"].iloc[0])
    row = next(c for c in companies.list_companies(ctx, actor=staff) if c.id == key)
    form = companies.CompanyForm("0105555000099", "บริษัท ก ใหม่", row.name_en or "Company A", row.province)
    companies.update_company(ctx, actor=staff, company_id=key, form=form)
    after = progress.breakdown(ctx, actor=manager, filters=TERM, dimension="company")
    assert "บริษัท ก ใหม่" in set(after["label"]) and "บริษัท ก" not in set(after["label"])
    # The province breakdown shares the posting counts: both agree with the rows.
    provinces = progress.breakdown(ctx, actor=manager, filters=TERM, dimension="province")
    assert int(provinces["registrations"].sum()) == int(after["registrations"].sum())


def test_the_page_opens_on_the_current_year_or_the_latest_with_registrations(ctx, make_actor, world) -> None:
    from core.progress import filter_options, opening_year
    from tests import factories as f

    with ctx.sessions.begin() as session:
        f.section(session, academic_year=2026, semester=1)  # next year: sections but no registrations
    options = filter_options(ctx, actor=make_actor(Role.MANAGER))
    assert options.years[0] == 2026 and options.default_year == 2025
    assert opening_year({2024, 2025}, 2025) == 2025 and opening_year(set(), 2025) is None
    assert opening_year({2023, 2024}, 2025) == 2024


def test_programs_narrow_to_the_chosen_faculty(ctx, make_actor, world) -> None:
    from core.progress import filter_options

    _, _, ids = world
    options = filter_options(ctx, actor=make_actor(Role.MANAGER))
    f2 = [p for p, _ in options.programs_of(ids["faculty"]["F2"])]
    assert f2 and set(f2) < {p for p, _ in options.programs}
    assert all(options.program_faculty[p] == ids["faculty"]["F2"] for p in f2)
    assert options.programs_of(None) == options.programs


@pytest.mark.parametrize("target", [1.2, -0.1])
def test_a_target_outside_0_to_100_percent_is_refused(ctx, make_actor, world, target) -> None:
    with pytest.raises(InvalidInput, match="between 0% and 100%"):
        progress.kpis(ctx, actor=make_actor(Role.MANAGER), filters=TERM, target=target)


def test_the_export_is_every_filtered_row_as_the_reader_reads_it(ctx, make_actor, world) -> None:
    regs, _, _ = world
    manager = make_actor(Role.MANAGER)
    english = progress.export_frame(ctx, actor=manager, filters=TERM)
    thai = progress.export_frame(ctx, actor=manager, filters=TERM, lang="th")
    assert len(english) == len(thai) == len(_current(regs))
    assert list(english.columns[:2]) == ["id", "student_code"] and "Submitted on" in english.columns
    assert {"สถานะ", "ปีการศึกษา", "วันที่ส่ง", "status"} <= set(thai.columns)
    assert set(thai["ปีการศึกษา"]) == {2568} and set(english["Academic year"]) == {2025}
    assert set(thai["status"]) == set(english["status"])  # the code column stays as it is
    assert "ส่งแล้ว" in set(thai["สถานะ"]) or "ได้ที่ฝึกงานแล้ว" in set(thai["สถานะ"])
    assert all(" 25" in t for t in thai["วันที่ส่ง"])  # 2 มิ.ย. 2568 09:00: BE, office time
