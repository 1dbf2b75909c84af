"""The bench harness on a tiny SQLite database: capture, replay, stats, table, CSV (no timing asserts)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from bench.harness import COLUMNS, Row, capture, measure, replay, summarise, table, time_runs
from bench.pages import page_paths
from bench.report import targets, write_csv
from bench.runner import Plan, runs_for


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    """A file SQLite database with one small table."""
    eng = create_engine(f"sqlite:///{tmp_path / 'tiny.sqlite3'}")
    with eng.begin() as conn:
        conn.execute(text("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"))
        conn.execute(text("INSERT INTO item (name) VALUES (:n)"), [{"n": f"item {i}"} for i in range(20)])
    return eng


def _read(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(text("SELECT name FROM item WHERE id > :low ORDER BY id"), {"low": 15}))


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(text("SELECT count(*) FROM item")) or 0)


def test_capture_records_each_statement_with_its_parameters(engine: Engine) -> None:
    statements = capture(engine, lambda: _read(engine))
    assert len(statements) == 1
    assert "FROM item" in statements[0].sql
    assert tuple(statements[0].params) == (15,)
    assert not statements[0].many


def test_capture_stops_listening_after_the_call(engine: Engine) -> None:
    capture(engine, lambda: _read(engine))
    assert capture(engine, lambda: None) == []


def test_replay_fetches_the_same_rows_on_the_raw_connection(engine: Engine) -> None:
    statements = capture(engine, lambda: _read(engine))
    raw = engine.raw_connection()
    try:
        assert replay(raw, statements) == len(_read(engine)) == 5
    finally:
        raw.close()


def test_replayed_writes_are_rolled_back(engine: Engine) -> None:
    def write() -> None:
        with engine.begin() as conn:
            conn.execute(text("UPDATE item SET name = :n WHERE id = :i"), {"n": "changed", "i": 1})
            conn.execute(text("INSERT INTO item (name) VALUES (:n)"), [{"n": "a"}, {"n": "b"}])

    statements = capture(engine, write)
    assert [s.many for s in statements] == [False, True]
    before = _count(engine)
    raw = engine.raw_connection()
    try:
        replay(raw, statements)
    finally:
        raw.close()
    assert _count(engine) == before == 22


def test_measure_interleaves_core_and_raw_and_runs_before_each_time(engine: Engine) -> None:
    calls: list[str] = []
    paired = measure(
        lambda: calls.append("core"), lambda: calls.append("raw"), 4, lambda: calls.append("before")
    )
    assert calls[:6] == ["before", "core", "raw", "before", "raw", "core"]
    assert paired.core.runs == paired.raw.runs == 4 if paired.raw else False
    assert paired.ratio is not None and paired.ratio > 0
    assert time_runs(lambda: _read(engine), 3).runs == 3


def test_summarise_gives_median_and_nearest_rank_p95() -> None:
    stats = summarise([n / 1000 for n in range(1, 101)])  # 1..100 ms
    assert stats.runs == 100
    assert stats.median_ms == pytest.approx(50.5)
    assert stats.p95_ms == pytest.approx(95)
    assert summarise([0.002]).p95_ms == pytest.approx(2)
    with pytest.raises(ValueError, match="no timings"):
        summarise([])


def test_slow_calls_get_fewer_runs() -> None:
    plan = Plan("sqlite", 30)
    assert runs_for(0.0001, plan) == 30
    assert runs_for(1.0, plan) == 3
    assert runs_for(10.0, plan) == 2  # the slowest calls (the full export) run twice


def test_table_csv_and_targets(tmp_path: Path) -> None:
    rows = [
        Row("sqlite", "home.counts", "core", 30, 2.0, 3.0, 1.5, 2.0 / 1.5, "4 stmts"),
        Row("sqlite", "home.counts", "cache", 30, 0.01, 0.02, 2.0, 0.005, "hit"),
        Row("sqlite", "queue.page1", "core", 30, 4.0, 5.0, 3.0, 1.33),
        Row("sqlite", "queue.page1000", "core", 30, 12.0, 14.0, 6.0, 2.0, "1 stmts; walk 9 s"),
        Row("sqlite", "page home warm", "page", 5, 200.0, 250.0),
        Row("sqlite", "100 users", "concurrency", 900, 50.0, 900.0, note="0 errors"),  # stress, not judged
        Row(
            "sqlite",
            "100 users, page loads (websocket) warm",
            "concurrency",
            900,
            50.0,
            120.0,
            note="0 errors",
        ),
        Row("sqlite", "search.en", "cache", 30, 0.5, 0.6, 2.0, 0.25, "hit"),  # not a dashboard aggregate
        Row("sqlite", "import 10k registrations", "core", 3, 2800.0, 2900.0, 1000.0, 2.8),  # a write: 3x
    ]
    printed = table(rows)
    assert printed.splitlines()[0].split() == list(COLUMNS)
    assert "home.counts" in printed
    report = targets(rows)
    assert "MET     core <= 2x raw" in report
    assert "NOT MET warm page <= 150 ms [sqlite]: 0/1; missed: page home warm" in report
    assert "MET     100 users: warm page load p95 <= 500 ms, zero errors [sqlite]: 1/1" in report
    assert "MET     cache hit >= 50x faster than cold, dashboard aggregates [sqlite]: 1/1" in report
    assert "NOT MET deep queue page within 2x of page 1 [sqlite]: queue.page1000 3.00x" in report
    with write_csv(rows, tmp_path).open(encoding="utf-8") as handle:
        written = list(csv.reader(handle))
    assert written[0] == list(COLUMNS)
    assert len(written) == len(rows) + 1


def test_page_paths_are_read_from_app_py() -> None:
    pages = page_paths()
    assert "pages/home.py" in pages
    assert all(p.startswith("pages/") and p.endswith(".py") for p in pages)


def test_the_import_case_times_real_imports_and_leaves_the_data_as_it_was(ctx, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from bench import imports as bench_imports
    from bench.cases import actor_for
    from db.models import Role
    from tools import demo
    from tools.demo.load import table_counts

    demo.load(ctx.db, "small", rounds=4)
    before = table_counts(ctx.db.engine)
    monkeypatch.setattr(bench_imports, "ROWS", 120)
    rows = bench_imports.import_rows(ctx, actor_for(ctx, "admin", Role.ADMIN), Plan("test", 3), runs=2)
    assert len(rows) == 1 and rows[0].runs == 2, rows
    assert rows[0].raw_median_ms is not None and rows[0].ratio is not None
    assert "240 stored then deleted" in rows[0].note
    assert table_counts(ctx.db.engine) == before


def test_a_committed_replay_keeps_its_writes(engine: Engine) -> None:
    def write() -> None:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO item (name) VALUES (:n)"), {"n": "kept"})

    statements = capture(engine, write)
    before = _count(engine)
    raw = engine.raw_connection()
    try:
        replay(raw, statements, commit=True)
    finally:
        raw.close()
    assert _count(engine) == before + 1


def test_the_api_case_times_each_endpoint_against_a_server_and_leaves_the_data_as_it_was(ctx) -> None:  # type: ignore[no-untyped-def]
    from bench.api_load import api_rows
    from tools import demo
    from tools.demo.load import table_counts

    demo.load(ctx.db, "small", rounds=4)
    before = table_counts(ctx.db.engine)
    rows = api_rows(ctx, Plan("test", 2), None, clients=2, seconds=0.5)
    assert [r.case for r in rows] == [
        "api POST /registrations, 2 clients", "api GET /registrations, 2 clients",
        "api GET /postings (Thai), 2 clients", "api GET /changes, 2 clients",
    ]  # fmt: skip
    assert all(r.raw_median_ms and r.median_ms and " 0 errors" in r.note for r in rows), rows
    assert table_counts(ctx.db.engine) == before


def test_the_audit_viewer_target_is_judged_on_both_pages() -> None:
    rows = [
        Row("mariadb", "audit.page1", "core", 30, 3.0, 5.0, 1.0, 3.0, "1 stmts"),
        Row("mariadb", "audit.page1000", "core", 30, 60.0, 70.0, 1.0, 60.0, "1 stmts; walk"),
    ]
    report = targets(rows)
    assert (
        "NOT MET audit viewer page 1 and page 1,000 at 1M entries <= 50 ms [mariadb]: 1/2; missed: audit.page1000"
        in report
    )


def test_each_row_carries_its_aim_and_the_growth_is_given_per_tenfold(tmp_path: Path) -> None:
    from bench import growth
    from bench.report import annotated

    default = "queue.page1 waiting (default view)"
    large = [
        Row("mariadb", default, "core", 30, 9.0, 12.0, 4.0, 2.25, "1 stmts"),
        Row("mariadb", "search.th+2 filters", "core", 30, 10.0, 20.0, 9.0, 1.1, "1 stmts"),
        Row("mariadb", "progress.drilldown status", "cache", 30, 1.0, 2.0, 66.0, 1 / 66, "hit"),
        Row("mariadb", "herd: 100 readers after a write", "cache", 100, 400.0, 420.0, note="1 computations"),
        Row("mariadb", "progress.filter_options", "core", 30, 5.0, 6.0),  # no aim but the ratio's
    ]
    lines = annotated(large).splitlines()
    assert lines[0].split()[-3:] == ["aim", "met", "note"]
    by_case = {line.split("  ")[1].strip(): line for line in lines[2:]}
    assert "review queue default view: SQL <= 5 ms" in by_case[default]
    assert "MISSED" in by_case[default]  # core 2.25x raw
    assert "Thai search with 2 filters: p95 <= 15 ms" in by_case["search.th+2 filters"]
    assert "MISSED" in by_case["search.th+2 filters"]  # p95 20 ms
    assert " met " in by_case["progress.drilldown status"]
    assert " met " in by_case["herd: 100 readers after a write"]
    assert growth.report(tmp_path).startswith("Growth: measure a second size")
    national = [
        Row("mariadb", default, "core", 30, 9.0),
        Row("mariadb", "search.th+2 filters", "core", 30, 100.0),
    ]
    write_csv(large, tmp_path, size="large")
    write_csv(national, tmp_path, size="national")
    curves = growth.report(tmp_path).splitlines()
    assert "large->national" in curves[1]
    assert curves[2].split()[-1] == "1.00x"  # flat: the same time at ten times the data
    assert curves[3].split()[-1] == "10.00x"  # a scan: ten times the time
