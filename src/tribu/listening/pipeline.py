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
   unclustered, those are clustered on their own (in the stored space, on a sample of at most
   ``LEFTOVER_SAMPLE`` (2,000) of them, the others assigned, to stay fast), so a
   conversation that did not exist at the last fit becomes a topic, matched to a known topic
   when it is one;
4. after a full fit, every topic's size, dates and labels and the whole ``topic_periods``
   series are recomputed; after an incremental run, only in proportion to the new messages
   (:mod:`tribu.listening.labelling`, :func:`tribu.listening.periods.update_topic_periods`):
   the sizes and dates of the topics they joined move by them, only the topics that are new or
   grew by a quarter since their label was made are relabelled, only the ``topic_periods``
   rows of the periods they fall in (and the few after, whose baselines they enter) are
   rewritten, and only their ``enrichment`` rows are updated.

The writes of steps 2 to 4 happen in one transaction. :attr:`ListenRun.timings` holds the
seconds of each phase (the benchmark records them).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from tribu.errors import WarehouseError
from tribu.listening import _vectors
from tribu.listening.clustering import assign_nearest
from tribu.listening.fit import fit_topics
from tribu.listening.labelling import (
    add_assignments,
    refresh_topics,
    relabel,
    to_relabel,
)
from tribu.listening.periods import refresh_topic_periods, update_topic_periods
from tribu.listening.store import (
    UNCLUSTERED,
    ensure_tables,
    known_topics,
    next_topic_id,
)
from tribu.listening.tracking import match_topics
from tribu.warehouse.store import transaction

__all__ = ["LEFTOVER_SAMPLE", "MIN_POOL", "ListenRun", "update_topics"]

MIN_POOL = 200
LEFTOVER_SAMPLE = 2_000


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
    relabelled: int = 0
    timings: dict[str, float] = field(default_factory=dict)


def _count(con: Any, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def _read(con: Any, where: str) -> tuple[Any, np.ndarray]:
    """Ids and times (Arrow) and stored int8 vectors of the embedded messages matching ``where``.

    Texts are not read here: only the sample's are needed (:func:`_texts_of`).
    """
    table = con.execute(
        "SELECT e.message_id, m.ts, e.embedding FROM enrichment e "
        "JOIN messages m ON m.message_id = e.message_id "
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
    timings: dict[str, float] = {}
    clock = [started]

    def lap(name: str) -> None:
        now = time.perf_counter()
        timings[name] = round(timings.get(name, 0.0) + now - clock[0], 3)
        clock[0] = now

    ensure_tables(con, writable=True)
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
    lap("check_and_embed")
    if on_step:
        on_step("reading the stored vectors")
    table, vectors = _read(con, where)
    message_ids = table.column("message_id")
    texts = _texts_of(con, message_ids)
    lap("read")
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
            fitted = fit_topics(
                texts,
                vectors[left],
                stored_model=model,
                strong=False,
                sample_size=LEFTOVER_SAMPLE,
            )
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
    lap("cluster_and_assign")
    if on_step:
        on_step("writing topics and their series")
    import pyarrow as pa

    relabelled = 0
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
                "UPDATE enrichment SET topic_id = NULL WHERE topic_id IS NOT NULL "
                "AND embedding IS NULL"
            )
        assigned = pa.table(
            {
                "message_id": message_ids,
                "topic_id": pa.array(labels, pa.int32()),
                "ts": table.column("ts"),
            }
        )
        con.register("_topic_assignments", assigned)
        try:
            con.execute(
                "UPDATE enrichment SET topic_id = a.topic_id FROM _topic_assignments a "
                "WHERE enrichment.message_id = a.message_id"
            )
            lap("write_assignments")
            if full:
                refresh_topics(con)
                relabelled = _count(con, "SELECT count(*) FROM topics WHERE active")
                lap("topics_and_labels")
                refresh_topic_periods(con)
            else:
                add_assignments(con, "_topic_assignments")
                chosen = to_relabel(con)
                relabel(con, chosen)
                relabelled = len(chosen)
                lap("topics_and_labels")
                if len(labels):
                    earliest = con.execute(
                        "SELECT min(ts) FROM _topic_assignments"
                    ).fetchone()[0]
                    update_topic_periods(con, earliest)
            lap("topic_periods")
        finally:
            con.unregister("_topic_assignments")
    lap("commit")
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
        relabelled=relabelled,
        timings=timings,
    )
