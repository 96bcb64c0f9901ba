"""Open the warehouse: a DuckDB file holding the canonical tables.

``open_warehouse`` creates the file and its tables on first use, upgrades an older schema, and
refuses a file written by a newer tribu. ``ibis_tables`` hands the canonical tables to the
measures as Ibis tables, whatever the engine.

The path is chosen, in order, by ``--db``, the ``TRIBU_DB`` environment variable, or
``./tribu.duckdb``. It may also name a Parquet lake (:mod:`tribu.warehouse.lake`): a read-only
open then gives a DuckDB connection whose tables read the lake's files in place.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from tribu.errors import SchemaVersionError, WarehouseError
from tribu.warehouse.schema import MIGRATIONS, SCHEMA_VERSION, TABLES

__all__ = [
    "DEFAULT_DB",
    "open_warehouse",
    "pseudonym_secret",
    "resolve_db_path",
    "schema_version",
    "transaction",
]

DEFAULT_DB = "tribu.duckdb"


def resolve_db_path(db: str | os.PathLike[str] | None = None) -> Path:
    """Return the warehouse path from ``db``, else ``$TRIBU_DB``, else ``./tribu.duckdb``."""
    return Path(db or os.environ.get("TRIBU_DB") or DEFAULT_DB)


def open_warehouse(
    db: str | os.PathLike[str] | None = None, *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open (creating or upgrading if needed) the warehouse and return a DuckDB connection.

    A read-only open never creates nor upgrades: it fails if the file is missing or old.
    """
    path = resolve_db_path(db)
    from tribu.warehouse import lake  # here: the lake module builds on this one

    if lake.is_lake(path):
        if not read_only:
            raise WarehouseError(
                f"{path} is a Parquet lake: it is written only by 'tribu ingest --lake "
                f"{path}'; this command needs a DuckDB warehouse file (--db FILE)."
            )
        return lake.connect_lake(path)
    if read_only and not path.exists():
        raise WarehouseError(
            f"No warehouse at {path}. Run 'tribu ingest' first, or pass --db PATH."
        )
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise WarehouseError(f"{path}: cannot open the warehouse ({exc}).") from exc
    try:
        _ensure_schema(con, path, read_only=read_only)
    except BaseException:
        con.close()
        raise
    return con


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The schema version stored in the warehouse, or None for an empty file."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ).fetchone()
    if not exists or not exists[0]:
        return None
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else None


def pseudonym_secret(con: duckdb.DuckDBPyConnection) -> bytes:
    """The per-warehouse HMAC key used to pseudonymise people. Made once, kept in the file."""
    row = con.execute(
        "SELECT value FROM meta WHERE key = 'pseudonym_secret'"
    ).fetchone()
    if row is None:
        raise WarehouseError("The warehouse has no pseudonym secret; it is damaged.")
    return bytes.fromhex(row[0])


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Run a block as one transaction: everything is written, or nothing is."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")


def _ensure_schema(
    con: duckdb.DuckDBPyConnection, path: Path, *, read_only: bool
) -> None:
    version = schema_version(con)
    if version is not None and version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"{path} was written by a newer tribu (schema version {version}; this tribu "
            f"knows up to {SCHEMA_VERSION}). Upgrade tribu to open it."
        )
    if version == SCHEMA_VERSION:
        return
    if read_only:
        raise WarehouseError(
            f"{path} has schema version {version}; open it once without read-only "
            "(for example with 'tribu ingest') to upgrade it."
        )
    with transaction(con):
        if version is None:
            for name, columns in TABLES.items():
                con.execute(f"CREATE TABLE IF NOT EXISTS {name} ({columns})")
            con.execute(
                "INSERT INTO meta VALUES ('schema_version', ?), ('pseudonym_secret', ?)",
                [str(SCHEMA_VERSION), secrets.token_hex(32)],
            )
            return
        for step in range(version, SCHEMA_VERSION):
            for statement in MIGRATIONS[step]:
                con.execute(statement)
        con.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'",
            [str(SCHEMA_VERSION)],
        )
