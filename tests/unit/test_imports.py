"""Import: a corpus of bad files saves nothing; good files commit once and re-upload changes nothing."""

from __future__ import annotations

import io
import time

import pandas as pd
import pytest
from sqlalchemy import func, select

from core.context import AppContext
from core.errors import InvalidInput
from core.imports import importer as imports
from core.imports.parse import MAX_BYTES, MAX_ROWS
from db.models import AuditEntry, Course, Registration, RegistrationEvent, Student
from tests import factories as f

S_HEAD = (
    "student_code,first_name_th,last_name_th,first_name_en,last_name_en,email,phone,faculty,program,year,gpax"
)
R_HEAD = "student_code,course_code,section,semester,academic_year,advisor_username,company_registration_no"


def _setup(ctx: AppContext, advisor: str) -> None:
    with ctx.sessions.begin() as s:
        fac = f.faculty(s, code="ENG", name_th="คณะวิศวกรรมศาสตร์", name_en="Engineering")
        f.program(s, faculty_id=fac, code="CPE", name_th="วิศวกรรมคอมพิวเตอร์", name_en="Computer Engineering")
        f.section(s, f.course(s, code="CPE-401"), section="1", semester=1, academic_year=2026, capacity=10000)
        f.company(s, registration_no="0105555000001")


def _students_csv(n: int = 2, *, gpax: str = "3.25") -> str:
    rows = [f"65{i:08d},สมชาย,ใจดี,Somchai,Jaidee,s{i}@example.ac.th,0812345678,ENG,วิศวกรรมคอมพิวเตอร์,4,{gpax}"
            for i in range(n)]  # fmt: skip
    return "\n".join([S_HEAD, *rows]) + "\n"


def _regs_csv(n: int = 2, advisor: str = "adv1") -> str:
    rows = [f"65{i:08d},cpe-401,1,1,2026,{advisor},{'0105555000001' if i % 2 else ''}" for i in range(n)]
    return "\n".join([R_HEAD, *rows]) + "\n"


def _counts(ctx: AppContext) -> tuple[int, ...]:
    with ctx.sessions.begin() as s:
        return tuple(
            int(s.scalar(select(func.count()).select_from(m)) or 0)
            for m in (Student, Registration, RegistrationEvent, AuditEntry)
        )


@pytest.fixture
def office(ctx: AppContext, make_actor):  # type: ignore[no-untyped-def]
    make_actor("advisor", "adv1")
    _setup(ctx, "adv1")
    return make_actor("coordinator")


def _commit(ctx, actor, kind, text, name="f.csv", encoding="utf-8"):  # type: ignore[no-untyped-def]
    return imports.commit_import(ctx, actor=actor, kind=kind, data=text.encode(encoding), filename=name)


def test_students_then_registrations_commit_once_and_reupload_changes_nothing(
    ctx: AppContext, office
) -> None:
    before = _counts(ctx)
    assert _commit(ctx, office, "students", _students_csv()).created == 2
    seen: list[float] = []
    result = imports.commit_import(ctx, actor=office, kind="registrations", data=_regs_csv().encode(),
                                   filename="r.csv", progress=seen.append)  # fmt: skip
    assert result.created == 2 and seen[-1] == 1.0 and seen == sorted(seen)
    after = _counts(ctx)
    assert after == (before[0] + 2, 2, 2, before[3] + 4)
    again = _commit(ctx, office, "students", _students_csv())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert _commit(ctx, office, "registrations", _regs_csv()).unchanged == 2
    assert _counts(ctx) == after
    changed = _commit(ctx, office, "students", _students_csv(gpax="3.50"))
    assert (changed.updated, changed.unchanged) == (2, 0)
    with ctx.sessions.begin() as s:
        assert {str(g) for g in s.scalars(select(Student.gpax))} == {"3.50"}
        assert set(s.scalars(select(Registration.status))) == {"submitted"}


