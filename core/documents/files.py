"""What an uploaded file is, read from its content: PDF, DOCX, XLSX, PNG or JPEG, at most MAX_BYTES.

The name and the browser's content type are never trusted. A DOCX or XLSX is a zip: it is opened
and every member is decompressed with a running count, so a zip bomb (members that expand far
beyond their stored size, whatever their headers claim) is refused after MAX_UNZIPPED bytes, and a
macro project (vbaProject.bin) is refused outright. Names are cleaned: no directories, no control
characters, no leading dots, and the extension of the type found.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from core.errors import InvalidInput

MAX_BYTES = 10 * 1024 * 1024
MAX_UNZIPPED = 100 * 1024 * 1024
MAX_MEMBERS = 5000
MAX_NAME = 150
_READ = 64 * 1024
KINDS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpg": "image/jpeg",
}
_RESERVED = re.compile(r'[<>:"|?*\\/]+')


@dataclass(frozen=True)
class CheckedFile:
    """An upload fit to store: its clean name, its type (from the content) and size."""

    filename: str
    kind: str
    content_type: str
    size: int


def clean_filename(filename: str, kind: str | None = None) -> str:
    """The last path part of `filename`, without control characters, reserved characters or leading
    dots, at most MAX_NAME characters, ending with the extension of `kind`."""
    text = unicodedata.normalize("NFC", filename or "")
    text = re.split(r"[\\/]", text)[-1]
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C")
    text = _RESERVED.sub("_", text).strip().lstrip(".").strip()
    stem, dot, ext = text.rpartition(".")
    if not dot:
        stem, ext = text, ""
    if kind is not None:
        wanted = {"jpg": ("jpg", "jpeg")}.get(kind, (kind,))
        ext = ext if ext.lower() in wanted else kind
    stem = (stem or "document")[: MAX_NAME - len(ext) - 1]
    return f"{stem}.{ext}" if ext else stem


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def _size(stream: BinaryIO) -> int:
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


def sniff(head: bytes) -> str | None:
    """The type by the file's first bytes: pdf, zip (maybe DOCX/XLSX), png or jpg; None otherwise."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return None


def _office_kind(stream: BinaryIO, name: str) -> str:
    """docx or xlsx after reading every member within the limits; InvalidInput otherwise."""
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise _bomb(name)
            names = {m.filename for m in members}
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise InvalidInput("\u201c{name}\u201d contains macros; save it without macros.", name=name)
            total = 0
            for member in members:
                with archive.open(member) as part:
                    while chunk := part.read(_READ):
                        total += len(chunk)
                        if total > MAX_UNZIPPED:
                            raise _bomb(name)
    except InvalidInput:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
        raise _not_allowed(name) from None
    finally:
        stream.seek(0)
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return "docx"
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return "xlsx"
    raise _not_allowed(name)


def _bomb(name: str) -> InvalidInput:
    return InvalidInput(
        "\u201c{name}\u201d expands to more than {limit} MB when opened; it is refused.",
        name=name,
        limit=MAX_UNZIPPED // (1024 * 1024),
    )


def _not_allowed(name: str) -> InvalidInput:
    return InvalidInput("\u201c{name}\u201d is not a PDF, DOCX, XLSX, PNG or JPEG file.", name=name)


def check_file(filename: str, stream: BinaryIO) -> CheckedFile:
    """The upload's clean name, type and size, or InvalidInput saying what is wrong with it."""
    shown = clean_filename(filename)
    size = _size(stream)
    if size > MAX_BYTES:
        raise InvalidInput(
            "\u201c{name}\u201d is {size} MB; a document may be at most {limit} MB.",
            name=shown,
            size=_megabytes(size),
            limit=MAX_BYTES // (1024 * 1024),
        )
    if size == 0:
        raise InvalidInput("\u201c{name}\u201d is empty.", name=shown)
    head = stream.read(16)
    stream.seek(0)
    kind = sniff(head)
    if kind == "zip":
        kind = _office_kind(stream, shown)
    if kind is None:
        raise _not_allowed(shown)
    return CheckedFile(clean_filename(filename, kind), kind, KINDS[kind], size)
