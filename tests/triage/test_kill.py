"""A ``kill -9`` of the server in the middle of a load loses no acknowledged message or handoff."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from tests.triage.conftest import SEMELLE_FAQ
from tribu.triage.faq_file import read_faq_file
from tribu.triage.store import TriageStore, journal_path
from tribu.web.auth import TokenStore


def test_kill_9_loses_nothing_acknowledged(tmp_path: Path, warehouse: Path) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copy(warehouse, db)
    store = TriageStore(journal_path(db))
    store.load_faq(read_faq_file(SEMELLE_FAQ))
    store.close()
    tokens = tmp_path / "tokens.json"
    _, bot = TokenStore(tokens).create("bot", "test")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from tribu.web import serve; "
            "serve(sys.argv[1], port=int(sys.argv[2]), log_level='warning')",
            str(db),
            str(port),
        ],
        env={**os.environ, "TRIBU_TOKENS": str(tokens)},
    )
    url = f"http://127.0.0.1:{port}/api/v1/triage/messages"
    headers = {"Authorization": f"Bearer {bot}"}
    acked: list[dict[str, str]] = []
    lock = threading.Lock()
    stop = threading.Event()
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            try:
                body = {"conversation_id": "w", "platform": "t", "text": "hello"}
                if (
                    httpx.post(url, json=body, headers=headers, timeout=240).status_code
                    == 200
                ):
                    break
            except httpx.HTTPError:
                time.sleep(0.3)

        def load(worker: int) -> None:
            with httpx.Client(headers=headers, timeout=10) as client:
                i = 0
                while not stop.is_set():
                    text = ("un conseiller svp", "Vous livrez en Belgique ?")[i % 2]
                    body = {
                        "conversation_id": f"k{worker}-{i}",
                        "platform": "t",
                        "text": text,
                    }
                    try:
                        r = client.post(url, json=body)
                    except httpx.HTTPError:
                        return  # the server is gone: this one was not acknowledged
                    if r.status_code == 200:
                        with lock:
                            acked.append(r.json())
                    i += 1

        workers = [threading.Thread(target=load, args=(w,)) for w in range(8)]
        for w in workers:
            w.start()
        time.sleep(3)
        os.kill(server.pid, signal.SIGKILL)
        stop.set()
        for w in workers:
            w.join(15)
    finally:
        if server.poll() is None:
            server.kill()
        server.wait(30)
    assert len(acked) > 20
    store = TriageStore(journal_path(db))
    logged = {
        r["decision_id"] for r in store.rows("SELECT decision_id FROM triage_log")
    }
    handoffs = {r["handoff_id"] for r in store.rows("SELECT handoff_id FROM handoffs")}
    assert {a["decision_id"] for a in acked} <= logged
    assert {a["handoff_id"] for a in acked if a["handoff_id"]} <= handoffs
    store.close()
