"""The durable queue of live events: an SQLite file in WAL mode beside the warehouse.

A receiver writes the raw body of every accepted event here, commits, and only then answers
the platform: what was acknowledged survives the server being killed (the commit is on disk,
``synchronous=FULL``). The worker (:mod:`tribu.live.worker`) reads pending events in order,
applies them to the warehouse and marks them applied, with the activity they carried (which
the dashboard's live feed reads, cheaply, without touching the warehouse).

Why SQLite (the standard library's :mod:`sqlite3`): the warehouse's DuckDB file admits one
writing process and is busy during an ingest; a queue must accept events at any time from many
request threads. SQLite in WAL mode gives durable, concurrent-safe appends in about a
millisecond, with no server and no new dependency.

Tables:

- ``events(seq, source, dedup, received_at, body, applied_at, error)`` — one row per accepted
  event; ``dedup`` (unique) is the platform's event id (Slack ``event_id``, Telegram
  ``update_id`` per bot, the generic ``id``), so a retried delivery is stored once;
- ``rejected(id, source, received_at, status, field, reason, body)`` — malformed payloads
  (the quarantine, raw body kept) and bad signatures (body not kept: it is not trusted);
- ``counters(name, value)`` — ``received``, ``duplicate``, ``bad_signature``, ``malformed``,
  ``ignored`` (unknown types), ``applied`` per source;
- ``activity(seq, ts, applied_at, community_id, channel_id, kind)`` — what applied events did
  (kept a day).

Privacy: an event's raw body (real names and platform ids) is kept only until it is applied;
then it is emptied, only its de-duplication key stays. Bodies of malformed payloads stay in
``rejected`` (the quarantine), for a person to look at. ``tribu forget`` erases a person from
this file too (:func:`forget_in_queue`).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ACTIVITY_SECONDS",
    "Activity",
    "LiveQueue",
    "Pending",
    "forget_in_queue",
    "queue_path",
]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    dedup TEXT NOT NULL UNIQUE,
    received_at REAL NOT NULL,
    body BLOB NOT NULL,
    applied_at REAL,
    error TEXT
);
CREATE INDEX IF NOT EXISTS events_pending ON events(applied_at, seq);
CREATE TABLE IF NOT EXISTS rejected (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    received_at REAL NOT NULL,
    status INTEGER NOT NULL,
    field TEXT,
    reason TEXT NOT NULL,
    body BLOB
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS activity (
    seq INTEGER NOT NULL,
    ts REAL,
    applied_at REAL NOT NULL,
    community_id TEXT,
    channel_id TEXT,
    kind TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS activity_applied ON activity(applied_at);
"""

ACTIVITY_SECONDS = 86_400
"""How long the live feed keeps what applied events did (a day)."""

BODY_LIMIT = 1 << 20
"""Bytes of a body kept: a receiver refuses larger bodies (413) before they reach here."""


def queue_path(db: str | Path) -> Path:
    """The queue file of warehouse ``db``: ``<db>.live.sqlite`` beside it."""
    path = Path(db)
    return path.with_name(path.name + ".live.sqlite")


# The tables of the queue file whose text may name a person, and the column that holds it.
_PERSONAL_TEXT = (("events", "body"), ("rejected", "body"), ("alerts", "body"))


def forget_in_queue(db: str | Path, terms: Iterable[str]) -> dict[str, int]:
    """Erase a person from the live queue file of warehouse ``db``, if it has one.

    Every row whose raw body holds one of ``terms`` (ids, pseudonyms, names; any case) is
    deleted: pending and applied events (an applied event's body is already empty),
    quarantined payloads and alerts naming the person. A pending event that names the
    person is dropped rather than applied later. The file is then vacuumed and its
    write-ahead log truncated, so no copy of the deleted bytes remains in it. Returns the rows
    deleted per table, prefixed ``live.``.
    """
    path = queue_path(db)
    folded = sorted({t.lower() for t in terms if t})
    if not path.is_file() or not folded:
        return {}
    con = sqlite3.connect(str(path), isolation_level=None, timeout=30)
    erased: dict[str, int] = {}
    try:
        con.execute("PRAGMA secure_delete=ON")
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
        con.execute("BEGIN IMMEDIATE")
        for table, column in _PERSONAL_TEXT:
            if table not in tables:
                continue
            for term in folded:
                cursor = con.execute(
                    f"DELETE FROM {table} WHERE instr(lower(CAST({column} AS TEXT)), ?) > 0",
                    [term],
                )
                if cursor.rowcount > 0:
                    erased[f"live.{table}"] = (
                        erased.get(f"live.{table}", 0) + cursor.rowcount
                    )
        con.execute("COMMIT")
        if erased:
            con.execute("VACUUM")
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    return erased


