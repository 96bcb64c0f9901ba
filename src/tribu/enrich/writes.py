"""Writes into the ``enrichment`` table and its ``meta`` record, each in one transaction.

Batches go through Arrow tables that DuckDB reads by replacement scan: one INSERT or UPDATE per
chunk, not one statement per message.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tribu.warehouse.store import transaction

__all__ = ["EMBEDDING_META_KEY", "insert_enrichment", "record_model", "store_vectors"]

# ``meta`` key naming the model that made the stored vectors.
EMBEDDING_META_KEY = "embedding_model"


def insert_enrichment(con: Any, ids: Any, langs: list[str], scores: np.ndarray) -> None:
    """Insert enrichment rows (language, sentiment, no embedding) for ``ids`` (Arrow strings)."""
    import pyarrow as pa

    batch_table = pa.table(  # noqa: F841 - read by DuckDB's replacement scan
        {
            "message_id": ids,
            "lang": pa.array(langs, pa.string()),
            "sentiment": pa.array(np.asarray(scores, dtype=np.float64)),
        }
    )
    with transaction(con):
        con.execute(
            "INSERT INTO enrichment (message_id, lang, sentiment, embedding, topic_id) "
            "SELECT message_id, lang, sentiment, NULL, NULL FROM batch_table"
        )


def store_vectors(con: Any, ids: Any, quantised: np.ndarray) -> None:
    """Write int8 vectors into existing enrichment rows of ``ids`` (an Arrow string array)."""
    import pyarrow as pa

    flat = pa.array(quantised.reshape(-1), pa.int8())
    offsets = pa.array(
        np.arange(0, len(flat) + 1, quantised.shape[1], dtype=np.int32), pa.int32()
    )
    batch_table = pa.table(  # noqa: F841 - read by DuckDB's replacement scan
        {"message_id": ids, "embedding": pa.ListArray.from_arrays(offsets, flat)}
    )
    with transaction(con):
        con.execute(
            "UPDATE enrichment SET embedding = t.embedding FROM batch_table t "
            "WHERE enrichment.message_id = t.message_id"
        )


def record_model(con: Any, model_id: str) -> None:
    """Record in ``meta`` which model made the stored vectors."""
    con.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [EMBEDDING_META_KEY, model_id],
    )
