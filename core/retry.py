"""Retry a whole unit of work when MySQL/MariaDB says the transaction can simply be run again."""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import DBAPIError

P = ParamSpec("P")
T = TypeVar("T")
logger = logging.getLogger("ims.retry")

# deadlock, lock wait timeout, MariaDB "record changed since last read", gone away, lost connection
RETRYABLE_ERRORS = frozenset({1213, 1205, 1020, 2006, 2013})
ATTEMPTS = 3


def error_code(exc: BaseException) -> int | None:
    """The MySQL error number behind a SQLAlchemy error, if any."""
    orig = getattr(exc, "orig", None)
    args = getattr(orig, "args", ())
    return args[0] if args and isinstance(args[0], int) else None


def is_retryable(exc: BaseException) -> bool:
    """Whether re-running the whole transaction is safe and likely to succeed."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return error_code(exc) in RETRYABLE_ERRORS


def retrying(fn: Callable[P, T]) -> Callable[P, T]:
    """Decorate a service whose body is one transaction: run it again (up to 3 times) on a retryable error."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return fn(*args, **kwargs)
            except DBAPIError as exc:
                if attempt == ATTEMPTS or not is_retryable(exc):
                    raise
                logger.warning(
                    "retrying %s after MySQL error %s (attempt %d)", fn.__name__, error_code(exc), attempt
                )
                time.sleep(0.02 * attempt + random.random() * 0.03)
        raise AssertionError("unreachable")

    return wrapper
