"""Bulk-loading mechanics for the demo data: index handling, batched Core inserts, reset, timing."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    DateTime,
    Engine,
    Enum,
    Executable,
    Index,
    MetaData,
    String,
    Table,
    delete,
    func,
    insert,
    inspect,
    select,
)

from core.postings import search_text
from db.models import Base
from db.types import UtcDateTime

PROJECT_ROOT = Path(__file__).resolve().parents[2]

Row = dict[str, Any]
IndexText = Callable[..., str]
# Tables that receive many rows; their secondary indexes are dropped during the load.
BULK_TABLES = (
    "students",
    "companies",
    "internships",
    "registrations",
    "registration_events",
    "committee_votes",
    "audit_log",
    "placements",
    "visits",
    "evaluations",
)


@dataclass
class Stats:
    """Rows inserted and seconds spent per table."""

    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, table: str, rows: int, seconds: float) -> None:
        """Count `rows` inserted into `table` in `seconds`."""
        self.rows[table] = self.rows.get(table, 0) + rows
        self.seconds[table] = self.seconds.get(table, 0.0) + seconds

    def report(self, wall_s: float) -> str:
        """A table of rows and rows/s per table, then the total over the wall time."""
        lines = [f"{'table':<22}{'rows':>10}{'insert s':>10}{'rows/s':>10}"]
        for name, rows in self.rows.items():
            secs = self.seconds[name]
            lines.append(f"{name:<22}{rows:>10,}{secs:>10.2f}{rows / max(secs, 1e-9):>10,.0f}")
        total = sum(self.rows.values())
        lines.append(f"{'total (wall)':<22}{total:>10,}{wall_s:>10.2f}{total / max(wall_s, 1e-9):>10,.0f}")
        return "\n".join(lines)


@dataclass
class Loader:
    """Core executemany inserts in batches, run by one background thread in submission order,
    so the server works while the next rows are generated (only that thread uses `conn` until
    `flush()` returns). Not `threaded` on SQLite: it releases the GIL per row, and the
    generator thread would then make every row wait a switch interval."""

    conn: Connection
    stats: Stats
    batch: int = 10_000
    max_pending: int = 3
    threaded: bool = True
    infile: bool = False  # LOAD DATA LOCAL INFILE for prepared rows (MariaDB with local_infile)
    _pool: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(max_workers=1))
    _pending: list[Future[None]] = field(default_factory=list)

    def insert(self, table: Table, rows: Sequence[Row], prepared: bool = False) -> None:
        """Queue `rows` for `table` with the model's types, or `prepared` (see `plain_table`).

        Prepared rows go through LOAD DATA LOCAL INFILE where the connection allows it (`infile`).
        """
        if prepared and self.infile and rows:
            return self._queue(self._load_file, table.name, list(rows))
        target = plain_table(table) if prepared else table
        self.execute(insert(target), rows, table.name)

    def _queue(self, work: Callable[[str, list[Row]], None], name: str, rows: list[Row]) -> None:
        if not self.threaded:
            return work(name, rows)
        self._pending.append(self._pool.submit(work, name, rows))
        while len(self._pending) > self.max_pending:
            self._pending.pop(0).result()

    def _load_file(self, name: str, rows: list[Row]) -> None:
        # PyMySQL spent ~80 s of CPU escaping the large set value by value into INSERTs; tab-separated
        # text written once and read by the server costs a fraction of that.
        started = time.perf_counter()
        columns = list(rows[0])
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".tsv", newline="\n") as handle:
            handle.writelines(tsv_lines(rows, columns))
            handle.flush()
            quoted = ", ".join(f"`{c}`" for c in columns)
            self.conn.exec_driver_sql(
                f"LOAD DATA LOCAL INFILE '{handle.name}' INTO TABLE `{name}` CHARACTER SET utf8mb4 "
                f"FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' ({quoted})"
            )
        self.stats.add(name, len(rows), time.perf_counter() - started)

    def execute(self, statement: Executable, rows: Sequence[Row], name: str) -> None:
        """Queue an executemany of `statement`; its time is counted under `name`."""
        if not self.threaded:
            return self._write(statement, list(rows), name)
        self._pending.append(self._pool.submit(self._write, statement, list(rows), name))
        while len(self._pending) > self.max_pending:
            self._pending.pop(0).result()

    def _write(self, statement: Executable, rows: list[Row], name: str) -> None:
        started = time.perf_counter()
        for at in range(0, len(rows), self.batch):
            self.conn.execute(statement, rows[at : at + self.batch])
        self.stats.add(name, len(rows), time.perf_counter() - started)

    def flush(self) -> None:
        """Wait for every queued insert; re-raise the first failure."""
        while self._pending:
            self._pending.pop(0).result()

    def close(self) -> None:
        """Wait for the queue (errors included) and stop the thread."""
        try:
            self.flush()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\\0"})


def _tsv(value: object) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.isoformat(" ")
    return str(value)  # int, Decimal, float, date


def tsv_lines(rows: Sequence[Row], columns: Sequence[str]) -> Iterator[str]:
    """`rows` as LOAD DATA text lines: tab-separated, backslash-escaped, \\N for NULL."""
    for row in rows:
        yield "\t".join([_tsv(row[c]) for c in columns]) + "\n"


@cache
def plain_table(table: Table) -> Table:
    """`table` with driver-level types, for rows already holding what the model's types would
    bind: naive UTC datetimes for UtcDateTime, JSON text for JSON, enum values as strings.
    The same bytes reach the database with a third of the per-row Python work."""

    def plain(kind: Any) -> Any:
        if isinstance(kind, UtcDateTime):
            return DateTime()
        return String() if isinstance(kind, JSON | Enum) else kind

    columns = [Column(c.name, plain(c.type), primary_key=c.primary_key) for c in table.columns]
    return Table(table.name, MetaData(), *columns)


def is_mysql(engine: Engine | Connection) -> bool:
    """True on MySQL/MariaDB."""
    return engine.dialect.name in ("mysql", "mariadb")


def has_students(engine: Engine) -> bool:
    """Whether the students table holds any row (the 'already loaded' test)."""
    with engine.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(Base.metadata.tables["students"])).scalar_one() > 0
        )


def max_ids(conn: Connection) -> dict[str, int]:
    """The largest `id` per table with an integer `id` key, so new rows continue after it."""
    out = {}
    for table in Base.metadata.sorted_tables:
        if "id" in table.c:
            out[table.name] = conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
    return out


def reset(engine: Engine) -> None:
    """Delete every row of every application table, children first."""
    tables = list(reversed(Base.metadata.sorted_tables))
    with engine.begin() as conn:
        if is_mysql(conn):
            conn.exec_driver_sql("SET SESSION foreign_key_checks = 0")
            try:
                for table in tables:
                    conn.exec_driver_sql(f"TRUNCATE TABLE `{table.name}`")
            finally:
                conn.exec_driver_sql("SET SESSION foreign_key_checks = 1")
        else:
            for table in tables:
                conn.execute(delete(table))


def _foreign_key_columns(table: Table) -> set[str]:
    return {fk.parent.name for fk in table.foreign_keys}


def droppable_indexes(engine: Engine) -> list[Index]:
    """Non-unique model indexes of the bulk tables that exist now and are safe to drop.

    On MySQL/MariaDB an index whose first column is a foreign key's may be the one the
    constraint relies on, so it stays.
    """
    inspector = inspect(engine)
    out = []
    for name in BULK_TABLES:
        table = Base.metadata.tables[name]
        existing = {ix["name"] for ix in inspector.get_indexes(name)}
        fk_cols = _foreign_key_columns(table) if is_mysql(engine) else set()
        for index in sorted(table.indexes, key=lambda ix: str(ix.name)):
            first = next(iter(index.columns)).name
            if not index.unique and index.name in existing and first not in fk_cols:
                out.append(index)
    return out


@contextmanager
def indexes_dropped(engine: Engine, enabled: bool = True) -> Iterator[list[Index]]:
    """Drop the droppable secondary indexes, then re-create exactly those from the model."""
    dropped: list[Index] = []
    try:
        if enabled:
            for index in droppable_indexes(engine):
                with engine.begin() as conn:
                    index.drop(conn)
                dropped.append(index)
        yield dropped
    finally:
        for index in dropped:
            with engine.begin() as conn:
                index.create(conn)


@contextmanager
def load_connection(engine: Engine) -> Iterator[Connection]:
    """A connection tuned for one big load, restored to normal settings afterwards."""
    with engine.connect() as conn:
        fast, normal = (
            (["SET SESSION foreign_key_checks = 0"], ["SET SESSION foreign_key_checks = 1"])
            if is_mysql(conn)
            else (["PRAGMA synchronous = OFF"], ["PRAGMA synchronous = NORMAL"])
        )
        for statement in fast:
            conn.exec_driver_sql(statement)
        conn.commit()
        try:
            yield conn
        finally:
            if conn.in_transaction():
                conn.rollback()
            for statement in normal:
                conn.exec_driver_sql(statement)
            conn.commit()


def table_counts(engine: Engine) -> dict[str, int]:
    """Row count of every application table."""
    with engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
        }


def analyze(engine: Engine) -> None:
    """Refresh the planner's statistics after the load."""
    with engine.begin() as conn:
        if is_mysql(conn):
            # Identifiers cannot be bound parameters: quote our own constant table names properly.
            quote = conn.dialect.identifier_preparer.quote
            conn.exec_driver_sql("ANALYZE TABLE " + ", ".join(quote(n) for n in BULK_TABLES)).all()
        else:
            conn.exec_driver_sql("ANALYZE")


