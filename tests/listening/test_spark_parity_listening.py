"""Every listening measure gives the same numbers on DuckDB and on a local Spark session.

The metrics parity test (``tests/metrics/test_spark_parity.py``) runs ``topic_emergence`` too,
but on a fixture that never listened (every ``topic_id`` NULL, so no row on either engine).
Here the generated warehouse of the listening tests is listened to first (stored space,
seconds), so both engines aggregate real topics over ten weeks: counts, negative counts, mean
sentiment, the windowed baseline and the emergence score. Spark reads the warehouse's
Parquet export through :func:`tribu.warehouse.engines.ibis_tables`, with the one session of
the test run (:func:`tribu.warehouse.engines.spark_session`).
"""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

import tribu.listening.measures  # noqa: F401  (registers the listening measures)
from tribu.listening.pipeline import update_topics
from tribu.listening.synthetic import SyntheticTruth
from tribu.metrics import MEASURES
from tribu.warehouse.store import open_warehouse

pytestmark = pytest.mark.spark

NAMES = sorted(n for n, m in MEASURES.items() if m.family == "listening")


def _day(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value


def _rows(table: Any) -> list[dict[str, Any]]:
    rows = table.to_pyarrow().to_pylist()
    for row in rows:
        row["week"] = _day(row["week"])
    return sorted(rows, key=lambda r: (r["topic_id"], r["week"]))


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return bool(a == b)


def test_listening_measures_cover_topic_emergence() -> None:
    assert "topic_emergence" in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_same_numbers_on_duckdb_and_spark(
    name: str, warehouse: tuple[Path, SyntheticTruth]
) -> None:
    pytest.importorskip("pyspark")
    from tribu.warehouse.engines import ibis_tables

    path, _ = warehouse
    con = open_warehouse(path)
    try:
        update_topics(con, strong=False)
    finally:
        con.close()
    measure = MEASURES[name]
    duck_tables = ibis_tables(path, engine="duckdb")
    try:
        duck = _rows(measure.function(*(duck_tables[t] for t in measure.tables)))
    finally:
        next(iter(duck_tables.values())).get_backend().disconnect()
    spark_tables = ibis_tables(path, engine="spark")
    spark = _rows(measure.function(*(spark_tables[t] for t in measure.tables)))
    # Ten weeks of 25 topics: a real series on both sides, not two empty tables.
    assert len(duck) > 100
    assert len({r["topic_id"] for r in duck}) >= 20
    assert any(r["emergence"] >= 3 for r in duck)
    assert len(spark) == len(duck)
    for d, s in zip(duck, spark, strict=True):
        assert list(d) == list(s)
        for column in d:
            assert _same(d[column], s[column]), (
                f"{name}.{column}: DuckDB {d[column]!r} != Spark {s[column]!r} in {d}"
            )
