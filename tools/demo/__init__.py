"""Demo data: Thai/English students, companies, postings and registrations at a chosen size.

Public API: `load(db, size, ...)`, `SIZES`, `Result`, `password_table` and `main` (the command
behind `python manage.py demo`).
"""

from tools.demo.cli import SIZES, load, main
from tools.demo.load import Result, password_table

__all__ = ["SIZES", "Result", "load", "main", "password_table"]
