"""Side by side: ``tribu analyse`` against the chat-analytics CLI, on the same Discord files.

chat-analytics (npm ``chat-analytics`` 1.1.2, https://github.com/mlomb/chat-analytics) is the
tool tribu is first compared with: one command from a Discord export to an HTML report. This
benchmark

1. installs chat-analytics 1.1.2 from the npm registry into a scratch folder
   (``build/bench-peer/node``; never committed), once;
2. writes DiscordChatExporter JSON files of 200,000 and 1,000,000 messages with
   :mod:`bench._dce` (French and English member text, replies, reactions, mentions, roles);
3. on each file, in the same run, one after the other: the chat-analytics CLI
   (``chat-analytics -p discord -i FILE -o OUT.html``), then ``tribu analyse FILE --out
   OUT.html --json`` twice on a fresh warehouse: *cold* (empty compiled-SQL cache, as on the
   very first run on a machine) and *warm* (the cache the cold run filled: every later run);
4. records for each run the wall time, the peak memory of its whole process tree (resident
   set sizes of the process and its children, summed, sampled every 20 ms from ``/proc``),
   tribu's seconds per stage, and the ratios chat-analytics / tribu, in
   ``bench/results/vs_peer.json``.

The machine is shared: the load average at the start of each run is recorded next to it.
Sizes can be narrowed with ``TRIBU_BENCH_PEER_SIZES=200000`` (comma-separated).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._dce import write_dce
from bench._measure import write_result

ROOT = Path(__file__).resolve().parents[1]
SCRATCH = ROOT / "build" / "bench-peer"
PEER = "chat-analytics@1.1.2"
SIZES = tuple(
    int(s)
    for s in os.environ.get("TRIBU_BENCH_PEER_SIZES", "200000,1000000").split(",")
)
BAR_RATIO = 5.0
BAR_PEAK_MB = 1536


def install_peer(folder: Path = SCRATCH / "node") -> Path:
    """Install chat-analytics into ``folder`` with npm (once); return its CLI script."""
    cli = folder / "node_modules" / "chat-analytics" / "dist" / "lib" / "CLI.js"
    if cli.exists():
        return cli
    if shutil.which("npm") is None or shutil.which("node") is None:
        raise RuntimeError("node and npm are needed to run chat-analytics")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "package.json").write_text(
        '{"name": "tribu-bench-peer", "private": true}\n'
    )
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--silent", PEER],
        cwd=folder,
        check=True,
    )
    return cli


def _tree_rss_kb(pid: int) -> int:
    """Resident set size of ``pid`` and all its descendants, in kB (0 once gone)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                parent = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            with open(f"/proc/{current}/status", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total


def run_measured(
    command: list[str], env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run ``command``; return wall seconds, peak tree RSS (MB), stdout, load at start."""
    load = os.getloadavg()[0]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss_kb(process.pid))
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    stdout, stderr = process.communicate()
    if process.returncode:
        raise RuntimeError(
            f"{command[:3]} failed ({process.returncode}): {stderr[-500:]}"
        )
    return {
        "seconds": round(seconds, 2),
        "peak_memory_mb": round(peak / 1024),
        "load_average_at_start": round(load, 2),
        "stdout": stdout,
    }


def _tribu(file: Path, folder: Path, cache: Path, label: str) -> dict[str, Any]:
    out = folder / f"tribu-{label}.html"
    for stale in folder.glob(f"tribu-{label}.*"):
        stale.unlink()
    env = {**os.environ, "TRIBU_CACHE_DIR": str(cache)}
    tribu = str(Path(sys.executable).with_name("tribu"))
    result = run_measured(
        [tribu, "analyse", str(file), "--out", str(out), "--json"], env
    )
    detail = json.loads(result.pop("stdout"))
    result["stages"] = detail["seconds"]
    result["messages"] = detail["messages"]
    result["report_bytes"] = out.stat().st_size
    return result


def compare(size: int, cli: Path, folder: Path) -> dict[str, Any]:
    """Generate a file of ``size`` messages and run both tools on it."""
    file = folder / f"discord-{size}.json"
    started = time.perf_counter()
    file_bytes = write_dce(file, size)
    generate_seconds = time.perf_counter() - started
    peer_out = folder / f"chat-analytics-{size}.html"
    peer = run_measured(
        ["node", str(cli), "-p", "discord", "-i", str(file), "-o", str(peer_out)]
    )
    peer.pop("stdout")
    peer["report_bytes"] = peer_out.stat().st_size
    cache = folder / f"sql-cache-{size}"
    shutil.rmtree(cache, ignore_errors=True)
    cold = _tribu(file, folder, cache, f"{size}-cold")
    warm = _tribu(file, folder, cache, f"{size}-warm")
    file.unlink()
    for run in (peer, cold, warm):
        run["rows_per_s"] = int(size / run["seconds"])
    return {
        "messages": size,
        "file_mb": round(file_bytes / 2**20, 1),
        "generate_seconds": round(generate_seconds, 1),
        "chat_analytics": peer,
        "tribu_cold_cache": cold,
        "tribu": warm,
        "ratio": round(peer["seconds"] / warm["seconds"], 2),
        "ratio_cold_cache": round(peer["seconds"] / cold["seconds"], 2),
        "stage_rates_msg_per_s": {
            stage: int(size / seconds)
            for stage, seconds in warm["stages"].items()
            if seconds
        },
    }


def run() -> dict[str, Any]:
    """Install the peer, compare at every size, write ``bench/results/vs_peer.json``."""
    cli = install_peer()
    folder = SCRATCH / "runs"
    folder.mkdir(parents=True, exist_ok=True)
    cases = [compare(size, cli, folder) for size in SIZES]
    passed = all(
        c["ratio"] >= BAR_RATIO and c["tribu"]["peak_memory_mb"] < BAR_PEAK_MB
        for c in cases
    )
    biggest = cases[-1]
    return write_result(
        "vs_peer",
        {
            "what": "wall time and peak memory (process tree) of `tribu analyse FILE --out "
            "report.html` (ingest + enrich + report, one process) against the chat-analytics "
            "1.1.2 CLI on the same generated DiscordChatExporter file, same run; tribu twice: "
            "cold (empty compiled-SQL cache) and warm (the usual case)",
            "peer": PEER,
            "rows": biggest["messages"],
            "seconds": biggest["tribu"]["seconds"],
            "rows_per_s": biggest["tribu"]["rows_per_s"],
            "peak_memory_mb": biggest["tribu"]["peak_memory_mb"],
            "bar": {"ratio": BAR_RATIO, "peak_memory_mb": BAR_PEAK_MB},
            "passed": passed,
            "cases": cases,
        },
    )


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
