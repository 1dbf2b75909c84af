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
    ENTER_REGISTRATION = "enter_registration"  # walk-ins by hand, withdrawals on a student's behalf
    MANAGE_API_CLIENTS = "manage_api_clients"
    READ_CHANGES = "read_changes"  # the registration changes feed of the integration API
    # After placement: details, visits and evaluations (advisors: their own students only).
    MANAGE_PLACEMENTS = "manage_placements"
    VIEW_MY_STUDENTS = "view_my_students"
    VIEW_VISITS_EVALUATIONS = "view_visits_evaluations"
    MANAGE_EVALUATION_FORMS = "manage_evaluation_forms"
    VIEW_PLACEMENT_STATS = "view_placement_stats"
    VIEW_AUDIT_LOG = "view_audit_log"  # read and export the audit log (admins; managers read only)
    # Documents and mail: advisors see and review their own students' documents only.
    VIEW_DOCUMENTS = "view_documents"
    MANAGE_DOCUMENT_TYPES = "manage_document_types"
    VIEW_OUTBOX = "view_outbox"
    SEND_EVALUATION_LINKS = "send_evaluation_links"


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
            Permission.ENTER_REGISTRATION,
            Permission.MANAGE_PLACEMENTS,
            Permission.VIEW_VISITS_EVALUATIONS,
            Permission.MANAGE_EVALUATION_FORMS,
            Permission.VIEW_DOCUMENTS,
            Permission.MANAGE_DOCUMENT_TYPES,
            Permission.VIEW_OUTBOX,
            Permission.SEND_EVALUATION_LINKS,
        }
    ),
    Role.ADVISOR: frozenset(
        {
            Permission.VIEW_HOME,
            Permission.REVIEW_QUEUE,
            Permission.VIEW_REGISTRATION,
            Permission.VOTE_COMMITTEE,
            Permission.MANAGE_PLACEMENTS,
            Permission.VIEW_MY_STUDENTS,
            Permission.VIEW_DOCUMENTS,
        }
    ),
    Role.STAFF: frozenset({Permission.VIEW_HOME, Permission.SEARCH_POSTINGS, Permission.MANAGE_POSTINGS}),
    Role.MANAGER: frozenset(
        {
            Permission.VIEW_HOME,
            Permission.SEARCH_POSTINGS,
            Permission.VIEW_PROGRESS,
            Permission.VIEW_REGISTRATION,
            Permission.VIEW_PLACEMENT_STATS,
            Permission.VIEW_AUDIT_LOG,
        }
    ),
}

# What an integration API client may do: each scope grants these permissions and nothing else.
SCOPE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "registrations:read": frozenset({Permission.VIEW_REGISTRATION, Permission.VIEW_COURSES}),
    "registrations:write": frozenset({Permission.ENTER_REGISTRATION, Permission.VIEW_COURSES}),
    "postings:read": frozenset({Permission.SEARCH_POSTINGS}),
    "changes:read": frozenset({Permission.READ_CHANGES}),
}
SCOPES = tuple(SCOPE_PERMISSIONS)
SCOPE_LABELS = {
    "registrations:read": N_("Read registrations and students"),
    "registrations:write": N_("Enter and withdraw registrations"),
    "postings:read": N_("Search postings"),
    "changes:read": N_("Follow the changes feed"),
}
# A client acts for the office: the state machine checks its steps as a coordinator's.
CLIENT_ROLE = Role.COORDINATOR

# What a new account gets unless the admin chooses otherwise: the fewest permissions and no
# student records (staff keep postings and companies only).
DEFAULT_NEW_ROLE = Role.STAFF


def role_text(role: Role) -> Text:
    """A role to put in a message, read in the reader's language."""
    return msg(ROLE_LABELS[role])


@dataclass(frozen=True)
class Actor:
    """The signed-in user on whose behalf a service runs, or an integration API client.

    A client has no user id: its `client_id` is recorded as the actor of what it changes, and its
    scopes (`grants`) replace the role's permissions.
    """

    user_id: int | None
    username: str
    full_name: str
    role: Role
    session_id: int | None = None
    ip: str | None = None
    must_change_password: bool = False
    language: str | None = None  # None: the office's default language
    client_id: int | None = None
    grants: frozenset[Permission] | None = None  # None: the role's permissions

    def can(self, permission: Permission) -> bool:
        """Whether this actor's role (a client: its scopes) grants `permission`."""
        granted = ROLE_PERMISSIONS[self.role] if self.grants is None else self.grants
        return permission in granted

    @property
    def person(self) -> int:
        """The signed-in user's id; PermissionDenied for a client (only people have accounts, votes)."""
        if self.user_id is None:
            raise PermissionDenied("Only a signed-in person can do this.")
        return self.user_id


def client_actor(client_id: int, name: str, scopes: tuple[str, ...], ip: str | None = None) -> Actor:
    """The actor of an integration API client holding `scopes`."""
    grants = frozenset().union(*(SCOPE_PERMISSIONS[s] for s in scopes if s in SCOPE_PERMISSIONS))
    return Actor(None, name, name, CLIENT_ROLE, ip=ip, client_id=client_id, grants=grants)


def require(actor: Actor | None, permission: Permission) -> Actor:
    """Return the actor if allowed, else raise PermissionDenied (and leave a trace)."""
    if actor is None or not actor.can(permission):
        security_log.permission_denied(actor, permission.value)
        raise PermissionDenied("You do not have permission to do this.")
    return actor
