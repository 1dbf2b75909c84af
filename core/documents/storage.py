"""Where document bytes live, behind one small interface with two back ends.

`DatabaseStorage` (the default) keeps a file as rows of at most CHUNK_BYTES, written and read one
chunk at a time, so a 10 MB file is never held in memory twice (the upload itself is the one copy).
`LocalStorage` keeps it as a file under DOCUMENTS_DIR, written to a temporary name and renamed.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.config import Settings
from db.models import DocumentChunk

CHUNK_BYTES = 1024 * 1024
# A download reads chunk by chunk while the answer is sent, one short transaction per chunk, so no
# database connection is held (or moved between threads) while a slow client reads.
Sessions = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True)
class Stored:
    """What a back end kept: the key to find it again, its size and SHA-256."""

    key: str | None
    size: int
    sha256: str


class Storage(Protocol):
    """A place for document bytes."""

    name: str

    def save(self, session: Session, document_id: int, source: BinaryIO) -> Stored:
        """Keep the bytes of `source` (from its start) for `document_id`."""
        ...

    def read(self, sessions: Sessions, document_id: int, key: str | None) -> Iterator[bytes]:
        """The bytes back, chunk by chunk."""
        ...


class DatabaseStorage:
    """Rows of document_chunks, in the caller's transaction."""

    name = "database"

    def save(self, session: Session, document_id: int, source: BinaryIO) -> Stored:
        """Insert one row per chunk (Core inserts: no ORM object keeps a chunk alive)."""
        digest, size, seq = hashlib.sha256(), 0, 0
        source.seek(0)
        while chunk := source.read(CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
            session.execute(insert(DocumentChunk).values(document_id=document_id, seq=seq, data=chunk))
            seq += 1
        return Stored(None, size, digest.hexdigest())

    def read(self, sessions: Sessions, document_id: int, key: str | None) -> Iterator[bytes]:
        """One query per chunk, so the driver never buffers the whole file."""
        seq = 0
        while True:
            stmt = select(DocumentChunk.data).where(
                DocumentChunk.document_id == document_id, DocumentChunk.seq == seq
            )
            with sessions() as session:
                data = session.scalar(stmt)
            if data is None:
                return
            yield bytes(data)
            seq += 1


class LocalStorage:
    """Files under one directory; the database keeps only their names."""

    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("a storage key points outside the documents directory")
        return path

    def save(self, session: Session, document_id: int, source: BinaryIO) -> Stored:
        """Write to a temporary name, then rename (a reader never sees half a file)."""
        self.root.mkdir(parents=True, exist_ok=True)
        key = f"{document_id:09d}-{uuid.uuid4().hex}.bin"
        target = self._path(key)
        temporary = target.with_suffix(".part")
        digest, size = hashlib.sha256(), 0
        source.seek(0)
        with open(temporary, "wb") as out:
            while chunk := source.read(CHUNK_BYTES):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
        return Stored(key, size, digest.hexdigest())

    def read(self, sessions: Sessions, document_id: int, key: str | None) -> Iterator[bytes]:
        """The file, chunk by chunk."""
        if key is None:
            return
        with open(self._path(key), "rb") as f:
            while chunk := f.read(CHUNK_BYTES):
                yield chunk


def storage_named(name: str, settings: Settings) -> Storage:
    """The back end a document was stored with."""
    if name == "local":
        return LocalStorage(settings.documents_dir or settings.data_dir / "documents")
    return DatabaseStorage()


def configured_storage(settings: Settings) -> Storage:
    """The back end new uploads go to (DOCUMENT_STORAGE)."""
    return storage_named(settings.document_storage, settings)
