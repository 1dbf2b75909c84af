"""Bring a database to the newest schema (`python manage.py migrate` runs this).

The URL comes from the caller: db knows no configuration and no rules.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from db.engine import make_engine

ALEMBIC_INI = Path(__file__).resolve().parent.parent / "alembic.ini"


def alembic_config(url: str) -> Config:
    """An Alembic config that targets `url`."""
    cfg = Config(str(ALEMBIC_INI))
    cfg.attributes["url"] = url
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Upgrade the database at `url` to `revision` (one replica at a time on MySQL/MariaDB)."""
    if not url.startswith("mysql"):
        command.upgrade(alembic_config(url), revision)
        return
    engine = make_engine(url)
    try:
        with engine.connect() as lock_conn:
            # Replicas starting together would race through the same DDL; a named lock queues them.
            lock_conn.execute(text("SELECT GET_LOCK('ims_migrate', 300)"))
            try:
                command.upgrade(alembic_config(url), revision)
            finally:
                lock_conn.execute(text("SELECT RELEASE_LOCK('ims_migrate')"))
    finally:
        engine.dispose()


def downgrade(url: str, revision: str = "base") -> None:
    """Downgrade the database at `url` to `revision`."""
    command.downgrade(alembic_config(url), revision)


def head_revision() -> str:
    """The newest revision the code knows."""
    head = ScriptDirectory.from_config(alembic_config("")).get_current_head()
    assert head is not None
    return head


def current_revision(url: str, *, connect_timeout_s: int = 5) -> str | None:
    """The revision the database at `url` is at (None: never migrated)."""
    engine = make_engine(url, connect_timeout_s=connect_timeout_s)
    try:
        with engine.connect() as conn:
            return revision_of(conn)
    finally:
        engine.dispose()


def revision_of(conn: Connection) -> str | None:
    """The revision of the database behind an open connection (None: never migrated)."""
    return MigrationContext.configure(conn).get_current_revision()
