"""Documents on both back ends: types per course, uploads checked by content (hostile files refused
or defused), versions, review with the student's mail, access by role and assignment, both storage
back ends, the list of missing and expiring documents, and the audit trail."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core import clock, documents
from core import registrations as workflow
from core.access import Actor
from core.context import AppContext
from core.documents.files import MAX_UNZIPPED
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from db.models import AuditEntry, DocumentChunk, OutboxMail, Role
from db.models import RegistrationStatus as S
from tests import factories as f

NOW = datetime(2026, 8, 3, 3, 0, tzinfo=UTC)
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PDF_WITH_JS = (
    b"%PDF-1.7\n1 0 obj << /Type /Catalog /OpenAction 2 0 R >> endobj\n"
    b"2 0 obj << /S /JavaScript /JS (app.alert('pwned')) >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def office_zip(kind: str = "docx", extra: dict[str, bytes] | None = None, zeros: int = 0) -> bytes:
    """A minimal DOCX or XLSX (a zip with the parts that name it), with `zeros` bytes of padding."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<doc>สวัสดี</doc>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
        if zeros:
            block = b"\x00" * (1024 * 1024)
            with z.open("word/media/zeros.bin", "w", force_zip64=True) as member:
                for _ in range(zeros // len(block) + 1):
                    member.write(block)
    return out.getvalue()


@dataclass
class Office:
    ctx: AppContext
    actors: dict[str, Actor]
    course_id: int
    section_id: int
    types: dict[str, int]

    def reg(
        self, status: S = S.PLACED, advisor: str = "advisor", email: str | None = "student@example.ac.th"
    ) -> int:
        with self.ctx.sessions.begin() as s:
            student = f.student(s, email=email)
            return f.registration(s, student_id=student, section_id=self.section_id, status=status,
                                  advisor_id=self.actors[advisor].user_id)  # fmt: skip

    def upload(self, rid: int, code: str = "request_letter", data: bytes = PDF, name: str = "letter.pdf",
               who: str = "coordinator", expires_on: date | None = None) -> documents.DocumentView:  # fmt: skip
        return documents.upload_document(self.ctx, actor=self.actors[who], registration_id=rid,
                                         type_id=self.types[code], filename=name, content=io.BytesIO(data),
                                         expires_on=expires_on)  # fmt: skip


@pytest.fixture
def office(ctx: AppContext, make_actor, monkeypatch: pytest.MonkeyPatch) -> Office:
    monkeypatch.setattr(clock, "now", lambda: NOW)
    actors = {r: make_actor(Role(r)) for r in ("admin", "coordinator", "staff", "manager")}
    actors["advisor"] = make_actor(Role.ADVISOR)
    actors["other_advisor"] = make_actor(Role.ADVISOR)
    coordinator = actors["coordinator"]
    types = {}
    for code, th, en, expiry in (("request_letter", "หนังสือขอความอนุเคราะห์", "Request letter", False),
                                 ("agreement", "ข้อตกลงการฝึกงาน", "Agreement", True),
                                 ("final_report", "รายงานฉบับสมบูรณ์", "Final report", False)):  # fmt: skip
        types[code] = documents.save_type(ctx, actor=coordinator, type_id=None, code=code, name_th=th,
                                          name_en=en, has_expiry=expiry).id  # fmt: skip
    with ctx.sessions.begin() as s:
        course = f.course(s)
        section = f.section(s, course)
    documents.set_course_requirements(ctx, actor=coordinator, course_id=course,
                                      required=[types["request_letter"], types["agreement"]],
                                      optional=[types["final_report"]])  # fmt: skip
    return Office(ctx, actors, course, section, types)


def _bytes(office: Office, document_id: int, who: str = "coordinator") -> bytes:
    download = documents.open_document(office.ctx, actor=office.actors[who], document_id=document_id)
    return b"".join(download.chunks)


def _audits(ctx: AppContext, action: str) -> int:
    with ctx.sessions.begin() as s:
        return int(s.scalar(select(func.count()).where(AuditEntry.action == action)) or 0)


# --- what an upload may be -----------------------------------------------------------------------


def test_each_upload_is_a_new_version_and_older_ones_are_kept(office: Office) -> None:
    rid = office.reg()
    first = office.upload(rid)
    second = office.upload(rid, data=PDF + b"% v2\n", name="letter-v2.pdf")
    assert (first.version, second.version) == (1, 2)
    versions = documents.registration_documents(
        office.ctx, actor=office.actors["coordinator"], registration_id=rid
    )
    assert [(v.version, v.filename) for v in versions] == [(2, "letter-v2.pdf"), (1, "letter.pdf")]
    assert _bytes(office, first.id) == PDF and _bytes(office, second.id) == PDF + b"% v2\n"
    assert _audits(office.ctx, "document.upload") == 2 and _audits(office.ctx, "document.download") == 2


def test_a_pdf_with_javascript_is_stored_as_a_pdf_and_given_back_byte_for_byte(office: Office) -> None:
    doc = office.upload(office.reg(), data=PDF_WITH_JS, name="report.pdf")
    assert doc.content_type == "application/pdf"
    assert (
        _bytes(office, doc.id) == PDF_WITH_JS
    )  # served only as an attachment: tests/unit/test_document_download.py


def test_an_executable_renamed_pdf_is_refused(office: Office) -> None:
    exe = (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
        + b"\x00" * 200
        + b"This program cannot be run in DOS"
    )
    with pytest.raises(InvalidInput, match="not a PDF, DOCX, XLSX, PNG or JPEG"):
        office.upload(office.reg(), data=exe, name="report.pdf")
    elf = b"\x7fELF\x02\x01\x01" + b"\x00" * 100
    with pytest.raises(InvalidInput):
        office.upload(office.reg(), data=elf, name="report.pdf")


def test_a_docx_zip_bomb_is_refused(office: Office) -> None:
    bomb = office_zip("docx", zeros=MAX_UNZIPPED)
    assert len(bomb) < 1024 * 1024  # tiny on the way in
    with pytest.raises(InvalidInput, match="expands to more than 100 MB"):
        office.upload(office.reg(), data=bomb, name="report.docx")


def test_a_docx_with_macros_or_a_zip_that_is_no_office_file_is_refused(office: Office) -> None:
    with pytest.raises(InvalidInput, match="macros"):
        office.upload(office.reg(), data=office_zip("docx", {"word/vbaProject.bin": b"x"}), name="r.docx")
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("run.sh", "rm -rf /")
    with pytest.raises(InvalidInput, match="not a PDF"):
        office.upload(office.reg(), data=plain.getvalue(), name="r.docx")


def test_docx_xlsx_png_and_jpeg_are_accepted_by_their_content(office: Office) -> None:
    rid = office.reg()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    assert office.upload(rid, data=office_zip("docx"), name="report.bin").filename == "report.docx"
    assert office.upload(rid, data=office_zip("xlsx"), name="sheet.docx").content_type.endswith("sheet")
    assert office.upload(rid, data=png, name="scan.pdf").filename == "scan.png"
    assert (
        office.upload(rid, data=b"\xff\xd8\xff\xe0" + b"\x00" * 64, name="scan.jpeg").filename == "scan.jpeg"
    )


def test_an_11_mb_file_is_refused_with_a_clear_message(office: Office) -> None:
    big = PDF + b"\x00" * (11 * 1024 * 1024 - len(PDF))
    with pytest.raises(InvalidInput) as caught:
        office.upload(office.reg(), data=big, name="big.pdf")
    assert caught.value.message == "\u201cbig.pdf\u201d is 11.0 MB; a document may be at most 10 MB."
    assert caught.value.text.render("th") == "\u201cbig.pdf\u201d มีขนาด 11.0 MB เอกสารมีขนาดได้ไม่เกิน 10 MB"


def test_names_with_directories_and_control_characters_are_cleaned(office: Office) -> None:
    doc = office.upload(office.reg(), name="../../etc/pass\x00wd\r\n\u202e.pdf")
    assert doc.filename == "passwd.pdf"
    assert documents.clean_filename("..\\..\\windows\\system32\\..pdf", "pdf") == "pdf.pdf"
    assert documents.clean_filename("a<b>:c|d?.pdf", "pdf") == "a_b_c_d_.pdf"
    assert documents.clean_filename("รายงาน ฉบับที่ 1.PDF", "pdf") == "รายงาน ฉบับที่ 1.PDF"
    assert documents.clean_filename("", "pdf") == "document.pdf"


# --- storage back ends ---------------------------------------------------------------------------


def test_the_database_keeps_a_file_in_chunks(office: Office) -> None:
    data = PDF + bytes(range(256)) * (10 * 4096 - 1)  # just under 10 MB
    doc = office.upload(office.reg(), data=data)
    with office.ctx.sessions.begin() as s:
        chunks = s.scalar(select(func.count()).where(DocumentChunk.document_id == doc.id))
    assert chunks == 10 and _bytes(office, doc.id) == data


def test_the_local_directory_back_end_keeps_files_outside_the_database(
    office: Office, tmp_path: Path
) -> None:
    settings = office.ctx.settings.model_copy(update={"document_storage": "local", "documents_dir": tmp_path})
    local = replace(office, ctx=replace(office.ctx, settings=settings))
    doc = local.upload(local.reg(), data=PDF_WITH_JS)
    [stored] = list(tmp_path.iterdir())
    assert stored.read_bytes() == PDF_WITH_JS and stored.suffix == ".bin"
    with office.ctx.sessions.begin() as s:
        assert s.scalar(select(func.count()).where(DocumentChunk.document_id == doc.id)) == 0
    assert _bytes(local, doc.id) == PDF_WITH_JS


# --- review and access ---------------------------------------------------------------------------


def test_review_sends_back_with_a_reason_and_mails_the_student_in_that_transaction(office: Office) -> None:
    rid = office.reg()
    doc = office.upload(rid, who="advisor")
    with pytest.raises(InvalidInput, match="reason"):
        documents.review_document(office.ctx, actor=office.actors["advisor"], document_id=doc.id,
                                  decision="needs_revision")  # fmt: skip
    reviewed = documents.review_document(office.ctx, actor=office.actors["advisor"], document_id=doc.id,
                                         decision="needs_revision", reason="ลายเซ็นไม่ครบ")  # fmt: skip
    assert reviewed.status == "needs_revision" and reviewed.review_reason == "ลายเซ็นไม่ครบ"
    with office.ctx.sessions.begin() as s:
        [mail] = s.scalars(select(OutboxMail)).all()
        assert mail.recipient == "student@example.ac.th" and mail.kind == "document_needs_revision"
        assert (
            "ลายเซ็นไม่ครบ" in mail.body_text and mail.subject == "Your document needs revision: Request letter"
        )
    with pytest.raises(Conflict):
        documents.review_document(office.ctx, actor=office.actors["coordinator"], document_id=doc.id,
                                  decision="approved")  # fmt: skip
    newer = office.upload(rid)
    approved = documents.review_document(office.ctx, actor=office.actors["coordinator"], document_id=newer.id,
                                         decision="approved")  # fmt: skip
    assert approved.status == "approved" and _audits(office.ctx, "document.review") == 2


def test_an_older_version_cannot_be_reviewed_once_a_newer_one_is_in(office: Office) -> None:
    rid = office.reg()
    old = office.upload(rid)
    office.upload(rid)
    with pytest.raises(Conflict, match="newer version"):
        documents.review_document(office.ctx, actor=office.actors["coordinator"], document_id=old.id,
                                  decision="approved")  # fmt: skip


def test_advisors_reach_only_their_own_students_and_staff_none(office: Office) -> None:
    rid = office.reg(advisor="advisor")
    doc = office.upload(rid, who="advisor")
    for who in ("other_advisor", "staff", "manager"):
        with pytest.raises(PermissionDenied):
            documents.open_document(office.ctx, actor=office.actors[who], document_id=doc.id)
        with pytest.raises(PermissionDenied):
            office.upload(rid, who=who)
    with pytest.raises(NotFound):
        documents.open_document(office.ctx, actor=office.actors["admin"], document_id=doc.id + 999)
    assert _bytes(office, doc.id, who="advisor") == PDF


def test_a_type_with_an_expiry_needs_its_date(office: Office) -> None:
    with pytest.raises(InvalidInput, match="expires"):
        office.upload(office.reg(), code="agreement")
    assert office.upload(office.reg(), code="agreement", expires_on=date(2027, 1, 1)).expires_on == date(
        2027, 1, 1
    )


def test_types_are_configurable_by_the_office_only(office: Office) -> None:
    with pytest.raises(PermissionDenied):
        documents.save_type(office.ctx, actor=office.actors["advisor"], type_id=None, code="x", name_th="x",
                            name_en="x", has_expiry=False)  # fmt: skip
    with pytest.raises(InvalidInput):
        documents.save_type(office.ctx, actor=office.actors["coordinator"], type_id=None, code="agreement",
                            name_th="ซ้ำ", name_en="Duplicate", has_expiry=False)  # fmt: skip
    changed = documents.save_type(office.ctx, actor=office.actors["coordinator"], type_id=office.types["final_report"],
                                  code="final_report", name_th="รายงานฉบับจริง", name_en="Final report",
                                  has_expiry=False, active=False)  # fmt: skip
    assert not changed.active
    required = documents.course_requirements(
        office.ctx, actor=office.actors["coordinator"], course_id=office.course_id
    )
    assert required == {office.types["request_letter"]: True, office.types["agreement"]: True,
                        office.types["final_report"]: False}  # fmt: skip


# --- missing and expiring ------------------------------------------------------------------------


def test_the_list_shows_missing_sent_back_waiting_and_expiring_documents(office: Office) -> None:
    coordinator = office.actors["coordinator"]
    missing = office.reg()
    waiting = office.reg()
    office.upload(waiting)
    office.upload(waiting, code="agreement", expires_on=date(2026, 8, 20))
    review = office.upload(waiting, code="agreement", expires_on=date(2026, 8, 20))
    documents.review_document(office.ctx, actor=coordinator, document_id=review.id, decision="approved")
    office.reg(status=S.SUBMITTED)  # not yet in the paperwork stages
    frame = documents.list_document_problems(
        office.ctx, actor=coordinator, filters=documents.DocumentFilters()
    )
    rows = {(r.registration_id, r.document_en, r.problem) for r in frame.itertuples()}
    assert rows == {(missing, "Request letter", "missing"), (missing, "Agreement", "missing"),
                    (waiting, "Request letter", "pending"), (waiting, "Agreement", "expiring")}  # fmt: skip
    only = documents.list_document_problems(office.ctx, actor=coordinator,
                                            filters=documents.DocumentFilters(problem="expiring"))  # fmt: skip
    assert list(only["registration_id"]) == [waiting]
    with pytest.raises(InvalidInput):
        documents.list_document_problems(
            office.ctx, actor=coordinator, filters=documents.DocumentFilters(problem="x")
        )


def test_advisors_list_only_their_students_and_the_export_speaks_thai(office: Office) -> None:
    mine = office.reg(advisor="advisor")
    office.reg(advisor="other_advisor")
    frame = documents.list_document_problems(office.ctx, actor=office.actors["advisor"],
                                             filters=documents.DocumentFilters())  # fmt: skip
    assert set(frame["registration_id"]) == {mine}
    data = documents.export_document_problems(office.ctx, actor=office.actors["coordinator"],
                                              filters=documents.DocumentFilters(), lang="th")  # fmt: skip
    header, *lines = data.decode("utf-8-sig").splitlines()
    assert header.split(",")[-3:] == ["เอกสาร", "ปัญหา", "หมดอายุ"]
    assert len(lines) == 4 and all("ยังไม่ส่ง" in line for line in lines)
    assert any("ข้อตกลงการฝึกงาน" in line for line in lines)


def test_a_transition_that_the_student_must_hear_of_writes_their_mail(office: Office) -> None:
    rid = office.reg(status=S.SUBMITTED)
    workflow.transition(office.ctx, actor=office.actors["coordinator"], registration_id=rid, action="needs_changes",
                        reason="แนบใบรับรองผลการเรียน")  # fmt: skip
    with office.ctx.sessions.begin() as s:
        [mail] = s.scalars(select(OutboxMail)).all()
    assert mail.kind == "registration_needs_changes" and "แนบใบรับรองผลการเรียน" in mail.body_text
    assert mail.language == "en"  # the office's default in these tests; no placement language yet
