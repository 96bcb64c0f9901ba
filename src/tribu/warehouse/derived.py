"""Files derived from a warehouse that may name people: the ones tribu owns, the ones it lists.

Two kinds, handled differently by ``tribu forget``:

- **Owned** files live beside the warehouse under names tribu chose, and only tribu uses them:
  the Spark engine's Parquet export ``<db>.parquet/`` (and half-written ``<db>.parquet.*``
  folders), staging folders an interrupted ingest left (``.<db name>.ingest-*``), DuckDB's
  spill folder ``<db>.tmp/``. ``forget`` deletes them (:func:`owned_paths`).
- **Handed-over** files went where the user asked, and the user may have moved, shared or
  edited them: HTML reports. tribu cannot erase them safely, so it records each one in the
  ``derived_files`` table when it writes it (:func:`record_derived_file`), and ``forget``
  prints the ones still on disk for the user to delete or write again (:func:`written_files`).

The server's snapshot copies are a third kind, private to a running process: ``forget`` bumps
the warehouse's erasure generation (:func:`bump_erasure_generation`) and the server deletes
every copy of an older generation as soon as it sees the new one
(:mod:`tribu.web.snapshot`).
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from tribu.errors import WarehouseError
from tribu.warehouse.store import open_warehouse, resolve_db_path, transaction

__all__ = [
    "ERASURE_GENERATION_KEY",
    "bump_erasure_generation",
    "erasure_generation",
    "owned_paths",
    "record_derived_file",
    "written_files",
]

ERASURE_GENERATION_KEY = "erasure_generation"
"""The ``meta`` key counting the erasures (``tribu forget``) the warehouse went through."""


def owned_paths(db: str | os.PathLike[str]) -> list[Path]:
    """Files and folders beside warehouse ``db`` that tribu derived from it and owns."""
    path = resolve_db_path(db)
    parent, name = path.parent, path.name
    found = [path.with_name(name + ".parquet"), path.with_name(name + ".tmp")]
    if parent.is_dir():
        found += sorted(parent.glob(f"{_glob_escape(name)}.parquet.*"))
        found += sorted(parent.glob(f".{_glob_escape(name)}.ingest-*"))
    return [p for p in found if p.exists() or p.is_symlink()]


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def record_derived_file(
    db: str | os.PathLike[str], path: str | os.PathLike[str], kind: str
) -> None:
    """Remember that ``path`` (a ``kind`` of file, e.g. ``"report"``) was written from ``db``.

    The warehouse is opened for writing; if another process holds it, this waits up to five
    seconds, then raises :class:`~tribu.errors.WarehouseError` saying the file was written but
    not recorded (so ``tribu forget`` would not list it).
    """
    written = str(Path(path).resolve())
    deadline = time.monotonic() + 5.0
    while True:
        try:
            con = open_warehouse(db)
            break
        except WarehouseError as exc:
            if time.monotonic() >= deadline:
                raise WarehouseError(
                    f"{written} was written, but it could not be recorded in "
                    f"{resolve_db_path(db)} ({exc}); 'tribu forget' will not list it."
                ) from exc
            time.sleep(0.2)
    try:
        with transaction(con):
            con.execute("DELETE FROM derived_files WHERE path = ?", [written])
            con.execute(
                "INSERT INTO derived_files VALUES (?, ?, ?)",
                [written, kind, datetime.now(UTC)],
            )
    finally:
        con.close()


def written_files(con: duckdb.DuckDBPyConnection) -> list[tuple[Path, str]]:
    """Recorded files still on disk, as (path, kind), oldest first.

    Rows of files no longer on disk are dropped (the user deleted them), so the list shrinks
    as the user cleans up. ``con`` must be open for writing.
    """
    rows = con.execute(
        "SELECT path, kind FROM derived_files ORDER BY written_at, path"
    ).fetchall()
    present: list[tuple[str, str]] = []
    gone: list[tuple[str, str]] = []
    for raw, kind in rows:
        (present if Path(raw).exists() else gone).append((raw, kind))
    if gone:
        con.executemany(
            "DELETE FROM derived_files WHERE path = ?", [[p] for p, _ in gone]
        )
    return [(Path(p), kind) for p, kind in present]


def erasure_generation(con: duckdb.DuckDBPyConnection) -> int:
    """How many erasures the warehouse went through (0 for one never used by ``forget``)."""
    row = con.execute(
        "SELECT value FROM meta WHERE key = ?", [ERASURE_GENERATION_KEY]
    ).fetchone()
    return int(row[0]) if row else 0


def bump_erasure_generation(con: duckdb.DuckDBPyConnection) -> int:
    """Add one to the erasure generation; return it.

    ``forget`` calls it on the rewritten copy of the warehouse, so the new generation appears
    only in a file that holds no trace of the erased person.
    """
    generation = erasure_generation(con) + 1
    con.execute(
        "INSERT OR REPLACE INTO meta VALUES (?, ?)",
        [ERASURE_GENERATION_KEY, str(generation)],
    )
    return generation
