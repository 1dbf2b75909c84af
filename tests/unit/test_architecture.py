"""The one rule, pages/web -> core -> db, as import-linter contracts (pyproject.toml), and the two
top-level scripts the contracts cannot see (app.py and manage.py are modules, not packages)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

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


def test_the_import_contracts_hold() -> None:
    """`lint-imports` runs in `make test` too; here a broken contract also fails the suite."""
    linter = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    result = subprocess.run([linter], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_the_router_and_the_commands_do_not_touch_the_database_layer() -> None:
    for script in ("app.py", "manage.py"):
        assert not {
            n for n in _imports(ROOT / script) if n.split(".")[0] in {"sqlalchemy", "pymysql", "redis"}
        }
    assert not {n for n in _imports(ROOT / "app.py") if n.split(".")[0] == "db"}


def test_the_router_is_only_a_router() -> None:
    """Routes, the cookie script and server tuning live in web/; app.py restores and navigates."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    functions = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert functions <= {
        "_restore",
        "_language",
        "_switch_language",
        "_language_switch",
        "_logout",
        "_sidebar",
        "_emit_cookie_scripts",
        "_navigation",
        "_run",
        "main",
    }
    assert not {n for n in _imports(ROOT / "app.py") if n.startswith(("starlette", "asyncio", "prometheus"))}
