"""Files derived from a warehouse that may name people: the ones tribu owns, the ones it lists.

Two kinds, handled differently by ``tribu forget``:

- **Owned** files live beside the warehouse under names tribu chose, and only tribu uses them:
  the Spark engine's Parquet export ``<db>.parquet/`` (and half-written ``<db>.parquet.*``
  folders), staging folders an interrupted ingest left (``.<db name>.ingest-*``), DuckDB's
  spill folder ``<db>.tmp/``. ``forget`` deletes them (:func:`owned_paths`).
- **Handed-over** files went where the user asked, and the user may have moved, shared or
  edited them: HTML reports. tribu cannot erase them safely, so it records each one when it
  writes it (:func:`record_derived_file`) in ``<db>.written.json`` beside the warehouse, and
  ``forget`` prints the ones still on disk for the user to delete or write again
  (:func:`written_files`). The list is a file of its own, not a table, because writing a report
  only reads the warehouse: it must not need the write lock (which a reader in the same
  process, or an ingest in another, would refuse).

The server's snapshot copies are a third kind, private to a running process: ``forget`` bumps
the warehouse's erasure generation (:func:`bump_erasure_generation`) and the server deletes
every copy of an older generation as soon as it sees the new one
(:mod:`tribu.web.snapshot`).
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from tribu.errors import WarehouseError
from tribu.warehouse.store import resolve_db_path

__all__ = [
    "ERASURE_GENERATION_KEY",
    "bump_erasure_generation",
    "erasure_generation",
    "owned_paths",
    "record_derived_file",
    "written_files",
    "written_list",
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


def written_list(db: str | os.PathLike[str]) -> Path:
    """The file listing what was written from warehouse ``db``: ``<db>.written.json``."""
    path = resolve_db_path(db)
    return path.with_name(path.name + ".written.json")


@contextmanager
def _locked(listing: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``<listing>.lock`` (two reports written at once)."""
    lock = listing.with_name(listing.name + ".lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _read(listing: Path) -> list[dict[str, str]]:
    try:
        raw = json.loads(listing.read_text(encoding="utf-8"))
        files = raw["files"]
        return [
            {"path": str(f["path"]), "kind": str(f["kind"]), "written_at": str(f["at"])}
            for f in files
        ]
    except FileNotFoundError:
        return []
    except (ValueError, KeyError, TypeError) as exc:
        raise WarehouseError(
            f"{listing}: the list of files written from the warehouse is damaged ({exc}). "
            "Delete it; reports written before will then not be listed by 'tribu forget'."
        ) from exc


def _write(listing: Path, files: list[dict[str, str]]) -> None:
    body = json.dumps(
        {
            "version": 1,
            "files": [
                {"path": f["path"], "kind": f["kind"], "at": f["written_at"]}
                for f in files
            ],
        },
        indent=2,
        ensure_ascii=False,
    )
    fd, tmp = tempfile.mkstemp(prefix=listing.name + ".", dir=listing.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(body)
        os.replace(tmp, listing)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def record_derived_file(
    db: str | os.PathLike[str], path: str | os.PathLike[str], kind: str
) -> None:
    """Remember that ``path`` (a ``kind`` of file, e.g. ``"report"``) was written from ``db``.

    The record goes to ``<db>.written.json`` beside the warehouse (mode 0600), not into the
    DuckDB file: writing a report needs only to read the warehouse, and must work while
    another connection of the same process, or ``tribu serve``, reads it.
    """
    listing = written_list(db)
    written = str(Path(path).resolve())
    try:
        with _locked(listing):
            files = [f for f in _read(listing) if f["path"] != written]
            files.append(
                {
                    "path": written,
                    "kind": kind,
                    "written_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
                }
            )
            _write(listing, files)
    except OSError as exc:
        raise WarehouseError(
            f"{written} was written, but it could not be recorded in {listing} ({exc}); "
            "'tribu forget' will not list it."
        ) from exc


def written_files(db: str | os.PathLike[str]) -> list[tuple[Path, str]]:
    """Recorded files still on disk, as (path, kind), oldest first.

    Entries of files no longer on disk are dropped (the user deleted them), so the list
    shrinks as the user cleans up.
    """
    listing = written_list(db)
    if not listing.exists():
        return []
    with _locked(listing):
        files = _read(listing)
        present = [f for f in files if Path(f["path"]).exists()]
        if len(present) != len(files):
            _write(listing, present)
    return [(Path(f["path"]), f["kind"]) for f in present]


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
