"""Students: finding a student as the office types, and one student by code.

Public API: `find_students` (`StudentMatch`), `student_by_code` (`StudentRecord`), and
`name_matches`, the one way a typed code or name matches students (the review queue's text
filter uses it too).
"""

from core.students.lookup import (
    MAX_MATCHES,
    StudentMatch,
    StudentRecord,
    find_students,
    name_matches,
    student_by_code,
)

__all__ = ["MAX_MATCHES", "StudentMatch", "StudentRecord", "find_students", "name_matches", "student_by_code"]
