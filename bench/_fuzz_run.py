"""Ingest one hostile input into a copy of a warehouse and classify what happened.

The only acceptable outcomes are: the ingest succeeds (``ok``), succeeds with records
quarantined (``quarantine``), or stops with one clean :class:`~tribu.errors.TribuError` line
(``error``) leaving the warehouse exactly as it was. Anything else is a finding:
``traceback`` (another exception), ``multiline`` (an error message of several lines),
``changed`` (a failed ingest that changed the warehouse), ``symlink`` (the text of a file
outside the export, reached through a symbolic link, was ingested).
"""

from __future__ import annotations

import shutil
import time
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from bench._fuzz_inputs import OUTSIDE_MARKER, Case, build_case
from tribu.errors import TribuError
from tribu.warehouse.ingest import ingest_paths

__all__ = [
    "BASE_SAMPLE",
    "GOOD",
    "Outcome",
    "base_warehouse",
    "fingerprint",
    "run_case",
]

BASE_SAMPLE = (
    Path(__file__).resolve().parents[1]
    / "tests"
    / "data"
    / "discord"
    / "handmade_roles_reactors.json"
)
GOOD = ("ok", "quarantine", "error")


@dataclass
class Outcome:
    """What one hostile input did."""

    case: str
    kind: str
    message: str
    seconds: float

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def fingerprint(db: Path) -> dict[str, tuple[int, int]]:
    """Row count and an order-free hash of every table: equal iff the contents are."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY 1"
            ).fetchall()
        ]
        found = {}
        for table in tables:
            count, digest = con.execute(
                f'SELECT count(*), coalesce(bit_xor(hash(t)), 0) FROM "{table}" AS t'
            ).fetchone()
            found[table] = (int(count), int(digest))
        return found
    finally:
        con.close()


def base_warehouse(folder: Path) -> Path:
    """A small warehouse (one Discord channel) that failed ingests must leave as it is."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "base.duckdb"
    if not db.exists():
        ingest_paths([BASE_SAMPLE], db=db, keep_names=True)
    return db


def run_case(case: Case, work: Path, base: Path, base_print: object = None) -> Outcome:
    """Ingest ``case``'s hostile copy into a copy of ``base``; classify the outcome."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    db = work / "w.duckdb"
    shutil.copy(base, db)
    before = base_print if base_print is not None else fingerprint(base)
    started = time.perf_counter()
    kind, message = "ok", ""
    try:
        path = build_case(case, work / "in")
        platform = case.connector if case.seed % 2 == 0 else None
        summary = ingest_paths([path], db=db, platform=platform, keep_names=True)
        if any(f.quarantined for f in summary.files):
            kind = "quarantine"
        con = duckdb.connect(str(db), read_only=True)
        try:
            leaked = con.execute(
                "SELECT count(*) FROM messages WHERE contains(text, ?)",
                [OUTSIDE_MARKER],
            ).fetchone()
        finally:
            con.close()
        if leaked and leaked[0]:
            kind, message = "symlink", "a file outside the export was ingested"
    except TribuError as exc:
        message = str(exc)
        kind = "multiline" if "\n" in message or "\r" in message else "error"
        if fingerprint(db) != before:
            kind = "changed"
    except Exception as exc:  # noqa: BLE001 - any other exception is the finding
        frames = traceback.extract_tb(exc.__traceback__)[-3:]
        where = " <- ".join(
            f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames)
        )
        kind, message = "traceback", f"{type(exc).__name__}: {exc} [{where}]"[:500]
    seconds = time.perf_counter() - started
    shutil.rmtree(work, ignore_errors=True)
    return Outcome(case.label(), kind, message[:500], round(seconds, 3))
