"""``kill -9`` of ``tribu ingest`` at several moments: the warehouse keeps its earlier counts,
no process is left behind, and a later ingest is exact.

The export is a generated DiscordChatExporter channel of 82,000 messages (about 68 MB: past
``SHARD_MIN_BYTES``, so the ingest runs a worker process). Each moment is recognised from what
the ingest leaves on disk and in /proc, not from timings:

1. half a second in (imports, detection, hashing);
2. both processes staging (the worker is alive, the shards' staging files exist);
3. staging done, the merge running (all staging files written).

Processes are found by a scan of /proc: the ingest is started in its own session, so it and
everything it spawns share its process group.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from bench.bench_ingest import write_discord

from tribu.warehouse._shards import SHARD_MIN_BYTES
from tribu.warehouse.ingest import ingest_paths

MESSAGES = 82_000
TABLES = ("communities", "channels", "members", "messages", "reactions", "ingest_runs")
SMALL = (
    Path(__file__).resolve().parents[1]
    / "data"
    / "discord"
    / "handmade_roles_reactors.json"
)

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads /proc (Linux)"
)


def _group(pgid: int) -> list[int]:
    """Live processes of process group ``pgid`` (zombies are dead already)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        state, group = fields[0], int(fields[2])
        if group == pgid and state != "Z":
            found.append(int(entry))
    return found


def _counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES
        }
    finally:
        con.close()


def _staging_files(folder: Path) -> int:
    return sum(
        1 for s in folder.glob(".w.duckdb.ingest-*") for _ in s.rglob("*.parquet")
    )


def _kill_when(folder: Path, export: Path, ready: Callable[[int, float], bool]) -> None:
    """Start ``tribu ingest``, SIGKILL it once ``ready(pid, seconds)``, check no orphan."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tribu", "ingest", "--db", "w.duckdb", str(export)],
        cwd=folder,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    started = time.monotonic()
    try:
        while not ready(process.pid, time.monotonic() - started):
            assert process.poll() is None, "the ingest ended before the moment to kill"
            assert time.monotonic() - started < 120, "the moment never came"
            time.sleep(0.02)
        assert process.poll() is None
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        deadline = time.monotonic() + 10
        while _group(process.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _group(process.pid) == [], (
            "a process of the killed ingest is still alive"
        )
    finally:
        for pid in _group(process.pid):  # never leave one behind, even on failure
            os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
            process.wait()


def _children(pid: int) -> int:
    return sum(1 for p in _group(pid) if p != pid)


def test_kill_9_leaves_the_warehouse_and_no_process(tmp_path: Path) -> None:
    export = tmp_path / "big.json"
    assert write_discord(export, MESSAGES) >= SHARD_MIN_BYTES  # so a worker runs
    db = tmp_path / "w.duckdb"
    ingest_paths([SMALL], db=db, keep_names=True)
    before = _counts(db)
    assert before["messages"] > 0 and before["ingest_runs"] == 1

    moments: dict[str, Callable[[int, float], bool]] = {
        "starting": lambda pid, seconds: seconds > 0.5,
        "both staging": lambda pid, seconds: (
            _children(pid) >= 1 and _staging_files(tmp_path) >= 12
        ),
        "merging": lambda pid, seconds: _staging_files(tmp_path) >= 18,
    }
    for moment, ready in moments.items():
        _kill_when(tmp_path, export, ready)
        assert _counts(db) == before, f"killed while {moment}: the warehouse changed"

    # After the kills, the same export loads whole, once.
    summary = ingest_paths([export], db=db)
    after = _counts(db)
    assert after["messages"] == before["messages"] + MESSAGES
    assert after["ingest_runs"] == before["ingest_runs"] + 1
    assert [f.status for f in summary.files] == ["ingested"]
    again = ingest_paths([export], db=db)
    assert [f.status for f in again.files] == ["skipped"]
    assert _counts(db) == after
    # No staging folder of the killed runs is left next to the warehouse.
    assert list(tmp_path.glob(".w.duckdb.ingest-*")) == []
