"""Documents of a registration: configurable types (required per course), versioned uploads with
their review, and the bytes of the database storage back end in chunks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import MYSQL_TABLE_ARGS, Base, utcnow
from db.models.enums import DocumentStatus, enum_column
from db.types import UtcDateTime

# One chunk is at most CHUNK_BYTES (core.documents): MEDIUMBLOB (16 MB) on MySQL/MariaDB.
CHUNK_BYTES_TYPE = LargeBinary().with_variant(mysql.MEDIUMBLOB(), "mysql", "mariadb")


class DocumentType(Base):
    """A kind of paperwork (request letter, agreement, ...); an agreement-like type has an expiry date."""

    __tablename__ = "document_types"
    __table_args__ = (UniqueConstraint("code"), MYSQL_TABLE_ARGS)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    has_expiry: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(SmallInteger, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CourseDocumentType(Base):
    """A document type that a course asks for, required or optional."""

    __tablename__ = "course_document_types"
    __table_args__ = (MYSQL_TABLE_ARGS,)

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True)
    type_id: Mapped[int] = mapped_column(
        ForeignKey("document_types.id", ondelete="CASCADE"), primary_key=True
    )
    required: Mapped[bool] = mapped_column(Boolean, default=True)


class Document(Base):
    """One uploaded version of one document type of a registration; older versions are kept."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("registration_id", "type_id", "version"),
        Index("ix_documents_status_created", "status", "created_at"),
        Index("ix_documents_type_expires", "type_id", "expires_on"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    type_id: Mapped[int] = mapped_column(ForeignKey("document_types.id"))
    version: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage: Mapped[str] = mapped_column(String(20))  # "database" or "local"
    storage_key: Mapped[str | None] = mapped_column(String(200))
    expires_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[DocumentStatus] = mapped_column(
        enum_column(DocumentStatus, "document_status"), default=DocumentStatus.PENDING
    )
    review_reason: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class DocumentChunk(Base):
    """A slice of a document's bytes (the database storage back end), in order."""

    __tablename__ = "document_chunks"
    __table_args__ = (MYSQL_TABLE_ARGS,)

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(CHUNK_BYTES_TYPE)
