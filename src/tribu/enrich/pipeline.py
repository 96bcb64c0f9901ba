"""The enrichment stage: fill the ``enrichment`` table for every message not yet enriched.

:func:`enrich_warehouse` is what ``tribu enrich``, ``tribu ingest --enrich`` and the demo call.
It is incremental: it reads only messages without an ``enrichment`` row (so a second run does
nothing), cuts them into chunks of consecutive messages, scores each distinct text of the run
once (chat repeats itself: on the generated 1M-message benchmark file about one message in ten
is new) in batches in worker processes (one per core, by default two) with the
text models of :mod:`tribu.text` (:mod:`tribu.enrich.scoring`), and writes each chunk from the
parent through Arrow, in message order, one transaction per chunk
(:mod:`tribu.enrich.writes`), so an interrupted run keeps what it finished and the next run
resumes. Chunking, batching and workers: :mod:`tribu.enrich.batches`.

Embeddings are heavier and only some features need them: they are computed with
``embeddings=True`` (``tribu enrich --embeddings``) for every message still without one, or for
chosen messages by :func:`tribu.enrich.embeddings.embeddings_for`.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from tribu.enrich.batches import chunked_results, progress_bar, shared_texts
from tribu.enrich.embeddings import embed_missing
from tribu.enrich.scoring import enrich_batch, load_models, worker_init
from tribu.enrich.writes import insert_enrichment
from tribu.warehouse.store import open_warehouse

__all__ = ["EnrichSummary", "enrich_warehouse"]


@dataclass(frozen=True)
class EnrichSummary:
    """What one :func:`enrich_warehouse` run did.

    Attributes
    ----------
    enriched : int
        Messages that got a new enrichment row.
    embedded : int
        Messages whose embedding was computed in this run.
    seconds : float
        Wall-clock time of the run.
    languages : dict of str to int
        New rows per language code.
    """

    enriched: int
    embedded: int
    seconds: float
    languages: dict[str, int]

    @property
    def messages_per_second(self) -> float:
        """Throughput of the run (enriched messages, or embedded ones if none were new)."""
        done = self.enriched or self.embedded
        return done / self.seconds if self.seconds > 0 else 0.0


def _enrich_range(bounds: tuple[int, int]) -> tuple[list[str], np.ndarray]:
    return enrich_batch(shared_texts(bounds))


def _combine(
    parts: list[tuple[list[str], np.ndarray]], inverse: np.ndarray
) -> tuple[list[str], np.ndarray]:
    langs = np.array([lang for part in parts for lang in part[0]], dtype=object)
    scores = np.concatenate([part[1] for part in parts])
    return langs[inverse].tolist(), scores[inverse]


def enrich_warehouse(
    db: str | os.PathLike[str] | None = None,
    *,
    batch_size: int = 20_000,
    workers: int = 2,
    embeddings: bool = False,
    progress: bool = False,
    pool: Any = None,
) -> EnrichSummary:
    """Enrich every message of the warehouse that has no enrichment row yet.

    Parameters
    ----------
    db : path, optional
        The warehouse (``--db``, ``$TRIBU_DB`` or ``./tribu.duckdb``).
    batch_size : int
        Distinct texts per worker task; a write transaction holds ``5 * batch_size`` messages.
    workers : int
        Worker processes; 0 or 1 scores in this process.
    embeddings : bool
        Also compute and store embeddings for every message still without one
        (see :func:`tribu.enrich.embeddings.embed_missing`).
    progress : bool
        Show a Rich progress bar on the terminal.
    pool : multiprocessing pool, optional
        Workers started earlier with :func:`tribu.enrich.batches.early_workers` (models
        loaded by :func:`tribu.enrich.scoring.worker_init`); used for language and
        sentiment instead of forking new ones. The caller closes it.
    """
    started = time.perf_counter()
    con = open_warehouse(db)
    embedded = 0
    languages: dict[str, int] = {}
    try:
        table = con.execute(
            "SELECT m.message_id, m.text FROM messages m "
            "LEFT JOIN enrichment e USING (message_id) "
            "WHERE e.message_id IS NULL ORDER BY m.message_id"
        ).to_arrow_table()
        ids = table.column("message_id").combine_chunks()
        texts = [text or "" for text in table.column("text").to_pylist()]
        total = len(texts)
        del table  # the texts are in ``texts`` now
        if texts and pool is None:
            load_models()  # once, before forking: workers inherit the loaded models
        chunks = chunked_results(
            texts,
            _enrich_range,
            enrich_batch,
            _combine,
            workers=workers,
            initializer=worker_init,
            batch_size=batch_size,
            chunk_size=batch_size * 5,
            across_chunks=True,
            pool=pool,
        )
        del texts  # kept by ``chunks`` until its distinct texts are listed
        with progress_bar(progress, total, "Enriching messages") as advance:
            for start, stop, (langs, scores) in chunks:
                insert_enrichment(con, ids.slice(start, stop - start), langs, scores)
                for lang in langs:
                    languages[lang] = languages.get(lang, 0) + 1
                advance(stop - start)
        if embeddings:
            embedded = embed_missing(
                con,
                workers=workers,
                progress=progress,
                batch_size=min(batch_size, 5_000),
            )
    finally:
        con.close()
    return EnrichSummary(
        enriched=total,
        embedded=embedded,
        seconds=time.perf_counter() - started,
        languages=languages,
    )
