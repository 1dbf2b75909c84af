"""The import case: 10,000 registrations from a CSV through core.imports, against the raw driver.

Each core run imports into a fresh bench-only section of a bench-only course (so the large data
set is never changed for the other cases); everything it wrote is deleted afterwards. The raw
reference is the same work done by hand on the DBAPI connection: one executemany of the
registrations, one SELECT of their ids, one executemany each of events and audit rows, rolled
back. The ratio is what parsing, validating and checking every row costs on top of storing it.
"""

from __future__ import annotations

import json
from contextlib import closing
from datetime import UTC, datetime
from functools import partial
from typing import Any

from sqlalchemy import delete, func, select

from bench.audit import chain_head_kept
from bench.cases import NAMESPACES
from bench.harness import Row, measure
from bench.runner import Plan
from core import imports
from core.access import Actor
from core.context import AppContext
from core.registrations import states
from db.models import (
    AuditEntry,
    Course,
    CourseKind,
    CourseSection,
    Registration,
    RegistrationCount,
    RegistrationEvent,
    Student,
    User,
)

COURSE = "BENCH-IMPORT"
ROWS = 10_000
YEAR = 2199  # outside every real term (and CE: a year from 2400 on is read as BE)
HEADER = "student_code,course_code,section,semester,academic_year,advisor_username,company_registration_no"
SUBMITTED = states.Status.SUBMITTED.value


def _setup(ctx: AppContext, sections: int) -> tuple[list[int], list[tuple[int, str]], int]:
    """(bench section ids, ROWS (student id, code) pairs, the advisor's id); leftovers removed first."""
    _cleanup(ctx)
    with ctx.sessions.begin() as session:
        course = Course(
            code=COURSE, name_th="ทดสอบนำเข้า", name_en="Import bench", credits=3, kind=CourseKind.INTERNSHIP
        )
        session.add(course)
        session.flush()
        rows = [
            CourseSection(course_id=course.id, section=f"B{n}", semester=1, academic_year=YEAR, capacity=ROWS)
            for n in range(sections)
        ]
        session.add_all(rows)
        session.flush()
        students = session.execute(select(Student.id, Student.student_code).order_by(Student.id).limit(ROWS))
        advisor = session.scalar(select(User.id).where(User.username == "advisor"))
        return [r.id for r in rows], [(int(i), str(c)) for i, c in students.all()], int(advisor or 0)


def _cleanup(ctx: AppContext) -> None:
    """Delete the bench course, its sections and everything imported into them."""
    with ctx.sessions.begin() as session:
        course = session.scalar(select(Course.id).where(Course.code == COURSE))
        if course is None:
            return
        sections = select(CourseSection.id).where(CourseSection.course_id == course)
        regs = select(Registration.id).where(Registration.section_id.in_(sections))
        ids = [str(i) for i in session.scalars(regs)]
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            session.execute(
                delete(AuditEntry).where(AuditEntry.entity == "registration", AuditEntry.entity_id.in_(chunk))
            )
        session.execute(delete(RegistrationEvent).where(RegistrationEvent.registration_id.in_(regs)))
        session.execute(delete(Registration).where(Registration.section_id.in_(sections)))
        session.execute(delete(RegistrationCount).where(RegistrationCount.section_id.in_(sections)))
        session.execute(delete(CourseSection).where(CourseSection.course_id == course))
        session.execute(delete(Course).where(Course.id == course))
    ctx.cache.bump(*NAMESPACES)


def _csv(students: list[tuple[int, str]], section: int) -> bytes:
    lines = [HEADER, *(f"{code},{COURSE},B{section},1,{YEAR},advisor," for _, code in students)]
    return ("\n".join(lines) + "\n").encode()


def _raw_import(
    raw: Any, paramstyle: str, section_id: int, students: list[tuple[int, str]], actor: int
) -> None:
    """The same rows stored by hand on the DBAPI connection, then rolled back."""
    mark = "?" if paramstyle == "qmark" else "%s"

    def sql(text: str) -> str:
        return text.replace("%s", mark)

    now = datetime.now(UTC).replace(tzinfo=None)
    cursor = raw.cursor()
    try:
        cursor.executemany(
            sql(
                "INSERT INTO registrations (student_id, section_id, advisor_id, status, furthest_stage,"
                " version, submitted_at, status_changed_at, updated_at)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
            ),
            [(sid, section_id, actor, SUBMITTED, 0, 1, now, now, now) for sid, _ in students],
        )
        cursor.execute(sql("SELECT id, student_id FROM registrations WHERE section_id = %s"), (section_id,))
        ids = [int(r[0]) for r in cursor.fetchall()]
        cursor.executemany(
            sql(
                "INSERT INTO registration_events (registration_id, to_status, actor_id, reason, at)"
                " VALUES (%s, %s, %s, %s, %s)"
            ),
            [(i, SUBMITTED, actor, "Imported", now) for i in ids],
        )
        after = json.dumps({"status": SUBMITTED, "section_id": section_id, "source": "import"})
        cursor.executemany(
            sql(
                "INSERT INTO audit_log (actor_id, action, entity, entity_id, after, at)"
                " VALUES (%s, %s, %s, %s, %s, %s)"
            ),
            [(actor, "registration.import", "registration", str(i), after, now) for i in ids],
        )
    finally:
        cursor.close()
        raw.rollback()


def _import_rows(ctx: AppContext, admin: Actor, plan: Plan, runs: int = 3) -> list[Row]:
    """Import ROWS registrations `runs` times (a fresh section each) against the raw inserts."""
    sections, students, advisor = _setup(ctx, runs + 1)
    if len(students) < ROWS:
        _cleanup(ctx)
        return [Row(plan.backend, "import 10k registrations", "core", 0, None, note="too few students")]
    fresh = iter(range(1, runs + 1))

    def core() -> object:
        data = _csv(students, next(fresh))
        return imports.commit_import(ctx, actor=admin, kind="registrations", data=data, filename="bench.csv")

    try:
        with closing(ctx.db.engine.raw_connection()) as raw:
            paramstyle = ctx.db.engine.dialect.paramstyle
            timed = measure(core, partial(_raw_import, raw, paramstyle, sections[0], students, advisor), runs)
        with ctx.sessions.begin() as session:
            imported = session.scalar(
                select(func.count()).select_from(Registration).where(Registration.section_id.in_(sections))
            )
    finally:
        _cleanup(ctx)
    note = f"{ROWS:,} rows x {runs}; {imported:,} stored then deleted; raw = executemany inserts, rolled back"
    return [
        Row(plan.backend, "import 10k registrations", "core", timed.core.runs, timed.core.median_ms,
            timed.core.p95_ms, timed.raw.median_ms if timed.raw else None, timed.ratio, note)
    ]  # fmt: skip


def import_rows(ctx: AppContext, admin: Actor, plan: Plan, runs: int = 3) -> list[Row]:
    """Import ROWS registrations `runs` times against raw inserts; the audit chain head left as it was."""
    with chain_head_kept(ctx):
        return _import_rows(ctx, admin, plan, runs)
