"""Alembic environment: runs migrations on the engine db.engine builds for the URL it is given.

The URL comes from db.migrate (Alembic's config attributes), `sqlalchemy.url`, or DATABASE_URL.
"""

from __future__ import annotations

import os

from alembic import context

from db.engine import make_engine
from db.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = (
        config.attributes.get("url")
        or config.get_main_option("sqlalchemy.url")
        or os.environ.get("DATABASE_URL")
    )
    if not url:
        raise RuntimeError("No database URL: run `python manage.py migrate`, or set DATABASE_URL")
    return str(url)


def run_migrations_online() -> None:
    """Migrate using a connection handed in by db.migrate, or one of our own."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
