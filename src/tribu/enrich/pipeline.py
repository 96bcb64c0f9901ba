"""Fill the ``enrichment`` table: language and sentiment for every message not yet enriched.

:func:`enrich_warehouse` is what ``tribu enrich``, ``tribu ingest --enrich`` and the demo call.
It is incremental: it reads only messages without an ``enrichment`` row (so a second run does
nothing), cuts them into chunks of consecutive messages, scores each chunk's distinct texts
(chat repeats itself) in batches in worker processes (one per core, by default two) and writes
each chunk from the parent through Arrow, in message order, one transaction per chunk, so an
interrupted run keeps what it finished and the next run resumes.

On Linux the workers are forked after the models are loaded and the texts read: they inherit
both (copy-on-write), receive only (start, stop) offsets and send back language codes and
scores, so nothing large is pickled. Elsewhere (``spawn``) each batch's texts are sent.

Embeddings are heavier and only some features need them: they are computed with
``embeddings=True`` (``tribu enrich --embeddings``) for every message still without one, or for
chosen messages by :func:`tribu.enrich.embeddings.embeddings_for`.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tribu.warehouse.store import open_warehouse, transaction

__all__ = [
    "EnrichSummary",
    "chunked_results",
    "distinct_texts",
    "enrich_batch",
    "enrich_warehouse",
]

_WORKER_STATE: dict[str, Any] = {}
_SHARED: list[str] = []  # the run's distinct texts, inherited by forked workers


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


def _load_models() -> None:
    if "sentiment" in _WORKER_STATE:
        return
    from tribu.enrich.language import LanguageDetector
    from tribu.enrich.sentiment import SentimentScorer

    _WORKER_STATE["language"] = LanguageDetector().fit()
    scorer = SentimentScorer()
    scorer._ensure_loaded()
    _WORKER_STATE["sentiment"] = scorer


def _worker_init() -> None:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    _load_models()


def enrich_batch(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """(languages, sentiment scores) for one batch of texts, models loaded once per process."""
    _load_models()
    texts = [text or "" for text in texts]
    return (
        _WORKER_STATE["language"].predict(texts),
        _WORKER_STATE["sentiment"].score(texts),
    )


def _enrich_range(bounds: tuple[int, int]) -> tuple[list[str], np.ndarray]:
    return enrich_batch(_SHARED[bounds[0] : bounds[1]])


def _combine(
    parts: list[tuple[list[str], np.ndarray]], inverse: np.ndarray
) -> tuple[list[str], np.ndarray]:
    langs = np.array([lang for part in parts for lang in part[0]], dtype=object)
    scores = np.concatenate([part[1] for part in parts])
    return langs[inverse].tolist(), scores[inverse]


def worker_context() -> Any:
    """``fork`` where it is safe and available (Linux), else ``spawn``."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def parallel_map(
    function: Callable[[Any], Any],
    spawn_function: Callable[[Any], Any],
    items: list[Any],
    spawn_items: Callable[[Any], Any],
    workers: int,
    initializer: Callable[[], None],
) -> Iterator[Any]:
    """Results of ``function`` over ``items`` in order, in ``workers`` processes.

    With ``fork`` the workers inherit the parent's state and get ``items`` as they are; with
    ``spawn`` each item is first turned into ``spawn_items(item)`` for ``spawn_function``.
    """
    if workers <= 1 or len(items) <= 1:
        yield from map(function, items)
        return
    context = worker_context()
    with context.Pool(processes=workers, initializer=initializer) as pool:
        if context.get_start_method() == "fork":
            yield from pool.imap(function, items)
        else:
            yield from pool.imap(spawn_function, map(spawn_items, items))


