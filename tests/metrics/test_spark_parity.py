"""Every registered measure gives the same numbers on DuckDB and on a local Spark session.

The only Spark test module (Spark takes ~20 s to start: one session for the whole module).
Both engines read the same fixture warehouse (``fixtures.py``): DuckDB the file itself, Spark
the Parquet lake written from it (partitioned by community and month). Rows are compared as
sets after sorting; floating point values must agree to a relative tolerance of 1e-9
(absolute 1e-12 around zero); timestamps are compared in UTC.
Measures registered by other families (business, creators) run too, over their (empty)
tables in this fixture, so a measure that does not compile on Spark fails here.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ibis.expr.types as ir
import pytest

from tribu.metrics import compute
from tribu.metrics.docs import load_measures

pytestmark = pytest.mark.spark

REL_TOL = 1e-9
ABS_TOL = 1e-12

MEASURE_NAMES = sorted(load_measures())


@pytest.fixture(scope="module")
def spark_tables(
    warehouse: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, ir.Table]:
    """Spark reads the fixture warehouse written as a Parquet lake (``tribu lake export``)."""
    pytest.importorskip("pyspark")
    from tribu.warehouse.engines import ibis_tables
    from tribu.warehouse.lake import export_lake

    lake = tmp_path_factory.mktemp("parity_lake") / "lake"
    export_lake(warehouse, lake)
    return ibis_tables(lake, engine="spark")


def _normal(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, list | tuple):
        return [_normal(v) for v in value]
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    return value


def _sort_key(row: dict[str, Any]) -> tuple:
    key = []
    for value in row.values():
        if isinstance(value, float):
            value = round(value, 6)
        key.append((value is None, str(value)))
    return tuple(key)


def _rows(expr: ir.Table) -> list[dict[str, Any]]:
    rows = [
        {k: _normal(v) for k, v in r.items()} for r in expr.to_pyarrow().to_pylist()
    ]
    return sorted(rows, key=_sort_key)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


@pytest.mark.parametrize("name", MEASURE_NAMES)
def test_same_numbers_on_duckdb_and_spark(
    name: str, tables: dict[str, ir.Table], spark_tables: dict[str, ir.Table]
) -> None:
    duck = _rows(compute(name, tables))
    spark = _rows(compute(name, spark_tables))
    assert len(duck) == len(spark), (
        f"{name}: {len(duck)} rows on DuckDB, {len(spark)} on Spark"
    )
    for d, s in zip(duck, spark, strict=True):
        assert list(d) == list(s), f"{name}: columns differ"
        for column in d:
            assert _same(d[column], s[column]), (
                f"{name}.{column}: DuckDB {d[column]!r} != Spark {s[column]!r} in {d}"
            )


def test_parity_covers_the_community_measures() -> None:
    # The community families are all here (guards against an import that silently failed).
    assert {
        "engagement_rate_per_post",
        "time_to_sentiment_survival",
        "rituals",
        "member_roles",
        "ugc_ratio",
        "retention_by_cohort",
    } <= set(MEASURE_NAMES)


def test_scorecard_on_spark(spark_tables: dict[str, ir.Table]) -> None:
    from tribu.metrics.scorecard import scorecard

    card = scorecard(spark_tables, community="c1")
    # The same headline numbers as on DuckDB (test_scorecard.py).
    assert card["engagement"]["median_engagement_rate"] == pytest.approx(0.5)
    assert card["time_to_sentiment"]["km_median_hours"] == 1.5
    assert card["roles"]["relays"] == 1
    assert card["rituals"][0]["hour"] == 18


def test_the_warehouse_export_path_still_reads(warehouse: Path) -> None:
    # ``--engine spark`` on a DuckDB file reads its Parquet export: same rows.
    from tribu.warehouse.engines import ibis_tables

    assert ibis_tables(warehouse, engine="spark")["messages"].count().execute() == 45


@pytest.mark.parametrize(
    ("uri", "needle"),
    [
        ("s3a://tribu-test-bucket/lake", "hadoop-aws"),
        ("gs://tribu-test-bucket/lake", "gcs-connector"),
    ],
)
def test_a_cloud_lake_without_its_connector_is_one_line(
    uri: str, needle: str, spark_tables: dict[str, ir.Table]
) -> None:
    from tribu.errors import ConfigError
    from tribu.warehouse.engines import ibis_tables

    with pytest.raises(ConfigError) as caught:
        ibis_tables(uri, engine="spark")
    message = str(caught.value)
    assert (
        "\n" not in message and needle in message and "spark.jars.packages" in message
    )
