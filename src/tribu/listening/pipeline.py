"""Fill ``topics``, ``topic_periods`` and ``enrichment.topic_id``: the listening stage's run.

:func:`update_topics` is what ``tribu listen`` runs before showing anything:

1. messages enriched but still without a vector are embedded (with a progress bar); a
   warehouse with no enrichment at all gets a one-line error saying to run
   ``tribu enrich --embeddings``;
2. **first run, ``--recluster``, or another embedding model**: every embedded message is read,
   a seeded sample is clustered and all are assigned (:func:`tribu.listening.fit.fit_topics`);
   the new clusters take the ids of the known topics they match
   (:func:`tribu.listening.tracking.match_topics`), the others new ids, and known topics left
   unmatched become inactive (kept for history, never shown as current);
3. **otherwise, incrementally**: only messages with ``topic_id`` NULL are read and assigned to
   the nearest known topic within its radius; when at least ``min_pool`` (200) of them stay
   unclustered, those are clustered on their own (in the stored space, to stay fast), so a
   conversation that did not exist at the last fit becomes a topic, matched to a known topic
   when it is one;
4. labels (:mod:`tribu.listening.labels`, from up to ``label_sample`` messages per topic, for
   all languages and for French and English apart: every topic after a full fit, only the new
   ones after an incremental run), sizes, first and last seen, and the ``topic_periods``
   series are refreshed.

The writes of steps 2 to 4 happen in one transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from tribu.errors import WarehouseError
from tribu.listening import _vectors
from tribu.listening.clustering import assign_nearest
from tribu.listening.fit import fit_topics
from tribu.listening.labels import class_tfidf, label_of, top_terms
from tribu.listening.periods import refresh_topic_periods
from tribu.listening.store import (
    UNCLUSTERED,
    ensure_tables,
    known_topics,
    next_topic_id,
)
from tribu.listening.tracking import match_topics
from tribu.warehouse.store import transaction

__all__ = ["LABEL_SAMPLE", "MIN_POOL", "ListenRun", "update_topics"]

MIN_POOL = 200
LABEL_SAMPLE = 400


@dataclass
class ListenRun:
    """What :func:`update_topics` did."""

    reclustered: bool
    assigned: int
    unclustered: int
    topics: int
    new_topics: int
    embedded: int
    clustering_space: str
    seconds: float


def _count(con: Any, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def _read(con: Any, where: str) -> tuple[Any, np.ndarray]:
    """Ids (Arrow) and stored int8 vectors of the embedded messages matching ``where``.

    Texts are not read here: only the sample's are needed (:func:`_texts_of`).
    """
    table = con.execute(
        "SELECT e.message_id, e.embedding FROM enrichment e "
        "SEMI JOIN messages m ON m.message_id = e.message_id "
        f"WHERE e.embedding IS NOT NULL AND {where} ORDER BY e.message_id"
    ).to_arrow_table()
    n = table.num_rows
    if n == 0:
        return table, np.zeros((0, 0), dtype=np.int8)
    column = table.column("embedding").combine_chunks()
    flat = column.flatten().to_numpy(zero_copy_only=False)
    vectors = np.asarray(flat, dtype=np.int8).reshape(n, -1)
    return table, vectors


def _texts_of(con: Any, message_ids: Any) -> Callable[[np.ndarray], list[str]]:
    """A function giving the texts of some rows of ``message_ids`` (one query)."""

    def texts(rows: np.ndarray) -> list[str]:
        wanted = [message_ids[int(i)].as_py() for i in rows]
        found = dict(
            con.execute(
                "SELECT message_id, coalesce(text, '') FROM messages "
                "WHERE message_id IN (SELECT unnest(?))",
                [wanted],
            ).fetchall()
        )
        return [found.get(m, "") for m in wanted]

    return texts


def update_topics(
    con: Any,
    *,
    recluster: bool = False,
    progress: bool = False,
    on_step: Callable[[str], None] | None = None,
    min_pool: int = MIN_POOL,
    strong: bool = True,
) -> ListenRun:
    """Bring the topics up to date with the warehouse (see the module docstring).

    ``strong=False`` clusters in the stored vector space only (no USE sample): for
    warehouses of synthetic vectors (tests, benchmarks).
    """
    started = time.perf_counter()
    ensure_tables(con)
    if not _count(con, "SELECT count(*) FROM messages"):
        raise WarehouseError(
            "The warehouse has no messages yet: run 'tribu ingest EXPORT' first."
        )
    if not _count(con, "SELECT count(*) FROM enrichment WHERE sentiment IS NOT NULL"):
        raise WarehouseError(
            "No message is enriched yet: run 'tribu enrich --embeddings' first, "
            "then 'tribu listen'."
        )
    embedded = 0
    if _count(con, "SELECT count(*) FROM enrichment WHERE embedding IS NULL"):
        if on_step:
            on_step("embedding the messages that have no vector yet")
        embedded = _vectors.embed_missing(con, progress=progress)
    model = _vectors.stored_model(con) or "unrecorded"
    ids, centres, radii = known_topics(con, model)
    full = recluster or not ids
    where = "TRUE" if full else "e.topic_id IS NULL"
    if on_step:
        on_step("reading the stored vectors")
    table, vectors = _read(con, where)
    message_ids = table.column("message_id")
    texts = _texts_of(con, message_ids)
    space = "stored"
    new_topics: list[tuple[int, np.ndarray, float]] = []
    if full:
        fitted = fit_topics(
            texts, vectors, stored_model=model, on_step=on_step, strong=strong
        )
        space = fitted.clustering_space
        topic_of = match_topics(
            fitted.centres, centres, ids, next_id=next_topic_id(con)
        )
        labels = np.array(
            [topic_of[c] if c >= 0 else UNCLUSTERED for c in fitted.labels]
        )
        new_topics = list(zip(topic_of, fitted.centres, fitted.radii, strict=True))
    else:
        nearest = assign_nearest(vectors, centres, radii)
        labels = np.array([ids[c] if c >= 0 else UNCLUSTERED for c in nearest])
        left = np.flatnonzero(labels == UNCLUSTERED)
        if len(left) >= min_pool:
            if on_step:
                on_step(f"clustering {len(left)} messages no topic covers")
            # Stored space: a run that assigns new messages must stay fast (USE on
            # thousands of leftovers would cost seconds); --recluster refits in USE.
            fitted = fit_topics(texts, vectors[left], stored_model=model, strong=False)
            space = fitted.clustering_space
            topic_of = match_topics(
                fitted.centres, centres, ids, next_id=next_topic_id(con)
            )
            for c, topic in enumerate(topic_of):
                labels[left[fitted.labels == c]] = topic
                if topic not in ids:
                    new_topics.append(
                        (topic, fitted.centres[c], float(fitted.radii[c]))
                    )
    if on_step:
        on_step("writing topics and their series")
    import pyarrow as pa

    with transaction(con):
        now = datetime.now(UTC)
        if full:
            con.execute("UPDATE topics SET active = FALSE WHERE active")
        for topic, centre, radius in new_topics:
            con.execute("DELETE FROM topics WHERE topic_id = ?", [topic])
            con.execute(
                "INSERT INTO topics (topic_id, label, centre, radius, model, messages, "
                "created_at, active) VALUES (?, '', ?, ?, ?, 0, ?, TRUE)",
                [topic, [float(x) for x in centre], float(radius), model, now],
            )
        if full:
            con.execute(
                "UPDATE enrichment SET topic_id = NULL WHERE topic_id IS NOT NULL"
            )
        assigned = pa.table(
            {"message_id": message_ids, "topic_id": pa.array(labels, pa.int32())}
        )
        con.register("_topic_assignments", assigned)
        try:
            con.execute(
                "UPDATE enrichment SET topic_id = a.topic_id FROM _topic_assignments a "
                "WHERE enrichment.message_id = a.message_id"
            )
        finally:
            con.unregister("_topic_assignments")
        relabel = None if full else {t for t, _, _ in new_topics}
        _refresh_topics(con, relabel)
        refresh_topic_periods(con)
    active = _count(con, "SELECT count(*) FROM topics WHERE active")
    return ListenRun(
        reclustered=full,
        assigned=int(len(labels)),
        unclustered=int((labels == UNCLUSTERED).sum()),
        topics=active,
        new_topics=sum(1 for t, _, _ in new_topics if t not in ids),
        embedded=embedded,
        clustering_space=space,
        seconds=time.perf_counter() - started,
    )


def _refresh_topics(
    con: Any, relabel: set[int] | None = None, label_sample: int = LABEL_SAMPLE
) -> None:
    """Sizes, first and last seen of every topic; labels (all, French, English) of
    ``relabel`` (every active topic when None).

    An incremental run relabels only its new topics: a few new messages do not change an
    old topic's distinctive words, and reading every topic's sample again would cost seconds
    on a large warehouse. ``--recluster`` relabels all.
    """
    con.execute(
        """
        UPDATE topics SET messages = s.n, first_seen = s.first, last_seen = s.last
        FROM (SELECT e.topic_id, count(*) AS n, min(m.ts) AS first, max(m.ts) AS last
              FROM enrichment e JOIN messages m USING (message_id)
              WHERE e.topic_id >= 0 GROUP BY 1) s
        WHERE topics.topic_id = s.topic_id
        """
    )
    active = {
        int(r[0])
        for r in con.execute("SELECT topic_id FROM topics WHERE active").fetchall()
    }
    if relabel is not None:
        active &= relabel
        if not active:
            return
    rows = con.execute(
        """
        SELECT topic_id, lang, text FROM (
            SELECT e.topic_id, e.lang, m.text,
                   row_number() OVER (PARTITION BY e.topic_id, e.lang
                                      ORDER BY hash(e.message_id)) AS r
            FROM enrichment e JOIN messages m USING (message_id)
            WHERE e.topic_id IS NOT NULL AND m.text IS NOT NULL)
        WHERE r <= ?
        """,
        [label_sample],
    ).fetchall()
    labels: dict[str, dict[int, str]] = {}
    terms_all: dict[int, list[str]] = {}
    for lang in (None, "en", "fr"):
        texts: dict[int, list[str]] = {}
        for topic, row_lang, text in rows:
            if lang is None or row_lang == lang:
                texts.setdefault(int(topic), []).append(text)
        weights = class_tfidf(texts, min_count=2)
        chosen = {t: top_terms(w) for t, w in weights.items() if t in active}
        labels[lang or "all"] = {
            t: label_of(terms) for t, terms in chosen.items() if terms
        }
        if lang is None:
            terms_all = chosen
    for topic in active:
        con.execute(
            "UPDATE topics SET label = ?, label_en = ?, label_fr = ?, terms = ? "
            "WHERE topic_id = ?",
            [
                labels["all"].get(topic, label_of([])),
                labels["en"].get(topic),
                labels["fr"].get(topic),
                terms_all.get(topic, []),
                topic,
            ],
        )