def enrich_warehouse(
    db: str | os.PathLike[str] | None = None,
    *,
    batch_size: int = 20_000,
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
        Distinct texts per worker task; a write transaction holds ``5 * batch_size`` messages.
    workers : int
        Worker processes; 0 or 1 scores in this process.
    embeddings : bool
        Also compute and store embeddings for every message still without one
        (see :func:`tribu.enrich.embeddings.embed_missing`).
    progress : bool
        Show a Rich progress bar on the terminal.
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
        if texts:
            _load_models()  # once, before forking: workers inherit the loaded models
        chunks = chunked_results(
            texts,
            _enrich_range,
            enrich_batch,
            _combine,
            workers=workers,
            initializer=_worker_init,
            batch_size=batch_size,
            chunk_size=batch_size * 5,
        )
        with _progress_bar(progress, len(texts), "Enriching messages") as advance:
            for start, stop, (langs, scores) in chunks:
                _insert(con, ids.slice(start, stop - start), langs, scores)
                for lang in langs:
                    languages[lang] = languages.get(lang, 0) + 1
                advance(stop - start)
        if embeddings:
            from tribu.enrich.embeddings import embed_missing

            embedded = embed_missing(
                con,
                workers=workers,
                progress=progress,
                batch_size=min(batch_size, 5_000),
            )
    finally:
        con.close()
    return EnrichSummary(
        enriched=len(texts),
        embedded=embedded,
        seconds=time.perf_counter() - started,
        languages=languages,
    )


def distinct_texts(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """(distinct texts in first-seen order, index of each text's distinct text)."""
    position: dict[str, int] = {}
    inverse = np.fromiter(
        (position.setdefault(text, len(position)) for text in texts),
        dtype=np.int64,
        count=len(texts),
    )
    return list(position), inverse


def chunked_results(
    texts: list[str],
    function: Callable[[tuple[int, int]], Any],
    spawn_function: Callable[[list[str]], Any],
    combine: Callable[[list[Any], np.ndarray], Any],
    *,
    workers: int,
    initializer: Callable[[], None],
    batch_size: int,
    chunk_size: int,
) -> Iterator[tuple[int, int, Any]]:
    """Score ``texts`` chunk by chunk, each distinct text of a chunk once; yield per chunk.

    Chat repeats itself (« ok », "gg", « merci »). Messages are cut into chunks of
    ``chunk_size`` consecutive messages; the distinct texts of each chunk go to the workers in
    batches of ``batch_size`` (``function`` gets (start, stop) offsets into the shared list of
    distinct texts when forked, ``spawn_function`` the texts otherwise). For each chunk, in order,
    yields ``(start, stop, combine(batch results, inverse))`` where ``inverse`` maps each message
    of the chunk to its distinct text, so the caller writes whole chunks in message order.
    """
    global _SHARED
    work: list[str] = []
    plan: list[tuple[int, int, np.ndarray, list[tuple[int, int]]]] = []
    for start in range(0, len(texts), chunk_size):
        stop = min(start + chunk_size, len(texts))
        unique, inverse = distinct_texts(texts[start:stop])
        base = len(work)
        work.extend(unique)
        bounds = [
            (base + low, base + min(low + batch_size, len(unique)))
            for low in range(0, len(unique), batch_size)
        ]
        plan.append((start, stop, inverse, bounds))
    _SHARED = work
    try:
        results = parallel_map(
            function,
            spawn_function,
            [bound for *_, bounds in plan for bound in bounds],
            lambda bound: work[bound[0] : bound[1]],
            workers,
            initializer,
        )
        for start, stop, inverse, bounds in plan:
            parts = [next(results) for _ in bounds]
            yield start, stop, combine(parts, inverse)
    finally:
        _SHARED = []


def _insert(con: Any, ids: Any, langs: list[str], scores: np.ndarray) -> None:
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


class _progress_bar:  # noqa: N801 - used as a context manager, reads like a function
    def __init__(self, show: bool, total: int, label: str) -> None:
        self.show = show and total > 0
        self.total = total
        self.label = label

    def __enter__(self) -> Callable[[int], None]:
        if not self.show:
            return lambda n: None
        from rich.progress import Progress

        self._progress = Progress(transient=False)
        self._progress.start()
        task = self._progress.add_task(self.label, total=self.total)
        return lambda n: self._progress.advance(task, n)

    def __exit__(self, *exc: object) -> None:
        if self.show:
            self._progress.stop()


progress_bar = _progress_bar
