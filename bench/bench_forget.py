"""Benchmark: ``tribu forget`` of one member in a warehouse of 1 million messages.

The warehouse is generated in DuckDB SQL (deterministic): 1 community, 10 channels, 20,000
members, 1,000,000 messages over 26 weeks, every message enriched, one reaction on every tenth
message. The member erased wrote every 20,000th message (50 messages) with a distinctive text.
Measured in a child process: the whole erasure (delete and redact in one transaction, delete
owned files, rewrite the file, list reports), its seconds and peak memory; then the file's size
before and after, and a byte search of the file for the member's text and id, before and after
(DuckDB compresses strings, so "before" counts only the copies stored plain; "after" must be 0).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bench._measure import measure_in_child, write_result

MESSAGES = 1_000_000
MEMBERS = 20_000
MARK = "Xylographie-du-membre-oublie"


def _generate(db: Path) -> None:
    from tribu.warehouse.store import open_warehouse

    con = open_warehouse(db)
    con.execute(
        "INSERT INTO communities VALUES ('c0', 'discord', 'Bench', 'bench', now())"
    )
    con.execute(
        "INSERT INTO channels SELECT 'ch' || i, 'c0', 'channel ' || i, 'text', NULL "
        "FROM range(10) t(i)"
    )
    con.execute(
        "INSERT INTO members (member_id, community_id, display_name) "
        f"SELECT 'm' || i, 'c0', 'member ' || i FROM range({MEMBERS}) t(i)"
    )
    con.execute(
        f"""
        INSERT INTO messages (message_id, community_id, channel_id, author_id, ts, text,
                              reaction_count, mentions)
        SELECT 'msg' || i, 'c0', 'ch' || (i % 10),
               CASE WHEN i % {MEMBERS} = 7 THEN 'm-forgotten' ELSE 'm' || (i % {MEMBERS}) END,
               TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(i * 15),
               CASE WHEN i % {MEMBERS} = 7 THEN '{MARK} ' || i
                    ELSE 'message ordinaire numero ' || i || ' sur les semis' END,
               CASE WHEN i % 10 = 0 THEN 1 ELSE 0 END,
               CASE WHEN i % 1000 = 3 THEN ['m-forgotten'] ELSE [] END
        FROM range({MESSAGES}) t(i)
        """
    )
    con.execute(
        "INSERT INTO members (member_id, community_id, display_name) "
        "VALUES ('m-forgotten', 'c0', 'member forgotten')"
    )
    con.execute(
        "INSERT INTO enrichment (message_id, lang, sentiment) "
        "SELECT message_id, 'fr', 0.5 FROM messages"
    )
    con.execute(
        "INSERT INTO reactions SELECT message_id, 'c0', 'm' || (hash(message_id) % 100), "
        "'👍', 1, ts FROM messages WHERE reaction_count = 1"
    )
    con.execute("CHECKPOINT")
    con.close()


def _forget(db: str) -> dict[str, Any]:
    from tribu.warehouse.forget import forget_member

    report = forget_member("m-forgotten", db=db)
    return {"rows": report.rows, "rewritten": report.rewritten}


def _hits(db: Path) -> int:
    """Occurrences of the member's text and id in the file's bytes (as ``grep -c -a``)."""
    body = db.read_bytes()
    return body.count(MARK.encode()) + body.count(b"m-forgotten")


def run() -> dict[str, Any]:
    """Generate, erase one member, check the bytes, write ``bench/results/forget.json``."""
    with tempfile.TemporaryDirectory(prefix="tribu-bench-forget-") as tmp:
        db = Path(tmp) / "bench.duckdb"
        _generate(db)
        size_before = db.stat().st_size
        hits_before = _hits(db)
        seconds, result, peak_mb = measure_in_child(_forget, str(db))
        hits = _hits(db)
        return write_result(
            "forget",
            {
                "what": "tribu.warehouse.forget.forget_member: delete and redact in one "
                "transaction, rewrite the DuckDB file (COPY FROM DATABASE into a fresh "
                "file, fsync, atomic rename), on a generated warehouse",
                "rows": MESSAGES,
                "seconds": round(seconds, 2),
                "rows_per_s": round(MESSAGES / seconds),
                "peak_memory_mb": round(peak_mb),
                "detail": {
                    "erased": result["rows"],
                    "rewritten": result["rewritten"],
                    "file_mb_before": round(size_before / 2**20, 1),
                    "file_mb_after": round(db.stat().st_size / 2**20, 1),
                    "byte_hits_before": hits_before,
                    "byte_hits_after": hits,
                },
            },
        )
