"""upgrade head -> downgrade base -> upgrade head, on SQLite and on MariaDB."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from db.migrate import downgrade, upgrade
from db.models import Base
from tests.backends import ensure_mysql_database, service_url


def _url(kind: str, tmp_path: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'mig.sqlite3'}"
    base = service_url("TEST_DATABASE_URL") or ""
    head, _, query = base.partition("?")
    server, name = head.rsplit("/", 1)
    # Named after the test database, so engineers sharing one server never share this one.
    return ensure_mysql_database(f"{server}/{name}_migrations" + (f"?{query}" if query else ""))


@pytest.mark.parametrize("kind", ["sqlite", "mariadb"])
def test_round_trip(kind: str, tmp_path: Path) -> None:
    url = _url(kind, tmp_path)
    upgrade(url)
    engine = create_engine(url)
    expected = {t.name for t in Base.metadata.sorted_tables}
    assert expected <= set(inspect(engine).get_table_names())
    downgrade(url, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(url)
    assert expected <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        if kind == "sqlite":
            assert conn.execute(text("SELECT count(*) FROM internships_fts")).scalar() == 0
        else:
            charset = conn.execute(
                text(
                    "SELECT CCSA.character_set_name FROM information_schema.TABLES T JOIN "
                    "information_schema.COLLATION_CHARACTER_SET_APPLICABILITY CCSA "
                    "ON CCSA.collation_name = T.table_collation "
                    "WHERE T.table_schema = DATABASE() AND T.table_name = 'students'"
                )
            ).scalar()
            engines = {
                r[0]
                for r in conn.execute(
                    text(
                        "SELECT DISTINCT engine FROM information_schema.TABLES WHERE table_schema = DATABASE()"
                    )
                )
            }
            assert charset == "utf8mb4"
            assert engines == {"InnoDB"}
    downgrade(url, "base")
    engine.dispose()


def test_models_match_the_migrations(tmp_path: Path) -> None:
    """Autogenerate finds nothing to do: the models and the migration history agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    url = f"sqlite:///{tmp_path / 'cmp.sqlite3'}"
    upgrade(url)
    from db.engine import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert [d for d in diff if "internships_fts" not in str(d)] == []


def test_replicas_starting_together_migrate_once(tmp_path: Path) -> None:
    """Three processes' worth of upgrades at once on MariaDB: a named lock queues them."""
    import threading

    url = _url("mariadb", tmp_path).replace("_migrations", "_migrations_race")
    ensure_mysql_database(url)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            upgrade(url)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    engine = create_engine(url)
    assert {t.name for t in Base.metadata.sorted_tables} <= set(inspect(engine).get_table_names())
    engine.dispose()
    downgrade(url, "base")


def test_0003_backfills_furthest_stage_and_downgrades_without_losing_rows(tmp_path: Path) -> None:
    """The backfill takes the furthest funnel stage of each timeline; the downgrade keeps every row."""
    import sqlite3

    path = tmp_path / "m3.sqlite3"
    upgrade(f"sqlite:///{path}", "0002")
    paths = {
        1: ["submitted", "advisor_approved", "rejected"],
        2: ["submitted"],
        3: ["placed", "in_progress", "failed"],
    }
    t = "2026-01-01 00:00:00.000000"
    with sqlite3.connect(path) as conn:  # foreign keys are off here: bare rows are enough
        for rid, steps in paths.items():
            conn.execute(
                "INSERT INTO registrations (id, student_id, section_id, status, version, submitted_at, "
                "status_changed_at, updated_at) VALUES (?, ?, 1, ?, 1, ?, ?, ?)",
                (rid, rid, steps[-1], t, t, t),
            )
            for step in steps:
                conn.execute(
                    "INSERT INTO registration_events (registration_id, to_status, at) VALUES (?, ?, ?)",
                    (rid, step, t),
                )
        conn.execute("INSERT INTO registrations (id, student_id, section_id, status, version, submitted_at, "
                     "status_changed_at, updated_at) VALUES (4, 4, 1, 'submitted', 1, ?, ?, ?)", (t, t, t))  # fmt: skip
    upgrade(f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:
        stages = dict(conn.execute("SELECT id, furthest_stage FROM registrations").fetchall())
    assert stages == {1: 1, 2: 0, 3: 4, 4: 0}
    downgrade(f"sqlite:///{path}", "0002")  # with foreign keys on, a table rebuild would cascade
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM registration_events").fetchone() == (7,)
        assert conn.execute("SELECT count(*) FROM registrations").fetchone() == (4,)


def test_0011_counts_the_registrations_already_there_and_downgrades(tmp_path: Path) -> None:
    """The rollup starts equal to a recount of the rows present; the downgrade drops only the rollup."""
    import sqlite3

    path = tmp_path / "m11.sqlite3"
    upgrade(f"sqlite:///{path}", "0007")
    t = "2026-01-01 00:00:00.000000"
    with sqlite3.connect(path) as conn:
        for sid in (1, 2):  # foreign keys are off here: no course needed
            conn.execute(
                "INSERT INTO course_sections (id, course_id, section, semester, academic_year, capacity, "
                "archived, created_at, updated_at) VALUES (?, 1, ?, 1, 2026, 10, 0, ?, ?)",
                (sid, str(sid), t, t),
            )
        rows = [(1, 1, "submitted", 0), (2, 1, "submitted", 0), (3, 1, "placed", 3), (4, 2, "rejected", 1)]
        for rid, sid, status, stage in rows:
            conn.execute(
                "INSERT INTO registrations (id, student_id, section_id, status, furthest_stage, version, "
                "submitted_at, status_changed_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)",
                (rid, rid, sid, status, stage, t, t, t),
            )
    upgrade(f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:
        counted = conn.execute(
            "SELECT section_id, status, furthest_stage, n FROM registration_counts"
        ).fetchall()
    assert sorted(counted) == [(1, "placed", 3, 1), (1, "submitted", 0, 2), (2, "rejected", 1, 1)]
    downgrade(f"sqlite:///{path}", "0007")
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM registrations").fetchone() == (4,)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "registration_counts" not in tables
