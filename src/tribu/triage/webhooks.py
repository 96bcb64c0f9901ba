"""Deliver handoff events to the team's webhook: signed, retried, at least once.

Events (``handoff.created``, ``handoff.claimed``, ``handoff.replied``, ``handoff.resolved``,
``handoff.returned``) are written to the journal's outbox in the same transaction as the change
they report, so none is lost if the server stops; a thread of the server POSTs them, oldest
first, with HTTPX (already a dependency, well kept, with timeouts on every phase).

Each POST carries::

    Content-Type: application/json
    X-Tribu-Event: handoff.created
    X-Tribu-Delivery: w_3f9a0c1d2e4b5a69      (idempotency key: the same on every retry)
    X-Tribu-Timestamp: 1767225600             (Unix seconds)
    X-Tribu-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the secret>

A 2xx answer marks the event delivered. Anything else (an error status, a refused connection, a
receiver that never answers within ``timeout_seconds``) is retried after ``backoff_seconds``,
doubling each time, up to ``max_attempts`` tries; then the event is marked failed and logged.
The API never waits for a delivery. Receivers must deduplicate on ``X-Tribu-Delivery``: an event
is delivered at least once, and twice if the server dies between the POST and its record.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time

import httpx

from tribu.triage.settings import WebhookSettings
from tribu.triage.store import TriageStore, now

__all__ = ["WebhookSender", "sign", "verify"]

log = logging.getLogger(__name__)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Tribu-Signature`` value of ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secret: str, timestamp: str, body: bytes, signature: str, *, tolerance: float = 300
) -> bool:
    """What a receiver checks: the signature matches and the timestamp is recent."""
    try:
        fresh = abs(time.time() - int(timestamp)) <= tolerance
    except ValueError:
        return False
    return fresh and hmac.compare_digest(sign(secret, timestamp, body), signature)


class WebhookSender:
    """A background thread that empties the outbox of ``store`` into ``settings.url``."""

    def __init__(self, store: TriageStore, settings: WebhookSettings) -> None:
        self.store = store
        self.settings = settings
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start delivering (idempotent)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="tribu-webhooks", daemon=True
            )
            self._thread.start()

    def wake(self) -> None:
        """Look at the outbox now (an event was just queued)."""
        self._wake.set()

    def close(self, timeout: float = 5.0) -> None:
        """Stop the thread (events not delivered stay in the outbox for next time)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        with httpx.Client(timeout=self.settings.timeout_seconds) as client:
            while not self._stop.is_set():
                try:
                    sent = self.deliver_due(client)
                except Exception:  # keep the thread alive whatever happens
                    log.exception("webhook delivery loop failed")
                    sent = 0
                if not sent:
                    self._wake.wait(0.2)
                    self._wake.clear()

    def deliver_due(self, client: httpx.Client) -> int:
        """Try every event that is due once; return how many were tried."""
        due = self.store.rows(
            "SELECT delivery_id, event, body, attempts FROM webhook_outbox "
            "WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ? "
            "ORDER BY created_at LIMIT 50",
            (time.time(),),
        )
        for item in due:
            if self._stop.is_set():
                break
            self._attempt(client, item)
        return len(due)

    def _attempt(self, client: httpx.Client, item: dict[str, object]) -> None:
        body = str(item["body"]).encode()
        timestamp = str(int(time.time()))
        attempts = int(str(item["attempts"])) + 1
        error: str | None = None
        try:
            response = client.post(
                self.settings.url,
                content=body,
                headers={
                    "Content-Type": "application/json",
                    "X-Tribu-Event": str(item["event"]),
                    "X-Tribu-Delivery": str(item["delivery_id"]),
                    "X-Tribu-Timestamp": timestamp,
                    "X-Tribu-Signature": sign(self.settings.secret, timestamp, body),
                },
            )
            if not 200 <= response.status_code < 300:
                error = f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        with self.store.transaction() as con:
            if error is None:
                con.execute(
                    "UPDATE webhook_outbox SET attempts = ?, delivered_at = ?, "
                    "last_error = NULL WHERE delivery_id = ?",
                    (attempts, now(), item["delivery_id"]),
                )
            elif attempts >= self.settings.max_attempts:
                con.execute(
                    "UPDATE webhook_outbox SET attempts = ?, failed_at = ?, "
                    "last_error = ? WHERE delivery_id = ?",
                    (attempts, now(), error, item["delivery_id"]),
                )
            else:
                delay = self.settings.backoff_seconds * 2 ** (attempts - 1)
                con.execute(
                    "UPDATE webhook_outbox SET attempts = ?, next_attempt_at = ?, "
                    "last_error = ? WHERE delivery_id = ?",
                    (attempts, time.time() + delay, error, item["delivery_id"]),
                )
        if error is not None:
            level = (
                logging.ERROR
                if attempts >= self.settings.max_attempts
                else logging.WARNING
            )
            log.log(
                level,
                "webhook %s (%s) attempt %d/%d failed: %s",
                item["event"],
                item["delivery_id"],
                attempts,
                self.settings.max_attempts,
                error,
            )
