"""The demo data loader: a small load on SQLite (and MariaDB when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import hashlib
import stat
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select, text

from core.auth.passwords import verify_password
from core.config import Settings
from core.postings.search_text import index_text
from db.engine import Database, make_database
from db.migrate import upgrade
from db.models import Base, RegistrationStatus
from tests import factories
from tests.backends import ensure_mysql_database, service_url
from tools import demo
from tools.demo.load import BULK_TABLES, reset, table_counts
from tools.demo.registrations import academic_terms

TODAY = date(2026, 11, 28)
T = Base.metadata.tables
SUB, AA, CA, NC, REJ = "submitted", "advisor_approved", "committee_approved", "needs_changes", "rejected"
PLACED, IP, WD = "placed", "in_progress", "withdrawn"
LEGAL = {
    (None, SUB), (SUB, AA), (AA, CA), (CA, PLACED), (PLACED, IP), (IP, "completed"), (IP, "failed"),
    (NC, SUB), (REJ, SUB),
    *((s, NC) for s in (SUB, AA, CA)), *((s, REJ) for s in (SUB, AA, CA)),
    *((s, WD) for s in (SUB, AA, CA, PLACED, IP, NC)),
}  # fmt: skip
HOLDS_SLOT = {PLACED, IP, "completed", "failed"}


@dataclass
class Loaded:
    db: Database
    result: demo.Result
    url: str


def _url(kind: str, tmp: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'demo.sqlite3'}"
    return ensure_mysql_database(service_url("TEST_DATABASE_URL") or "")


@pytest.fixture(scope="module", params=["sqlite", "mariadb"])
def loaded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    """The small data set, loaded once per back end."""
    url = _url(request.param, tmp_path_factory.mktemp("demo"))
    upgrade(url)
    db = make_database(url)
    result = demo.load(db, "small", rounds=4, reset=True, today=TODAY, index_text=index_text)
    yield Loaded(db, result, url)
    reset(db.engine)
    db.engine.dispose()


def _rows(db: Database, table: str, *order: str) -> list[Any]:
    with db.engine.connect() as conn:
        return list(conn.execute(select(T[table]).order_by(*(T[table].c[o] for o in order))))


def test_small_load_sizes(loaded: Loaded) -> None:
    counts = table_counts(loaded.db.engine)
    assert loaded.result.loaded
    assert (counts["students"], counts["companies"], counts["internships"]) == (300, 60, 200)
    assert (counts["registrations"], counts["courses"], counts["faculties"]) == (1500, 6, 8)
    assert counts["programs"] >= 20 and counts["users"] >= 55
    assert counts["audit_log"] == counts["registration_events"] > counts["registrations"]
    assert loaded.result.wall_s < 20


def test_every_status_present_with_plausible_mix(loaded: Loaded) -> None:
    statuses = Counter(r.status for r in _rows(loaded.db, "registrations", "id"))
    assert set(statuses) == {s.value for s in RegistrationStatus}
    assert statuses["completed"] > statuses["failed"]


def test_timelines_follow_the_state_machine(loaded: Loaded) -> None:
    events = defaultdict(list)
    for e in _rows(loaded.db, "registration_events", "registration_id", "id"):
        events[e.registration_id].append(e)
    now = datetime.combine(TODAY, datetime.min.time(), UTC)
    for reg in _rows(loaded.db, "registrations", "id"):
        timeline = events[reg.id]
        assert [e.from_status for e in timeline[1:]] == [e.to_status for e in timeline[:-1]]
        assert all((e.from_status, e.to_status) in LEGAL for e in timeline), reg.id
        assert timeline[-1].to_status == reg.status and reg.version == len(timeline)
        times = [e.at for e in timeline]
        assert times == sorted(set(times)) and times[0] == reg.submitted_at and times[-1] < now
        assert reg.status_changed_at == times[-1] == reg.updated_at
        for e in timeline:
            needs_reason = e.to_status in (REJ, NC, WD) or e.from_status == REJ
            assert e.actor_id is not None and (e.reason is not None or not needs_reason)
        assert (reg.decided_at is not None) == (reg.status not in (SUB, AA, NC))


def test_slots_capacity_and_uniqueness(loaded: Loaded) -> None:
    regs = _rows(loaded.db, "registrations", "id")
    slots = {p.id: p.slots for p in _rows(loaded.db, "internships", "id")}
    capacity = {s.id: s.capacity for s in _rows(loaded.db, "course_sections", "id")}
    assert all((r.internship_id is not None) == (r.status in HOLDS_SLOT) for r in regs)
    per_posting = Counter(r.internship_id for r in regs if r.status in HOLDS_SLOT)
    assert all(n <= slots[pid] for pid, n in per_posting.items())
    per_section = Counter(r.section_id for r in regs)
    assert all(n <= capacity[sid] for sid, n in per_section.items())
    assert len({(r.student_id, r.section_id) for r in regs}) == len(regs)


def test_committee_votes_match_the_decision(loaded: Loaded) -> None:
    committee = defaultdict(set)
    for row in _rows(loaded.db, "section_committee", "section_id"):
        committee[row.section_id].add(row.user_id)
    assert {len(m) for m in committee.values()} <= {3, 5}
    votes = defaultdict(list)
    for v in _rows(loaded.db, "committee_votes", "registration_id", "at"):
        votes[v.registration_id].append(v)
    decisions = {
        e.registration_id: e
        for e in _rows(loaded.db, "registration_events", "id")
        if e.from_status == AA and e.to_status in (CA, REJ)
    }
    sections = {r.id: r.section_id for r in _rows(loaded.db, "registrations", "id")}
    assert set(votes) == set(decisions) and decisions
    for rid, decision in decisions.items():
        members = committee[sections[rid]]
        cast = votes[rid]
        assert len(cast) == len(members) // 2 + 1 and {v.member_id for v in cast} <= members
        approvals = sum(v.vote == "approve" for v in cast)
        assert (approvals * 2 > len(cast)) == (decision.to_status == CA)
        assert cast[-1].at == decision.at and cast[-1].member_id == decision.actor_id


def test_one_audit_row_per_event(loaded: Loaded) -> None:
    audit = {(a.entity_id, a.action, a.at, a.actor_id) for a in _rows(loaded.db, "audit_log", "id")}
    events = _rows(loaded.db, "registration_events", "id")
    assert len(audit) == len(events)
    assert audit == {
        (str(e.registration_id), f"registration.{e.to_status}", e.at, e.actor_id) for e in events
    }
    first = _rows(loaded.db, "audit_log", "id")[0]
    assert first.entity == "registration" and first.after["status"] == SUB


def test_search_text_indexed_and_indexes_restored(loaded: Loaded) -> None:
    with loaded.db.engine.connect() as conn:
        if loaded.db.dialect == "sqlite":
            query = "SELECT count(*) FROM internships_fts WHERE internships_fts MATCH 'zwpython'"
        else:
            query = "SELECT count(*) FROM internships WHERE MATCH(search_text) AGAINST('+zwpython' IN BOOLEAN MODE)"
        assert conn.execute(text(query)).scalar_one() > 0
    inspector = inspect(loaded.db.engine)
    for name in BULK_TABLES:
        existing = {ix["name"] for ix in inspector.get_indexes(name)}
        assert {ix.name for ix in T[name].indexes} <= existing, name


def test_demo_accounts_have_distinct_random_passwords(loaded: Loaded) -> None:
    passwords = loaded.result.passwords
    assert set(passwords) == {"admin", "coordinator", "advisor", "staff", "manager"}
    assert len(set(passwords.values())) == 5 and all(len(p) >= 16 for p in passwords.values())
    users = {u.username: u for u in _rows(loaded.db, "users", "id")}
    for name, password in passwords.items():
        assert users[name].role == name and verify_password(password, users[name].password_hash)
    advisors = [u for u in users.values() if u.role == "advisor"]
    assert len(advisors) >= 50 and not any(
        verify_password(p, advisors[-1].password_hash) for p in passwords.values()
    )


def test_second_run_does_not_duplicate(
    loaded: Loaded, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    before = table_counts(loaded.db.engine)
    assert not demo.load(loaded.db, "small", rounds=4).loaded
    settings = Settings(
        app_env="test", data_dir=tmp_path, database_url=loaded.url, secret_key="x" * 40, bcrypt_rounds=4
    )
    monkeypatch.setattr("core.config.get_settings", lambda: settings)
    assert demo.main(["--size", "small", "--if-empty"]) == 0
    assert demo.main(["--size", "small"]) == 1
    assert table_counts(loaded.db.engine) == before


def test_cli_prints_new_passwords_each_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    upgrade(url)
    settings = Settings(
        app_env="test", data_dir=tmp_path, database_url=url, secret_key="x" * 40, bcrypt_rounds=4
    )
    monkeypatch.setattr("core.config.get_settings", lambda: settings)
    printed = []
    secret_file = tmp_path / "demo-passwords.txt"
    for _ in range(2):
        assert demo.main(["--size", "small", "--reset", "--today", TODAY.isoformat()]) == 0
        out = capsys.readouterr().out
        assert "rows/s" in out and "audit_log" in out
        # Not a terminal (a service log): the passwords go to an owner-only file, never to stdout.
        assert str(secret_file) in out and stat.S_IMODE(secret_file.stat().st_mode) == 0o600
        written = secret_file.read_text(encoding="utf-8")
        printed.append(
            {line.split()[1] for line in written.splitlines() if line.split()[:1] in (["admin"], ["staff"])}
        )
        assert not any(password in out for password in printed[-1])
    assert len(printed[0]) == 2 and not printed[0] & printed[1]


def test_cli_shows_passwords_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'tty.sqlite3'}"
    upgrade(url)
    settings = Settings(
        app_env="test", data_dir=tmp_path, database_url=url, secret_key="x" * 40, bcrypt_rounds=4
    )
    monkeypatch.setattr("core.config.get_settings", lambda: settings)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    assert demo.main(["--size", "small", "--today", TODAY.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "Demo accounts" in out and not (tmp_path / "demo-passwords.txt").exists()


@pytest.mark.parametrize("args", [["--size", "small"], ["--size", "small", "--reset"], ["--if-empty"]])
def test_demo_refuses_production(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'prod.sqlite3'}"
    upgrade(url)
    db = make_database(url)
    with db.sessions.begin() as session:
        factories.student(session)
    before = table_counts(db.engine)
    settings = Settings(
        app_env="production", data_dir=tmp_path, database_url=url, secret_key="p" * 40, bcrypt_rounds=12
    )
    monkeypatch.setattr("core.config.get_settings", lambda: settings)
    assert demo.main(args) == 2
    assert "APP_ENV=production" in capsys.readouterr().err
    assert table_counts(db.engine) == before  # --reset wiped nothing
    db.engine.dispose()


def test_only_embedded_skips_a_server_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(
        app_env="development",
        data_dir=tmp_path,
        database_url="mysql+pymysql://nobody@127.0.0.1:1/none",
        secret_key="x" * 40,
        bcrypt_rounds=4,
    )
    monkeypatch.setattr("core.config.get_settings", lambda: settings)
    assert demo.main(["--size", "small", "--if-empty", "--only-embedded"]) == 0
    assert "no demo data" in capsys.readouterr().out


def _fingerprint(url: str) -> str:
    db = make_database(url)
    digest = hashlib.sha256()
    for table in (
        "students",
        "companies",
        "internships",
        "registrations",
        "registration_events",
        "committee_votes",
    ):
        for row in _rows(db, table, "id"):
            digest.update(repr(tuple(row)).encode())
    db.engine.dispose()
    return digest.hexdigest()


def test_same_seed_same_data(tmp_path: Path) -> None:
    prints = []
    for seed in (7, 7, 8):
        url = f"sqlite:///{tmp_path / f'seed{len(prints)}.sqlite3'}"
        upgrade(url)
        db = make_database(url)
        demo.load(db, "small", seed=seed, rounds=4, today=TODAY)
        db.engine.dispose()
        prints.append(_fingerprint(url))
    assert prints[0] == prints[1] != prints[2]


@pytest.mark.parametrize("offset", range(0, 365, 11))
def test_every_day_of_the_year_has_past_running_and_upcoming_terms(offset: int) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=offset)
    terms = academic_terms(now)
    phases = [t.phase for t in terms]
    assert len(terms) == 6 and phases.count("running") == phases.count("upcoming") == 1
    assert phases.count("past") >= 2 and len({t.year for t in terms}) == 2
    running = terms[phases.index("running")]
    assert running.start <= now < terms[phases.index("upcoming")].start


def test_furthest_stage_matches_each_timeline(loaded: Loaded) -> None:
    from core.registrations.states import funnel_rank
    from db.models import Registration, RegistrationEvent

    with loaded.db.engine.connect() as conn:
        stored = dict(conn.execute(select(Registration.id, Registration.furthest_stage)).all())
        truth = dict.fromkeys(stored, 0)
        for rid, to in conn.execute(select(RegistrationEvent.registration_id, RegistrationEvent.to_status)):
            truth[rid] = max(truth[rid], funnel_rank(to.value))
    assert stored == truth and len(set(truth.values())) == 6


def test_after_placement_rows_follow_each_status(loaded: Loaded) -> None:
    regs = {r.id: r for r in _rows(loaded.db, "registrations", "id")}
    placements = {p.registration_id: p for p in _rows(loaded.db, "placements", "id")}
    assert set(placements) == {rid for rid, r in regs.items() if r.status in HOLDS_SLOT}
    by_placement: dict[int, list] = defaultdict(list)
    for v in _rows(loaded.db, "visits", "id"):
        by_placement[v.placement_id].append(v)
    evaluations: dict[int, dict] = defaultdict(dict)
    for e in _rows(loaded.db, "evaluations", "id"):
        evaluations[e.placement_id][e.kind] = e
    assert {len(k) for k in evaluations.values()} == {3}
    for rid, p in placements.items():
        status, visits, kinds = regs[rid].status, by_placement[p.id], evaluations[p.id]
        assert p.start_date < p.end_date and 2 <= len(visits) <= 3
        if status == "completed":
            assert {v.status for v in visits} == {"done"} and {e.status for e in kinds.values()} == {
                "submitted"
            }
            mean = (kinds["supervisor"].total + kinds["advisor"].total) / 2
            assert abs(p.final_score - mean) <= 0.01 and p.final_result == (
                "S" if p.final_score >= 50 else "U"
            )
        else:
            assert p.final_score is None and p.final_result is None
        if status == "placed":
            assert "done" not in {v.status for v in visits} and "submitted" not in {
                e.status for e in kinds.values()
            }
        if status == "failed":
            assert kinds["supervisor"].status == "submitted" and kinds["supervisor"].total < 50


def test_rollups_are_counted_after_the_load(loaded: Loaded) -> None:
    from core.registrations import rollups

    with loaded.db.sessions.begin() as session:
        assert rollups.counts(session) == rollups.recounted(session) != {}


HOSTILE = ["tab\there", "line\nbreak\r\n", "back\\slash \\N \\t", "ไทย 'quote' \"dq\" %s", "", "\\", "\0nul"]


def test_prepared_rows_round_trip_through_the_bulk_path_unchanged(loaded: Loaded) -> None:
    """On MariaDB prepared rows travel as LOAD DATA text: tabs, newlines, backslashes, NULLs survive."""
    from tools.demo.cli import loading_engine
    from tools.demo.load import Loader, Stats, is_mysql, load_connection

    table = T["progress_snapshots"]
    when = datetime(2026, 11, 28, 9, 30, 15, 123456)
    rows = [{"filters": f"hostile-{i}", "day": date(2026, 1, 1) + timedelta(days=i), "counts": text,
             "computed_at": when} for i, text in enumerate(HOSTILE)]  # fmt: skip
    engine = loading_engine(loaded.db.engine)
    try:
        with load_connection(engine) as conn, conn.begin():
            loader = Loader(conn, Stats(), threaded=False, infile=is_mysql(conn))
            loader.insert(table, rows, prepared=True)
            loader.close()
        with loaded.db.engine.connect() as conn:
            stored = conn.execute(
                select(table.c.filters, table.c.day, table.c.counts).where(table.c.filters.like("hostile-%"))
            ).all()
            conn.execute(table.delete().where(table.c.filters.like("hostile-%")))
            conn.commit()
    finally:
        if engine is not loaded.db.engine:
            engine.dispose()
    assert sorted(stored) == sorted((r["filters"], r["day"], r["counts"]) for r in rows)


def test_the_changes_feed_holds_every_event_in_time_order(loaded: Loaded) -> None:
    """What catch_up_feed would write: each event once, numbered by (time, id), versioned per timeline."""
    events = {e.id: e for e in _rows(loaded.db, "registration_events", "id")}
    feed = _rows(loaded.db, "registration_changes", "seq")
    assert [c.seq for c in feed] == list(range(1, len(events) + 1))
    assert sorted(c.event_id for c in feed) == sorted(events)
    order = [(events[c.event_id].at, c.event_id) for c in feed]
    assert order == sorted(order)
    per_registration: dict[int, list[int]] = defaultdict(list)
    for change in sorted(feed, key=lambda c: (events[c.event_id].at, c.event_id)):
        per_registration[change.registration_id].append(change.version)
    assert all(versions == list(range(1, len(versions) + 1)) for versions in per_registration.values())
    assert [(r.feed, r.last) for r in _rows(loaded.db, "change_counter", "feed")] == [
        ("registrations", len(feed))
    ]
