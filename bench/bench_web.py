"""Benchmark: the dashboard's API under 20 concurrent clients for 30 s, on 1 million messages.

The warehouse is generated in DuckDB SQL (deterministic): 3 communities, 12 channels, 30,000
members, 1,000,000 messages over 26 weeks (a brand post every 100 messages, 10 replies to each,
reactions on brand posts, every message enriched), 3 campaigns. The server (``tribu serve``'s
``serve()``, uvicorn) runs in its own process on loopback; the load generator is a second
process with 20 threads, each with its own HTTP connection, calling the dashboard's API for 30
seconds: the 8 charts, the summary, the scorecard and the filter lists, under 7 filter
settings (none, each community, two channels, a period). Before the load, one pass over every
URL fills the server's caches (the dashboard would do the same for its first visitor); those
first calls are reported apart (``first_calls``). The bar: 95th percentile under 300 ms, no error.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench._measure import write_result

MESSAGES = 1_000_000
CLIENTS = 20
SECONDS = 30.0
CHARTS = (
    "activity",
    "engagement",
    "survival",
    "sentiment",
    "retention",
    "rituals",
    "roles",
    "campaigns",
)
FILTERS = (
    "",
    "community=c0",
    "community=c1",
    "community=c2",
    "community=c0&channel=ch0-1",
    "community=c1&channel=ch1-2",
    "since=2024-03-01&until=2024-04-30",
)


def _generate(db: Path) -> dict[str, int]:
    from tribu.warehouse.store import open_warehouse

    con = open_warehouse(db)
    con.execute(
        "INSERT INTO communities SELECT 'c' || i, 'discord', 'Community ' || i, "
        "'bench', now() FROM range(3) t(i)"
    )
    con.execute(
        "INSERT INTO channels SELECT 'ch' || (i // 4) || '-' || (i % 4), "
        "'c' || (i // 4), 'channel ' || i, 'text', NULL FROM range(12) t(i)"
    )
    con.execute(
        """
        INSERT INTO members
        SELECT 'u' || i, 'c' || (i % 3), 'member ' || i, FALSE, FALSE, [],
               TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_days(CAST(i % 150 AS INTEGER))
        FROM range(30000) t(i)
        UNION ALL
        SELECT 'brand' || i, 'c' || i, 'Brand ' || i, TRUE, FALSE, ['brand'],
               TIMESTAMPTZ '2023-12-01 00:00:00+00'
        FROM range(3) t(i)
        """
    )
    con.execute(
        "INSERT INTO member_events SELECT member_id, community_id, 'join', joined_at, NULL "
        "FROM members"
    )
    # block b = i // 100 of 100 messages lives in community b % 3, channel (b // 3) % 4
    con.execute(
        f"""
        INSERT INTO messages (message_id, community_id, channel_id, author_id, ts, text,
                              reply_to_id, reaction_count)
        SELECT 'm' || i,
               'c' || ((i // 100) % 3),
               'ch' || ((i // 100) % 3) || '-' || ((i // 300) % 4),
               CASE WHEN i % 100 = 0 THEN 'brand' || ((i // 100) % 3)
                    ELSE 'u' || (((i * 7919) % 10000) * 3 + (i // 100) % 3) END,
               TIMESTAMPTZ '2024-01-01 00:00:00+00'
                   + to_seconds(CAST(i * 15.7 AS BIGINT)),
               CASE WHEN i % 100 = 0 THEN 'Brand news #' || i || ' printemps'
                    ELSE 'message ' || i END,
               CASE WHEN i % 100 BETWEEN 1 AND 10 THEN 'm' || (i - i % 100) END,
               CASE WHEN i % 100 = 0 THEN i % 13 + 1 ELSE 0 END
        FROM range({MESSAGES}) t(i)
        """
    )
    con.execute(
        "INSERT INTO enrichment (message_id, lang, sentiment) "
        "SELECT 'm' || i, CASE WHEN i % 5 = 0 THEN 'en' ELSE 'fr' END, "
        "((i * 7919) % 100) / 100.0 FROM range(?) t(i)",
        [MESSAGES],
    )
    con.execute(
        "INSERT INTO reactions SELECT message_id, community_id, NULL, '👍', reaction_count, "
        "ts + INTERVAL 10 MINUTE FROM messages WHERE reaction_count > 0"
    )
    con.execute(
        "INSERT INTO campaigns SELECT 'camp' || i, 'Campaign ' || i, 'awareness', 'c' || i, "
        "TIMESTAMPTZ '2024-02-01 00:00:00+00', TIMESTAMPTZ '2024-03-31 00:00:00+00', "
        "1000.0, 'EUR', ['printemps'], [] FROM range(3) t(i)"
    )
    counts = {
        table: int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # type: ignore[index]
        for table in ("messages", "members", "reactions", "enrichment")
    }
    con.close()
    return counts


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _urls() -> list[str]:
    urls = ["/api/v1/filters"]
    for query in FILTERS:
        urls += [f"/api/v1/charts/{name}?{query}" for name in CHARTS]
        urls += [f"/api/v1/summary?{query}", f"/api/v1/scorecard?{query}"]
    return urls


def _load(base: str, token: str, urls: list[str], clients: int, seconds: float) -> dict:
    """The load generator (runs in its own process): ``clients`` threads for ``seconds``."""
    import httpx

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
            while time.monotonic() < stop:
                url = rng.choice(urls)
                started = time.perf_counter()
                try:
                    status = http.get(url).status_code
                except httpx.HTTPError as exc:
                    status, url = 0, f"{url} {exc}"
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if status != 200:
                        errors.append(f"{status} {url}")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"latencies": latencies, "errors": errors}


def _load_child(base: str, token: str, urls: list[str], queue: mp.Queue) -> None:
    queue.put(_load(base, token, urls, CLIENTS, SECONDS))


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run() -> dict[str, Any]:
    """Generate the warehouse, start the server, load it, write bench/results/web.json."""
    import httpx

    from tribu.web.auth import TokenStore

    with tempfile.TemporaryDirectory(prefix="tribu-bench-web-") as tmp:
        db = Path(tmp) / "web.duckdb"
        started = time.perf_counter()
        counts = _generate(db)
        generate_seconds = time.perf_counter() - started
        tokens = Path(tmp) / "tokens.json"
        _, token = TokenStore(tokens).create("viewer", "bench")
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
            headers = {"Authorization": f"Bearer {token}"}
            while True:
                try:
                    if (
                        httpx.get(f"{base}/api/v1/status", headers=headers).status_code
                        == 200
                    ):
                        break
                except httpx.HTTPError:
                    pass
                if server.poll() is not None or time.perf_counter() - started > 600:
                    raise RuntimeError("the server did not start")
                time.sleep(0.5)
            startup_seconds = time.perf_counter() - started
            urls = _urls()
            first: list[float] = []
            with httpx.Client(base_url=base, headers=headers, timeout=600) as http:
                for url in urls:
                    t0 = time.perf_counter()
                    response = http.get(url)
                    first.append(time.perf_counter() - t0)
                    if response.status_code != 200:
                        raise RuntimeError(
                            f"{url}: {response.status_code} {response.text[:200]}"
                        )
            ctx = mp.get_context("spawn")
            queue: mp.Queue = ctx.Queue()
            loader = ctx.Process(target=_load_child, args=(base, token, urls, queue))
            loader.start()
            result = queue.get()
            loader.join()
            peak_mb = _peak_rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
    latencies = result["latencies"]
    p95 = _percentile(latencies, 0.95)
    payload = {
        "what": (
            f"{CLIENTS} concurrent clients for {SECONDS:.0f} s against the dashboard API "
            f"({len(urls)} URLs: 8 charts, summary, scorecard x {len(FILTERS)} filter "
            "settings, plus filters) on a warehouse of 1M messages; server and load "
            "generator in separate processes on loopback"
        ),
        "rows": counts["messages"],
        "warehouse_rows": counts,
        "generate_seconds": round(generate_seconds, 1),
        "server_startup_seconds": round(startup_seconds, 1),
        "first_calls": {
            "count": len(first),
            "seconds_total": round(sum(first), 2),
            "median_ms": round(_percentile(first, 0.5) * 1000, 1),
            "max_ms": round(max(first) * 1000, 1),
        },
        "seconds": SECONDS,
        "requests": len(latencies),
        "rows_per_s": round(len(latencies) / SECONDS, 1),
        "requests_per_s": round(len(latencies) / SECONDS, 1),
        "median_ms": round(_percentile(latencies, 0.5) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
        "errors": len(result["errors"]),
        "error_samples": result["errors"][:5],
        "peak_memory_mb": round(peak_mb, 1),
        "peak_memory_of": "server process (VmHWM)",
        "bar": "p95 < 300 ms and no error",
        "passed": p95 < 0.3 and not result["errors"],
    }
    return write_result("web", payload)


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
