"""The triage journal: FAQ versions, every decision, handoffs and their history, webhooks.

It is a SQLite file next to the warehouse, ``<warehouse>.triage.sqlite``, in write-ahead-log
mode with ``synchronous=FULL``: a decision is committed (and fsynced) before the server answers,
so a message the server acknowledged survives a ``kill -9`` or a power cut. SQLite, from the
standard library, rather than the DuckDB warehouse itself because the warehouse takes one writer
at a time: a server holding it open for writing would lock out ``tribu ingest``. ``tribu triage
sync`` (and ``tribu faq load``) copy the journal's ``faq``, ``handoffs`` and ``triage_log``
into the warehouse tables of the same names for analysis (docs/schema.md).

One connection serves the whole process, behind a lock; every change is one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tribu.errors import TribuError
from tribu.triage.faq_file import Faq
from tribu.warehouse.store import resolve_db_path

__all__ = [
    "HANDOFF_STATES",
    "ConflictError",
    "NotFoundError",
    "StoredDecision",
    "TriageStore",
    "forget_in_journal",
    "journal_path",
    "now",
]

HANDOFF_STATES = ("pending", "open", "resolved", "returned")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS faq_versions (
    version INTEGER PRIMARY KEY, loaded_at TEXT NOT NULL, source TEXT NOT NULL,
    sha256 TEXT NOT NULL, entries INTEGER NOT NULL, phrasings INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS faq_entries (
    version INTEGER NOT NULL, faq_id TEXT NOT NULL, lang TEXT NOT NULL,
    question TEXT NOT NULL, answer TEXT NOT NULL, PRIMARY KEY (version, faq_id, lang));
CREATE TABLE IF NOT EXISTS faq_phrasings (
    version INTEGER NOT NULL, position INTEGER NOT NULL, faq_id TEXT NOT NULL,
    lang TEXT NOT NULL, text TEXT NOT NULL, PRIMARY KEY (version, position));
CREATE TABLE IF NOT EXISTS conversations (
    platform TEXT NOT NULL, conversation_id TEXT NOT NULL, handoff_id TEXT,
    updated_at TEXT NOT NULL, PRIMARY KEY (platform, conversation_id));
CREATE TABLE IF NOT EXISTS triage_log (
    decision_id TEXT PRIMARY KEY, received_at TEXT NOT NULL, message_key TEXT UNIQUE,
    platform TEXT NOT NULL, conversation_id TEXT NOT NULL, channel TEXT, author TEXT,
    text TEXT NOT NULL, truncated INTEGER NOT NULL, lang TEXT, decision TEXT NOT NULL,
    reason TEXT NOT NULL, faq_id TEXT, answer TEXT, answer_lang TEXT, confidence REAL,
    sentiment REAL NOT NULL, faq_version INTEGER, handoff_id TEXT);
CREATE TABLE IF NOT EXISTS handoffs (
    handoff_id TEXT PRIMARY KEY, platform TEXT NOT NULL, conversation_id TEXT NOT NULL,
    channel TEXT, author TEXT, decision_id TEXT NOT NULL, created_at TEXT NOT NULL,
    reason TEXT NOT NULL, sentiment REAL NOT NULL, text TEXT NOT NULL, status TEXT NOT NULL,
    agent TEXT, claimed_at TEXT, closed_at TEXT);
CREATE INDEX IF NOT EXISTS handoffs_status ON handoffs (status, created_at);
CREATE TABLE IF NOT EXISTS handoff_events (
    event_id INTEGER PRIMARY KEY AUTOINCREMENT, handoff_id TEXT NOT NULL, ts TEXT NOT NULL,
    kind TEXT NOT NULL, actor TEXT, text TEXT);
CREATE INDEX IF NOT EXISTS handoff_events_handoff ON handoff_events (handoff_id);
CREATE TABLE IF NOT EXISTS webhook_outbox (
    delivery_id TEXT PRIMARY KEY, event TEXT NOT NULL, body TEXT NOT NULL,
    created_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL, delivered_at TEXT, failed_at TEXT, last_error TEXT);
CREATE INDEX IF NOT EXISTS webhook_outbox_due ON webhook_outbox (delivered_at, failed_at,
    next_attempt_at);
"""


