"""Cache payload codec and argument hashing: JSON or Arrow IPC bytes, never pickle."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import hashlib
import json
import math
import uuid
from collections.abc import Mapping
from typing import Any

import pandas as pd
import pyarrow as pa

JSON_MARKER = b"J"
ARROW_MARKER = b"A"
COMPRESS_MIN_BYTES = 64 * 1024  # zstd for larger frames: ~10x smaller, ~1 ms to decode


class CodecError(ValueError):
    """A value cannot be encoded or a payload cannot be decoded."""


def encode(value: object) -> bytes:
    """Serialise a DataFrame (Arrow IPC stream) or a JSON-able value, with a 1-byte marker."""
    if isinstance(value, pd.DataFrame):
        return ARROW_MARKER + _frame_to_arrow(value)
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=True, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise CodecError(f"cannot cache value of type {type(value).__name__}: {exc}") from exc
    return JSON_MARKER + text.encode("utf-8")


def decode(payload: bytes) -> Any:
    """Deserialise a payload made by `encode`; raise CodecError when it is corrupt."""
    marker, body = payload[:1], payload[1:]
    try:
        if marker == JSON_MARKER:
            return json.loads(body.decode("utf-8"))
        if marker == ARROW_MARKER:
            with pa.ipc.open_stream(pa.py_buffer(body)) as reader:
                return reader.read_all().to_pandas()
    except Exception as exc:  # any decoder failure means a corrupt payload
        raise CodecError(f"corrupt {marker!r} payload: {exc}") from exc
    raise CodecError(f"unknown payload marker {marker!r}")


def _frame_to_arrow(frame: pd.DataFrame) -> bytes:
    """Write a DataFrame as Arrow IPC stream bytes (pandas metadata keeps dtypes and index)."""
    try:
        table = pa.Table.from_pandas(frame).combine_chunks()
    except (pa.ArrowException, TypeError, ValueError) as exc:
        raise CodecError(f"DataFrame not Arrow-serialisable: {exc}") from exc
    big = table.nbytes >= COMPRESS_MIN_BYTES and pa.Codec.is_available("zstd")
    options = pa.ipc.IpcWriteOptions(compression="zstd" if big else None)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def normalise(value: object) -> Any:
    """Turn a cache argument into a canonical JSON-able form; raise TypeError if unsupported."""
    if isinstance(value, enum.Enum):
        return normalise(value.value)
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value.normalize()) if value.is_finite() else str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    return _normalise_container(value)


def _normalise_container(value: object) -> Any:
    """Normalise mappings, sequences, sets and dataclass instances."""
    if isinstance(value, Mapping):
        return {str(normalise(k)): normalise(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalise(v) for v in value]
    if isinstance(value, (set, frozenset)):
        items = [normalise(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return normalise(dataclasses.asdict(value))
    raise TypeError(f"unsupported cache argument type: {type(value).__name__}")


def args_hash(args: Mapping[str, object]) -> str:
    """Stable hash of normalised arguments (sorted keys, canonical JSON, SHA-256 prefix)."""
    canonical = json.dumps(normalise(args), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]
