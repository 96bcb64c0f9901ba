"""Getting the warehouse's tables as Ibis tables; the Parquet export used by Spark."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tribu.errors import ConfigError, WarehouseError
from tribu.warehouse.engines import export_parquet, ibis_tables, parquet_dir


def test_duckdb_tables_read_only(warehouse: Path) -> None:
    tables = ibis_tables(warehouse)
    assert "meta" not in tables  # the pseudonym secret never reaches measures
    assert tables["messages"].count().execute() == 45
    con = tables["messages"]._find_backend()
    with pytest.raises(Exception, match="read-only"):
        con.raw_sql("DELETE FROM messages")


def test_unknown_engine_and_missing_file(tmp_path: Path, warehouse: Path) -> None:
    with pytest.raises(ConfigError, match="'postgres'"):
        ibis_tables(warehouse, engine="postgres")
    with pytest.raises(WarehouseError, match="No warehouse"):
        ibis_tables(tmp_path / "missing.duckdb")


def test_parquet_export_is_refreshed_only_when_the_warehouse_changes(
    tmp_path: Path, warehouse: Path
) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copy(warehouse, db)
    folder = export_parquet(db)
    assert folder == parquet_dir(db) == tmp_path / "copy.duckdb.parquet"
    assert pq.read_table(folder / "messages" / "part-0.parquet").num_rows == 45
    assert not (folder / "meta").exists()
    written = (folder / "messages" / "part-0.parquet").stat().st_mtime_ns
    # Unchanged warehouse: nothing rewritten.
    export_parquet(db)
    assert (folder / "messages" / "part-0.parquet").stat().st_mtime_ns == written
    # The warehouse changes: the export follows.
    import duckdb

    con = duckdb.connect(str(db))
    con.execute("DELETE FROM messages WHERE message_id = 'S1'")
    con.close()
    os.utime(db, ns=(written + 10**9, written + 10**9))
    export_parquet(db)
    assert pq.read_table(folder / "messages" / "part-0.parquet").num_rows == 44


def test_plain_utc_tables_give_the_same_scorecard(warehouse: Path) -> None:
    # utc_naive=True hands DuckDB times over as plain UTC timestamps (as Spark does): every
    # number of the scorecard is the same; times print without the "+00:00" suffix.
    from tribu.metrics.scorecard import scorecard

    naive = ibis_tables(warehouse, utc_naive=True)
    assert naive["messages"].schema()["ts"].timezone is None
    aware_card = scorecard(
        ibis_tables(warehouse), since="2026-03-01", until="2026-04-30"
    )
    naive_card = scorecard(naive, since="2026-03-01", until="2026-04-30")
    for ritual in aware_card["rituals"]:
        for key in ("first_ts", "last_ts"):
            ritual[key] = ritual[key].removesuffix("+00:00")
    assert naive_card == aware_card
