"""Bring a database to the newest schema (`python manage.py migrate` runs this).

The URL comes from the caller: db knows no configuration and no rules.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text

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
