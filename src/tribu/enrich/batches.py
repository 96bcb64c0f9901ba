"""Cutting a run's texts into chunks and batches, and mapping them over worker processes.

Chat repeats itself (« ok », "gg", « merci »): :func:`chunked_results` scores each distinct
text of a chunk of consecutive messages once, in batches sent to worker processes, and yields
each chunk's results in message order, so the caller writes whole chunks and an interrupted run
keeps what it finished. Used by the language and sentiment pass (:mod:`tribu.enrich.pipeline`)
and by the embedding pass (:mod:`tribu.enrich.embeddings`).

On Linux the workers are forked after the models are loaded and the texts read: they inherit
both (copy-on-write), receive only (start, stop) offsets into :func:`shared_texts` and send back
results, so nothing large is pickled. Elsewhere (``spawn``) each batch's texts are sent.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

__all__ = [
    "chunked_results",
    "distinct_texts",
    "early_workers",
    "parallel_map",
    "progress_bar",
    "shared_texts",
    "worker_context",
]

_SHARED: list[str] = []  # the run's distinct texts, inherited by forked workers


def shared_texts(bounds: tuple[int, int]) -> list[str]:
    """The distinct texts ``[start, stop)`` of the running :func:`chunked_results` (what a
    forked worker reads instead of receiving the texts); empty outside a run."""
    return _SHARED[bounds[0] : bounds[1]]


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
    pool: Any = None,
) -> Iterator[Any]:
    """Results of ``function`` over ``items`` in order, in ``workers`` processes.

    With ``fork`` the workers inherit the parent's state and get ``items`` as they are; with
    ``spawn`` each item is first turned into ``spawn_items(item)`` for ``spawn_function``.
    A ``pool`` started earlier (:func:`early_workers`) knows nothing of this run: it gets
    ``spawn_items(item)`` for ``spawn_function`` too.
    """
    if pool is not None:
        yield from pool.imap(spawn_function, map(spawn_items, items))
        return
    if workers <= 1 or len(items) <= 1:
        yield from map(function, items)
        return
    context = worker_context()
    with context.Pool(processes=workers, initializer=initializer) as pool:
        if context.get_start_method() == "fork":
            yield from pool.imap(function, items)
        else:
            yield from pool.imap(spawn_function, map(spawn_items, items))


def early_workers(workers: int, initializer: Callable[[], None]) -> Any:
    """A pool of ``workers`` processes started now, for a later run (``pool=``), or None.

    ``tribu analyse`` starts its enrichment workers before the ingest: forked from a small
    process (no warehouse open, no texts read), each holds little more than the models its
    ``initializer`` loads, instead of a copy-on-write view of a parent grown by the ingest
    (which a resident-memory count sees once per worker). The caller terminates it.
    """
    if workers <= 1:
        return None
    return worker_context().Pool(processes=workers, initializer=initializer)


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
    across_chunks: bool = False,
    pool: Any = None,
) -> Iterator[tuple[int, int, Any]]:
    """Score ``texts`` chunk by chunk, each distinct text of a chunk once; yield per chunk.

    Messages are cut into chunks of ``chunk_size`` consecutive messages; the distinct texts of
    each chunk go to the workers in batches of ``batch_size`` (``function`` gets (start, stop)
    offsets into :func:`shared_texts` when forked, ``spawn_function`` the texts otherwise).
    For each chunk, in order, yields ``(start, stop, combine(batch results, inverse))`` where
    ``inverse`` maps each message of the chunk to its distinct text, so the caller writes whole
    chunks in message order.

    With ``across_chunks``, a text is scored once in the whole run, not once per chunk (a
    chat repeats itself across chunks too): the run's distinct texts, in first-seen order, go
    to the workers in batches, and each chunk is yielded as soon as the batches holding its
    texts are back, with ``combine(every batch result so far, inverse)`` (``inverse`` then
    indexes the run's distinct texts). ``pool``: workers started before (see
    :func:`parallel_map`).
    """
    if across_chunks:
        yield from _run_distinct(
            texts,
            function,
            spawn_function,
            combine,
            workers=workers,
            initializer=initializer,
            batch_size=batch_size,
            chunk_size=chunk_size,
            pool=pool,
        )
        return
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


def _run_distinct(
    texts: list[str],
    function: Callable[[tuple[int, int]], Any],
    spawn_function: Callable[[list[str]], Any],
    combine: Callable[[list[Any], np.ndarray], Any],
    *,
    workers: int,
    initializer: Callable[[], None],
    batch_size: int,
    chunk_size: int,
    pool: Any = None,
) -> Iterator[tuple[int, int, Any]]:
    """:func:`chunked_results` with ``across_chunks``: each distinct text of the run once."""
    global _SHARED
    position: dict[str, int] = {}
    plan: list[tuple[int, int, np.ndarray, int]] = []
    for start in range(0, len(texts), chunk_size):
        stop = min(start + chunk_size, len(texts))
        inverse = np.fromiter(
            (position.setdefault(text, len(position)) for text in texts[start:stop]),
            dtype=np.int64,
            count=stop - start,
        )
        plan.append((start, stop, inverse, len(position)))  # distinct texts needed
    work = list(position)
    del position, texts  # the caller may drop its list too: workers fork smaller
    _SHARED = work
    try:
        bounds = [
            (low, min(low + batch_size, len(work)))
            for low in range(0, len(work), batch_size)
        ]
        results = parallel_map(
            function,
            spawn_function,
            bounds,
            lambda bound: work[bound[0] : bound[1]],
            workers,
            initializer,
            pool,
        )
        parts: list[Any] = []
        for start, stop, inverse, needed in plan:
            while len(parts) < len(bounds) and bounds[len(parts)][0] < needed:
                parts.append(next(results))
            yield start, stop, combine(parts, inverse)
    finally:
        _SHARED = []


class progress_bar:  # noqa: N801 - used as a context manager, reads like a function
    """``with progress_bar(show, total, label) as advance: advance(n)``: a Rich progress bar
    on the terminal when ``show`` (and there is work), else nothing."""

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
