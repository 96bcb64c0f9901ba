"""Copy the triage journal into the warehouse: tables ``faq``, ``handoffs``, ``triage_log``.

The journal (:mod:`tribu.triage.store`) is what the server writes; the warehouse copy is for
analysts (SQL, Parquet, the measures). A sync replaces the three tables with the journal's
rows in one transaction, so it is idempotent and a failed sync leaves the warehouse as it was.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd

from tribu.triage.store import TriageStore
from tribu.warehouse.store import open_warehouse, transaction

__all__ = ["SyncSummary", "sync_warehouse"]


@dataclass(frozen=True)
class SyncSummary:
    """Rows copied into each table."""

    faq: int
    handoffs: int
    triage_log: int


_QUERIES = {
    "faq": (
        "SELECT e.version, e.faq_id, e.lang, e.question, e.answer, "
        "(SELECT count(*) FROM faq_phrasings p WHERE p.version = e.version AND "
        "p.faq_id = e.faq_id AND p.lang = e.lang) AS phrasings FROM faq_entries e"
    ),
    "handoffs": (
        "SELECT handoff_id, NULL AS message_id, created_at AS ts, reason, status, "
        "platform, conversation_id, channel, author, sentiment, text, agent, claimed_at, "
        "closed_at, decision_id FROM handoffs"
    ),
    "triage_log": (
        "SELECT decision_id, received_at AS ts, platform, conversation_id, channel, "
        "author, text, truncated = 1 AS truncated, lang, decision, reason, faq_id, "
        "answer_lang, confidence, sentiment, faq_version, handoff_id FROM triage_log"
    ),
}


def sync_warehouse(
    db: str | os.PathLike[str] | None, store: TriageStore
) -> SyncSummary:
    """Replace the warehouse's triage tables with the journal's rows."""
    frames = {name: pd.DataFrame(store.rows(sql)) for name, sql in _QUERIES.items()}
    con = open_warehouse(db)
    try:
        with transaction(con):
            for name, frame in frames.items():
                con.execute(f"DELETE FROM {name}")
                if len(frame):
                    con.register("triage_rows", frame)
                    columns = ", ".join(frame.columns)
                    casts = ", ".join(
                        f"CAST({c} AS TIMESTAMPTZ)"
                        if c in ("ts", "claimed_at", "closed_at")
                        else c
                        for c in frame.columns
                    )
                    con.execute(
                        f"INSERT INTO {name} ({columns}) SELECT {casts} FROM triage_rows"
                    )
                    con.unregister("triage_rows")
    finally:
        con.close()
    return SyncSummary(*(len(frames[n]) for n in ("faq", "handoffs", "triage_log")))