class NotFoundError(TribuError):
    """No handoff with that id."""


class ConflictError(TribuError):
    """The handoff is not in a state that allows the action (a second claim...)."""


def journal_path(db: str | os.PathLike[str] | None = None) -> Path:
    """The journal of warehouse ``db``: ``<warehouse>.triage.sqlite``."""
    path = resolve_db_path(db)
    return path.with_name(path.name + ".triage.sqlite")


def now() -> str:
    """The current UTC time, ISO 8601 with microseconds."""
    return dt.datetime.now(dt.UTC).isoformat()


@dataclass(frozen=True)
class StoredDecision:
    """A decision as recorded (and as the API returns it)."""

    decision_id: str
    decision: str
    reason: str
    faq_id: str | None
    answer: str | None
    answer_lang: str | None
    confidence: float | None
    sentiment: float
    faq_version: int | None
    handoff_id: str | None
    lang: str | None
    truncated: bool
    duplicate: bool = False


class TriageStore:
    """Read and write the triage journal (thread-safe, one transaction per change)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._con = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, timeout=30
        )
        self._con.row_factory = sqlite3.Row
        self._con.execute("PRAGMA journal_mode=WAL")
        self._con.execute("PRAGMA synchronous=FULL")
        self._con.executescript(_SCHEMA)

    @classmethod
    def for_warehouse(cls, db: str | os.PathLike[str] | None = None) -> TriageStore:
        """The journal that goes with warehouse ``db``."""
        return cls(journal_path(db))

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._con.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``), under the lock."""
        with self._lock:
            self._con.execute("BEGIN IMMEDIATE")
            try:
                yield self._con
            except BaseException:
                self._con.execute("ROLLBACK")
                raise
            self._con.execute("COMMIT")

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        """Run a query; rows as dicts."""
        with self._lock:
            return [dict(r) for r in self._con.execute(sql, params).fetchall()]

    # -- FAQ --------------------------------------------------------------------------------

    def load_faq(self, faq: Faq) -> int:
        """Store ``faq`` as a new version, atomically; return the version number."""
        with self.transaction() as con:
            (last,) = con.execute(
                "SELECT coalesce(max(version), 0) FROM faq_versions"
            ).fetchone()
            version = int(last) + 1
            phrasings = faq.phrasings()
            con.execute(
                "INSERT INTO faq_versions VALUES (?, ?, ?, ?, ?, ?)",
                (
                    version,
                    now(),
                    faq.source,
                    faq.sha256,
                    len(faq.entries),
                    len(phrasings),
                ),
            )
            con.executemany(
                "INSERT INTO faq_entries VALUES (?, ?, ?, ?, ?)",
                [
                    (version, e.faq_id, lang, e.questions[lang][0], answer)
                    for e in faq.entries.values()
                    for lang, answer in e.answers.items()
                ],
            )
            con.executemany(
                "INSERT INTO faq_phrasings VALUES (?, ?, ?, ?, ?)",
                [(version, i, *p) for i, p in enumerate(phrasings)],
            )
        return version

    def faq_version(self) -> int | None:
        """The version in use (the latest loaded), or None before any load."""
        found = self.rows("SELECT max(version) AS v FROM faq_versions")
        return None if found[0]["v"] is None else int(found[0]["v"])

    def faq_versions(self) -> list[dict[str, Any]]:
        """Every loaded version, newest first."""
        return self.rows("SELECT * FROM faq_versions ORDER BY version DESC")

    def faq_entries(self, version: int) -> list[dict[str, Any]]:
        """Entries of a version: ``faq_id, lang, question, answer, phrasings``."""
        return self.rows(
            "SELECT e.faq_id, e.lang, e.question, e.answer, "
            "(SELECT count(*) FROM faq_phrasings p WHERE p.version = e.version "
            " AND p.faq_id = e.faq_id AND p.lang = e.lang) AS phrasings "
            "FROM faq_entries e WHERE version = ? ORDER BY faq_id, lang",
            (version,),
        )

    def faq_phrasings(self, version: int) -> list[tuple[str, str, str]]:
        """``(faq_id, lang, text)`` of every phrasing of a version, in file order."""
        return [
            (r["faq_id"], r["lang"], r["text"])
            for r in self.rows(
                "SELECT faq_id, lang, text FROM faq_phrasings WHERE version = ? "
                "ORDER BY position",
                (version,),
            )
        ]

    # -- decisions --------------------------------------------------------------------------

    def decision_for_key(
        self, con: sqlite3.Connection, key: str
    ) -> StoredDecision | None:
        """The decision already recorded for a message key (a bot's retry), if any."""
        row = con.execute(
            "SELECT * FROM triage_log WHERE message_key = ?", (key,)
        ).fetchone()
        return None if row is None else decision_of(dict(row), duplicate=True)

    def conversation_handoff(
        self, con: sqlite3.Connection, platform: str, conversation_id: str
    ) -> str | None:
        """The open or pending handoff holding a conversation, if any."""
        row = con.execute(
            "SELECT handoff_id FROM conversations WHERE platform = ? AND "
            "conversation_id = ?",
            (platform, conversation_id),
        ).fetchone()
        return None if row is None else row[0]

    # -- handoffs ---------------------------------------------------------------------------

    def handoffs(
        self, status: str | None = None, limit: int = 500
    ) -> list[dict[str, Any]]:
        """Handoffs, oldest first, optionally of one status."""
        if status is None:
            return self.rows(
                "SELECT * FROM handoffs ORDER BY created_at, handoff_id LIMIT ?",
                (limit,),
            )
        return self.rows(
            "SELECT * FROM handoffs WHERE status = ? ORDER BY created_at, handoff_id "
            "LIMIT ?",
            (status, limit),
        )

    # -- erasure ----------------------------------------------------------------------------

    def forget(
        self, terms: Sequence[str], *, redacted: str = "[erased]"
    ) -> dict[str, int]:
        """Erase a person from the journal; rows erased or changed per table.

        The person's rows are those whose ``author`` is one of ``terms`` (their platform
        id, member id or name, as the bot sent it) or whose ``conversation_id`` holds one as a
        whole word (``whatsapp:33612345678``). Deleted: their decisions, their handoffs with
        those handoffs' whole history (agents' replies included) and queued webhook events,
        their messages in other handoffs' history, and any webhook event naming them. The
        terms are replaced by ``redacted`` (whole words, any case) in everyone else's text.
        Then the file is vacuumed and the write-ahead log truncated, so no freed page keeps
        their bytes (``tribu forget``; :mod:`tribu.warehouse.forget`).
        """
        names = sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True)
        if not names:
            return {}
        pattern = re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(t) for t in names) + r")(?!\w)",
            re.IGNORECASE,
        )
        exact = {t.lower() for t in names}

        def theirs(author: str | None, conversation: str | None) -> int:
            return int(
                (author or "").lower() in exact
                or bool(pattern.search(conversation or ""))
            )

        def redact(text: str | None) -> str | None:
            return None if text is None else pattern.sub(redacted, text)

        def named(text: str | None) -> int:
            return int(text is not None and pattern.search(text) is not None)

        erased: dict[str, int] = {}

        def count(table: str, n: int) -> None:
            if n > 0:
                erased[table] = erased.get(table, 0) + n

        with self.transaction() as con:
            con.create_function("tribu_theirs", 2, theirs, deterministic=True)
            con.create_function("tribu_redact", 1, redact, deterministic=True)
            con.create_function("tribu_named", 1, named, deterministic=True)
            con.execute("PRAGMA secure_delete = ON")
            mine = "SELECT handoff_id FROM handoffs WHERE tribu_theirs(author, conversation_id)"
            ids = [r[0] for r in con.execute(mine).fetchall()]
            for handoff_id in ids:
                count(
                    "webhook_outbox",
                    con.execute(
                        "DELETE FROM webhook_outbox WHERE instr(body, ?) > 0",
                        (handoff_id,),
                    ).rowcount,
                )
            count(
                "handoff_events",
                con.execute(
                    f"DELETE FROM handoff_events WHERE handoff_id IN ({mine}) OR "
                    "(kind = 'message' AND tribu_theirs(actor, NULL))"
                ).rowcount,
            )
            count(
                "conversations",
                con.execute(
                    f"DELETE FROM conversations WHERE handoff_id IN ({mine}) OR "
                    "tribu_theirs(NULL, conversation_id)"
                ).rowcount,
            )
            count(
                "handoffs",
                con.execute(mine.replace("SELECT handoff_id", "DELETE")).rowcount,
            )
            count(
                "triage_log",
                con.execute(
                    "DELETE FROM triage_log WHERE tribu_theirs(author, conversation_id)"
                ).rowcount,
            )
            count(
                "webhook_outbox",
                con.execute(
                    "DELETE FROM webhook_outbox WHERE tribu_named(body)"
                ).rowcount,
            )
            for table, column in (
                ("triage_log", "text"),
                ("triage_log", "author"),
                ("handoffs", "text"),
                ("handoffs", "author"),
                ("handoff_events", "text"),
                ("handoff_events", "actor"),
            ):
                count(
                    f"{table}.{column}",
                    con.execute(
                        f"UPDATE {table} SET {column} = tribu_redact({column}) "
                        f"WHERE tribu_named({column})"
                    ).rowcount,
                )
        if erased:
            with self._lock:
                self._con.execute("VACUUM")
                self._con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return erased

    def handoff(self, handoff_id: str) -> dict[str, Any]:
        """One handoff with its history (``events``), or NotFoundError."""
        found = self.rows("SELECT * FROM handoffs WHERE handoff_id = ?", (handoff_id,))
        if not found:
            raise NotFoundError(f"No handoff with id {handoff_id!r}.")
        handoff = found[0]
        handoff["events"] = self.rows(
            "SELECT ts, kind, actor, text FROM handoff_events WHERE handoff_id = ? "
            "ORDER BY event_id",
            (handoff_id,),
        )
        handoff["earlier"] = self.rows(
            "SELECT received_at, text, decision, reason, answer FROM triage_log "
            "WHERE platform = ? AND conversation_id = ? AND received_at < ? "
            "ORDER BY received_at DESC LIMIT 20",
            (handoff["platform"], handoff["conversation_id"], handoff["created_at"]),
        )[::-1]
        return handoff


