"""The review queue: filters, sorts, keyset paging, advisor scoping, export neutralisation."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import openpyxl
import pandas as pd
import pytest
from sqlalchemy.orm import Session

from core import clock
from core.access import Actor
from core.context import AppContext
from core.errors import InvalidInput, PermissionDenied
from core.export import safe_frame, to_csv_bytes, to_excel_bytes
from core.registrations import queue
from core.registrations import queue_order as queue_sort
from core.registrations.queue import QueueFilters
from db.collation import thai_sort_key
from db.models import Company, Course, CourseSection, Internship, RegistrationStatus, Role, User
from tests import factories as f

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
UNIQUE_SORTS = ("id", "student_code", "submitted_at")
STATUSES = [RegistrationStatus.SUBMITTED, RegistrationStatus.ADVISOR_APPROVED, RegistrationStatus.PLACED]


def _names(i: int) -> dict[str, str]:
    """Names with many ties, so the keyset must break them by the second name and then by id."""
    names = {
        "first_name_th": ["กมล", "ชนิดา", "สมชาย"][i % 3],
        "last_name_th": ["ดีมาก", "ใจดี"][i % 4 // 2],
        "first_name_en": ["Somchai", "Somchaiya"][i % 2],
        "last_name_en": ["Jaidee", "Meesuk"][i % 3 // 2],
    }
    if i == 5:
        names |= {"first_name_th": "มานี", "last_name_th": f"มีนา{i}"}
    if i == 6:
        names |= {"first_name_en": '=HYPERLINK("http://evil")', "last_name_en": "X"}
    return names


@dataclass
class Data:
    rows: list[dict]
    ids: dict[str, int]
    coordinator: Actor
    advisors: list[Actor]

    @property
    def by_id(self) -> dict[int, dict]:
        """The rows by registration id."""
        return {r["id"]: r for r in self.rows}


@pytest.fixture
def data(ctx: AppContext, make_actor, monkeypatch: pytest.MonkeyPatch) -> Data:
    monkeypatch.setattr(clock, "now", lambda: T0)
    # Thai dictionary order puts ใจดี (under จ) before ชนะ; code-point order would not.
    advisors = [make_actor(Role.ADVISOR, full_name="ชนะ ทองดี"), make_actor(Role.ADVISOR, full_name="ใจดี มีสุข")]
    rows: list[dict] = []
    with ctx.sessions.begin() as s:
        ids = {"fac_a": f.faculty(s), "fac_b": f.faculty(s)}
        ids |= {"prog_a": f.program(s, ids["fac_a"]), "prog_b": f.program(s, ids["fac_b"])}
        ids |= {
            "course": f.course(s),
            "comp_a": f.company(s),
            "comp_b": f.company(s, name_en="+cmd|' /C calc'!A0"),
        }
        ids["sec_2026"] = f.section(s, ids["course"], academic_year=2026, semester=1)
        ids["sec_2025"] = f.section(s, academic_year=2025, semester=2)
        ids["sec_2026b"] = f.section(s, ids["course"], academic_year=2026, semester=2)  # a tie on the year
        ids |= {
            "post_a": f.posting(s, ids["comp_a"], slots=50),
            "post_b": f.posting(s, ids["comp_b"], slots=50),
        }
        for i in range(23):
            names = _names(i)
            student = f.student(
                s, ids["prog_a" if i % 2 else "prog_b"], student_code=f"6{i % 3}{i:06d}", **names
            )
            at = T0 - timedelta(days=i % 5 * 4)  # many ties: keyset must break them by id
            reg = {
                "student_id": student,
                "section_id": ids["sec_2025" if i % 4 == 0 else "sec_2026b" if i % 8 == 1 else "sec_2026"],
                "internship_id": None if i % 5 == 4 else ids["post_a" if i % 3 == 0 else "post_b"],
                "advisor_id": None if i % 7 == 3 else advisors[i % 2].user_id,
                "status": STATUSES[i % 3],
                "at": at,
                "submitted_at": T0 - timedelta(days=30 - i),
            }
            rows.append({**reg, **names, "id": f.registration(s, **reg), "code": f"6{i % 3}{i:06d}", "i": i})
        for row in rows:
            row["sort"] = _sort_values(s, row)
    return Data(rows, ids, make_actor(Role.COORDINATOR), advisors)


def _ids(ctx: AppContext, actor: Actor, filters: QueueFilters = QueueFilters(), **kw) -> list[int]:
    return queue.list_queue(ctx, actor=actor, filters=filters, page_size=500, **kw).rows["id"].tolist()


def _expect(data: Data, keep) -> set[int]:
    return {r["id"] for r in data.rows if keep(r)}


def test_filters(ctx: AppContext, data: Data) -> None:
    d, c = data.ids, data.coordinator
    cases = [
        (
            QueueFilters(statuses=("submitted", "placed")),
            lambda r: r["status"] != RegistrationStatus.ADVISOR_APPROVED,
        ),
        (QueueFilters(academic_year=2025), lambda r: r["section_id"] == d["sec_2025"]),
        (QueueFilters(semester=1), lambda r: r["section_id"] == d["sec_2026"]),
        (QueueFilters(course_id=d["course"]), lambda r: r["section_id"] != d["sec_2025"]),
        (QueueFilters(section_id=d["sec_2025"]), lambda r: r["section_id"] == d["sec_2025"]),
        (QueueFilters(faculty_id=d["fac_a"]), lambda r: r["i"] % 2 == 1),
        (QueueFilters(program_id=d["prog_b"]), lambda r: r["i"] % 2 == 0),
        (
            QueueFilters(advisor_id=data.advisors[1].user_id),
            lambda r: r["advisor_id"] == data.advisors[1].user_id,
        ),
        (QueueFilters(company_id=d["comp_a"]), lambda r: r["internship_id"] == d["post_a"]),
        (QueueFilters(min_days_waiting=8), lambda r: r["i"] % 5 >= 2),
        (QueueFilters(text="61"), lambda r: r["code"].startswith("61")),
        (QueueFilters(text="มานี"), lambda r: r["i"] == 5),
        (QueueFilters(text="มานี มีนา5"), lambda r: r["i"] == 5),
        (QueueFilters(text="somchai"), lambda r: r["i"] != 6),  # English prefix, any case
        (QueueFilters(text="%"), lambda r: False),  # LIKE wildcards are literal
        (
            QueueFilters(statuses=("placed",), company_id=d["comp_b"], faculty_id=d["fac_a"]),
            lambda r: r["i"] % 3 == 2 and r["i"] % 2 == 1 and r["internship_id"] is not None,
        ),
    ]
    for filters, keep in cases:
        assert set(_ids(ctx, c, filters)) == _expect(data, keep), filters
        assert queue.count_queue(ctx, actor=c, filters=filters) == len(_expect(data, keep))
    with pytest.raises(InvalidInput):
        _ids(ctx, c, QueueFilters(statuses=("nonsense",)))


def _sort_values(s: Session, row: dict) -> dict[str, object]:
    """Each sort key's value for one row, as the database should order it (None = sorts last)."""
    section = s.get(CourseSection, row["section_id"])
    course = s.get(Course, section.course_id)
    posting = s.get(Internship, row["internship_id"]) if row["internship_id"] else None
    advisor = s.get(User, row["advisor_id"]) if row["advisor_id"] else None
    return {
        "status_changed_at": row["at"],
        "submitted_at": row["submitted_at"],
        "id": (),
        "student_code": row["code"],
        "student": (thai_sort_key(row["first_name_th"]), thai_sort_key(row["last_name_th"])),
        "student_en": (row["first_name_en"], row["last_name_en"]),
        "course": course.code,
        "section": section.section,
        "term": (section.academic_year, section.semester),
        "status": RegistrationStatus(row["status"]).value,
        "advisor": thai_sort_key(advisor.full_name) if advisor else None,
        "company": s.get(Company, posting.company_id).name_en if posting else None,
    }


