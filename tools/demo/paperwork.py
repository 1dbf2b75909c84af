"""The demo's paperwork: the document types (again, after a reset emptied the migration's rows) and
which of them every course requires, so the documents page has missing and expiring rows to show."""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from db.models import Course, CourseDocumentType, DocumentType

TYPES = (
    ("request_letter", "หนังสือขอความอนุเคราะห์", "Request letter", False, True),
    ("acceptance_letter", "หนังสือตอบรับ", "Acceptance letter", False, True),
    ("agreement", "ข้อตกลงการฝึกงาน", "Agreement", True, True),
    ("weekly_report", "รายงานประจำสัปดาห์", "Weekly report", False, False),
    ("final_report", "รายงานฉบับสมบูรณ์", "Final report", False, False),
    ("presentation", "สไลด์นำเสนอ", "Presentation", False, False),
)


def require_paperwork(session: Session) -> int:
    """Make sure the types exist; every course requires the letters and the agreement, the rest optional."""
    known = set(session.scalars(select(DocumentType.code)))
    for position, (code, th, en, expiry, _required) in enumerate(TYPES):
        if code not in known:
            session.add(
                DocumentType(
                    code=code, name_th=th, name_en=en, has_expiry=expiry, position=position, active=True
                )
            )
    session.flush()
    ids = dict(session.execute(select(DocumentType.code, DocumentType.id)).all())
    courses = list(session.scalars(select(Course.id)))
    session.execute(delete(CourseDocumentType))
    rows = [
        {"course_id": c, "type_id": ids[code], "required": required}
        for c in courses
        for code, *_rest, required in TYPES
    ]
    if rows:
        session.execute(insert(CourseDocumentType), rows)
    return len(rows)
