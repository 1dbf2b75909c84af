"""The audit log, read: filtered, newest first, a page at a time by keyset; each entry's before and
after side by side; the filtered view exported. Admins and managers read it; nobody edits it.

Public API: `AuditFilters`, `list_entries` (`AuditPage`), `entry_changes`, `export_entries`,
`filter_choices` (`AuditChoices`), `COLUMNS`, `CHANGE_COLUMNS`, `PAGE_SIZE`.
"""

from core.audit_trail.reading import (
    CHANGE_COLUMNS,
    COLUMNS,
    PAGE_SIZE,
    AuditChoices,
    AuditFilters,
    AuditPage,
    entry_changes,
    export_entries,
    filter_choices,
    list_entries,
)

__all__ = [
    "CHANGE_COLUMNS",
    "COLUMNS",
    "PAGE_SIZE",
    "AuditChoices",
    "AuditFilters",
    "AuditPage",
    "entry_changes",
    "export_entries",
    "filter_choices",
    "list_entries",
]