def _python_order(data: Data, sort: str, ascending: bool) -> list[int]:
    """Ids in (value, id) order in the given direction, rows with no value last in both directions."""
    present = [r for r in data.rows if r["sort"][sort] is not None]
    missing = [r for r in data.rows if r["sort"][sort] is None]
    ordered = sorted(present, key=lambda r: (r["sort"][sort], r["id"]), reverse=not ascending)
    return [r["id"] for r in ordered] + sorted((r["id"] for r in missing), reverse=not ascending)


def _walk(ctx: AppContext, actor: Actor, sort: str, ascending: bool, size: int = 4) -> list[int]:
    seen: list[int] = []
    cursor = None
    for _ in range(50):
        page = queue.list_queue(
            ctx, actor=actor, sort=sort, ascending=ascending, cursor=cursor, page_size=size
        )
        assert len(page.rows) <= size
        seen += page.rows["id"].tolist()
        cursor = page.next_cursor
        if cursor is None:
            return seen
    raise AssertionError("the walk did not end")


@pytest.mark.parametrize("sort", sorted(queue.SORTS))
@pytest.mark.parametrize("ascending", [True, False])
def test_keyset_paging_visits_every_row_once_in_order(
    ctx: AppContext, data: Data, sort: str, ascending: bool
) -> None:
    expected = _python_order(data, sort, ascending)
    assert len(set(expected)) == len(data.rows)
    assert _walk(ctx, data.coordinator, sort, ascending) == expected
    assert _walk(ctx, data.coordinator, sort, ascending, size=1) == expected
    values = [data.by_id[i]["sort"][sort] for i in expected]
    if sort not in UNIQUE_SORTS:
        assert len(set(values)) < len(values)  # the data really has ties on this key


