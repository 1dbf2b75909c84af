"""All tables; importing this package registers them on `Base.metadata`."""

from db.models.accounts import AuditChain, AuditEntry, LoginAttempt, LoginTicket, User, UserSession
from db.models.api import ApiClient, IdempotencyKey
from db.models.base import Base, utcnow
from db.models.courses import Course, CourseSection, section_committee
from db.models.documents import CourseDocumentType, Document, DocumentChunk, DocumentType
from db.models.enums import (
    CourseKind,
    CourseResult,
    DocumentLanguage,
    DocumentStatus,
    EvaluationStatus,
    EvaluatorKind,
    Grading,
    MailStatus,
    PostingStatus,
    RegistrationStatus,
    Role,
    VisitMode,
    VisitStatus,
    Vote,
    WorkMode,
)
from db.models.mail import EvaluationLink, OutboxMail, SenderLease
from db.models.ops import Incident
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
    "AuditChain",
    "AuditEntry",
    "Base",
    "ChangeCounter",
    "CommitteeVote",
    "Company",
    "Course",
    "CourseDocumentType",
    "CourseKind",
    "CourseResult",
    "CourseSection",
    "Document",
    "DocumentChunk",
    "DocumentLanguage",
    "DocumentStatus",
    "DocumentType",
    "Evaluation",
    "EvaluationCriterion",
    "EvaluationForm",
    "EvaluationLink",
    "EvaluationStatus",
    "EvaluatorKind",
    "Faculty",
    "Grading",
    "IdempotencyKey",
    "Incident",
    "Internship",
    "LoginAttempt",
    "LoginTicket",
    "MailStatus",
    "OutboxMail",
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
    "SenderLease",
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
