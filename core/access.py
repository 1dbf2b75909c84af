"""Who is acting, and the one place that says which role may do what."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core import security_log
from core.errors import PermissionDenied
from core.i18n import N_, Text, msg
from db.models import Role


class Permission(StrEnum):
    """Capabilities checked by every core service that reads or changes data."""

    VIEW_HOME = "view_home"
    MANAGE_USERS = "manage_users"
    MANAGE_COURSES = "manage_courses"
    VIEW_COURSES = "view_courses"
    REVIEW_QUEUE = "review_queue"
    IMPORT_REGISTRATIONS = "import_registrations"
    SEARCH_POSTINGS = "search_postings"
    MANAGE_POSTINGS = "manage_postings"
    VIEW_PROGRESS = "view_progress"
    VIEW_MONITORING = "view_monitoring"
    VIEW_REGISTRATION = "view_registration"
    VOTE_COMMITTEE = "vote_committee"


_ALL = frozenset(Permission)
ROLE_NAMES = [r.value for r in Role]
ROLE_LABELS = {
    Role.ADMIN: N_("Administrator"),
    Role.COORDINATOR: N_("Coordinator"),
    Role.ADVISOR: N_("Advisor"),
    Role.STAFF: N_("Staff"),
    Role.MANAGER: N_("Manager"),
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: _ALL,
    Role.COORDINATOR: frozenset(
        {
            Permission.VIEW_HOME,
            Permission.MANAGE_COURSES,
            Permission.VIEW_COURSES,
            Permission.REVIEW_QUEUE,
            Permission.IMPORT_REGISTRATIONS,
            Permission.SEARCH_POSTINGS,
            Permission.VIEW_PROGRESS,
            Permission.VIEW_REGISTRATION,
            Permission.VOTE_COMMITTEE,
        }
    ),
    Role.ADVISOR: frozenset(
        {
            Permission.VIEW_HOME,
            Permission.REVIEW_QUEUE,
            Permission.VIEW_REGISTRATION,
            Permission.VOTE_COMMITTEE,
        }
    ),
    Role.STAFF: frozenset({Permission.VIEW_HOME, Permission.SEARCH_POSTINGS, Permission.MANAGE_POSTINGS}),
    Role.MANAGER: frozenset(
        {
            Permission.VIEW_HOME,
            Permission.SEARCH_POSTINGS,
            Permission.VIEW_PROGRESS,
            Permission.VIEW_REGISTRATION,
        }
    ),
}

# What a new account gets unless the admin chooses otherwise: the fewest permissions and no
# student records (staff keep postings and companies only).
DEFAULT_NEW_ROLE = Role.STAFF


def role_text(role: Role) -> Text:
    """A role to put in a message, read in the reader's language."""
    return msg(ROLE_LABELS[role])


@dataclass(frozen=True)
class Actor:
    """The signed-in user on whose behalf a service runs."""

    user_id: int
    username: str
    full_name: str
    role: Role
    session_id: int | None = None
    ip: str | None = None
    must_change_password: bool = False
    language: str | None = None  # None: the office's default language

    def can(self, permission: Permission) -> bool:
        """Whether this actor's role grants `permission`."""
        return permission in ROLE_PERMISSIONS[self.role]


def require(actor: Actor | None, permission: Permission) -> Actor:
    """Return the actor if allowed, else raise PermissionDenied (and leave a trace)."""
    if actor is None or not actor.can(permission):
        security_log.permission_denied(actor, permission.value)
        raise PermissionDenied("You do not have permission to do this.")
    return actor
