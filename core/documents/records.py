"""A registration's documents: upload (a new version each time, older ones kept), review (pending ->
approved | needs_revision with a reason, which mails the student), the list of versions, and the
bytes for a download. Access goes by role and assignment: an advisor sees only their own students'."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import clock
from core.access import Actor, Permission, require
from core.context import AppContext
from core.documents.files import check_file
from core.documents.kinds import BUMPS
from core.documents.storage import configured_storage, storage_named
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.i18n import N_, msg
from core.registrations import clean_reason, mail_student
from db.models import Document, DocumentStatus, DocumentType, Registration, Role

STATUS_LABELS = {
    DocumentStatus.PENDING: N_("Waiting for review"),
    DocumentStatus.APPROVED: N_("Approved"),
    DocumentStatus.NEEDS_REVISION: N_("Needs revision"),
}


@dataclass(frozen=True)
class DocumentView:
    """One stored version, without its bytes."""

    id: int
    registration_id: int
    type_id: int
    type_th: str
    type_en: str
    version: int
    filename: str
    content_type: str
    size: int
    status: str
    review_reason: str | None
    expires_on: date | None
    created_at: datetime


@dataclass(frozen=True)
class Download:
    """What a download needs: the name and type to send, and the bytes chunk by chunk."""

    filename: str
    content_type: str
    size: int
    chunks: Iterator[bytes]


def registration_for(session: Session, actor: Actor, registration_id: int) -> Registration:
    """The registration whose documents `actor` may see (advisors: their own students only)."""
    require(actor, Permission.VIEW_DOCUMENTS)
    reg = session.get(Registration, registration_id)
    if reg is None:
        raise NotFound("No such registration.")
    if actor.role == Role.ADVISOR and reg.advisor_id != actor.user_id:
        raise PermissionDenied("You can see only the documents of your own students.")
    return reg


def _view(row: Document, kind: DocumentType) -> DocumentView:
    return DocumentView(row.id, row.registration_id, row.type_id, kind.name_th, kind.name_en, row.version,
                        row.filename, row.content_type, row.size, row.status.value, row.review_reason,
                        row.expires_on, row.created_at)  # fmt: skip


def registration_documents(ctx: AppContext, *, actor: Actor, registration_id: int) -> list[DocumentView]:
    """Every version of every document of a registration, newest first within each type."""
    with ctx.sessions.begin() as session:
        registration_for(session, actor, registration_id)
        rows = session.execute(
            select(Document, DocumentType)
            .join(DocumentType, DocumentType.id == Document.type_id)
            .where(Document.registration_id == registration_id)
            .order_by(DocumentType.position, DocumentType.id, Document.version.desc())
        )
        return [_view(d, t) for d, t in rows]


def upload_document(
    ctx: AppContext,
    *,
    actor: Actor,
    registration_id: int,
    type_id: int,
    filename: str,
    content: BinaryIO,
    expires_on: date | None = None,
) -> DocumentView:
    """Store a new version of a document (the type read from the content, the name cleaned)."""
    checked = check_file(filename, content)
    storage = configured_storage(ctx.settings)
    with ctx.change(actor, *BUMPS) as change:
        session = change.session
        registration_for(session, actor, registration_id)
        kind = session.get(DocumentType, type_id)
        if kind is None or not kind.active:
            raise NotFound("No such document type.")
        if kind.has_expiry and expires_on is None:
            raise InvalidInput("Enter the date this {document} expires.", document=kind.name_en)
        last = session.scalar(
            select(func.max(Document.version)).where(
                Document.registration_id == registration_id, Document.type_id == type_id
            )
        )
        row = Document(
            registration_id=registration_id,
            type_id=type_id,
            version=int(last or 0) + 1,
            filename=checked.filename,
            content_type=checked.content_type,
            size=checked.size,
            sha256="",
            storage=storage.name,
            expires_on=expires_on if kind.has_expiry else None,
            status=DocumentStatus.PENDING,
            uploaded_by=actor.user_id,
            created_at=clock.now(),
        )
        session.add(row)
        session.flush()
        stored = storage.save(session, row.id, content)
        row.sha256, row.storage_key = stored.sha256, stored.key
        change.audit("document.upload", "document", row.id,
                     after={"registration_id": registration_id, "type": kind.code, "version": row.version,
                            "filename": row.filename, "size": row.size, "sha256": row.sha256,
                            "content_type": row.content_type})  # fmt: skip
        return _view(row, kind)


def review_document(
    ctx: AppContext, *, actor: Actor, document_id: int, decision: str, reason: str | None = None
) -> DocumentView:
    """Approve a version, or send it back for revision with a reason (the student is mailed)."""
    try:
        status = DocumentStatus(decision)
    except ValueError:
        raise InvalidInput("Unknown decision: {decision}.", decision=decision) from None
    if status == DocumentStatus.PENDING:
        raise InvalidInput("Choose approve or needs revision.")
    needs_reason = status == DocumentStatus.NEEDS_REVISION
    text = clean_reason(reason, required=needs_reason, action=msg(STATUS_LABELS[status]))
    with ctx.change(actor, *BUMPS) as change:
        session = change.session
        row = session.get(Document, document_id, with_for_update=True)
        if row is None:
            raise NotFound("No such document.")
        registration_for(session, actor, row.registration_id)
        if row.status != DocumentStatus.PENDING:
            raise Conflict("This version was reviewed already.")
        newest = session.scalar(
            select(func.max(Document.version)).where(
                Document.registration_id == row.registration_id, Document.type_id == row.type_id
            )
        )
        if newest != row.version:
            raise Conflict("A newer version was uploaded; review that one.")
        kind = session.get_one(DocumentType, row.type_id)
        before = {"status": row.status}
        row.status, row.review_reason = status, text
        row.reviewed_by, row.reviewed_at = actor.user_id, clock.now()
        if needs_reason:
            mail_student(
                session,
                row.registration_id,
                "document_needs_revision",
                document={"th": kind.name_th, "en": kind.name_en},
                reason=text or "-",
            )
        change.audit(
            "document.review",
            "document",
            row.id,
            before=before,
            after={"status": status, "reason": text, "registration_id": row.registration_id},
        )
        return _view(row, kind)


def open_document(ctx: AppContext, *, actor: Actor, document_id: int) -> Download:
    """A document's bytes for a download (audited); read chunk by chunk while the answer is sent."""
    with ctx.change(actor) as change:
        session = change.session
        row = session.get(Document, document_id)
        if row is None:
            raise NotFound("No such document.")
        registration_for(session, actor, row.registration_id)
        change.audit("document.download", "document", row.id, after={"registration_id": row.registration_id})
        name, content_type, size, storage, key = (
            row.filename,
            row.content_type,
            row.size,
            row.storage,
            row.storage_key,
        )

    chunks = storage_named(storage, ctx.settings).read(ctx.sessions.begin, document_id, key)
    return Download(name, content_type, size, chunks)
