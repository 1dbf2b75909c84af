"""Domain errors whose message is safe to show to a user."""


class DomainError(Exception):
    """A failure the user can act on; its message is safe to display."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the caller)."""


class Conflict(DomainError):
    """The change collides with the current state, e.g. someone decided first."""


class InvalidInput(DomainError):
    """The input breaks a rule; the message says which and how to fix it."""


class PermissionDenied(DomainError):
    """The caller's role does not allow this action."""


class AuthError(DomainError):
    """Signing in or the session failed; deliberately vague."""
