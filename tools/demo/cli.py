"""Demo data: `python manage.py demo --size small|large [--if-empty] [--reset] [--seed N]`.

Never in production: with APP_ENV=production it refuses before touching the database (`--reset`
included). The demo accounts' passwords never go to a log: they are shown on the terminal when
standard output is one, else written to a file only its owner can read.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool

from core import registrations
from db.engine import Database, make_database
from tools.demo.load import (
    IndexText,
    Loader,
    Result,
    analyze,
    default_index_text,
    existing_users,
    has_students,
    indexes_dropped,
    is_mysql,
    load_connection,
    max_ids,
    password_table,
)
from tools.demo.load import reset as reset_tables
from tools.demo.paperwork import require_paperwork
from tools.demo.reference import SIZES, Generator, Size

__all__ = ["SIZES", "Result", "load", "main", "password_table"]


def loading_engine(engine: Engine) -> Engine:
    """On MariaDB an engine whose connections may LOAD DATA LOCAL INFILE (the big tables arrive so)."""
    if not is_mysql(engine):
        return engine
    return create_engine(engine.url, connect_args={"local_infile": True}, poolclass=NullPool)


def _generate(
    db: Database,
    result: Result,
    size: Size,
    rng: random.Random,
    now: datetime,
    index_text: IndexText | None,
    rounds: int,
    drop_indexes: bool,
) -> None:
    """Everything in one transaction, with the secondary indexes dropped meanwhile."""
    existing = existing_users(db.engine)
    mysql = is_mysql(db.engine)
    # On MariaDB the big tables arrive by LOAD DATA LOCAL INFILE, which the client must allow.
    engine = (
        create_engine(db.engine.url, connect_args={"local_infile": True}, poolclass=NullPool)
        if mysql
        else db.engine
    )
    try:
        with indexes_dropped(db.engine, drop_indexes), load_connection(engine) as conn, conn.begin():
            loader = Loader(conn, result.stats, threaded=mysql, infile=mysql)
            gen = Generator(rng, now, index_text, rounds, loader, max_ids(conn))
            try:
                gen.run(size, existing)
            finally:
                loader.close()
                if gen.indexer is not None:
                    gen.indexer.stop()
            result.passwords = gen.passwords
    finally:
        if engine is not db.engine:
            engine.dispose()


def load(
    db: Database,
    size: str = "small",
    *,
    seed: int = 42,
    today: date | None = None,
    index_text: IndexText | None = None,
    rounds: int = 12,
    reset: bool = False,
    drop_indexes: bool = True,
) -> Result:
    """Load the demo data set `size` unless students exist (`reset` first empties every table)."""
    started = time.perf_counter()
    if reset:
        reset_tables(db.engine)
    elif has_students(db.engine):
        return Result(loaded=False)
    now = datetime.combine(today or datetime.now(UTC).date(), datetime.min.time(), UTC)
    result = Result(loaded=True)
    _generate(db, result, SIZES[size], random.Random(seed), now, index_text, rounds, drop_indexes)
    # The generator wrote the changes feed (Timelines.changes) and the rows the rollups count.
    counted = time.perf_counter()
    with db.sessions.begin() as session:  # the loader wrote registrations directly: count them once
        registrations.recount_rollups(session)
    result.stats.add("registration_counts", 0, time.perf_counter() - counted)
    with db.sessions.begin() as session:
        result.stats.add("course_document_types", require_paperwork(session), time.perf_counter() - counted)
    indexed = time.perf_counter()
    analyze(db.engine)
    result.stats.add("(analyze)", 0, time.perf_counter() - indexed)
    result.wall_s = time.perf_counter() - started
    return result


ACCOUNTS_FILE = "demo-passwords.txt"


def write_owner_only(path: Path, text: str) -> None:
    """Write `text` to `path`, created (or truncated) readable and writable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its mode on open(): tighten it too
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text + "\n")


def show_passwords(passwords: dict[str, str], data_dir: Path) -> str:
    """Print the demo passwords on a terminal; otherwise (a service log) write them to an owner-only file."""
    if sys.stdout.isatty():
        return password_table(passwords)
    path = data_dir / ACCOUNTS_FILE
    write_owner_only(path, password_table(passwords))
    return f"The demo accounts' one-time passwords are in {path} (readable by its owner only)."


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the exit status (1: data already there and no --if-empty;
    2: refused, production)."""
    from core.config import get_settings

    parser = argparse.ArgumentParser(description="Load Thai/English demo data into the database.")
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--if-empty", action="store_true", help="exit 0 quietly if students exist already")
    parser.add_argument("--reset", action="store_true", help="delete every row of every table first")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--today", type=date.fromisoformat, help="pin today (YYYY-MM-DD) for identical data")
    parser.add_argument("--database-url", help="default: the configured DATABASE_URL")
    parser.add_argument("--keep-indexes", action="store_true", help="keep secondary indexes during the load")
    parser.add_argument(
        "--only-embedded", action="store_true", help="do nothing unless the database is the embedded SQLite"
    )
    args = parser.parse_args(argv)
    settings = get_settings()
    if settings.app_env == "production":
        print("error: demo data is never loaded with APP_ENV=production (nor --reset).", file=sys.stderr)
        return 2
    url = args.database_url or settings.database_url
    if args.only_embedded and not url.startswith("sqlite"):
        print("Not the embedded SQLite database: no demo data loaded.")
        return 0
    db = make_database(url)
    try:
        result = load(db, args.size, seed=args.seed, today=args.today, index_text=default_index_text(),
                      rounds=settings.bcrypt_rounds, reset=args.reset,
                      drop_indexes=not args.keep_indexes)  # fmt: skip
    finally:
        db.engine.dispose()
    if not result.loaded:
        print("Demo data is already loaded (students exist); nothing to do. Use --reset to reload.")
        return 0 if args.if_empty else 1
    print(result.stats.report(result.wall_s))
    print(f"Loaded the {args.size} demo data set in {result.wall_s:.1f} s.")
    print(show_passwords(result.passwords, settings.data_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