@pytest.mark.parametrize("sort", ["advisor", "company"])
def test_nullable_sorts_have_nulls_last_in_both_directions(ctx: AppContext, data: Data, sort: str) -> None:
    nulls = {r["id"] for r in data.rows if r["sort"][sort] is None}
    assert nulls
    for ascending in (True, False):
        seen = _walk(ctx, data.coordinator, sort, ascending, size=3)
        assert set(seen[-len(nulls) :]) == nulls


@pytest.mark.parametrize("sort", sorted(queue.SORTS))
def test_advisor_paging_stays_within_own_advisees(ctx: AppContext, data: Data, sort: str) -> None:
    mine = data.advisors[0]
    own = [r for r in _python_order(data, sort, False) if data.by_id[r]["advisor_id"] == mine.user_id]
    assert _walk(ctx, mine, sort, False, size=2) == own


def test_unknown_sort_is_refused(ctx: AppContext, data: Data) -> None:
    with pytest.raises(InvalidInput):
        queue.list_queue(ctx, actor=data.coordinator, sort="password_hash")


def test_days_in_state_reads_the_other_way_round() -> None:
    assert queue_sort.column_ascending("status_changed_at", True) is False
    assert queue_sort.column_ascending("student", True) is True


def test_advisors_see_only_their_own_advisees(ctx: AppContext, data: Data) -> None:
    mine, other = data.advisors
    own = {r["id"] for r in data.rows if r["advisor_id"] == mine.user_id}
    assert set(_ids(ctx, mine)) == own
    assert set(_ids(ctx, mine, QueueFilters(advisor_id=other.user_id))) == own  # the filter cannot widen it
    assert queue.count_queue(ctx, actor=mine) == len(own)


def test_staff_and_managers_have_no_queue(ctx: AppContext, data: Data, make_actor) -> None:
    for role in (Role.STAFF, Role.MANAGER):
        with pytest.raises(PermissionDenied):
            queue.list_queue(ctx, actor=make_actor(role))


def test_days_in_state_and_overdue(ctx: AppContext, data: Data) -> None:
    frame = queue.list_queue(ctx, actor=data.coordinator, page_size=500).rows.set_index("id")
    for r in data.rows:
        days = (T0 - r["at"]).days
        assert frame.loc[r["id"], "days_in_state"] == days
        awaiting = r["status"] != RegistrationStatus.PLACED
        assert bool(frame.loc[r["id"], "overdue"]) == (awaiting and days >= ctx.settings.overdue_days)


