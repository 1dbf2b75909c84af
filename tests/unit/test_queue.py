"""The review queue: filters, sorts, keyset paging, advisor scoping, export neutralisation."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import openpyxl
import pandas as pd
import pytest

from core import clock, queue
from core.access import Actor
from core.context import AppContext
from core.errors import InvalidInput, PermissionDenied
from core.export import safe_frame, to_csv_bytes, to_excel_bytes
from core.queue import QueueFilters
from db.models import RegistrationStatus, Role
from tests import factories as f

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
STATUSES = [RegistrationStatus.SUBMITTED, RegistrationStatus.ADVISOR_APPROVED, RegistrationStatus.PLACED]


@dataclass
class Data:
    rows: list[dict]
    ids: dict[str, int]
    coordinator: Actor
    advisors: list[Actor]


@pytest.fixture
def data(ctx: AppContext, make_actor, monkeypatch: pytest.MonkeyPatch) -> Data:
    monkeypatch.setattr(clock, "now", lambda: T0)
    advisors = [make_actor(Role.ADVISOR), make_actor(Role.ADVISOR)]
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
        ids |= {
            "post_a": f.posting(s, ids["comp_a"], slots=50),
            "post_b": f.posting(s, ids["comp_b"], slots=50),
        }
        for i in range(23):
            names = {"first_name_th": "มานี", "last_name_th": f"มีนา{i}"} if i == 5 else {}
            if i == 6:
                names = {"first_name_en": '=HYPERLINK("http://evil")', "last_name_en": "X"}
            student = f.student(
                s, ids["prog_a" if i % 2 else "prog_b"], student_code=f"6{i % 3}{i:06d}", **names
            )
            at = T0 - timedelta(days=i % 5 * 4)  # many ties: keyset must break them by id
            reg = {
                "student_id": student,
                "section_id": ids["sec_2026" if i % 4 else "sec_2025"],
                "internship_id": ids["post_a" if i % 3 == 0 else "post_b"],
                "advisor_id": advisors[i % 2].user_id,
                "status": STATUSES[i % 3],
                "at": at,
                "submitted_at": T0 - timedelta(days=30 - i),
            }
            rows.append({**reg, "id": f.registration(s, **reg), "code": f"6{i % 3}{i:06d}", "i": i})
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
        (QueueFilters(course_id=d["course"]), lambda r: r["section_id"] == d["sec_2026"]),
        (QueueFilters(section_id=d["sec_2025"]), lambda r: r["section_id"] == d["sec_2025"]),
        (QueueFilters(faculty_id=d["fac_a"]), lambda r: r["i"] % 2 == 1),
        (QueueFilters(program_id=d["prog_b"]), lambda r: r["i"] % 2 == 0),
        (QueueFilters(advisor_id=data.advisors[1].user_id), lambda r: r["i"] % 2 == 1),
        (QueueFilters(company_id=d["comp_a"]), lambda r: r["i"] % 3 == 0),
        (QueueFilters(min_days_waiting=8), lambda r: r["i"] % 5 >= 2),
        (QueueFilters(text="61"), lambda r: r["code"].startswith("61")),
        (QueueFilters(text="มานี"), lambda r: r["i"] == 5),
        (QueueFilters(text="มานี มีนา5"), lambda r: r["i"] == 5),
        (QueueFilters(text="somchai"), lambda r: r["i"] != 6),  # English prefix, any case
        (QueueFilters(text="%"), lambda r: False),  # LIKE wildcards are literal
        (
            QueueFilters(statuses=("placed",), company_id=d["comp_b"], faculty_id=d["fac_a"]),
            lambda r: r["i"] % 3 == 2 and r["i"] % 2 == 1,
        ),
    ]
    for filters, keep in cases:
        assert set(_ids(ctx, c, filters)) == _expect(data, keep), filters
        assert queue.count_queue(ctx, actor=c, filters=filters) == len(_expect(data, keep))
    with pytest.raises(InvalidInput):
        _ids(ctx, c, QueueFilters(statuses=("nonsense",)))


def _key(row: dict, sort: str):
    return {
        "status_changed_at": row["at"],
        "submitted_at": row["submitted_at"],
        "student_code": row["code"],
        "id": row["id"],
    }[sort]


@pytest.mark.parametrize("sort", sorted(queue.SORT_COLUMNS))
@pytest.mark.parametrize("ascending", [True, False])
def test_keyset_paging_visits_every_row_once_in_order(
    ctx: AppContext, data: Data, sort: str, ascending: bool
) -> None:
    expected = [
        r["id"] for r in sorted(data.rows, key=lambda r: (_key(r, sort), r["id"]), reverse=not ascending)
    ]
    seen: list[int] = []
    cursor = None
    for _ in range(20):
        page = queue.list_queue(
            ctx, actor=data.coordinator, sort=sort, ascending=ascending, cursor=cursor, page_size=4
        )
        seen += page.rows["id"].tolist()
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == expected


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
