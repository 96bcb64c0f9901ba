"""Nothing acknowledged is lost when the server is killed (SIGKILL) right after answering."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx

from tests.live.conftest import SECRETS, generic_headers
from tests.web.conftest import free_port
from tribu.live.queue import LiveQueue, queue_path
from tribu.live.worker import drain
from tribu.warehouse.store import open_warehouse

EVENTS = 300


def _event(i: int) -> bytes:
    return json.dumps(
        {
            "id": f"k-{i}",
            "type": "message.created",
            "platform": "generic",
            "community": "kill-test",
            "channel": "c",
            "message": str(i),
            "author": f"a{i % 7}",
            "ts": 1733389200 + i,
            "text": f"message {i}",
        }
    ).encode()


def test_acknowledged_events_survive_a_kill(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    open_warehouse(db).close()
    port = free_port()
    env = {
        **os.environ,
        "TRIBU_HOOK_SECRET": SECRETS["generic"],
        "TRIBU_CONFIG": str(tmp_path / "none.toml"),
    }
    (tmp_path / "none.toml").write_text("[live]\ninterval = 0.2\n")
    server = subprocess.Popen(
        [sys.executable, "-m", "tribu", "serve", "--db", str(db), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/hooks/generic"
        deadline = time.monotonic() + 60
        with httpx.Client(timeout=10) as client:
            while True:
                try:
                    client.post(url, content=b"{}")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.2)
            acked = 0
            for i in range(EVENTS):
                body = _event(i)
                r = client.post(url, content=body, headers=generic_headers(body))
                assert r.status_code == 200
                acked += 1
        server.send_signal(signal.SIGKILL)  # no shutdown: the worker may be mid-batch
        server.wait(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
    assert acked == EVENTS
    queue = LiveQueue(queue_path(db))
    drain(queue, db)  # what a restarted server's worker does first
    assert queue.backlog() == 0
    queue.close()
    con = duckdb.connect(str(db), read_only=True)
    count, distinct = con.execute(
        "SELECT count(*), count(DISTINCT message_id) FROM messages"
    ).fetchone()  # type: ignore[misc]
    con.close()
    assert count == distinct == EVENTS
