"""Structured logs: one JSON object per line, with the replica, the request or incident and the user.

Every line carries `time`, `level`, `logger`, `replica`, `request_id`, `incident_id`, `user_id` and
`event` (the message). Secrets never reach the output: a filter masks anything that looks like
a password, token, ticket, cookie or bearer credential in the message and drops such extra
fields; SQLAlchemy's engine loggers are held at WARNING so statements' parameters are never
logged.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

from pythonjsonlogger.json import JsonFormatter

from core.context import acting_user

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_user_id: ContextVar[int | None] = ContextVar("user_id", default=None)
_replica = {"id": ""}

FIELDS = ("time", "level", "logger", "replica", "request_id", "incident_id", "user_id", "event")
MASK = "[redacted]"
_SENSITIVE_NAMES = (
    r"password|passwd|passphrase|token|ticket|secret|cookie|authorization|session_id|api[_-]?key"
)
_SECRET_PAIR = re.compile(
    rf"(?i)\b([\w.-]*(?:{_SENSITIVE_NAMES})[\w.-]*)(\s*[=:]\s*|\"\s*:\s*\"?)([^\s,;&\"']+)"
)
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")
_SECRET_KEY = re.compile(rf"(?i){_SENSITIVE_NAMES}|^params?$|^parameters$")
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}
_NOISY_SQL = ("sqlalchemy.engine", "sqlalchemy.pool", "sqlalchemy.orm")


def redact(text: str) -> str:
    """`text` with every secret-looking value masked (key=value, key: value, "key": "value", bearer)."""
    text = _BEARER.sub(lambda m: f"{m.group(1)} {MASK}", text)
    return _SECRET_PAIR.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)


class ContextFilter(logging.Filter):
    """Stamp the replica, request and user on every record, and mask secrets."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Add the context fields; replace the message with its redacted rendering."""
        record.replica = _replica["id"]
        if getattr(record, "request_id", None) is None:
            record.request_id = _request_id.get()
        if getattr(record, "user_id", None) is None:
            record.user_id = _user_id.get()
        if not hasattr(record, "incident_id"):
            record.incident_id = None
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the line
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        for key in [k for k in record.__dict__ if k not in _STANDARD and _SECRET_KEY.search(k)]:
            delattr(record, key)
        return True


class _Formatter(JsonFormatter):
    def add_fields(
        self, log_record: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_record, record, message_dict)
        log_record["time"] = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        log_record["level"] = record.levelname
        log_record["logger"] = record.name
        log_record["event"] = log_record.pop("message", record.getMessage())
        if "exc_info" in log_record:  # the trace stays in the log (and only there), masked too
            log_record["exc_info"] = redact(str(log_record["exc_info"]))
        for name in FIELDS:
            log_record.setdefault(name, getattr(record, name, None))


def formatter() -> logging.Formatter:
    """The JSON formatter (UTC ISO times)."""
    return _Formatter("%(message)s", json_ensure_ascii=False, reserved_attrs=[*_STANDARD])


def configure(*, replica: str, level: str = "INFO", stream: TextIO | None = None) -> logging.Handler:
    """Send every logger's records through one JSON handler on `stream` (stderr by default)."""
    _replica["id"] = replica
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_ims_json", False)]:
        root.removeHandler(old)
    handler._ims_json = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    for name in _NOISY_SQL:  # INFO would print statements with their parameters
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler


@contextmanager
def bound(*, request_id: str | None = None, user_id: int | None = None) -> Iterator[None]:
    """Within this block, every log line names this request and user (whose own writes are then
    read back from the primary, see core.context)."""
    tokens = (_request_id.set(request_id), _user_id.set(user_id), acting_user.set(user_id))
    try:
        yield
    finally:
        _request_id.reset(tokens[0])
        _user_id.reset(tokens[1])
        acting_user.reset(tokens[2])