class _Put:
    """One event waiting for the group commit."""

    __slots__ = ("body", "dedup", "done", "error", "fresh", "ignored", "source")

    def __init__(self, source: str, dedup: str, body: bytes, ignored: int) -> None:
        self.source, self.dedup, self.body, self.ignored = source, dedup, body, ignored
        self.done = threading.Event()
        self.fresh = False
        self.error: BaseException | None = None


@dataclass(frozen=True, slots=True)
class Pending:
    """An accepted event not yet applied."""

    seq: int
    source: str
    received_at: float
    body: bytes


@dataclass(frozen=True, slots=True)
class Activity:
    """One thing an applied event did (a message, an edit, a reaction...), for the feed."""

    kind: str
    community_id: str | None
    channel_id: str | None
    ts: float | None


class LiveQueue:
    """The queue file; safe to share between threads (one connection, one lock).

    Parameters
    ----------
    path
        The SQLite file (created with its tables when missing).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._pending_lock = threading.Lock()
        self._commit_lock = threading.Lock()
        self._pending: list[_Put] = []
        self._con = sqlite3.connect(
            str(self.path), check_same_thread=False, isolation_level=None, timeout=30
        )
        self._con.execute("PRAGMA journal_mode=WAL")
        self._con.execute("PRAGMA synchronous=FULL")
        self._con.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._con.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._con.execute("BEGIN IMMEDIATE")
            try:
                yield self._con
            except BaseException:
                self._con.execute("ROLLBACK")
                raise
            self._con.execute("COMMIT")

    @staticmethod
    def _bump(con: sqlite3.Connection, name: str, by: int = 1) -> None:
        con.execute(
            "INSERT INTO counters VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
            (name, by),
        )

    # -- receivers -------------------------------------------------------------------

    def put(self, source: str, dedup: str, body: bytes, *, ignored: int = 0) -> bool:
        """Store an accepted event durably; False when ``dedup`` was stored before.

        ``ignored`` counts the parts of the event that tribu does not read (unknown types),
        once per stored event (a retry is not counted again).

        Group commit: concurrent callers (the server's request threads) are committed
        together, in one transaction and one ``fsync``; each returns once ITS event is on
        disk. The first caller to find no commit running leads it for everyone waiting.
        """
        item = _Put(source, dedup, body, ignored)
        with self._pending_lock:
            self._pending.append(item)
        while not item.done.is_set():
            if self._commit_lock.acquire(blocking=False):
                try:
                    with self._pending_lock:
                        batch, self._pending = self._pending, []
                    if batch:
                        self._commit(batch)
                finally:
                    self._commit_lock.release()
            else:
                item.done.wait(0.002)
        if item.error is not None:
            raise item.error
        return item.fresh

    def _commit(self, batch: list[_Put]) -> None:
        now = time.time()
        try:
            with self._write() as con:
                for item in batch:
                    cursor = con.execute(
                        "INSERT OR IGNORE INTO events(source, dedup, received_at, body) "
                        "VALUES (?, ?, ?, ?)",
                        (item.source, f"{item.source}:{item.dedup}", now, item.body),
                    )
                    item.fresh = cursor.rowcount == 1
                    what = "received" if item.fresh else "duplicate"
                    self._bump(con, f"{item.source}.{what}")
                    if item.ignored and item.fresh:
                        self._bump(con, f"{item.source}.ignored", item.ignored)
        except BaseException as exc:  # every waiter hears of it; none is told "stored"
            for item in batch:
                item.error = exc
            raise
        finally:
            for item in batch:
                item.done.set()

    def count(self, source: str, what: str, by: int = 1) -> None:
        """Add to a counter (``ignored`` events with nothing to store, for one)."""
        with self._write() as con:
            self._bump(con, f"{source}.{what}", by)

    def reject(
        self,
        source: str,
        status: int,
        reason: str,
        *,
        field: str | None = None,
        body: bytes | None = None,
    ) -> None:
        """Record a refused request: counted, and kept (with its raw body if malformed)."""
        what = "bad_signature" if status == 401 else "malformed"
        with self._write() as con:
            con.execute(
                "INSERT INTO rejected(source, received_at, status, field, reason, body) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (source, time.time(), status, field, reason, body),
            )
            self._bump(con, f"{source}.{what}")

    # -- worker ----------------------------------------------------------------------

    def pending(self, limit: int = 1000) -> list[Pending]:
        """The oldest events not yet applied, in arrival order."""
        with self._lock:
            rows = self._con.execute(
                "SELECT seq, source, received_at, body FROM events "
                "WHERE applied_at IS NULL ORDER BY seq LIMIT ?",
                (limit,),
            ).fetchall()
        return [Pending(int(s), str(src), float(r), bytes(b)) for s, src, r, b in rows]

    def mark_applied(
        self,
        seqs: Iterable[int],
        activity: Iterable[tuple[int, Activity]] = (),
        errors: Iterable[tuple[int, str]] = (),
    ) -> None:
        """Mark events applied, with what they did; ``errors`` are events that could not be
        applied (kept with their reason, not retried forever)."""
        now = time.time()
        with self._write() as con:
            done = [(now, s) for s in seqs]
            # An applied event's body is not needed any more (its dedup key stays): the
            # platform's raw payload, with real names and ids, is not kept.
            con.executemany(
                "UPDATE events SET applied_at = ?, body = X'' WHERE seq = ?", done
            )
            con.executemany(
                "UPDATE events SET applied_at = ?, error = ? WHERE seq = ?",
                [(now, reason, s) for s, reason in errors],
            )
            con.executemany(
                "INSERT INTO activity VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (s, a.ts, now, a.community_id, a.channel_id, a.kind)
                    for s, a in activity
                ],
            )
            self._bump(con, "applied", len(done))
            con.execute(
                "DELETE FROM activity WHERE applied_at < ?", (now - ACTIVITY_SECONDS,)
            )

    # -- readers ---------------------------------------------------------------------

    def counters(self) -> dict[str, int]:
        with self._lock:
            rows = self._con.execute("SELECT name, value FROM counters").fetchall()
        return {str(n): int(v) for n, v in rows}

    def backlog(self) -> int:
        """Events accepted and not yet applied."""
        with self._lock:
            row = self._con.execute(
                "SELECT count(*) FROM events WHERE applied_at IS NULL"
            ).fetchone()
        return int(row[0]) if row else 0

    def recent(
        self, after: int = 0, limit: int = 200
    ) -> list[tuple[int, float, Activity]]:
        """Activity applied after cursor ``after`` (0: from the start), oldest first, as
        (cursor, applied_at, activity)."""
        with self._lock:
            rows = self._con.execute(
                "SELECT rowid, applied_at, kind, community_id, channel_id, ts FROM activity "
                "WHERE rowid > ? ORDER BY rowid LIMIT ?",
                (after, limit),
            ).fetchall()
        return [
            (int(r), float(at), Activity(k, c, ch, ts)) for r, at, k, c, ch, ts in rows
        ]

    def last_cursor(self) -> int:
        """The cursor of the latest activity (0 when none)."""
        with self._lock:
            row = self._con.execute("SELECT max(rowid) FROM activity").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def rejected(self, limit: int = 100) -> list[dict[str, object]]:
        """The latest refused requests, newest first."""
        with self._lock:
            rows = self._con.execute(
                "SELECT source, received_at, status, field, reason, body FROM rejected "
                "ORDER BY id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [
            {
                "source": s,
                "received_at": at,
                "status": st,
                "field": f,
                "reason": r,
                "body": b.decode("utf-8", "replace") if b is not None else None,
            }
            for s, at, st, f, r, b in rows
        ]

    def errors(self) -> list[tuple[int, str]]:
        """Events that could not be applied, with the reason."""
        with self._lock:
            rows = self._con.execute(
                "SELECT seq, error FROM events WHERE error IS NOT NULL ORDER BY seq"
            ).fetchall()
        return [(int(s), str(e)) for s, e in rows]
