"""Contract test: schemathesis generates requests from /api/v1/openapi.json and runs every check (no 5xx,
responses match the schema, every status code and content type documented, auth honoured, 405s, ...)
against a real `streamlit run` server, on SQLite and on MariaDB. Its settings: schemathesis.toml."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from core import api_clients
from core.access import SCOPES, Actor
from core.cache import make_cache
from core.config import Settings
from core.context import AppContext
from db.engine import make_database
from db.migrate import downgrade, upgrade
from db.models import Role, User
from tests import factories as f
from tests.backends import ensure_mysql_database, service_url
from tests.e2e.conftest import ROOT, start_server, stop_server

EXAMPLES = 40  # per operation and phase; the whole run stays within a minute or two


def _database(kind: str, tmp: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'contract.sqlite3'}"
    head, _, query = (service_url("TEST_DATABASE_URL") or "").partition("?")
    server, name = head.rsplit("/", 1)
    url = ensure_mysql_database(f"{server}/{name}_contract" + (f"?{query}" if query else ""))
    downgrade(url, "base")
    return url


def _seed(url: str) -> str:
    """A little data for the operations to find, and a token with every scope and room to run."""
    upgrade(url)
    ctx = AppContext(settings=Settings(database_url=url, secret_key="x" * 40, app_env="test"),
                     db=make_database(url), cache=make_cache(None))  # fmt: skip
    with ctx.sessions.begin() as s:
        admin = User(username="contract.admin", full_name="ผู้ดูแล", role=Role.ADMIN, password_hash="!")
        s.add(admin)
        s.flush()
        program = f.program(s)
        f.section(s, capacity=10_000)
        for _ in range(3):
            f.student(s, program)
        f.posting(s, title="นักศึกษาฝึกงานพัฒนาซอฟต์แวร์")
        actor = Actor(admin.id, admin.username, admin.full_name, Role.ADMIN)
    issued = api_clients.create_client(ctx, actor=actor, name="contract", scopes=list(SCOPES), expires_on=None,
                                       rate_per_s=1000, burst=2000)  # fmt: skip
    ctx.db.engine.dispose()
    return issued.token


@pytest.mark.parametrize("kind", ["sqlite", "mariadb"])
def test_the_api_keeps_its_openapi_contract(kind: str, tmp_path: Path) -> None:
    url = _database(kind, tmp_path)
    token = _seed(url)
    server = start_server(tmp_path, database_url=url, create_admin=False)
    try:
        run = subprocess.run(
            [str(Path(sys.executable).parent / "schemathesis"), "--config-file", str(ROOT / "schemathesis.toml"),
             "run", f"{server.url}/api/v1/openapi.json", "--checks", "all", "--max-examples", str(EXAMPLES),
             "-H", f"Authorization: Bearer {token}", "--wait-for-schema", "30", "--no-color"],
            cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
    finally:
        stop_server(server)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    passed = re.search(r"\b(\d+) passed", run.stdout)
    assert passed and int(passed.group(1)) > 0, run.stdout[-2000:]
