"""All tables; importing this package registers them on `Base.metadata`."""

from db.models.accounts import AuditEntry, LoginAttempt, LoginTicket, User, UserSession
from db.models.base import Base, utcnow
from db.models.courses import Course, CourseSection, section_committee
from db.models.enums import CourseKind, PostingStatus, RegistrationStatus, Role, Vote, WorkMode
from db.models.org import Faculty, Program, Student
from db.models.postings import Company, Internship, internship_programs
from db.models.registrations import CommitteeVote, ProgressSnapshot, Registration, RegistrationEvent

__all__ = [
    "AuditEntry",
    "Base",
    "CommitteeVote",
    "Company",
    "Course",
    "CourseKind",
    "CourseSection",
    "Faculty",
    "Internship",
    "LoginAttempt",
    "LoginTicket",
    "PostingStatus",
    "Program",
    "ProgressSnapshot",
    "Registration",
    "RegistrationEvent",
    "RegistrationStatus",
    "Role",
    "Student",
    "User",
    "UserSession",
    "Vote",
    "WorkMode",
    "internship_programs",
    "section_committee",
    "utcnow",
]