BAD_STUDENTS = {
    "missing column": S_HEAD.replace(",gpax", "") + "\n6500000001,ก,ข,A,B,a@x.th,,ENG,CPE,4\n",
    "extra column": S_HEAD + ",note\n6500000001,ก,ข,A,B,a@x.th,,ENG,CPE,4,3.00,hi\n",
    "wrong year": S_HEAD + "\n6500000001,ก,ข,A,B,a@x.th,,ENG,CPE,9,3.00\n",
    "wrong gpax": S_HEAD + "\n6500000001,ก,ข,A,B,a@x.th,,ENG,CPE,4,4.10\n",
    "bad email": S_HEAD + "\n6500000001,ก,ข,A,B,not-an-email,,ENG,CPE,4,3.00\n",
    "unknown faculty": S_HEAD + "\n6500000001,ก,ข,A,B,a@x.th,,ART,CPE,4,3.00\n",
    "letters for a code": S_HEAD + "\nABC,ก,ข,A,B,a@x.th,,ENG,CPE,4,3.00\n",
    "letters for a phone": S_HEAD + "\n6500000001,ก,ข,A,B,a@x.th,abc,ENG,CPE,4,3.00\n",
    "duplicate rows": S_HEAD
    + "\n6500000001,ก,ข,A,B,a@x.th,,ENG,CPE,4,3.00\n6500000001,ก,ข,A,B,a@x.th,,ENG,CPE,4,3.00\n",
}


@pytest.mark.parametrize("case", list(BAD_STUDENTS))
def test_bad_student_files_show_issues_and_save_nothing(ctx: AppContext, office, case: str) -> None:
    before = _counts(ctx)
    good_row = "\n6500000099,ก,ข,A,B,b@x.th,,ENG,CPE,4,3.00\n"
    data = (BAD_STUDENTS[case].rstrip("\n") + good_row).encode()
    preview = imports.preview_import(ctx, actor=office, kind="students", data=data, filename="s.csv")
    assert preview.errors and all(e.line >= 1 and e.column and e.message for e in preview.errors)
    with pytest.raises(InvalidInput, match="nothing was saved"):
        imports.commit_import(ctx, actor=office, kind="students", data=data, filename="s.csv")
    assert _counts(ctx) == before


def test_unknown_course_advisor_company_and_student_are_errors(ctx: AppContext, office) -> None:
    _commit(ctx, office, "students", _students_csv(1))
    before = _counts(ctx)
    text = (
        R_HEAD
        + "\n6500000000,NOPE-1,1,1,2026,adv1,\n6500000000,CPE-401,1,1,2026,ghost,999\n9999,CPE-401,1,1,2026,adv1,\n"
    )
    preview = imports.preview_import(
        ctx, actor=office, kind="registrations", data=text.encode(), filename="r.csv"
    )
    assert {(e.line, e.column) for e in preview.errors} == {
        (2, "course_code"), (3, "advisor_username"), (3, "company_registration_no"), (4, "student_code"),
    }  # fmt: skip
    with pytest.raises(InvalidInput):
        _commit(ctx, office, "registrations", text)
    assert _counts(ctx) == before


@pytest.mark.parametrize("encoding", ["cp874", "utf-8-sig", "utf-8"])
def test_thai_encodings_and_crlf(ctx: AppContext, office, encoding: str) -> None:
    text = S_HEAD + '\r\n6500000001,"สมชาย",ใจดี,A,B,a@x.th,,คณะวิศวกรรมศาสตร์,"Computer Engineering",4,\r\n'
    preview = imports.preview_import(
        ctx, actor=office, kind="students", data=text.encode(encoding), filename="s.csv"
    )
    assert preview.errors == () and preview.created == 1
    _commit(ctx, office, "students", text, encoding=encoding)
    with ctx.sessions.begin() as s:
        assert s.scalar(select(Student.first_name_th).where(Student.student_code == "6500000001")) == "สมชาย"


