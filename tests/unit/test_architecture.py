"""The one rule: pages -> core -> db. core and db never import streamlit; pages never touch db."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _top(name: str) -> str:
    return name.split(".")[0]


def _files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("folder", ["core", "db"])
def test_core_and_db_never_import_streamlit(folder: str) -> None:
    offenders = [f for f in _files(folder) if any(_top(n) == "streamlit" for n in _imports(f))]
    assert offenders == []


# Tools that sit beside the layers: the migration environment reads the configured URL, and the
# demo-data loader hashes its passwords and fills the search column with core's functions.
DB_TOOLS = {"env.py", "demo.py", "demo_load.py", "demo_text.py"}


def test_db_never_imports_core_or_pages() -> None:
    offenders = [
        f
        for f in _files("db")
        if f.name not in DB_TOOLS | {"migrate.py"} and any(_top(n) in {"core", "pages"} for n in _imports(f))
    ]
    assert offenders == []


def test_core_never_imports_pages() -> None:
    assert [f for f in _files("core") if any(_top(n) == "pages" for n in _imports(f))] == []


def test_pages_never_import_the_database_layer() -> None:
    forbidden = {"db", "sqlalchemy", "pymysql", "redis"}
    offenders = {str(f): sorted(n for n in _imports(f) if _top(n) in forbidden) for f in _files("pages")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_app_entry_point_does_not_touch_the_database_layer() -> None:
    assert not {n for n in _imports(ROOT / "app.py") if _top(n) in {"db", "sqlalchemy"}}


def test_scan_sees_a_violation() -> None:
    """The scanner itself works: a file importing streamlit is seen as such."""
    sample = ROOT / "pages" / "home.py"
    assert "streamlit" in {_top(n) for n in _imports(sample)}
