"""Webhooks: signed, retried with backoff, one idempotency key, against a loopback receiver."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

from tests.triage.conftest import SEMELLE_FAQ
from tribu.triage.faq_file import read_faq_file
from tribu.triage.service import IncomingMessage, TriageService
from tribu.triage.settings import TriageSettings, WebhookSettings
from tribu.triage.store import TriageStore
from tribu.triage.webhooks import WebhookSender, verify

SECRET = "s3cret-for-the-tests-only"


def receiver(fail_first: int) -> tuple[HTTPServer, list[dict[str, Any]]]:
    """A loopback receiver that answers 500 to its first ``fail_first`` requests."""
    seen: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen.append({"headers": dict(self.headers), "body": body})
            self.send_response(500 if len(seen) <= fail_first else 204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, seen


def test_a_receiver_failing_twice_gets_the_event_on_the_third_try(
    tmp_path: Path,
) -> None:
    server, seen = receiver(fail_first=2)
    hook = WebhookSettings(
        url=f"http://127.0.0.1:{server.server_port}/hook",
        secret=SECRET,
        max_attempts=5,
        timeout_seconds=2,
        backoff_seconds=0.05,
    )
    store = TriageStore(tmp_path / "j.sqlite")
    store.load_faq(read_faq_file(SEMELLE_FAQ))
    sender = WebhookSender(store, hook)
    service = TriageService(store, TriageSettings(webhook=hook), on_event=sender.wake)
    sender.start()
    try:
        decided = service.handle(
            IncomingMessage(conversation_id="c1", platform="slack", text="human please")
        )
        deadline = time.monotonic() + 15
        while len(seen) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        sender.close()
        server.shutdown()
    assert len(seen) == 3
    keys = {r["headers"]["X-Tribu-Delivery"] for r in seen}
    assert len(keys) == 1  # the same idempotency key on every try
    last = seen[-1]
    assert verify(
        SECRET,
        last["headers"]["X-Tribu-Timestamp"],
        last["body"],
        last["headers"]["X-Tribu-Signature"],
    )
    assert not verify(
        "wrong-secret-xxxxxxxx",
        last["headers"]["X-Tribu-Timestamp"],
        last["body"],
        last["headers"]["X-Tribu-Signature"],
    )
    payload = json.loads(last["body"])
    assert payload["event"] == "handoff.created"
    assert payload["handoff"]["handoff_id"] == decided.handoff_id
    (row,) = store.rows(
        "SELECT attempts, delivered_at IS NOT NULL AS done FROM webhook_outbox"
    )
    assert row == {"attempts": 3, "done": 1}


def test_a_receiver_that_never_answers_does_not_block_and_gives_up(
    tmp_path: Path,
) -> None:
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)  # accepts connections, never answers
    hook = WebhookSettings(
        url=f"http://127.0.0.1:{silent.getsockname()[1]}/",
        secret=SECRET,
        max_attempts=2,
        timeout_seconds=0.3,
        backoff_seconds=0.05,
    )
    store = TriageStore(tmp_path / "j.sqlite")
    store.load_faq(read_faq_file(SEMELLE_FAQ))
    sender = WebhookSender(store, hook)
    service = TriageService(store, TriageSettings(webhook=hook), on_event=sender.wake)
    sender.start()
    try:
        started = time.monotonic()
        service.handle(
            IncomingMessage(conversation_id="c", platform="x", text="un conseiller svp")
        )
        assert (
            time.monotonic() - started < 5
        )  # the decision did not wait for the receiver
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            (row,) = store.rows("SELECT attempts, failed_at FROM webhook_outbox")
            if row["failed_at"]:
                break
            time.sleep(0.05)
    finally:
        sender.close()
        silent.close()
    assert row["attempts"] == 2 and row["failed_at"]