def test_quoted_newline_keeps_line_numbers(ctx: AppContext, office) -> None:
    text = (
        S_HEAD
        + '\r\n6500000001,"สม\r\nชาย",ใจดี,A,B,a@x.th,,ENG,CPE,4,\r\n6500000002,ก,ข,A,B,bad,,ENG,CPE,4,\r\n'
    )
    preview = imports.preview_import(ctx, actor=office, kind="students", data=text.encode(), filename="s.csv")
    assert [(e.line, e.column) for e in preview.errors] == [(2, "first_name_th"), (4, "email")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (S_HEAD.encode() + b"\r\n", "header but no data rows"),
        (
            (S_HEAD + "\n" + "1,a,b,c,d,,,ENG,CPE,4,\n" * (MAX_ROWS + 1)).encode(),
            "more than 20,000 data rows",
        ),
        (b"x" * (MAX_BYTES + 1), "larger than 10 MB"),
    ],
    ids=["empty", "header-only", "too-many-rows", "too-big"],
)
def test_refused_files(ctx: AppContext, office, data: bytes, message: str) -> None:
    before = _counts(ctx)
    with pytest.raises(InvalidInput, match=message):
        imports.preview_import(ctx, actor=office, kind="students", data=data, filename="s.csv")
    assert _counts(ctx) == before


def test_excel_round_trip(ctx: AppContext, office) -> None:
    frame = pd.read_csv(io.StringIO(_students_csv(3)), dtype=str, keep_default_na=False)
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    data = buffer.getvalue()
    assert (
        imports.commit_import(ctx, actor=office, kind="students", data=data, filename="s.xlsx").created == 3
    )
    again = imports.preview_import(ctx, actor=office, kind="students", data=data, filename="s.xlsx")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_ten_thousand_registrations(ctx: AppContext, office, capsys) -> None:  # type: ignore[no-untyped-def]
    n = 10_000
    _commit(ctx, office, "students", _students_csv(n))
    started = time.perf_counter()
    result = _commit(ctx, office, "registrations", _regs_csv(n))
    elapsed = time.perf_counter() - started
    assert result.created == n and _counts(ctx)[1:3] == (n, n)
    with capsys.disabled():
        print(f"\n[{ctx.db.engine.dialect.name}] import of {n} registrations: {elapsed:.2f} s")


def test_xlsx_zip_bomb_is_refused_before_unpacking(monkeypatch) -> None:
    """An .xlsx whose members claim gigabytes is refused without handing it to openpyxl."""
    import io
    import zipfile

    from core.errors import InvalidInput
    from core.imports import parse as import_parse

    monkeypatch.setattr(import_parse, "MAX_UNPACKED", 10_000)  # the same check, scaled down
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * 10_001)
    with pytest.raises(InvalidInput, match="unpacks to too much"):
        import_parse.parse_file(buffer.getvalue(), "bomb.xlsx")


def test_an_import_that_changes_rows_forgets_kept_progress_snapshots(ctx: AppContext, office) -> None:
    from datetime import date

    from db.models import ProgressSnapshot

    def kept() -> int:
        with ctx.sessions.begin() as s:
            return int(s.scalar(select(func.count()).select_from(ProgressSnapshot)) or 0)

    with ctx.sessions.begin() as s:
        s.add(ProgressSnapshot(filters="{}", day=date(2025, 1, 1), counts="[]"))
    _commit(ctx, office, "students", _students_csv())
    assert kept() == 0
    with ctx.sessions.begin() as s:
        s.add(ProgressSnapshot(filters="{}", day=date(2025, 1, 1), counts="[]"))
    assert _commit(ctx, office, "students", _students_csv()).unchanged == 2  # nothing changed: kept
    assert kept() == 1


def test_a_section_written_4_finds_section_04(ctx: AppContext, office) -> None:
    _commit(ctx, office, "students", _students_csv(1))
    with ctx.sessions.begin() as s:
        f.section(s, s.scalar(select(Course.id)), section="04", semester=1, academic_year=2026)
    text = R_HEAD + "\n6500000000,CPE-401,4,1,2026,adv1,\n"
    preview = imports.preview_import(
        ctx, actor=office, kind="registrations", data=text.encode(), filename="r.csv"
    )
    assert preview.errors == () and preview.created == 1


