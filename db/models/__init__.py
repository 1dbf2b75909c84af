"""All tables; importing this package registers them on `Base.metadata`."""

from db.models.accounts import AuditEntry, LoginAttempt, LoginTicket, User, UserSession
from db.models.api import ApiClient, IdempotencyKey
from db.models.base import Base, utcnow
from db.models.courses import Course, CourseSection, section_committee
from db.models.enums import (
    CourseKind,
    CourseResult,
    DocumentLanguage,
    EvaluationStatus,
    EvaluatorKind,
    Grading,
    PostingStatus,
    RegistrationStatus,
    Role,
    VisitMode,
    VisitStatus,
    Vote,
    WorkMode,
)
from db.models.org import Faculty, Program, Student
from db.models.placements import Evaluation, EvaluationCriterion, EvaluationForm, Placement, Visit, VisitPhoto
from db.models.postings import Company, Internship, internship_programs
from db.models.registrations import (
    ChangeCounter,
    CommitteeVote,
    ProgressSnapshot,
    Registration,
    RegistrationChange,
    RegistrationCount,
    RegistrationEvent,
)

__all__ = [
    "ApiClient",
    "AuditEntry",
    "Base",
    "ChangeCounter",
    "CommitteeVote",
    "Company",
    "Course",
    "CourseKind",
    "CourseResult",
    "CourseSection",
    "DocumentLanguage",
    "Evaluation",
    "EvaluationCriterion",
    "EvaluationForm",
    "EvaluationStatus",
    "EvaluatorKind",
    "Faculty",
    "Grading",
    "IdempotencyKey",
    "Internship",
    "LoginAttempt",
    "LoginTicket",
    "Placement",
    "PostingStatus",
    "Program",
    "ProgressSnapshot",
    "Registration",
    "RegistrationChange",
    "RegistrationCount",
    "RegistrationEvent",
    "RegistrationStatus",
    "Role",
    "Student",
    "User",
    "UserSession",
    "Visit",
    "VisitMode",
    "VisitPhoto",
    "VisitStatus",
    "Vote",
    "WorkMode",
    "internship_programs",
    "section_committee",
    "utcnow",
]
