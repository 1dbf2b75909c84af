"""One vocabulary: registration statuses are spelled only in core.registrations.states (and stored in db)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.registrations import states

ROOT = Path(__file__).resolve().parents[2]
STATUSES = {s.value for s in states.Status}
SCANNED = ["core", "db", "pages", "web", "tools", "bench", "app.py", "manage.py"]
# The stored values are declared once with the column type; migrations are frozen history.
ALLOWED = {"core/registrations/states.py", "db/models/enums.py"}


def _files() -> list[Path]:
    found: list[Path] = []
    for name in SCANNED:
        path = ROOT / name
        found += sorted(path.rglob("*.py")) if path.is_dir() else [path] if path.exists() else []
    return [f for f in found if "migrations" not in f.parts]


def literals(path: Path) -> list[tuple[int, str]]:
    """(line, value) of every string constant in the file that is a status value."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }  # fmt: skip
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in STATUSES and id(node) not in docstrings
    ]


def test_no_status_is_spelled_outside_the_vocabulary() -> None:
    found = {
        str(f.relative_to(ROOT)): literals(f) for f in _files() if str(f.relative_to(ROOT)) not in ALLOWED
    }
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_the_scan_sees_a_literal(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('"""placed"""\nWAITING = ("submitted", "x")\n', encoding="utf-8")
    assert literals(sample) == [(2, "submitted")]


@pytest.mark.parametrize("status", list(states.Status))
def test_every_status_has_a_place_in_the_order_and_a_label(status: states.Status) -> None:
    assert status in states.ORDER and states.label(status)
