"""Imports: a term's students and registrations from CSV or Excel, previewed, then committed all or nothing.

Public API: `preview_import` (`ImportPreview`), `commit_import` (`ImportResult`), and `COLUMNS`,
the columns each kind of file has (the page's templates).
"""

from core.imports.importer import ImportPreview, ImportResult, commit_import, preview_import
from core.imports.rows import COLUMNS, ImportIssue

__all__ = ["COLUMNS", "ImportIssue", "ImportPreview", "ImportResult", "commit_import", "preview_import"]
