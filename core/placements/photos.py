"""Visit photos: the type read from the content, the size limit, location stripped, a thumbnail.

A photo is checked before anything is stored: at most MAX_BYTES, a JPEG, PNG or WEBP by its first
bytes and as Pillow reads it (the file name and the browser's content type are not trusted), at
most MAX_PIXELS (a decompression bomb is refused before it is decoded). The stored image is the
upload with its location removed at the byte level — the GPS directory of the EXIF data and any
XMP packet (which can hold a location too) — so the picture itself is never re-encoded and never
decoded in full; the thumbnail is decoded at a reduced size where the format allows it (JPEG).
"""

from __future__ import annotations

import io
import unicodedata
import zlib
from dataclasses import dataclass

from PIL import Image, ImageOps

from core.errors import InvalidInput

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # about a 7,700 x 5,200 picture; beyond it decoding alone costs 120 MB+
THUMBNAIL_PX = 320
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
GPS_IFD = 0x8825
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_EXIF_HEADER = b"Exif\x00\x00"
_XMP_MARKS = (b"http://ns.adobe.com/xap/1.0/", b"http://ns.adobe.com/xmp/extension/")
_PNG_TEXT = (b"tEXt", b"zTXt", b"iTXt")


@dataclass(frozen=True)
class CleanPhoto:
    """A photo fit to store: its bytes without a location, its type, size and thumbnail (JPEG)."""

    filename: str
    content_type: str
    data: bytes
    width: int
    height: int
    thumbnail: bytes


def sniff(data: bytes) -> str | None:
    """JPEG, PNG or WEBP by the file's first bytes (its signature), else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(_PNG_SIGNATURE):
        return "PNG"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def _name(filename: str) -> str:
    text = unicodedata.normalize("NFC", filename or "").strip()
    printable = "".join(c for c in text if unicodedata.category(c)[0] != "C")
    return (printable or "photo")[-200:]


def clean_photo(filename: str, data: bytes) -> CleanPhoto:
    """The photo checked and stripped of its location, or InvalidInput saying what is wrong with it."""
    name = _name(filename)
    if len(data) > MAX_BYTES:
        raise InvalidInput(
            "\u201c{name}\u201d is {size} MB; a photo may be at most {limit} MB.",
            name=name,
            size=_megabytes(len(data)),
            limit=MAX_BYTES // (1024 * 1024),
        )
    kind = sniff(data)
    if kind is None:
        raise InvalidInput("\u201c{name}\u201d is not a JPEG, PNG or WEBP image.", name=name)
    width, height = _dimensions(name, data, kind)
    stripped = STRIPPERS[kind](data)
    return CleanPhoto(name, CONTENT_TYPES[kind], stripped, width, height, _thumbnail(name, stripped, kind))


def _unreadable(name: str) -> InvalidInput:
    return InvalidInput("\u201c{name}\u201d could not be read as an image: the file is damaged.", name=name)


def _dimensions(name: str, data: bytes, kind: str) -> tuple[int, int]:
    try:
        with Image.open(io.BytesIO(data), formats=[kind]) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise InvalidInput(
                    "\u201c{name}\u201d is {width} x {height} pixels; a photo may have at most {limit} "
                    "million.",
                    name=name,
                    width=width,
                    height=height,
                    limit=MAX_PIXELS // 1_000_000,
                )
            image.verify()
    except InvalidInput:
        raise
    except Exception:  # Pillow raises many kinds of error on a damaged or hostile file
        raise _unreadable(name) from None
    return int(width), int(height)


def _thumbnail(name: str, data: bytes, kind: str) -> bytes:
    try:
        with Image.open(io.BytesIO(data), formats=[kind]) as image:
            if kind == "JPEG":  # decode at 1/2..1/8 of the size: a 12 MP photo costs ~0.5 MB, not 36
                image.draft("RGB", (THUMBNAIL_PX, THUMBNAIL_PX))
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
            out = io.BytesIO()
            upright.convert("RGB").save(out, "JPEG", quality=80)
            return out.getvalue()
    except Exception:
        raise _unreadable(name) from None


def exif_without_location(raw: bytes) -> bytes | None:
    """EXIF data (with or without its "Exif" header) without the GPS directory; None to drop it all
    (when it cannot be read, it is not kept)."""
    try:
        exif = Image.Exif()
        exif.load(raw)
        if GPS_IFD in exif:
            del exif[GPS_IFD]
        cleaned = exif.tobytes()
    except Exception:
        return None
    return cleaned[len(_EXIF_HEADER) :] if cleaned.startswith(_EXIF_HEADER) else cleaned


def _strip_jpeg(data: bytes) -> bytes:
    out, at = bytearray(data[:2]), 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            raise InvalidInput("The JPEG file is damaged.")
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == 0xDA:  # start of scan: the picture itself follows, kept as it is
            break
        if 0xD0 <= marker <= 0xD7 or marker in (0x01, 0xD8):
            out += data[at : at + 2]
            at += 2
            continue
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        payload = data[at + 4 : at + 2 + length]
        if marker == 0xE1 and payload.startswith(_EXIF_HEADER):
            cleaned = exif_without_location(payload[len(_EXIF_HEADER) :])
            if cleaned is not None and len(cleaned) + 8 <= 0xFFFF:
                out += b"\xff\xe1" + (len(cleaned) + 8).to_bytes(2, "big") + _EXIF_HEADER + cleaned
        elif not (marker == 0xE1 and payload.startswith(_XMP_MARKS)):
            out += data[at : at + 2 + length]
        at += 2 + length
    return bytes(out + data[at:])


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")


def _locating_text(body: bytes) -> bool:
    keyword = body.split(b"\x00", 1)[0].lower()
    return any(word in keyword for word in (b"xmp", b"exif", b"app1"))


def _strip_png(data: bytes) -> bytes:
    out, at = bytearray(data[:8]), 8
    while at + 12 <= len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        chunk = data[at : at + 12 + length]
        if kind == b"eXIf":
            cleaned = exif_without_location(body)
            chunk = _png_chunk(kind, cleaned) if cleaned is not None else b""
        elif kind in _PNG_TEXT and _locating_text(body):
            chunk = b""
        out += chunk
        at += 12 + length
        if kind == b"IEND":
            break
    return bytes(out)


def _webp_chunk(kind: bytes, body: bytes) -> bytes:
    return kind + len(body).to_bytes(4, "little") + body + (b"\x00" if len(body) % 2 else b"")


def _strip_webp(data: bytes) -> bytes:
    chunks: list[tuple[bytes, bytes]] = []
    at = 12
    while at + 8 <= len(data):
        kind, length = data[at : at + 4], int.from_bytes(data[at + 4 : at + 8], "little")
        body = data[at + 8 : at + 8 + length]
        at += 8 + length + (length % 2)
        if kind == b"XMP ":
            continue
        if kind == b"EXIF":
            cleaned = exif_without_location(body)
            if cleaned is None:
                continue
            body = cleaned
        chunks.append((kind, body))
    present = {kind for kind, _ in chunks}
    out = bytearray()
    for kind, body in chunks:
        if kind == b"VP8X":  # flags: 0x08 EXIF, 0x04 XMP present
            flags = body[0] & ~0x04 & ~(0 if b"EXIF" in present else 0x08)
            body = bytes([flags]) + body[1:]
        out += _webp_chunk(kind, body)
    return b"RIFF" + (len(out) + 4).to_bytes(4, "little") + b"WEBP" + bytes(out)


STRIPPERS = {"JPEG": _strip_jpeg, "PNG": _strip_png, "WEBP": _strip_webp}
