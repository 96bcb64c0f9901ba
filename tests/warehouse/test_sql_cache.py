"""The compiled-SQL cache and the per-connection result cache give the numbers as without them.

Numbers are counted by hand on the report's fixture warehouse (tests/report/fixture_warehouse.py:
c-lune has 9 messages in ch-general and 9 in ch-lives, 18 in all; c-moon has 3; 21 in all).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pytest

from tests.report.fixture_warehouse import build_fixture_warehouse
from tribu.metrics import compute
from tribu.metrics.filters import filter_tables
from tribu.metrics.scorecard import scorecard
from tribu.warehouse import result_cache, sql_cache
from tribu.warehouse.engines import ibis_tables


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wh") / "fixture.duckdb"
    return build_fixture_warehouse(path, first_party=False)


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRIBU_CACHE_DIR", str(tmp_path))
    return tmp_path / "sql"


def _tables(db: Path) -> Iterator[dict[str, Any]]:
    tables = ibis_tables(db)
    yield tables
    next(iter(tables.values())).get_backend().disconnect()


def _messages(db: Path, **filters: str) -> tuple[int, int]:
    """(messages, sum of the daily_activity measure's messages) under ``filters``."""
    for tables in _tables(db):
        narrowed = filter_tables(tables, **filters)
        daily = compute("daily_activity", narrowed)
        counted = (
            narrowed["messages"].count().execute(),
            daily.messages.sum().execute(),
        )
    return int(counted[0]), int(counted[1])


def test_different_filters_give_different_right_numbers(
    fixture_db: Path, cache_dir: Path
) -> None:
    # First run fills the cache (one file per distinct query), the second reads it.
    for _ in range(2):
        assert _messages(fixture_db) == (21, 21)
        assert _messages(fixture_db, community="c-lune") == (18, 18)
        assert _messages(fixture_db, community="c-moon") == (3, 3)
        assert _messages(fixture_db, channel="ch-lives") == (9, 9)
        assert _messages(fixture_db, community="c-lune", since="2024-03-11") == (11, 11)
    assert len(list(cache_dir.glob("*.sql"))) == 10  # 5 filters x 2 queries


def test_the_second_run_is_served_from_disk(fixture_db: Path, cache_dir: Path) -> None:
    for tables in _tables(fixture_db):
        store = tables["messages"].get_backend()._tribu_sql_cache
        scorecard(tables, community="c-moon", with_relays=False)
        assert store.misses > 0
    # A new process has an empty memory: a fresh store on the same folder.
    fresh = sql_cache.SqlCache(cache_dir)
    for tables in _tables(fixture_db):
        backend = tables["messages"].get_backend()
        backend._tribu_sql_cache = None
        backend.compile = type(backend).compile.__get__(backend)
        sql_cache.install(backend, fresh)
        card = scorecard(tables, community="c-moon", with_relays=False)
    assert card["totals"]["messages"] == 3
    assert fresh.hits > 0 and fresh.misses == 0


def test_a_filter_value_is_part_of_the_key(fixture_db: Path) -> None:
    for tables in _tables(fixture_db):
        m = tables["messages"]
        lune = m.filter(m.community_id == "c-lune").count()
        moon = m.filter(m.community_id == "c-moon").count()
        assert sql_cache.expression_key(lune) != sql_cache.expression_key(moon)
        # ...and the same expression built twice has the same key.
        again = m.filter(m.community_id == "c-lune").count()
        assert sql_cache.expression_key(lune) == sql_cache.expression_key(again)


def test_a_schema_change_invalidates_the_key() -> None:
    old = ibis.table({"message_id": "string", "n": "int64"}, name="messages")
    new = ibis.table(
        {"message_id": "string", "n": "int64", "x": "string"}, name="messages"
    )
    retyped = ibis.table({"message_id": "string", "n": "float64"}, name="messages")
    keys = {sql_cache.expression_key(t.n.sum()) for t in (old, new, retyped)}
    assert len(keys) == 3


def test_a_code_change_invalidates_the_key() -> None:
    t = ibis.table({"ts": "timestamp", "n": "int64"}, name="messages")
    before = t.group_by(day=t.ts.truncate("D")).aggregate(n=t.n.sum())
    after = t.group_by(day=t.ts.truncate("W")).aggregate(
        n=t.n.sum()
    )  # a changed measure
    assert sql_cache.expression_key(before) != sql_cache.expression_key(after)


def test_a_new_library_version_invalidates_the_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    t = ibis.table({"n": "int64"}, name="messages")
    before = sql_cache.expression_key(t.n.sum())
    monkeypatch.setattr(sql_cache, "CACHE_FORMAT", sql_cache.CACHE_FORMAT + 1)
    assert sql_cache.expression_key(t.n.sum()) != before


def test_stale_sql_on_disk_is_never_read_for_a_changed_expression(
    fixture_db: Path, cache_dir: Path
) -> None:
    for tables in _tables(fixture_db):
        m = tables["messages"]
        expr = m.filter(m.community_id == "c-moon").count()
        assert expr.execute() == 3
        # Whatever sits in the folder under another key is not this expression's SQL.
        for path in cache_dir.glob("*.sql"):
            path.write_text("SELECT 999", encoding="utf-8")
        changed = m.filter(m.community_id == "c-lune").count()
        assert changed.execute() == 18


def test_memtables_are_bound_to_their_own_data(
    fixture_db: Path, cache_dir: Path
) -> None:
    for tables in _tables(fixture_db):
        m = tables["messages"]
        backend = m.get_backend()
        answers = []
        for community in ("c-lune", "c-moon"):
            wanted = ibis.memtable(pa.table({"community_id": [community]}))
            joined = m.join(wanted, "community_id")
            answers.append(joined.count().execute())
        # Same graph and schema, so one compiled SQL: the data are bound at each run.
        assert answers == [18, 3]
        assert backend._tribu_sql_cache.hits >= 1


def test_a_repeated_query_is_answered_once(fixture_db: Path) -> None:
    for tables in _tables(fixture_db):
        m = tables["messages"]
        store = m.get_backend()._tribu_result_cache
        first = m.group_by("community_id").aggregate(n=m.count()).to_pyarrow()
        again = m.group_by("community_id").aggregate(n=m.count()).to_pyarrow()
        assert store.hits == 1
        assert first.equals(again)
        counts = dict(zip(*first.to_pydict().values(), strict=True))
        assert counts == {"c-lune": 18, "c-moon": 3}
        moon = m.filter(m.community_id == "c-moon").count().execute()
        assert moon == 3 and store.hits == 1


def test_result_cache_keeps_only_small_answers() -> None:
    store = result_cache.ResultCache(max_bytes=10_000)
    small = pa.table({"n": list(range(100))})
    store.put("a", small)
    store.put("b", pa.table({"n": list(range(result_cache.MAX_ROWS + 1))}))
    assert store.get("a") is small
    assert store.get("b") is None
    for i in range(20):  # 800 bytes each: the oldest are dropped beyond 10,000
        store.put(f"k{i}", small)
    assert store.get("a") is None
    assert store.get("k19") is small


def test_the_cache_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIBU_SQL_CACHE", "0")

    class Backend:
        def compile(self, expr: Any) -> str:
            return "SELECT 1"

    backend = Backend()
    assert sql_cache.install(backend) is backend
    assert getattr(backend, "_tribu_sql_cache", None) is None
