"""core.search_text against a real MariaDB InnoDB FULLTEXT index (default server settings)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from core.postings import search_text as stx
from tests.search_cases import CASES, POSTINGS, Case

DATABASE = "test_searchtext"
TABLE = "search_text_probe"
SEARCH_SQL = text(f"SELECT id FROM {TABLE} WHERE MATCH(search_text) AGAINST (:q IN BOOLEAN MODE)")


def _server_url() -> str:
    """Host and user from TEST_DATABASE_URL; skip (or fail under REQUIRE_SERVICES=1) without it."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        reason = "TEST_DATABASE_URL is not set: MariaDB FULLTEXT search tests skipped"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
        pytest.skip(reason)
    parsed = make_url(url).set(drivername="mysql+pymysql", database=None)
    return parsed.update_query_dict({"charset": "utf8mb4"}).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    """A test_searchtext database holding the shared postings in an InnoDB FULLTEXT table."""
    server = create_engine(_server_url())
    with server.begin() as conn:
        conn.execute(
            text(f"CREATE DATABASE IF NOT EXISTS {DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        )
    server.dispose()
    eng = create_engine(make_url(_server_url()).set(database=DATABASE))
    with eng.begin() as conn:
        conn.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))
        conn.execute(
            text(
                f"CREATE TABLE {TABLE} (id INT PRIMARY KEY, search_text TEXT NOT NULL, "
                "FULLTEXT KEY ft_search_text (search_text)) "
                "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"
            )
        )
        rows = [{"id": pid, "t": stx.index_text(*fields)} for pid, fields in POSTINGS.items()]
        conn.execute(text(f"INSERT INTO {TABLE} (id, search_text) VALUES (:id, :t)"), rows)
    # committed: InnoDB FULLTEXT only sees committed rows
    yield eng
    with eng.begin() as conn:
        conn.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))
    eng.dispose()


def search(eng: Engine, query: str) -> set[int]:
    """Run a user's query the way a service would: None lists every posting."""
    against = stx.mysql_against(query)
    with eng.connect() as conn:
        if against is None:
            return set(conn.execute(text(f"SELECT id FROM {TABLE}")).scalars())
        return set(conn.execute(SEARCH_SQL, {"q": against}).scalars())


def test_server_uses_default_fulltext_settings(engine: Engine) -> None:
    with engine.connect() as conn:
        row = conn.execute(text("SELECT @@innodb_ft_min_token_size, @@innodb_ft_enable_stopword")).one()
    assert tuple(row) == (3, 1), "these tests are meant for the default InnoDB FULLTEXT settings"


@pytest.mark.parametrize("case", CASES, ids=[c.query for c in CASES])
def test_mariadb_cases(engine: Engine, case: Case) -> None:
    found = search(engine, case.query)
    assert case.hits <= found, f"missing {sorted(case.hits - found)}"
    assert not (case.misses & found), f"unexpected {sorted(case.misses & found)}"


TRICKY = st.sampled_from([*"\"'*()+-~@<>:^{},;.#\\%_ ", "OR", "AND", "NOT", "NEAR", "--", "';"])
THAI = st.sampled_from(list("วิศวกรซอฟต์แวร์ต้อนรับแขกฝึกงาน่้๊๋็ำๆ๏฿"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=40), st.lists(st.one_of(TRICKY, THAI), max_size=15).map("".join)))
def test_any_input_is_a_valid_boolean_mode_query(engine: Engine, query: str) -> None:
    search(engine, query)  # never raises


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_any_text_can_be_indexed(engine: Engine, body: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(f"INSERT INTO {TABLE} (id, search_text) VALUES (1000, :t)"), {"t": stx.index_text(body)}
        )
    try:
        search(engine, body)
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DELETE FROM {TABLE} WHERE id = 1000"))
