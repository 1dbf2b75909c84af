"""Documents of a registration: configurable types (required per course), uploads checked by their
content and kept as versions, review with a reason, storage in the database (chunks) or a local
directory, downloads as attachments, and the list of what is missing or expiring.

Public API:
- `check_file`, `clean_filename`, `MAX_BYTES`, `KINDS`: what an upload may be;
- `list_types`, `save_type`, `course_requirements`, `set_course_requirements`: types per course;
- `upload_document`, `review_document`, `registration_documents`, `open_document` (`Download`):
  a registration's documents (advisors: their own students only); every action audited;
- `list_document_problems`, `export_document_problems` (`DocumentFilters`, `PROBLEMS`, `HEADERS`,
  `MAX_ROWS`);
- `STATUS_LABELS`, `EXPIRING_DAYS`; `Storage`, `DatabaseStorage`, `LocalStorage`: the back ends.
"""

from core.documents.files import KINDS, MAX_BYTES, CheckedFile, check_file, clean_filename
from core.documents.kinds import TypeView, course_requirements, list_types, save_type, set_course_requirements
from core.documents.overview import (
    EXPIRING_DAYS,
    HEADERS,
    MAX_ROWS,
    PROBLEMS,
    DocumentFilters,
    export_document_problems,
    list_document_problems,
)
from core.documents.records import (
    STATUS_LABELS,
    DocumentView,
    Download,
    open_document,
    registration_documents,
    review_document,
    upload_document,
)
from core.documents.storage import DatabaseStorage, LocalStorage, Storage

__all__ = [
    "EXPIRING_DAYS",
    "HEADERS",
    "KINDS",
    "MAX_BYTES",
    "MAX_ROWS",
    "PROBLEMS",
    "STATUS_LABELS",
    "CheckedFile",
    "DatabaseStorage",
    "DocumentFilters",
    "DocumentView",
    "Download",
    "LocalStorage",
    "Storage",
    "TypeView",
    "check_file",
    "clean_filename",
    "course_requirements",
    "export_document_problems",
    "list_document_problems",
    "list_types",
    "open_document",
    "registration_documents",
    "review_document",
    "save_type",
    "set_course_requirements",
    "upload_document",
]