def test_a_reference_is_found_by_code_thai_or_english_name_word_or_prefix() -> None:
    from core.imports.references import Choice, Reference

    faculties = Reference(
        "faculty",
        [
            Choice(1, "ENG (Faculty of Engineering)", ("ENG", "คณะวิศวกรรมศาสตร์", "Faculty of Engineering")),
            Choice(2, "SCI (Faculty of Science)", ("SCI", "คณะวิทยาศาสตร์", "Faculty of Science")),
        ],
    )
    for cell in ("eng", "  Faculty   of engineering ", "Engineering", "คณะวิศวกรรมศาสตร์", "คณะวิศว"):
        assert faculties.find(cell) == (1, None), cell
    found, why = faculties.find("Enginering")
    assert found is None and str(why) == (
        "unknown faculty 'Enginering': did you mean ENG (Faculty of Engineering)?"
    )
    found, why = faculties.find("Faculty")
    assert found is None and str(why) == (
        "'Faculty' could be more than one faculty: ENG (Faculty of Engineering), SCI (Faculty of Science)."
    )
    assert "คณะ" in why.render("th")  # the kind is named in the reader's language
    found, why = faculties.find("Medicine")
    assert found is None and str(why) == "unknown faculty 'Medicine' (give its code, Thai or English name)."


@pytest.mark.parametrize("separator", [";", "\t"])
def test_a_file_separated_by_semicolons_or_tabs_is_read(ctx: AppContext, office, separator: str) -> None:
    text = _students_csv(3).replace(",", separator)
    result = _commit(ctx, office, "students", text)
    assert (result.created, result.updated) == (3, 0)


def test_a_year_written_2569_and_one_written_2026_import_the_same(ctx: AppContext, office) -> None:
    _commit(ctx, office, "students", _students_csv(2))
    first = _commit(ctx, office, "registrations", _regs_csv(2).replace(",2026,", ",2569,"))
    assert first.created == 2
    again = _commit(ctx, office, "registrations", _regs_csv(2))  # the same rows, the year in CE
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_each_template_carries_one_example_row_that_imports_cleanly(
    ctx: AppContext, office, make_actor
) -> None:
    from core.imports import COLUMNS, template

    make_actor("advisor", "somsri.k")
    with ctx.sessions.begin() as s:
        f.company(s, registration_no="0105556012345")
    for kind in ("students", "registrations"):
        lines = template(kind).decode("utf-8-sig").splitlines()
        assert len(lines) == 2 and lines[0].split(",") == list(COLUMNS[kind])
        preview = imports.preview_import(ctx, actor=office, kind=kind, data=template(kind), filename="t.csv")
        assert not preview.errors and preview.created == 1, preview.errors
        _commit(ctx, office, kind, template(kind).decode("utf-8-sig"))


def _declared_wide(rows: list[list[object]], ref: str) -> bytes:
    """An .xlsx with these rows whose sheet claims the dimension `ref` (the writer's word, not its data)."""
    import re
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    plain, hostile = io.BytesIO(), io.BytesIO()
    book.save(plain)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), body)
            dst.writestr(item, body)
    return hostile.getvalue()


def test_excel_declaring_a_huge_extent_is_read_only_as_far_as_its_data() -> None:
    """4.9 KB declaring 1,000 x 16,384 cells took 1.3 s: rows are now as wide as the header, no padding."""
    from core.imports import parse as import_parse

    data = _declared_wide(
        [["student_code", "name"], ["6500001", "Somchai"], [None, None, "far", "right"]], "A1:XFD1000"
    )
    assert len(data) < 10_000
    parsed = import_parse.parse_file(data, "wide.xlsx")
    assert parsed.header == ("student_code", "name")
    assert [cells for _line, cells in parsed.rows] == [("6500001", "Somchai")]


def test_excel_data_beyond_a_long_empty_stretch_is_not_read(monkeypatch) -> None:
    """Empty rows count towards the bound: a long empty stretch ends the data."""
    from core.imports import parse as import_parse

    monkeypatch.setattr(import_parse, "MAX_EMPTY_RUN", 5)
    rows: list[list[object]] = [["student_code"], ["6500001"], *[[None]] * 5, ["6500002"]]
    parsed = import_parse.parse_file(_declared_wide(rows, "A1:A1048576"), "gap.xlsx")
    assert [cells for _line, cells in parsed.rows] == [("6500001",)]
