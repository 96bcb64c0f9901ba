"""Load on the triage endpoint: ``POST /api/v1/triage/messages`` at a fixed rate.

A real server (uvicorn, ``tribu.web.serve``) runs in its own process over an empty warehouse with
the Semelle FAQ loaded; the load generator, in this process, sends messages on a fixed schedule
(open loop: ``RATE`` per second for ``SECONDS``; set ``TRIBU_BENCH_TRIAGE_RATE`` and
``TRIBU_BENCH_TRIAGE_SECONDS`` to change them) from 64 threads, over 400 conversations, a third
of the messages asking for a human. Afterwards the journal is checked: every acknowledged
decision is in it, every handoff decision points at a handoff that exists, and no conversation
holds two live handoffs. Writes ``bench/results/triage.json``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench._measure import write_result

RATE = int(os.environ.get("TRIBU_BENCH_TRIAGE_RATE", "200"))
SECONDS = float(os.environ.get("TRIBU_BENCH_TRIAGE_SECONDS", "60"))
TEXTS = (
    "Vous livrez en Belgique ?",
    "un conseiller svp",
    "How long does delivery take?",
    "real person please",
    "Ça taille comment ?",
    "my sneakers are filthy what do i do",
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run() -> dict[str, Any]:
    """Start the server, send the load, check the journal, write the result."""
    import httpx

    from tribu.triage.faq_file import read_faq_file
    from tribu.triage.store import TriageStore, journal_path
    from tribu.warehouse.store import open_warehouse
    from tribu.web.auth import TokenStore

    faq = Path(__file__).resolve().parents[1] / "src/tribu/demo/semelle_faq.md"
    with tempfile.TemporaryDirectory(prefix="tribu-bench-triage-") as tmp:
        db = Path(tmp) / "triage.duckdb"
        open_warehouse(db).close()
        store = TriageStore(journal_path(db))
        store.load_faq(read_faq_file(faq))
        store.close()
        tokens = Path(tmp) / "tokens.json"
        _, bot = TokenStore(tokens).create("bot", "bench")
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
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
        headers = {"Authorization": f"Bearer {bot}"}
        try:
            started = time.perf_counter()
            while True:  # ready when a first message is decided (the FAQ is indexed)
                try:
                    r = httpx.post(
                        f"{base}/api/v1/triage/messages",
                        json={"conversation_id": "warm", "platform": "b", "text": "hi"},
                        headers=headers,
                        timeout=600,
                    )
                    if r.status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if server.poll() is not None or time.perf_counter() - started > 600:
                    raise RuntimeError("the server did not start")
                time.sleep(0.5)
            startup = time.perf_counter() - started
            local = threading.local()
            latencies: list[float] = []
            errors: list[str] = []
            acked: list[str] = []
            lock = threading.Lock()

            def send(i: int, due: float) -> None:
                delay = due - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                client = getattr(local, "client", None)
                if client is None:
                    client = local.client = httpx.Client(headers=headers, timeout=30)
                body = {
                    "conversation_id": f"conv-{i % 400}",
                    "platform": "bench",
                    "text": TEXTS[i % len(TEXTS)],
                    "message_id": f"m{i}",
                }
                t0 = time.perf_counter()
                try:
                    r = client.post(f"{base}/api/v1/triage/messages", json=body)
                    ok = r.status_code == 200
                    error = None if ok else f"HTTP {r.status_code}"
                    decision = r.json()["decision_id"] if ok else None
                except httpx.HTTPError as exc:
                    error, decision = type(exc).__name__, None
                elapsed = time.perf_counter() - t0
                with lock:
                    latencies.append(elapsed)
                    if error:
                        errors.append(error)
                    else:
                        acked.append(str(decision))

            total = int(RATE * SECONDS)
            begin = time.perf_counter() + 0.5
            with ThreadPoolExecutor(64) as pool:
                for i in range(total):
                    pool.submit(send, i, begin + i / RATE)
            wall = time.perf_counter() - begin
            peak = _peak_rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(30)
        store = TriageStore(journal_path(db))
        logged = {
            r["decision_id"] for r in store.rows("SELECT decision_id FROM triage_log")
        }
        dangling = store.rows(
            "SELECT count(*) AS n FROM triage_log t WHERE decision = 'handoff' AND "
            "NOT EXISTS (SELECT 1 FROM handoffs h WHERE h.handoff_id = t.handoff_id)"
        )[0]["n"]
        doubled = store.rows(
            "SELECT count(*) AS n FROM (SELECT conversation_id FROM handoffs WHERE "
            "status IN ('pending', 'open') GROUP BY 1 HAVING count(*) > 1)"
        )[0]["n"]
        handoffs = store.rows("SELECT count(*) AS n FROM handoffs")[0]["n"]
        store.close()
    return write_result(
        "triage",
        {
            "what": "POST /api/v1/triage/messages, open loop, uvicorn in another process, "
            "Semelle FAQ (163 phrasings), 400 conversations",
            "rate_per_second": RATE,
            "seconds": round(wall, 2),
            "requests": total,
            "achieved_per_second": round(total / wall, 1),
            "errors": len(errors),
            "acknowledged": len(acked),
            "acknowledged_missing_from_journal": len(set(acked) - logged),
            "handoff_decisions_without_handoff": dangling,
            "conversations_with_two_live_handoffs": doubled,
            "handoffs": handoffs,
            "latency_ms": {
                "p50": round(_percentile(latencies, 0.50) * 1000, 1),
                "p95": round(_percentile(latencies, 0.95) * 1000, 1),
                "p99": round(_percentile(latencies, 0.99) * 1000, 1),
            },
            "server_startup_seconds": round(startup, 1),
            "server_peak_memory_mb": round(peak, 1),
        },
    )


if __name__ == "__main__":
    print(run())
