"""Fill the ``enrichment`` table: language and sentiment for every message not yet enriched.

:func:`enrich_warehouse` is what ``tribu enrich``, ``tribu ingest --enrich`` and the demo call.
It is incremental: it reads only messages without an ``enrichment`` row (so a second run does
nothing), cuts them into batches, scores the batches in worker processes (one per core, by
default two) and writes each batch from the parent, one transaction per batch, so an interrupted
run keeps what it finished and the next run resumes.

Embeddings are heavier (about a thousand messages a second per core) and only some features need
them, so they are computed only with ``embeddings=True`` (``tribu enrich --embeddings``): for new
messages, and for already enriched messages whose embedding is still empty.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from tribu.warehouse.store import open_warehouse, transaction

__all__ = ["EnrichSummary", "enrich_batch", "enrich_warehouse"]

_WORKER_STATE: dict[str, Any] = {}


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


def _worker_init(embeddings: bool) -> None:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from tribu.enrich.language import LanguageDetector
    from tribu.enrich.sentiment import SentimentScorer

    _WORKER_STATE["language"] = LanguageDetector().fit()
    scorer = SentimentScorer()
    scorer._ensure_loaded()
    _WORKER_STATE["sentiment"] = scorer
    if embeddings:
        from tribu.enrich.embeddings import Embedder

        _WORKER_STATE["embedder"] = Embedder(threads=1).fit()


def enrich_batch(
    texts: Sequence[str], embeddings: bool = False, language_and_sentiment: bool = True
) -> tuple[list[str] | None, np.ndarray | None, np.ndarray | None]:
    """(languages, sentiments, embeddings or None) for one batch of texts.

    Runs in a worker process (models loaded once per worker), or inline when none was started.
    """
    if "sentiment" not in _WORKER_STATE or (
        embeddings and "embedder" not in _WORKER_STATE
    ):
        _worker_init(embeddings)
    langs = scores = None
    if language_and_sentiment:
        langs = _WORKER_STATE["language"].predict(texts)
        scores = _WORKER_STATE["sentiment"].score(texts)
    vectors = _WORKER_STATE["embedder"].transform(texts) if embeddings else None
    return langs, scores, vectors


def _batches(
    rows: list[tuple[str, str | None]], size: int
) -> Iterator[list[tuple[str, str]]]:
    for start in range(0, len(rows), size):
        yield [(mid, text or "") for mid, text in rows[start : start + size]]


def enrich_warehouse(
    db: str | os.PathLike[str] | None = None,
    *,
    batch_size: int = 5_000,
    workers: int = 2,
    embeddings: bool = False,
    progress: bool = False,
) -> EnrichSummary:
    """Enrich every message of the warehouse that has no enrichment row yet.

    Parameters
    ----------
    db : path, optional
        The warehouse (``--db``, ``$TRIBU_DB`` or ``./tribu.duckdb``).
    batch_size : int
        Messages per batch: per worker task and per write transaction.
    workers : int
        Worker processes; 0 or 1 scores in this process.
    embeddings : bool
        Also compute and store 512-dimensional embeddings (slower; see module docstring).
    progress : bool
        Show a Rich progress bar on the terminal.
    """
    started = time.perf_counter()
    con = open_warehouse(db)
    try:
        new_rows = con.execute(
            "SELECT m.message_id, m.text FROM messages m "
            "LEFT JOIN enrichment e USING (message_id) "
            "WHERE e.message_id IS NULL ORDER BY m.message_id"
        ).fetchall()
        old_rows: list[tuple[str, str | None]] = []
        if embeddings:
            old_rows = con.execute(
                "SELECT m.message_id, m.text FROM messages m JOIN enrichment e "
                "USING (message_id) WHERE e.embedding IS NULL ORDER BY m.message_id"
            ).fetchall()
        jobs = [(batch, True) for batch in _batches(new_rows, batch_size)]
        jobs += [(batch, False) for batch in _batches(old_rows, batch_size)]
        languages: dict[str, int] = {}
        total = len(new_rows) + len(old_rows)
        with _progress_bar(progress, total) as advance:
            for (batch, is_new), result in zip(
                jobs, _run(jobs, embeddings, workers), strict=True
            ):
                langs, scores, vectors = result
                _write(con, batch, is_new, langs, scores, vectors)
                if langs is not None:
                    for lang in langs:
                        languages[lang] = languages.get(lang, 0) + 1
                advance(len(batch))
    finally:
        con.close()
    return EnrichSummary(
        enriched=len(new_rows),
        embedded=(len(new_rows) + len(old_rows)) if embeddings else 0,
        seconds=time.perf_counter() - started,
        languages=languages,
    )


def _run(
    jobs: list[tuple[list[tuple[str, str]], bool]], embeddings: bool, workers: int
) -> Iterator[tuple[list[str] | None, np.ndarray | None, np.ndarray | None]]:
    calls = [
        ([text for _, text in batch], embeddings, is_new) for batch, is_new in jobs
    ]
    if workers <= 1 or len(jobs) <= 1:
        for texts, emb, is_new in calls:
            yield enrich_batch(texts, emb, is_new)
        return
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_worker_init,
        initargs=(embeddings,),
    ) as pool:
        yield from pool.map(enrich_batch, *zip(*calls, strict=True))


def _write(
    con: Any,
    batch: list[tuple[str, str]],
    is_new: bool,
    langs: list[str] | None,
    scores: np.ndarray | None,
    vectors: np.ndarray | None,
) -> None:
    import pyarrow as pa

    ids = [mid for mid, _ in batch]
    columns: dict[str, Any] = {"message_id": pa.array(ids, pa.string())}
    if vectors is not None:
        flat = pa.array(np.asarray(vectors, dtype=np.float32).reshape(-1), pa.float32())
        offsets = pa.array(
            np.arange(0, len(flat) + 1, vectors.shape[1], dtype=np.int32)
        )
        columns["embedding"] = pa.ListArray.from_arrays(offsets, flat)
    with transaction(con):
        if is_new:
            columns["lang"] = pa.array(langs, pa.string())
            columns["sentiment"] = pa.array(np.asarray(scores, dtype=np.float64))
            if "embedding" not in columns:
                columns["embedding"] = pa.nulls(len(ids), pa.list_(pa.float32()))
            batch_table = pa.table(columns)  # noqa: F841 - read by DuckDB's replacement scan
            con.execute(
                "INSERT INTO enrichment (message_id, lang, sentiment, embedding, topic_id) "
                "SELECT message_id, lang, sentiment, embedding, NULL FROM batch_table"
            )
        else:
            batch_table = pa.table(columns)  # noqa: F841
            con.execute(
                "UPDATE enrichment SET embedding = t.embedding FROM batch_table t "
                "WHERE enrichment.message_id = t.message_id"
            )


class _progress_bar:  # noqa: N801 - used as a context manager, reads like a function
    def __init__(self, show: bool, total: int) -> None:
        self.show = show and total > 0
        self.total = total

    def __enter__(self) -> Any:
        if not self.show:
            return lambda n: None
        from rich.progress import Progress

        self._progress = Progress(transient=False)
        self._progress.start()
        task = self._progress.add_task("Enriching messages", total=self.total)
        return lambda n: self._progress.advance(task, n)

    def __exit__(self, *exc: object) -> None:
        if self.show:
            self._progress.stop()
