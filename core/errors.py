"""Domain errors: a message safe to show, carried as a Text that pages render in the reader's language."""

from __future__ import annotations

from core.i18n import Text


class DomainError(Exception):
    """A failure the user can act on.

    Raise with an English msgid and its named parameters, `InvalidInput("Capacity must be at
    least {n}.", n=3)`, or a ready Text; `message` is the English rendering (logs and tests),
    `text` what pages render in the reader's language.
    """

    def __init__(self, message: str | Text, /, **params: object) -> None:
        text = message if isinstance(message, Text) else Text(message, tuple(params.items()))
        super().__init__(str(text))
        self.text = text
        self.message = str(text)


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the caller)."""


class Conflict(DomainError):
    """The change collides with the current state, e.g. someone decided first."""


class Outdated(Conflict):
    """The thing changed after the version the caller acted on was read (HTTP 412 in the API)."""


class InvalidInput(DomainError):
    """The input breaks a rule; the message says which and how to fix it."""


class PermissionDenied(DomainError):
    """The caller's role does not allow this action."""


class AuthError(DomainError):
    """Signing in or the session failed; deliberately vague."""
