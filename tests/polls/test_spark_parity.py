"""Every poll measure gives the same numbers on DuckDB and on a local Spark (marker spark)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import tribu.polls  # noqa: F401  (registers the poll measures)
from tribu.firstparty import load_survey
from tribu.metrics import MEASURES, compute
from tribu.warehouse.engines import ibis_tables
from tribu.warehouse.ingest import ingest_paths
from tribu.warehouse.store import open_warehouse

pytestmark = pytest.mark.spark

DATA = Path(__file__).resolve().parents[1] / "data"
NAMES = sorted(n for n, m in MEASURES.items() if m.family == "polls")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("polls_spark") / "w.duckdb"
    ingest_paths([DATA / "polls"], db=path)
    con = open_warehouse(path)
    try:
        load_survey(
            con, DATA / "surveys" / "typeform_drop.csv", community_id="discord:900"
        )
    finally:
        con.close()
    return path


def _normalised(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = pd.to_datetime(frame[column], utc=True).dt.tz_localize(None)
        elif (
            (
                pd.api.types.is_numeric_dtype(frame[column])
                and frame[column].dtype != bool
            )
            or frame[column].dtype == object
            and all(isinstance(v, int | float) for v in frame[column].dropna())
        ):
            frame[column] = frame[column].astype("float64")
        elif frame[column].dtype == object:
            frame[column] = frame[column].map(
                lambda v: v.isoformat() if hasattr(v, "isoformat") else v
            )
    keys = [c for c in frame.columns if frame[c].dtype == object]
    return frame.sort_values(keys or list(frame.columns)).reset_index(drop=True)


@pytest.mark.parametrize("name", NAMES)
def test_same_numbers_on_duckdb_and_spark(name: str, db: Path) -> None:
    expected = compute(name, ibis_tables(db)).to_pandas()
    got = compute(name, ibis_tables(db, engine="spark")).to_pandas()
    assert not expected.empty
    pd.testing.assert_frame_equal(
        _normalised(got)[list(expected.columns)],
        _normalised(expected),
        check_dtype=False,
        rtol=1e-9,
    )
