"""Bring a database to the newest schema (`python -m db.migrate`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from alembic import command
from alembic.config import Config

ALEMBIC_INI = Path(__file__).resolve().parent.parent / "alembic.ini"


def alembic_config(url: str) -> Config:
    """An Alembic config that targets `url`."""
    cfg = Config(str(ALEMBIC_INI))
    cfg.attributes["url"] = url
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Upgrade the database at `url` to `revision`."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    """Downgrade the database at `url` to `revision`."""
    command.downgrade(alembic_config(url), revision)


def main() -> None:
    """Command line: upgrade (default) or downgrade the configured database."""
    from core.config import get_settings

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--downgrade", metavar="REV", help="downgrade to REV instead")
    args = parser.parse_args()
    url = get_settings().database_url
    if args.downgrade:
        downgrade(url, args.downgrade)
    else:
        upgrade(url)


if __name__ == "__main__":
    main()
