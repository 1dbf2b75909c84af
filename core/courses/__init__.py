"""Courses: courses and their sections per term (coordinator, committee, capacity), and widget choice lists.

Public API: `list_courses`, `create_course`, `update_course`, `set_course_archived` (`CourseRow`, with
the course's supervision visits, required evaluations and grading; `GRADING_LABELS`);
`list_sections`, `save_section`, `set_section_archived`, `delete_section`, `section_warnings`
(`SectionRow`); `lookups` (`Lookups`: the cached id/label lists for filters and pickers);
`section_key` (how section labels compare); `KIND_LABELS` (course kinds as msgids).
"""

from core.courses.course import (
    GRADING_LABELS,
    CourseRow,
    create_course,
    list_courses,
    set_course_archived,
    update_course,
)
from core.courses.lookups import Lookups, lookups
from core.courses.rules import KIND_LABELS, section_key
from core.courses.sections import (
    SectionRow,
    delete_section,
    list_sections,
    save_section,
    section_warnings,
    set_section_archived,
)

__all__ = [
    "GRADING_LABELS",
    "KIND_LABELS",
    "CourseRow",
    "Lookups",
    "SectionRow",
    "create_course",
    "delete_section",
    "list_courses",
    "list_sections",
    "lookups",
    "save_section",
    "section_key",
    "section_warnings",
    "set_course_archived",
    "set_section_archived",
    "update_course",
]