def test_export_neutralises_formulas(ctx: AppContext, data: Data) -> None:
    csv = queue.export_queue(ctx, actor=data.coordinator, fmt="csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in csv and "'+cmd|" in csv and ",+cmd" not in csv and ",=HYPERLINK" not in csv
    frame = pd.read_csv(io.StringIO(csv))
    assert len(frame) == len(data.rows)
    book = openpyxl.load_workbook(io.BytesIO(queue.export_queue(ctx, actor=data.coordinator, fmt="xlsx")))
    values = [str(c.value) for row in book.active.iter_rows() for c in row if c.value is not None]
    assert any(v.startswith("'=HYPERLINK") for v in values)
    assert not any(v.startswith(("=", "+", "-", "@")) for v in values)
    with pytest.raises(InvalidInput):
        queue.export_queue(ctx, actor=data.coordinator, fmt="pdf")


def test_safe_frame() -> None:
    frame = pd.DataFrame(
        {"a": ["=1+1", "+x", "-y", "@z", "ok", None], "n": [-1, 2, 3, 4, 5, 6], "=col": list("abcdef")}
    )
    safe = safe_frame(frame)
    assert safe["a"].tolist()[:5] == ["'=1+1", "'+x", "'-y", "'@z", "ok"]
    assert safe["n"].tolist() == [-1, 2, 3, 4, 5, 6]  # numbers are not formulas
    assert list(safe.columns) == ["a", "n", "'=col"]
    assert frame["a"][0] == "=1+1"  # the original is untouched
    assert to_csv_bytes(frame).startswith(b"\xef\xbb\xbf")
    assert to_excel_bytes(frame)[:2] == b"PK"


def test_count_is_cached_until_a_registration_changes(ctx: AppContext, data: Data, make_actor) -> None:
    from core import registrations as workflow

    admin = make_actor(Role.ADMIN)
    waiting = QueueFilters(statuses=("submitted",))
    before = queue.count_queue(ctx, actor=data.coordinator, filters=waiting)
    assert before == len(_expect(data, lambda r: r["status"] == "submitted"))
    reg_id = next(r["id"] for r in data.rows if r["status"] == "submitted")
    workflow.transition(ctx, actor=admin, registration_id=reg_id, action="approve")
    assert queue.count_queue(ctx, actor=data.coordinator, filters=waiting) == before - 1  # read-your-writes
    mine = data.advisors[0]
    own = len(_expect(data, lambda r: r["advisor_id"] == mine.user_id))
    assert queue.count_queue(ctx, actor=mine) == own  # the advisor's count is keyed apart from everyone's


def test_sqlite_is_kept_off_the_time_index_only_where_it_would_walk_from_the_oldest() -> None:
    from sqlalchemy import select
    from sqlalchemy.dialects import mysql, sqlite

    from core.registrations.queue_order import SORTS, order_by
    from db.models import Registration

    stmt = select(Registration.id).order_by(*order_by(SORTS["status_changed_at"], True, avoid_index=True))
    assert "ORDER BY +registrations.status_changed_at ASC" in str(stmt.compile(dialect=sqlite.dialect()))
    assert "ORDER BY registrations.status_changed_at ASC" in str(stmt.compile(dialect=mysql.dialect()))
    plain = select(Registration.id).order_by(*order_by(SORTS["status_changed_at"], True))
    assert "+registrations" not in str(plain.compile(dialect=sqlite.dialect()))


@pytest.mark.parametrize("ascending", [True, False])
@pytest.mark.parametrize("size", [1, 4, 50])
def test_waiting_view_merged_per_status_pages_like_one_sorted_query(
    ctx: AppContext, data: Data, ascending: bool, size: int
) -> None:
    # Several statuses sorted by the time of the change take one ordered LIMIT per status, merged
    # (queue._merged): the walk must still visit every matching row once, in the one global order.
    waiting = QueueFilters(statuses=("submitted", "advisor_approved", "placed"))
    assert queue._by_status(waiting, "status_changed_at")
    expected = _python_order(data, "status_changed_at", ascending)
    seen: list[int] = []
    cursor = None
    while True:
        page = queue.list_queue(
            ctx, actor=data.coordinator, filters=waiting, ascending=ascending, cursor=cursor, page_size=size
        )
        seen += page.rows["id"].tolist()
        assert list(page.rows.columns) == list(queue.list_queue(ctx, actor=data.coordinator).rows.columns)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == expected
    two = QueueFilters(statuses=("submitted", "placed"), min_days_waiting=4)
    keep = [i for i in expected if data.by_id[i]["status"] != RegistrationStatus.ADVISOR_APPROVED]
    keep = [i for i in keep if data.by_id[i]["i"] % 5 >= 1]
    got = queue.list_queue(ctx, actor=data.coordinator, filters=two, ascending=ascending, page_size=size)
    assert got.rows["id"].tolist() == keep[:size]


def test_counts_of_status_and_term_filters_come_from_the_rollup_and_agree(
    ctx: AppContext, data: Data
) -> None:
    d, c = data.ids, data.coordinator
    cases = [
        (QueueFilters(), lambda r: True),
        (QueueFilters(statuses=("submitted", "placed")), lambda r: r["status"] != RegistrationStatus.ADVISOR_APPROVED),
        (QueueFilters(statuses=("placed",), academic_year=2026, semester=2), lambda r: r["status"] == RegistrationStatus.PLACED and r["section_id"] == d["sec_2026b"]),
        (QueueFilters(course_id=d["course"], section_id=d["sec_2026"]), lambda r: r["section_id"] == d["sec_2026"]),
    ]  # fmt: skip
    for filters, keep in cases:
        assert queue._rolled_up_count(filters) is not None
        assert queue.count_queue(ctx, actor=c, filters=filters) == len(_expect(data, keep)), filters
    assert queue._rolled_up_count(QueueFilters(statuses=("submitted",), min_days_waiting=3)) is None
    assert queue._rolled_up_count(QueueFilters(text="61")) is None
    advisor = data.advisors[0]  # an advisor's count is scoped to their advisees: never the rollup
    own = len(_expect(data, lambda r: r["advisor_id"] == advisor.user_id))
    assert queue.count_queue(ctx, actor=advisor, filters=QueueFilters()) == own
