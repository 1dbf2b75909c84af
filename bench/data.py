"""The bench data sets: a demo set (large by default) on SQLite and on MariaDB, loaded once and reused.

`BENCH_SIZE` picks the demo size (large, national); `BENCH_MARIADB_DATABASE` and `BENCH_REDIS_URL`
point a bench at a database and Redis index of its own (several benches on one server).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from db.engine import make_database
from db.migrate import upgrade
from tools import demo
from tools.demo.load import default_index_text

ROOT = Path(__file__).resolve().parent.parent
SIZE = os.environ.get("BENCH_SIZE", "large")
_SUFFIX = "" if SIZE == "large" else f"_{SIZE}"  # each size keeps a database of its own
_DATABASE = os.environ.get("BENCH_MARIADB_DATABASE", "ims_bench")
SQLITE_URL = f"sqlite:///{ROOT / 'data' / f'bench{_SUFFIX}.sqlite3'}"
MARIADB_URL = f"mysql+pymysql://root@127.0.0.1:3306/{_DATABASE}{_SUFFIX}?charset=utf8mb4"
URLS = {"sqlite": SQLITE_URL, "mariadb": MARIADB_URL}
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")


@dataclass(frozen=True)
class Prepared:
    """A back end ready to measure: its URL and how long getting it ready took."""

    backend: str
    url: str
    loaded: bool
    seconds: float


def create_mariadb_database(url: str) -> None:
    """Create the MariaDB database of `url` (utf8mb4) if it is missing."""
    parsed = make_url(url)
    server = create_engine(parsed.set(database="mysql"))
    try:
        with server.begin() as conn:
            name = parsed.database
            if not name or not name.replace("_", "").isalnum():
                raise ValueError(f"refusing odd database name {name!r}")
            # A database name cannot be a bound parameter; the name is checked above.
            conn.execute(
                text(
                    f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
                )
            )
    finally:
        server.dispose()


def prepare(backend: str, size: str = SIZE) -> Prepared:
    """Migrate the back end's database and load the demo set `size` unless it is there already."""
    started, url = time.perf_counter(), URLS[backend]
    if backend == "mariadb":
        create_mariadb_database(url)
    else:
        (ROOT / "data").mkdir(exist_ok=True)
    upgrade(url)
    db = make_database(url)
    try:
        result = demo.load(db, size, index_text=default_index_text(), rounds=4)
    finally:
        db.engine.dispose()
    return Prepared(backend, url, result.loaded, time.perf_counter() - started)


if __name__ == "__main__":
    import sys

    for name in sys.argv[1:]:
        print(prepare(name))
