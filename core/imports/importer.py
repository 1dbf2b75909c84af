"""Importing a term's students and registrations: validate every row, preview, then commit all or nothing."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.access import Actor, Permission, require
from core.context import AppContext
from core.courses import section_key
from core.errors import InvalidInput
from core.i18n import N_, msg, term_text
from core.imports.parse import parse_file
from core.imports.references import KINDS, Choice, Reference
from core.imports.rows import ImportIssue, RowCheck, header_issues, registration_keys, student_values
from core.imports.write import write_registrations, write_students
from core.progress import forget_history
from core.registrations import intake_rules as intake
from db.models import Company, Course, CourseSection, Faculty, Program, Role, Student, User

Progress = Callable[[float], None] | None
CHUNK = 1000
ADVISOR_ROLES = (Role.ADVISOR, Role.COORDINATOR, Role.ADMIN)


@dataclass(frozen=True)
class ImportPreview:
    """What a file would do: its issues, or how many rows it creates, updates and leaves unchanged."""

    kind: str
    errors: tuple[ImportIssue, ...]
    created: int
    updated: int
    unchanged: int
    rows: pd.DataFrame = field(compare=False)

    def errors_frame(self, lang: str = "en") -> pd.DataFrame:
        """The issues as a table with columns line, column, message (the message in `lang`)."""
        rows = [(e.line, e.column, e.message.render(lang)) for e in self.errors]
        return pd.DataFrame(rows, columns=["line", "column", "message"])


@dataclass
class _Plan:
    issues: list[ImportIssue] = field(default_factory=list)
    create: list[dict[str, Any]] = field(default_factory=list)
    update: list[dict[str, Any]] = field(default_factory=list)
    unchanged: list[dict[str, Any]] = field(default_factory=list)


def _chunks(items: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _tick(progress: Progress, value: float) -> None:
    if progress is not None:
        progress(min(1.0, max(0.0, value)))


def _named(session: Session, model: Any, kind: str) -> Reference:
    """Faculties, programs or courses by code, Thai or English name."""
    rows = session.execute(select(model.id, model.code, model.name_th, model.name_en)).all()
    return Reference(kind, [Choice(int(i), f"{code} ({en})", (code, th, en)) for i, code, th, en in rows])


def _existing_students(session: Session, codes: list[str]) -> dict[str, Student]:
    found: dict[str, Student] = {}
    for chunk in _chunks(sorted(set(codes))):
        found.update(
            {
                s.student_code: s
                for s in session.scalars(select(Student).where(Student.student_code.in_(chunk)))
            }
        )
    return found


def _check_rows(parsed: Any, kind: str, plan: _Plan) -> list[RowCheck]:
    plan.issues += header_issues(parsed.header, kind)
    if plan.issues:
        return []
    return [RowCheck(line, dict(zip(parsed.header, cells, strict=False))) for line, cells in parsed.rows]


def _plan_students(session: Session, parsed: Any) -> _Plan:
    plan = _Plan()
    checks = _check_rows(parsed, "students", plan)
    faculties, programs = (
        _named(session, Faculty, KINDS["faculty"]),
        _named(session, Program, KINDS["program"]),
    )
    faculty_of = dict(session.execute(select(Program.id, Program.faculty_id)).all())
    rows = [(c, student_values(c, faculties, programs, faculty_of)) for c in checks]
    existing = _existing_students(session, [v["student_code"] for _, v in rows])
    seen: dict[str, int] = {}
    for check, values in rows:
        code = values["student_code"]
        if code in seen:
            check.fail(
                "student_code",
                msg("{code} appears again (first on line {seen}).", code=code, seen=seen[code]),
            )
        seen.setdefault(code, check.line)
        plan.issues += check.issues
        if check.issues:
            continue
        current = existing.get(code)
        values["line"] = check.line
        if current is None:
            plan.create.append(values)
        elif any(getattr(current, k) != v for k, v in values.items() if k != "line"):
            plan.update.append({**values, "id": current.id})
        else:
            plan.unchanged.append(values)
    return plan


def _references(session: Session, keys: list[dict[str, Any]]) -> dict[str, Any]:
    # Archived sections too: the intake rules say "closed" rather than "no such section".
    sections = {
        (s.course_id, section_key(s.section), s.semester, s.academic_year): s.id
        for s in session.scalars(select(CourseSection))
    }
    people = session.execute(
        select(User.id, User.username, User.full_name).where(
            User.role.in_(ADVISOR_ROLES), User.active.is_(True)
        )
    ).all()
    firms = session.execute(
        select(Company.id, Company.registration_no, Company.name_th, Company.name_en)
    ).all()
    students = {c: s.id for c, s in _existing_students(session, [k["student_code"] for k in keys]).items()}
    return {
        "courses": _named(session, Course, KINDS["course"]),
        "sections": sections,
        "advisors": Reference(KINDS["advisor"], [Choice(i, f"{u} ({n})", (u, n)) for i, u, n in people]),
        "companies": Reference(
            KINDS["company"], [Choice(i, f"{no} ({th})", (no, th, en)) for i, no, th, en in firms]
        ),
        "students": students,
    }


def _resolve(check: RowCheck, k: dict[str, Any], refs: dict[str, Any]) -> dict[str, Any]:
    student_id = refs["students"].get(k["student_code"])
    if k["student_code"] and student_id is None:
        check.fail(
            "student_code", msg("no student {code}; import the students file first.", code=k["student_code"])
        )
    course_id = _find(check, "course_code", k["course_code"], refs["courses"])
    term = (k["semester"], k["academic_year"])
    section_id = refs["sections"].get((course_id, section_key(k["section"]), *term))
    if course_id is not None and section_id is None and k["section"] and None not in term:
        check.fail(
            "section",
            msg(
                "course {course} has no section {section} in term {term}.",
                course=k["course_code"],
                section=k["section"],
                term=term_text(*term),
            ),
        )
    advisor_id = _find(check, "advisor_username", k["advisor_username"], refs["advisors"])
    return {
        "student_id": student_id,
        "section_id": section_id,
        "advisor_id": advisor_id,
        "company_id": _find(
            check, "company_registration_no", k["company_registration_no"], refs["companies"]
        ),
        "student_code": k["student_code"],
        "line": check.line,
    }


def _find(check: RowCheck, column: str, value: str, reference: Reference) -> int | None:
    if not value:
        return None
    found, problem = reference.find(value)
    if problem is not None:
        check.fail(column, problem)
    return found


# The intake rules' columns in a registrations file.
RULE_COLUMNS = {"student": "student_code", "section": "section", "advisor": "advisor_username"}


def _intake_issues(session: Session, rows: list[tuple[RowCheck, dict[str, Any]]]) -> set[tuple[int, int]]:
    """The intake rules on every row (as the form and the API apply them); returns the pairs already
    registered, which a file uploaded again leaves unchanged."""
    advisors = intake.advisors(session, [v["advisor_id"] for _, v in rows if v["advisor_id"] is not None])
    for check, values in rows:
        problem = intake.advisor_problem(values["advisor_id"], advisors, check.cells.get("advisor_username"))
        if problem is not None:
            check.fail(RULE_COLUMNS[problem.field], problem.message)
    pairs = {(v["student_id"], v["section_id"]) for _, v in rows}
    existing = set(intake.existing(session, pairs))
    sections = intake.section_facts(session, {v["section_id"] for _, v in rows})
    taking: dict[int, int] = {}
    for check, values in rows:
        if (values["student_id"], values["section_id"]) in existing:
            continue
        taking[values["section_id"]] = taking.get(values["section_id"], 0) + 1
        for problem in intake.section_problems(
            sections[values["section_id"]], taking=taking[values["section_id"]]
        ):
            check.fail(RULE_COLUMNS[problem.field], problem.message)
    return existing


def _plan_registrations(session: Session, parsed: Any) -> _Plan:
    plan = _Plan()
    checks = _check_rows(parsed, "registrations", plan)
    keys = [registration_keys(c) for c in checks]
    refs = _references(session, keys) if keys else {}
    rows = [(c, _resolve(c, k, refs)) for c, k in zip(checks, keys, strict=True)]
    seen: dict[tuple[Any, Any], int] = {}
    for check, values in rows:
        pair = (values["student_id"], values["section_id"])
        if None not in pair and pair in seen:
            check.fail(
                "section",
                msg(
                    "student {student_code} is already in this section on line {seen}.",
                    student_code=values["student_code"],
                    seen=seen[pair],
                ),
            )
        seen.setdefault(pair, check.line)
    existing = _intake_issues(session, [(c, v) for c, v in rows if not c.issues])
    plan.issues += [issue for check, _ in rows for issue in check.issues]
    if plan.issues:
        return plan
    for _, values in rows:
        target = plan.unchanged if (values["student_id"], values["section_id"]) in existing else plan.create
        target.append(values)
    return plan


PLANNERS = {"students": _plan_students, "registrations": _plan_registrations}


def _plan(session: Session, kind: str, data: bytes, filename: str) -> _Plan:
    if kind not in PLANNERS:
        raise InvalidInput("Import students or registrations.")
    return PLANNERS[kind](session, parse_file(data, filename))


# What the preview's action column says (msgids).
ACTION_LABELS = {"create": N_("New"), "update": N_("Updated"), "unchanged": N_("Unchanged")}


def _rows_frame(plan: _Plan) -> pd.DataFrame:
    rows = [
        (v["line"], v["student_code"], action)
        for action, items in (("create", plan.create), ("update", plan.update), ("unchanged", plan.unchanged))
        for v in items
    ]
    return pd.DataFrame(sorted(rows), columns=["line", "student_code", "action"])


def preview_import(ctx: AppContext, *, actor: Actor, kind: str, data: bytes, filename: str) -> ImportPreview:
    """Validate every row of the file and say what committing it would do; saves nothing."""
    require(actor, Permission.IMPORT_REGISTRATIONS)
    with ctx.sessions.begin() as session:
        plan = _plan(session, kind, data, filename)
    return ImportPreview(
        kind, tuple(plan.issues), len(plan.create), len(plan.update), len(plan.unchanged), _rows_frame(plan)
    )


@dataclass(frozen=True)
class ImportResult:
    """What a commit did."""

    kind: str
    created: int
    updated: int
    unchanged: int
    seconds: float


def commit_import(
    ctx: AppContext, *, actor: Actor, kind: str, data: bytes, filename: str, progress: Progress = None
) -> ImportResult:
    """Validate again and save every row in one transaction; any issue saves nothing."""
    require(actor, Permission.IMPORT_REGISTRATIONS)
    started = time.perf_counter()
    _tick(progress, 0.0)
    with ctx.sessions.begin() as session:
        plan = _plan(session, kind, data, filename)
        if plan.issues:
            raise InvalidInput(
                "The file has {length} problems; nothing was saved. Fix them and upload again.",
                length=len(plan.issues),
            )
        _tick(progress, 0.2)
        writer = write_students if kind == "students" else write_registrations
        writer(session, plan, actor.user_id, actor.ip, clock.now(), lambda f: _tick(progress, 0.2 + 0.8 * f))
        if plan.create or plan.update:  # new rows or students moved between programs change the past
            forget_history(session)
    if plan.create or plan.update:
        ctx.cache.bump("registrations", "courses", "lookups")
    _tick(progress, 1.0)
    return ImportResult(
        kind, len(plan.create), len(plan.update), len(plan.unchanged), time.perf_counter() - started
    )
