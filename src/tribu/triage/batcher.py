"""Group the messages that arrive together into one model pass and one journal commit.

Under load, the cost of a decision is mostly fixed per call, not per message: scikit-learn's
input checks, the TF-IDF and classifier set-up, the language detector's walk, and above all the
journal's ``fsync`` (``synchronous=FULL``). :class:`MessageBatcher` runs one worker thread that
takes every message waiting (up to ``max_batch``) and hands them to
:meth:`tribu.triage.service.TriageService.handle_many`: one sentiment call, one retrieval call,
one language call and one committed transaction for the whole group. It never waits to fill a
batch: a lone message is decided at once, and batches only grow when messages queue up while
the previous batch is being decided, so latency stays that of one batch under any load.

The worker holds the BLAS libraries (OpenBLAS, OpenMP) to one thread while it decides a batch:
its matrix products are small (a few dozen questions against a few hundred phrasings), and on a
busy machine the threads BLAS starts for them spend far longer waiting for each other than
computing (measured: 2.7 ms for a 16 x 256 by 256 x 163 product with two threads on a loaded
2-core machine, 0.04 ms with one). The limit is taken with one ``threadpoolctl`` controller made
at start (0.1 ms a batch; building a new one each time costs about 7 ms).

A caller gets a :class:`concurrent.futures.Future` that completes after the commit: whatever it
acknowledges is on disk. If a batch fails, its messages are retried one by one, so one bad
message fails alone. Measured in ``bench/results/triage.json`` (``docs/triage.md``, load).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Any, Generic, TypeVar

__all__ = ["DEFAULT_MAX_BATCH", "MessageBatcher"]

log = logging.getLogger(__name__)

DEFAULT_MAX_BATCH = 64
"""Most messages decided in one pass (bounds the latency of the last one in a batch)."""

In = TypeVar("In")
Out = TypeVar("Out")


class MessageBatcher(Generic[In, Out]):
    """One worker thread calling ``handle_many`` on whatever is queued (see module docstring).

    Parameters
    ----------
    handle_many
        Decides a list of items in order; returns one result per item.
    max_batch
        Most items per call.
    name
        The worker thread's name.
    """

    def __init__(
        self,
        handle_many: Callable[[Sequence[In]], Sequence[Out]],
        *,
        max_batch: int = DEFAULT_MAX_BATCH,
        name: str = "tribu-triage-batcher",
    ) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self._handle_many = handle_many
        self.max_batch = max_batch
        self._name = name
        self._waiting: deque[tuple[In, Future[Out]]] = deque()
        self._wake = threading.Condition()
        self._closed = False
        self._thread: threading.Thread | None = None
        self.batches = 0
        self.items = 0

    def submit(self, item: In) -> Future[Out]:
        """Queue ``item``; the future holds its result once its batch is committed."""
        future: Future[Out] = Future()
        with self._wake:
            if self._closed:
                raise RuntimeError("the triage batcher is closed")
            self._waiting.append((item, future))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name=self._name, daemon=True
                )
                self._thread.start()
            self._wake.notify()
        return future

    def close(self, timeout: float = 30.0) -> None:
        """Decide what is queued, then stop the worker."""
        with self._wake:
            self._closed = True
            self._wake.notify()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _take(self) -> list[tuple[In, Future[Out]]] | None:
        with self._wake:
            while not self._waiting:
                if self._closed:
                    return None
                self._wake.wait()
            taken: list[tuple[In, Future[Out]]] = []
            while self._waiting and len(taken) < self.max_batch:
                taken.append(self._waiting.popleft())
            return taken

    def _run(self) -> None:
        while True:
            taken = self._take()
            if taken is None:
                return
            self._decide([item for item, _ in taken], [f for _, f in taken])

    def _decide(self, items: list[In], futures: list[Future[Out]]) -> None:
        with _one_blas_thread():
            self._decide_now(items, futures)

    def _decide_now(self, items: list[In], futures: list[Future[Out]]) -> None:
        live = [f.set_running_or_notify_cancel() for f in futures]
        try:
            results = self._handle_many(items)
        except BaseException as exc:  # noqa: BLE001 - handed to the callers
            if len(items) == 1:
                if live[0]:
                    futures[0].set_exception(exc)
                return
            log.warning(
                "a batch of %d messages failed; retrying one by one", len(items)
            )
            for item, future, running in zip(items, futures, live, strict=True):
                if running:
                    _one(self._handle_many, item, future)
            return
        self.batches += 1
        self.items += len(items)
        for future, result, running in zip(futures, results, live, strict=True):
            if running:
                future.set_result(result)


_CONTROLLER: list[Any] = []
_CONTROLLER_LOCK = threading.Lock()


def _one_blas_thread() -> Any:
    """A context that holds BLAS/OpenMP to one thread (one controller per process)."""
    from threadpoolctl import ThreadpoolController

    with _CONTROLLER_LOCK:
        if not _CONTROLLER:
            _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=1)


def _one(
    handle_many: Callable[[Sequence[Any]], Sequence[Any]],
    item: Any,
    future: Future[Any],
) -> None:
    try:
        (result,) = handle_many([item])
    except BaseException as exc:  # noqa: BLE001 - handed to the caller
        future.set_exception(exc)
    else:
        future.set_result(result)
