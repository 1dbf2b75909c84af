"""Imports: a term's students and registrations from CSV or Excel, previewed, then committed all or nothing.

Public API: `preview_import` (`ImportPreview`), `commit_import` (`ImportResult`), `COLUMNS`, the
columns each kind of file has, `ACTION_LABELS` (the preview's actions), and `template`, a kind's
CSV template with one example row.
"""

from core.imports.importer import ACTION_LABELS, ImportPreview, ImportResult, commit_import, preview_import
from core.imports.rows import COLUMNS, ImportIssue, template

__all__ = [
    "ACTION_LABELS",
    "COLUMNS",
    "ImportIssue",
    "ImportPreview",
    "ImportResult",
    "commit_import",
    "preview_import",
    "template",
]
