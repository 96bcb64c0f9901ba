"""Rewrite a warehouse file so that deleted rows leave no bytes behind.

DuckDB marks deleted rows and frees blocks, but a freed block keeps its old bytes until it is
reused, and ``CHECKPOINT`` does not zero it: after ``DELETE`` the person's name and text can
still be read from the file with ``grep -a``. ``VACUUM`` does not rewrite the file either. The
reliable way is a new file: an empty database is attached next to the old one, DuckDB copies
every table (definitions, constraints and rows: ``COPY FROM DATABASE``) into it, the new file
is flushed to disk (``fsync``) and renamed over the old one in one atomic step, and the old
file's write-ahead log, if any, is removed. Only live rows reach the new file, so freed blocks
die with the old one. ``meta`` (the pseudonym secret, the schema version) is a table like the
others, so it is kept.

DuckDB's own ``COPY FROM DATABASE`` was picked over an export to Parquet and back because it
keeps every column type, default and key as declared, in one statement.

A crash midway leaves the old file untouched (the new one is written under a temporary name
and removed on failure); a crash after the rename leaves the new one, complete.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

import duckdb

from tribu.errors import WarehouseError

__all__ = ["rewrite_database"]


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def rewrite_database(
    path: Path, *, then: Callable[[duckdb.DuckDBPyConnection], None] | None = None
) -> None:
    """Replace DuckDB file ``path`` by a fresh copy of its live rows (see the module doc).

    ``then`` is called with a connection on the copy (its default catalog) before the copy
    replaces the file, to change it in the same step. The file must not be open in this
    process, and no other process may hold it.
    """
    fresh = path.with_name(f".{path.name}.rewrite-{uuid.uuid4().hex[:8]}")
    wal = path.with_name(path.name + ".wal")
    try:
        before = _signature(path)
        con = duckdb.connect(":memory:")
        try:
            con.execute("SET enable_progress_bar = false")
            con.execute(f"ATTACH {_sql_text(str(path))} AS old_db (READ_ONLY)")
            con.execute(f"ATTACH {_sql_text(str(fresh))} AS new_db")
            con.execute("COPY FROM DATABASE old_db TO new_db")
            con.execute("DETACH old_db")
            con.execute("USE new_db")
            if then is not None:
                then(con)
            con.execute("USE memory")
            con.execute("CHECKPOINT new_db")
            con.execute("DETACH new_db")
        finally:
            con.close()
        fresh_wal = fresh.with_name(fresh.name + ".wal")
        if fresh_wal.exists():  # pragma: no cover - the checkpoint above emptied it
            raise WarehouseError(f"{fresh}: the rewritten copy kept a write-ahead log.")
        shutil.copymode(path, fresh)
        _fsync(fresh)
        # Hold the old file's write lock (the one DuckDB writers take) while it is replaced,
        # and check nobody wrote it since the copy: a write would otherwise be lost.
        fd = os.open(path, os.O_RDWR)
        try:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                raise _busy(path) from exc
            if _signature(path) != before or wal.exists():
                raise _busy(path)
            os.replace(fresh, path)
            wal.unlink(missing_ok=True)
        finally:
            os.close(fd)
        _fsync(path.parent)
    except (duckdb.Error, OSError) as exc:
        raise WarehouseError(
            f"{path}: cannot rewrite the warehouse to erase freed blocks ({exc}). "
            "The rows are deleted; run 'tribu forget' again to finish the erasure."
        ) from exc
    finally:
        for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _signature(path: Path) -> tuple[int, int, int]:
    stat = path.stat()
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def _busy(path: Path) -> WarehouseError:
    return WarehouseError(
        f"{path}: another process wrote the warehouse during the erasure. The rows are "
        "deleted; run 'tribu forget' again (when the other process is done) to finish it."
    )
