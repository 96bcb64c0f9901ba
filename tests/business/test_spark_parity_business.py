"""Every business and creator measure gives the same numbers on DuckDB and on a local Spark.

DuckDB computes over the fixture frames; Spark over a Parquet lake written from a warehouse
holding the same rows (``tribu lake export``), so the lake's types and files are checked too.
"""

from __future__ import annotations

import pandas as pd
import pytest

import tribu.business  # noqa: F401  (registers the measures)
import tribu.creators  # noqa: F401
from tribu.metrics import MEASURES

from .fixtures import AS_OF, RATES, duckdb_tables, frames

pytestmark = pytest.mark.spark

FAMILIES = ("business", "creators")
NAMES = sorted(n for n, m in MEASURES.items() if m.family in FAMILIES)


@pytest.fixture(scope="session")
def spark_tables(tmp_path_factory):
    """The fixture as a warehouse, written as a Parquet lake, read by Spark from the lake."""
    from tribu.warehouse.engines import ibis_tables
    from tribu.warehouse.lake import export_lake
    from tribu.warehouse.store import open_warehouse

    folder = tmp_path_factory.mktemp("parity_business")
    db = folder / "fixture.duckdb"
    con = open_warehouse(db)
    try:
        for name, frame in frames().items():
            con.register("frame", frame)
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM frame")
            con.unregister("frame")
    finally:
        con.close()
    export_lake(db, folder / "lake")
    return ibis_tables(folder / "lake", engine="spark")


def _settings(name: str) -> dict:
    settings = MEASURES[name].settings
    chosen = {}
    if "rates" in settings:
        chosen["rates"] = RATES
    if "as_of" in settings:
        chosen["as_of"] = AS_OF
    if "margin" in settings:
        chosen["margin"] = 0.5
    return chosen


def _normalised(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            values = pd.to_datetime(frame[column], utc=True)
            frame[column] = values.dt.tz_localize(None)
        elif (
            pd.api.types.is_numeric_dtype(frame[column]) and frame[column].dtype != bool
        ):
            frame[column] = frame[column].astype("float64")
    keys = [c for c in frame.columns if frame[c].dtype == object or "id" in c]
    keys = keys or list(frame.columns)
    return frame.sort_values(keys or list(frame.columns)).reset_index(drop=True)


@pytest.mark.parametrize("name", NAMES)
def test_same_numbers_on_duckdb_and_spark(name: str, spark_tables) -> None:
    measure = MEASURES[name]
    duck = duckdb_tables()
    settings = _settings(name)
    expected = measure.function(
        *(duck[t] for t in measure.tables), **settings
    ).execute()
    got = measure.function(
        *(spark_tables[t] for t in measure.tables), **settings
    ).execute()
    assert len(expected) > 0
    pd.testing.assert_frame_equal(
        _normalised(got), _normalised(expected), check_dtype=False, atol=1e-9
    )
