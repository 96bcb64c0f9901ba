"""The worker: drains the live queue into the warehouse, a batch at a time, in a thread.

Each round takes up to ``batch`` pending events (arrival order), reads them again with their
platform's reader, applies all their operations in ONE warehouse transaction
(:func:`tribu.live.apply.apply_ops`), then marks them applied in the queue. Killed between
the two, the round is applied again on restart: a batch applied twice gives the same tables
(see :mod:`tribu.live.apply`), so nothing is lost and nothing doubles.

The warehouse is opened for each round and closed after it, so ``tribu ingest`` can take it
between rounds; while another process holds it, events wait in the queue (a log line says
so) and the round is tried again.

With ``[live] alerts_every`` set (seconds), the worker also evaluates the alert rules that often
(:meth:`LiveWorker.check_alerts`) and sends new episodes from another thread.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from tribu.config import TribuConfig
from tribu.errors import TribuError
from tribu.live.apply import apply_ops
from tribu.live.generic_events import read_generic
from tribu.live.ops import Op
from tribu.live.queue import Activity, LiveQueue
from tribu.live.reading import Reading
from tribu.live.slack_events import read_slack
from tribu.live.telegram_updates import read_telegram
from tribu.warehouse.store import open_warehouse

__all__ = ["READERS", "LiveWorker", "RoundResult", "drain", "drain_round"]

log = logging.getLogger(__name__)

READERS: dict[str, Callable[[bytes], Reading]] = {
    "slack": read_slack,
    "telegram": read_telegram,
    "generic": read_generic,
    "discord": lambda body: _discord(body),
}


def _discord(body: bytes) -> Reading:
    from tribu.live.discord_events import read_discord

    return read_discord(body)


@dataclass
class RoundResult:
    applied: int = 0
    failed: int = 0


def drain_round(
    queue: LiveQueue,
    db: str | os.PathLike[str],
    *,
    config: TribuConfig | None = None,
    keep_names: bool = False,
    batch: int = 2000,
) -> RoundResult:
    """Apply one batch of pending events; raises when the warehouse cannot be opened."""
    pending = queue.pending(batch)
    if not pending:
        return RoundResult()
    ops: list[Op] = []
    owners: list[int] = []
    errors: list[tuple[int, str]] = []
    done: list[int] = []
    for event in pending:
        try:
            reading = READERS[event.source](event.body)
        except (TribuError, KeyError) as exc:
            errors.append((event.seq, str(exc)))
            continue
        done.append(event.seq)
        ops.extend(reading.ops)
        owners.extend([event.seq] * len(reading.ops))
    activity: list[tuple[int, Activity]] = []
    if ops:
        con = open_warehouse(db)
        try:
            applied = apply_ops(con, ops, config=config, keep_names=keep_names)
        finally:
            con.close()
        activity = list(zip(owners, applied.activity, strict=True))
    queue.mark_applied(done, activity, errors)
    return RoundResult(len(done), len(errors))


def drain(
    queue: LiveQueue,
    db: str | os.PathLike[str],
    *,
    config: TribuConfig | None = None,
    keep_names: bool = False,
) -> RoundResult:
    """Apply every pending event (``tribu live apply``)."""
    total = RoundResult()
    while True:
        result = drain_round(queue, db, config=config, keep_names=keep_names)
        if not result.applied and not result.failed:
            return total
        total.applied += result.applied
        total.failed += result.failed


class LiveWorker:
    """A daemon thread running :func:`drain_round` every ``interval`` seconds (sooner when
    :meth:`wake` is called by a receiver)."""

    def __init__(
        self,
        queue: LiveQueue,
        db: str | os.PathLike[str],
        *,
        config: TribuConfig | None = None,
        keep_names: bool = False,
        interval: float = 0.5,
        alerts_every: float = 0.0,
    ) -> None:
        self.queue = queue
        self.alerts_every = alerts_every
        self._last_alerts = 0.0
        self.alert_threads: list[threading.Thread] = []
        self.db = Path(db)
        self.config = config
        self.keep_names = keep_names
        self.interval = interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.busy_warned = False

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="tribu-live-worker", daemon=True
            )
            self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def check_alerts(self) -> int:
        """Evaluate the alert rules on the warehouse, keep the new episodes, and send them
        from a thread of their own (a slow webhook never holds the queue); return how many
        were new."""
        from tribu.live.alerts import AlertStore, alert_settings, deliver, evaluate
        from tribu.triage.store import journal_path

        settings = alert_settings(self.config)
        con = open_warehouse(self.db)
        try:
            found = evaluate(con, settings, journal=journal_path(self.db))
        finally:
            con.close()
        store = AlertStore(self.queue.path)
        try:
            fresh = store.add_new(found)
        finally:
            store.close()
        if fresh and (settings.slack_webhook or settings.webhook):

            def send() -> None:
                sender = AlertStore(self.queue.path)
                try:
                    deliver(fresh, settings, sender)
                finally:
                    sender.close()

            thread = threading.Thread(target=send, name="tribu-alerts", daemon=True)
            thread.start()
            self.alert_threads.append(thread)
        return len(fresh)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            try:
                while not self._stop.is_set():
                    result = drain_round(
                        self.queue,
                        self.db,
                        config=self.config,
                        keep_names=self.keep_names,
                    )
                    if not result.applied and not result.failed:
                        break
                self.busy_warned = False
                if (
                    self.alerts_every
                    and time.monotonic() - self._last_alerts >= self.alerts_every
                ):
                    self._last_alerts = time.monotonic()
                    self.check_alerts()
            except (TribuError, duckdb.Error) as exc:
                if not self.busy_warned:
                    log.warning(
                        "live events wait in the queue: the warehouse is busy (%s); "
                        "retrying every %.1f s",
                        exc,
                        self.interval,
                    )
                    self.busy_warned = True
            except Exception:  # a bug must not kill the thread: events stay queued
                log.exception("live worker round failed; events stay queued")