def hash_all(passwords: list[str], rounds: int) -> list[str]:
    """bcrypt-hash each password at `rounds` cost, in parallel threads (bcrypt releases the GIL)."""
    from core.auth.passwords import hash_password

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda pw: hash_password(pw, rounds), passwords))


def existing_users(engine: Engine) -> dict[str, int]:
    """username -> id of the users already present."""
    users = Base.metadata.tables["users"]
    with engine.connect() as conn:
        return {name: uid for uid, name in conn.execute(select(users.c.id, users.c.username))}


@dataclass
class Result:
    """What a load did: the demo accounts' one-time passwords and the timings."""

    loaded: bool
    passwords: dict[str, str] = field(default_factory=dict)
    stats: Stats = field(default_factory=Stats)
    wall_s: float = 0.0


def password_table(passwords: dict[str, str]) -> str:
    """The demo accounts and their one-time passwords as a console table."""
    lines = ["Demo accounts (random passwords, shown only this once):", f"  {'username':<14}password"]
    return "\n".join(lines + [f"  {name:<14}{pw}" for name, pw in passwords.items()])


def default_index_text() -> IndexText:
    """The search column builder the app itself uses."""
    return search_text.index_text


IndexArgs = list[tuple[int, str, str, str, str, str, str]]


def index_many(index_text: IndexText, args: IndexArgs) -> list[str]:
    """`index_text(title, description, skills, company name_th, name_en, province)` per posting."""
    return [index_text(*a[1:]) for a in args]


class Indexer:
    """The app's search texts of many postings, computed by a process of its own meanwhile.

    A separate `python -m tools.demo.index` rather than a multiprocessing pool: a spawned pool
    worker re-imports the parent's __main__, which after a page run in the bench is a page script.
    """

    def __init__(self, args: IndexArgs) -> None:
        """Start indexing `args` (posting id, title, description, skills, names, province) now."""
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tools.demo.index"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=PROJECT_ROOT,
        )
        self._texts: list[str] = []
        self._thread = threading.Thread(target=self._talk, args=(json.dumps(args).encode("utf-8"),))
        self._thread.start()

    def _talk(self, data: bytes) -> None:
        out, _ = self._process.communicate(data)
        if self._process.returncode == 0:
            self._texts = json.loads(out)

    def result(self) -> list[str]:
        """The texts, in the order of the arguments (waits for the process)."""
        self._thread.join()
        if self._process.returncode != 0:
            raise RuntimeError(f"tools.demo.index failed with exit status {self._process.returncode}")
        return self._texts

    def stop(self) -> None:
        """Stop the process if it still runs (the load failed)."""
        if self._process.poll() is None:
            self._process.kill()
        self._thread.join()
