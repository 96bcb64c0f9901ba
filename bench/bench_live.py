"""Benchmark: live events at 500 events/s for 60 s from another process, on loopback.

The server is ``tribu serve`` in its own process (uvicorn, the generic receiver on, the worker
applying the queue every 0.5 s) over a fresh warehouse. A second process sends one signed
``message.created`` event per request at a fixed rate (events scheduled at ``i / RATE``
seconds, 32 sender threads with one keep-alive connection each) and, in a ninth thread, polls
the dashboard's live feed (``GET /api/v1/live/activity``, as the dashboard does, but every
0.25 s) to see each event appear. Figures:

- ``ack``: time from sending a request to its ``200`` (p50, p99, max);
- ``event_to_dashboard``: time from an event's scheduled send to its appearance in the feed
  (p50, p95, max);
- zero loss: once the backlog is empty the server is stopped and the warehouse must hold one
  row per event sent (``messages == sent``, no duplicate);
- the alert detectors' recall and false alerts on generated series (tests/live), for the record.

Bars (issue 17): p99 ack < 100 ms, event-to-dashboard p95 < 5 s, zero loss. The machine load
(``os.getloadavg``) is recorded before and after: 2 cores shared with other work.
``BENCH_LIVE_SECONDS`` and ``BENCH_LIVE_RATE`` change the length and the rate.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench._measure import write_result

RATE = int(os.environ.get("BENCH_LIVE_RATE", "500"))
SECONDS = float(os.environ.get("BENCH_LIVE_SECONDS", "60"))
SENDERS = 32
SECRET = "bench-hook-secret"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _load(base: str, token: str, out: Any) -> None:
    """The load generator (its own process): send, poll the feed, report."""
    import httpx

    from tribu.live.signing import sign_tribu

    total = int(RATE * SECONDS)
    acks: list[float] = []
    errors: list[str] = []
    seen: dict[str, float] = {}
    lock = threading.Lock()
    start = time.time() + 1.0
    done = threading.Event()

    def sender(k: int) -> None:
        with httpx.Client(timeout=30) as client:
            for i in range(k, total, SENDERS):
                due = start + i / RATE
                wait = due - time.time()
                if wait > 0:
                    time.sleep(wait)
                body = json.dumps(
                    {
                        "id": f"b-{i}",
                        "type": "message.created",
                        "platform": "generic",
                        "community": "bench",
                        "channel": f"c{i % 10}",
                        "message": str(i),
                        "author": f"a{i % 500}",
                        "ts": due,
                        "text": f"event {i}",
                    }
                ).encode()
                stamp = str(int(time.time()))
                headers = {
                    "Content-Type": "application/json",
                    "X-Tribu-Timestamp": stamp,
                    "X-Tribu-Signature": sign_tribu(SECRET, stamp, body),
                }
                sent = time.perf_counter()
                try:
                    r = client.post(
                        f"{base}/hooks/generic", content=body, headers=headers
                    )
                    ok = r.status_code == 200
                except httpx.HTTPError as exc:
                    ok, r = False, None
                    errors.append(repr(exc))
                took = time.perf_counter() - sent
                with lock:
                    acks.append(took)
                    if not ok and r is not None:
                        errors.append(f"{r.status_code}")

    def poller() -> None:
        cursor = None
        with httpx.Client(
            timeout=30, headers={"Authorization": f"Bearer {token}"}
        ) as c:
            while not done.is_set() or len(seen) < total:
                url = f"{base}/api/v1/live/activity?limit=1000" + (
                    f"&after={cursor}" if cursor is not None else ""
                )
                page = c.get(url).json()
                now = time.time()
                for item in page["items"]:
                    if item["kind"] == "message" and item["ts"] is not None:
                        seen.setdefault(f"{item['ts']:.6f}", now - item["ts"])
                cursor = page["next"]
                if done.is_set() and time.time() > done_at[0] + 60:
                    break
                if not page["items"] or len(page["items"]) < 1000:
                    time.sleep(0.25)

    done_at = [0.0]
    threads = [threading.Thread(target=sender, args=(k,)) for k in range(SENDERS)]
    watch = threading.Thread(target=poller)
    watch.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    send_seconds = time.time() - start
    done_at[0] = time.time()
    done.set()
    watch.join()
    delays = list(seen.values())
    out.put(
        {
            "sent": total,
            "acked": len(acks) - len(errors),
            "errors": errors[:5],
            "error_count": len(errors),
            "send_seconds": round(send_seconds, 2),
            "achieved_rate": round(total / send_seconds, 1),
            "ack_ms": {
                "p50": round(_pct(acks, 0.5) * 1000, 1),
                "p99": round(_pct(acks, 0.99) * 1000, 1),
                "max": round(max(acks) * 1000, 1) if acks else None,
            },
            "seen_on_dashboard": len(seen),
            "event_to_dashboard_s": {
                "p50": round(_pct(delays, 0.5), 2),
                "p95": round(_pct(delays, 0.95), 2),
                "max": round(max(delays), 2) if delays else None,
            },
        }
    )


def _alert_figures(trial: tuple[float, float]) -> dict[str, float]:
    return {"recall": round(trial[0], 3), "false_per_30_days": round(trial[1], 3)}


def run() -> dict[str, Any]:
    import duckdb

    from tribu.live.queue import LiveQueue, queue_path
    from tribu.warehouse.store import open_warehouse
    from tribu.web.auth import TokenStore

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        db = folder / "live.duckdb"
        open_warehouse(db).close()
        _, token = TokenStore.for_warehouse(db).create("viewer", "bench")
        (folder / "tribu.toml").write_text("[live]\ninterval = 0.5\n")
        port = _free_port()
        env = {
            **os.environ,
            "TRIBU_HOOK_SECRET": SECRET,
            "TRIBU_CONFIG": str(folder / "tribu.toml"),
        }
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tribu",
                "serve",
                "--db",
                str(db),
                "--port",
                str(port),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            import httpx

            started = time.perf_counter()
            while True:
                try:
                    httpx.get(f"{base}/login", timeout=2)
                    break
                except httpx.TransportError:
                    if time.perf_counter() - started > 120:
                        raise RuntimeError("the server did not start") from None
                    time.sleep(0.2)
            ctx = mp.get_context("spawn")
            out: Any = ctx.Queue()
            loader = ctx.Process(target=_load, args=(base, token, out))
            loader.start()
            figures = out.get()
            loader.join()
            queue = LiveQueue(queue_path(db))
            deadline = time.time() + 120
            while queue.backlog() and time.time() < deadline:
                time.sleep(0.5)
            backlog = queue.backlog()
            counters = queue.counters()
            queue.close()
        finally:
            server.terminate()
            server.wait(timeout=60)
        con = duckdb.connect(str(db), read_only=True)
        rows, distinct = con.execute(
            "SELECT count(*), count(DISTINCT message_id) FROM messages"
        ).fetchone()  # type: ignore[misc]
        con.close()
    from tests.live.test_alert_detectors import drop_trial, spike_trial

    spike, drop = spike_trial(), drop_trial()
    return write_result(
        "live",
        {
            "what": (
                f"{RATE} signed generic events/s for {SECONDS:.0f} s from another process to "
                "tribu serve on loopback (one event per request, 32 sender threads); the "
                "worker applies the queue every 0.5 s; a poller reads /api/v1/live/activity "
                "every 0.25 s"
            ),
            "rows": figures["sent"],
            "seconds": figures["send_seconds"],
            "rows_per_s": figures["achieved_rate"],
            **figures,
            "warehouse_messages": rows,
            "warehouse_distinct_messages": distinct,
            "backlog_after": backlog,
            "lost": figures["sent"] - rows,
            "queue_counters": counters,
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "alerts_on_generated_series": {
                "negative_spike": _alert_figures(spike),
                "member_at_risk": _alert_figures(drop),
            },
        },
    )
