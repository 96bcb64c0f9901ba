"""The warehouse: a DuckDB file holding the canonical tables."""

from tribu.warehouse.schema import SCHEMA_VERSION, TABLES
from tribu.warehouse.store import open_warehouse, resolve_db_path, transaction

__all__ = [
    "SCHEMA_VERSION",
    "TABLES",
    "open_warehouse",
    "resolve_db_path",
    "transaction",
]
