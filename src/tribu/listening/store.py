"""The listening tables of the warehouse: ``topics`` and ``topic_periods``.

They are derived tables: the listening stage creates them on its first run
(:func:`ensure_tables`, ``CREATE TABLE IF NOT EXISTS``), so a warehouse that never listened
has none and the schema version does not move. ``enrichment.topic_id`` holds each message's
topic: an id of ``topics``, −1 for a message looked at and left unclustered, NULL for one not
looked at yet. Columns are documented in docs/schema.md.

Nothing here names a person: topic examples are read from ``messages`` when shown, so
``tribu forget`` (which deletes the person's messages) removes them from every view.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "LISTENING_TABLES",
    "UNCLUSTERED",
    "ensure_tables",
    "has_tables",
    "known_topics",
    "next_topic_id",
]

UNCLUSTERED = -1

LISTENING_TABLES: dict[str, str] = {
    "topics": """
        topic_id INTEGER PRIMARY KEY,
        label VARCHAR NOT NULL,
        label_en VARCHAR,
        label_fr VARCHAR,
        terms VARCHAR[],
        centre FLOAT[] NOT NULL,
        radius DOUBLE NOT NULL,
        model VARCHAR NOT NULL,
        messages BIGINT NOT NULL,
        first_seen TIMESTAMPTZ,
        last_seen TIMESTAMPTZ,
        created_at TIMESTAMPTZ NOT NULL,
        active BOOLEAN NOT NULL DEFAULT TRUE,
        labelled_messages BIGINT
    """,
    "topic_periods": """
        topic_id INTEGER NOT NULL,
        period VARCHAR NOT NULL,
        period_start DATE NOT NULL,
        messages BIGINT NOT NULL,
        negative BIGINT NOT NULL,
        mean_sentiment DOUBLE,
        share DOUBLE NOT NULL,
        emergence DOUBLE NOT NULL,
        status VARCHAR NOT NULL
    """,
}


def has_tables(con: Any) -> bool:
    """True when the warehouse has listened once (its listening tables exist)."""
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name IN "
        "('topics', 'topic_periods')"
    ).fetchone()
    return bool(row and row[0] == len(LISTENING_TABLES))


def _has_column(con: Any, table: str, column: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM information_schema.columns "
        "WHERE table_name = ? AND column_name = ?",
        [table, column],
    ).fetchone()
    return bool(row and row[0])


def ensure_tables(con: Any, *, writable: bool = False) -> None:
    """Create the listening tables if the warehouse does not have them yet.

    Does nothing when they exist, so read-only connections (report, web) can call it.
    ``writable=True`` (the listening run) also adds the columns later versions brought to
    tables an older ``tribu listen`` created (``topics.labelled_messages``).
    """
    if has_tables(con):
        if writable and not _has_column(con, "topics", "labelled_messages"):
            # Labels made before the column existed count as made at today's size.
            con.execute("ALTER TABLE topics ADD COLUMN labelled_messages BIGINT")
            con.execute("UPDATE topics SET labelled_messages = messages")
        return
    for name, columns in LISTENING_TABLES.items():
        con.execute(f"CREATE TABLE IF NOT EXISTS {name} ({columns})")


def known_topics(con: Any, model: str) -> tuple[list[int], np.ndarray, np.ndarray]:
    """Ids, centres and radii of the active topics fitted in ``model``'s vector space."""
    rows = con.execute(
        "SELECT topic_id, centre, radius FROM topics WHERE active AND model = ? "
        "ORDER BY topic_id",
        [model],
    ).fetchall()
    if not rows:
        return [], np.zeros((0, 0), np.float32), np.zeros(0, np.float32)
    ids = [int(r[0]) for r in rows]
    centres = np.asarray([r[1] for r in rows], dtype=np.float32)
    radii = np.asarray([r[2] for r in rows], dtype=np.float32)
    return ids, centres, radii


def next_topic_id(con: Any) -> int:
    """One more than the highest topic id ever given (ids are never reused)."""
    row = con.execute("SELECT coalesce(max(topic_id), 0) FROM topics").fetchone()
    return int(row[0]) + 1 if row else 1