def forget_in_journal(
    db: str | os.PathLike[str] | None,
    terms: Sequence[str],
    *,
    redacted: str = "[erased]",
) -> dict[str, int]:
    """Erase a person from the triage journal of warehouse ``db``, if it has one
    (:meth:`TriageStore.forget`); rows erased or changed per table, prefixed ``triage.``."""
    path = journal_path(db)
    if not path.is_file():
        return {}
    store = TriageStore(path)
    try:
        erased = store.forget(terms, redacted=redacted)
    finally:
        store.close()
    return {f"triage.{name}": n for name, n in erased.items()}


def new_id(prefix: str) -> str:
    """A random id like ``h_3f9a0c1d2e4b5a69``."""
    return f"{prefix}_{secrets.token_hex(8)}"


def decision_of(row: dict[str, Any], *, duplicate: bool = False) -> StoredDecision:
    """A :class:`StoredDecision` from a ``triage_log`` row."""
    return StoredDecision(
        decision_id=row["decision_id"],
        decision=row["decision"],
        reason=row["reason"],
        faq_id=row["faq_id"],
        answer=row["answer"],
        answer_lang=row["answer_lang"],
        confidence=row["confidence"],
        sentiment=row["sentiment"],
        faq_version=row["faq_version"],
        handoff_id=row["handoff_id"],
        lang=row["lang"],
        truncated=bool(row["truncated"]),
        duplicate=duplicate,
    )


def event_body(event: str, handoff: dict[str, Any], **extra: Any) -> str:
    """The JSON body of a webhook event about ``handoff``."""
    keys = (
        "handoff_id",
        "platform",
        "conversation_id",
        "channel",
        "author",
        "reason",
        "sentiment",
        "status",
        "agent",
        "created_at",
    )
    payload = {
        "event": event,
        "handoff": {k: handoff.get(k) for k in keys},
        **extra,
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True)
