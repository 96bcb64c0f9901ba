"""Load on the triage endpoint: ``POST /api/v1/triage/messages`` at a fixed rate.

A real server (uvicorn, ``tribu.web.serve``) runs in its own process over an empty warehouse with
the Semelle FAQ loaded. The load generator, in this process, is **open loop**: message ``i`` is
due at ``i / RATE`` seconds (``RATE`` per second for ``SECONDS``; set
``TRIBU_BENCH_TRIAGE_RATE`` and ``TRIBU_BENCH_TRIAGE_SECONDS`` to change them) and is sent at
that time whatever happened to the others, on a free keep-alive connection or a new one (so a
slow server cannot slow the schedule down: the failure of a closed-loop generator with a fixed
number of threads, which is what the first version of this benchmark had). The client is a
minimal HTTP/1.1 one over asyncio streams, so the generator's own CPU stays small beside the
server's on a 2-core machine. 400 conversations, a third of the messages ask for a human.

Latency is measured from the moment a message was **due** to its full answer (it includes any
lateness of the generator, the stricter figure), and also from the moment it was sent.

Afterwards: every acknowledged decision is in the journal, every handoff decision points at a
handoff that exists, no conversation holds two live handoffs, and the agents' queue
(``GET /api/v1/triage/handoffs``) lists every handoff exactly once. The machine's load average
(``os.getloadavg``) before and after is recorded: 8 people share these 2 cores. Writes
``bench/results/triage.json``.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
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
PATH = "/api/v1/triage/messages"
CONNECTIONS = 128
"""Most requests in flight (keep-alive connections), as a bot fleet's HTTP pools would have;
a message due while all are busy waits for one, and that wait counts in its latency."""


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


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class _Connections:
    """Keep-alive HTTP/1.1 connections to one server: take a free one or open one.

    A free connection idle for more than ``IDLE`` seconds is closed rather than reused (the
    server closes idle ones after 5 s), and a request that fails on a reused connection before
    any answer byte is sent again once on a new one, as any HTTP client does.
    """

    IDLE = 3.0

    def __init__(self, port: int, token: str, limit: int) -> None:
        self.port = port
        self.head = (
            f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        )
        self.free: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []
        self.opened = 0
        self.slots = asyncio.Semaphore(limit)  # at most ``limit`` requests in flight

    async def _connection(
        self, fresh: bool
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, bool]:
        now = asyncio.get_running_loop().time()
        while self.free and not fresh:
            reader, writer, used = self.free.pop()
            if now - used < self.IDLE:
                return reader, writer, True
            writer.close()
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.opened += 1
        return reader, writer, False

    async def send(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """POST ``body`` (the caller holds one of ``slots``); (status, JSON answer)."""
        data = json.dumps(body).encode()
        request = f"{self.head}Content-Length: {len(data)}\r\n\r\n".encode() + data
        fresh = False
        while True:
            reader, writer, reused = await self._connection(fresh)
            try:
                writer.write(request)
                await writer.drain()
                status_line = await reader.readline()
            except (ConnectionResetError, BrokenPipeError):
                status_line = b""
            if status_line or not reused:
                break
            writer.close()  # the server had closed this idle connection: once more
            fresh = True
        status = int(status_line.split()[1])
        length, close = 0, False
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and "close" in value.lower():
                close = True
        answer = json.loads(await reader.readexactly(length)) if length else {}
        if close:
            writer.close()
        else:
            self.free.append((reader, writer, asyncio.get_running_loop().time()))
        return status, answer


async def _load(port: int, token: str) -> dict[str, Any]:
    """Send ``RATE * SECONDS`` messages on schedule; latencies, errors, acknowledgements."""
    connections = _Connections(port, token, CONNECTIONS)
    total = int(RATE * SECONDS)
    from_due: list[float] = []
    from_send: list[float] = []
    errors: list[str] = []
    acked: list[str] = []
    loop = asyncio.get_running_loop()
    begin = loop.time() + 0.5

    async def send(i: int, due: float) -> None:
        body = {
            "conversation_id": f"conv-{i % 400}",
            "platform": "bench",
            "text": TEXTS[i % len(TEXTS)],
            "message_id": f"m{i}",
        }
        try:
            status, answer, sent = await asyncio.wait_for(timed(body), 30)
        except (TimeoutError, OSError, EOFError, ValueError, IndexError) as exc:
            errors.append(type(exc).__name__)
            return
        done = loop.time()
        from_due.append(done - due)
        from_send.append(done - sent)
        if status == 200:
            acked.append(str(answer["decision_id"]))
        else:
            errors.append(f"HTTP {status}")

    async def timed(body: dict[str, Any]) -> tuple[int, dict[str, Any], float]:
        async with connections.slots:
            sent = loop.time()
            status, answer = await connections.send(body)
        return status, answer, sent

    tasks = []
    for i in range(total):
        due = begin + i / RATE
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(i, due)))
    await asyncio.gather(*tasks)
    wall = loop.time() - begin
    for _, writer, _ in connections.free:
        writer.close()
    return {
        "total": total,
        "wall": wall,
        "from_due": from_due,
        "from_send": from_send,
        "errors": errors,
        "acked": acked,
        "connections": connections.opened,
    }


def _ms(values: list[float]) -> dict[str, float]:
    return {
        name: round(_percentile(values, share) * 1000, 1)
        for name, share in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99))
    } | {"max": round(max(values, default=0.0) * 1000, 1)}


def run() -> dict[str, Any]:
    """Start the server, send the load, check the journal and the queue, write the result."""
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
        phrasings = len(store.faq_phrasings(1))
        store.close()
        tokens = Path(tmp) / "tokens.json"
        _, bot = TokenStore(tokens).create("bot", "bench")
        _, agent = TokenStore(tokens).create("viewer", "bench-agent")
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
        try:
            started = time.perf_counter()
            while True:  # ready when a first message is decided (the FAQ is indexed)
                try:
                    r = httpx.post(
                        f"{base}{PATH}",
                        json={"conversation_id": "warm", "platform": "b", "text": "hi"},
                        headers={"Authorization": f"Bearer {bot}"},
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
            load_before = os.getloadavg()
            cpu_before = _cpu_seconds(server.pid)
            own_before = time.process_time()
            sent = asyncio.run(_load(port, bot))
            server_cpu = _cpu_seconds(server.pid) - cpu_before
            generator_cpu = time.process_time() - own_before
            load_after = os.getloadavg()
            peak = _peak_rss_mb(server.pid)
            queue = httpx.get(
                f"{base}/api/v1/triage/handoffs",
                params={"limit": 10_000},
                headers={"Authorization": f"Bearer {agent}"},
                timeout=60,
            ).json()
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
        journal_handoffs = [
            r["handoff_id"] for r in store.rows("SELECT handoff_id FROM handoffs")
        ]
        store.close()
    queued = [h["handoff_id"] for h in queue]
    wall = sent["wall"]
    return write_result(
        "triage",
        {
            "what": "POST /api/v1/triage/messages, open loop (asyncio HTTP/1.1 client, "
            "keep-alive), uvicorn in another process, Semelle FAQ "
            f"({phrasings} phrasings), 400 conversations, a third asking for a human",
            "rate_per_second": RATE,
            "seconds": round(wall, 2),
            "requests": sent["total"],
            "achieved_per_second": round(len(sent["from_due"]) / wall, 1),
            "errors": len(sent["errors"]),
            "error_kinds": dict(Counter(sent["errors"])),
            "acknowledged": len(sent["acked"]),
            "acknowledged_missing_from_journal": len(set(sent["acked"]) - logged),
            "handoff_decisions_without_handoff": dangling,
            "conversations_with_two_live_handoffs": doubled,
            "handoffs": len(journal_handoffs),
            "handoffs_listed_in_queue": len(queued),
            "handoffs_listed_exactly_once": sorted(queued) == sorted(journal_handoffs),
            "latency_ms": _ms(sent["from_due"]),
            "latency_from_send_ms": _ms(sent["from_send"]),
            "client_connections": sent["connections"],
            "server_cpu_seconds": round(server_cpu, 1),
            "generator_cpu_seconds": round(generator_cpu, 1),
            "load_average_1m_before_after": [
                round(load_before[0], 2),
                round(load_after[0], 2),
            ],
            "server_startup_seconds": round(startup, 1),
            "server_peak_memory_mb": round(peak, 1),
        },
    )


if __name__ == "__main__":
    print(run())
