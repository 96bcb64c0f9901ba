"""Schema versions: a new file gets the current one, an older one is upgraded, a newer refused.

Also checks that docs/schema.md documents every table and column of the schema.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from tribu.errors import SchemaVersionError, WarehouseError
from tribu.warehouse import store
from tribu.warehouse.schema import SCHEMA_VERSION, TABLES
from tribu.warehouse.store import open_warehouse, schema_version

REPO_ROOT = Path(__file__).resolve().parents[2]


def _columns(ddl: str) -> list[str]:
    return [line.split()[0] for line in ddl.strip().splitlines() if line.strip()]


def test_new_warehouse_has_every_table_and_a_secret(tmp_path):
    con = open_warehouse(tmp_path / "w.duckdb")
    try:
        assert schema_version(con) == SCHEMA_VERSION
        names = {
            r[0]
            for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        }
        assert set(TABLES) <= names
        assert len(store.pseudonym_secret(con)) == 32
    finally:
        con.close()


def test_older_version_is_upgraded(tmp_path, monkeypatch):
    db = tmp_path / "old.duckdb"
    con = open_warehouse(db)
    # Pretend the file is version SCHEMA_VERSION - 1, lacking a column a migration adds.
    con.execute(
        "UPDATE meta SET value = ? WHERE key = 'schema_version'",
        [str(SCHEMA_VERSION - 1)],
    )
    con.close()
    monkeypatch.setitem(
        store.MIGRATIONS,
        SCHEMA_VERSION - 1,
        ["ALTER TABLE faq ADD COLUMN upgraded_by_test VARCHAR DEFAULT 'yes'"],
    )
    con = open_warehouse(db)
    try:
        assert schema_version(con) == SCHEMA_VERSION
        cols = [r[0] for r in con.execute("DESCRIBE faq").fetchall()]
        assert "upgraded_by_test" in cols
    finally:
        con.close()


def test_older_version_is_not_upgraded_read_only(tmp_path):
    db = tmp_path / "old.duckdb"
    con = open_warehouse(db)
    con.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(WarehouseError, match="schema version 0"):
        open_warehouse(db, read_only=True)


def test_newer_version_is_refused(tmp_path):
    db = tmp_path / "new.duckdb"
    con = open_warehouse(db)
    con.execute(
        "UPDATE meta SET value = ? WHERE key = 'schema_version'",
        [str(SCHEMA_VERSION + 1)],
    )
    con.close()
    with pytest.raises(
        SchemaVersionError, match=f"schema version {SCHEMA_VERSION + 1}"
    ):
        open_warehouse(db)


def test_not_a_duckdb_file_is_a_warehouse_error(tmp_path):
    db = tmp_path / "junk.duckdb"
    db.write_bytes(b"\x00\x01 not a database" * 100)
    with pytest.raises(WarehouseError, match="junk.duckdb"):
        open_warehouse(db)


def test_every_column_is_documented():
    doc = (REPO_ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    sections = re.split(r"^## ", doc, flags=re.M)
    by_table = {s.split("\n", 1)[0].strip().strip("`"): s for s in sections[1:]}
    for table, ddl in TABLES.items():
        assert table in by_table, f"docs/schema.md has no '## {table}' section"
        for column in _columns(ddl):
            assert f"`{column}`" in by_table[table], (
                f"{table}.{column} is not documented"
            )


def test_duckdb_sees_columns_as_documented(tmp_path):
    # The DDL parser above and DuckDB agree on each table's columns.
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    for table, ddl in TABLES.items():
        con.execute(f"CREATE TABLE {table} ({ddl})")
        assert [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()] == _columns(
            ddl
        )
    con.close()
