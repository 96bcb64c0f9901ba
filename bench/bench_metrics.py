"""Benchmark: the full community scorecard on a warehouse of 10 million messages (DuckDB).

The data are generated in DuckDB SQL (seeded): 20 communities of 2,500 members each (one brand
account, one bot, five moderators of middling activity), five channels each, a year of messages
whose authors follow a skewed law (a few members write most), 30 % replies to a recent message
of the same community, 2 % mentions, 1 % brand posts plus a weekly Thursday live per community,
2 million timed reactions, a sentiment for every message, join/leave events, and three
campaigns per community.
The timed work, in a fresh child process, is :func:`tribu.metrics.scorecard.scorecard` over the
whole warehouse: engagement, time to sentiment (Kaplan–Meier), activity, UGC ratio and CPE,
roles with relays (betweenness sampled from 64 pivots above 1,000 members per community) and
rituals.
The bar is 30 seconds and 4 GB of peak memory.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from bench._measure import measure_in_child, write_result

MESSAGES = int(os.environ.get("TRIBU_BENCH_MESSAGES", 10_000_000))
COMMUNITIES = 20
MEMBERS_PER_COMMUNITY = 2_500
REACTIONS = MESSAGES // 5
BAR_SECONDS = 30
BAR_MEMORY_MB = 4096


def _generate(db: Path) -> dict[str, int]:
    from tribu.warehouse.store import open_warehouse

    per = MESSAGES // COMMUNITIES
    m_per = MEMBERS_PER_COMMUNITY
    con = open_warehouse(db)
    con.execute("SELECT setseed(0.42)")
    con.execute(
        f"""
        INSERT INTO communities
        SELECT 'c' || c, 'discord', 'Community ' || c, 'bench', TIMESTAMPTZ '2026-11-01 00:00:00+00'
        FROM range({COMMUNITIES}) t(c);
        INSERT INTO channels
        SELECT 'c' || c || '-ch' || k, 'c' || c, 'channel ' || k, 'text', NULL
        FROM range({COMMUNITIES}) a(c), range(5) b(k);
        INSERT INTO members
        SELECT 'c' || c || '-u' || u, 'c' || c, 'Member ' || u,
               u = 0, u = 1,
               CASE WHEN u BETWEEN 1000 AND 1004 THEN ['Moderator'] ELSE [] END,
               CASE WHEN u % 2 = 0 THEN TIMESTAMPTZ '2025-11-01 00:00:00+00'
                    + to_seconds(CAST(random() * 25000000 AS BIGINT)) END
        FROM range({COMMUNITIES}) a(c), range({m_per}) b(u);
        INSERT INTO member_events
        SELECT member_id, community_id, 'join',
               TIMESTAMPTZ '2025-11-01 00:00:00+00'
                   + to_seconds(CAST(random() * 25000000 AS BIGINT)), NULL
        FROM members WHERE joined_at IS NULL;
        INSERT INTO member_events
        SELECT member_id, community_id, 'leave', ts + INTERVAL 60 DAY, NULL
        FROM member_events WHERE kind = 'join' AND hash(member_id) % 20 = 0;
        """
    )
    # Message i belongs to community i // per; its time grows with i inside the community, so
    # a reply to a recent id is later than its parent.
    con.execute(
        f"""
        INSERT INTO messages
        SELECT 'm' || i, 'c' || c, 'c' || c || '-ch' || (hash(i) % 5),
               'c' || c || '-u' || author,
               TIMESTAMPTZ '2025-11-01 00:00:00+00'
                   + to_seconds(CAST((i % {per}) * (31536000.0 / {per}) AS BIGINT)),
               CASE WHEN r < 0.05 THEN 'Qui vient au #lancement ?'
                    WHEN r < 0.10 THEN 'Une question : comment ça marche ?'
                    WHEN r < 0.12 THEN 'Le nouveau produit est top https://ex.fr/p'
                    ELSE 'Message ' || i END,
               CASE WHEN author <> 0 AND r2 < 0.30 AND i % {per} > 60
                    THEN 'm' || (i - 1 - CAST(floor(random() * 50) AS BIGINT)) END,
               NULL,
               CAST(floor(random() * 3) AS INTEGER), 0,
               CASE WHEN r2 > 0.98 THEN ['c' || c || '-u' || (hash(i * 7) % {m_per})] END,
               NULL
        FROM (
            SELECT i, i // {per} AS c, random() AS r, random() AS r2,
                   CASE WHEN random() < 0.01 THEN 0
                        ELSE 2 + CAST(floor(({m_per} - 2) * pow(random(), 3)) AS BIGINT)
                   END AS author
            FROM range({MESSAGES}) t(i)
        )
        """
    )
    # A weekly Thursday 17:00 UTC live by a moderator in channel 0 of each community.
    con.execute(
        f"""
        INSERT INTO messages
        SELECT 'live-' || c || '-' || w, 'c' || c, 'c' || c || '-ch0', 'c' || c || '-u1000',
               TIMESTAMPTZ '2025-11-06 17:00:00+00' + INTERVAL (w * 7) DAY,
               'Live du jeudi', NULL, NULL, 0, 0, NULL, NULL
        FROM range({COMMUNITIES}) a(c), range(50) b(w)
        """
    )
    con.execute(
        f"""
        INSERT INTO reactions
        SELECT m.message_id, m.community_id, NULL,
               ['👍', '❤️', '🔥', '😡', '😂'][1 + CAST(floor(random() * 5) AS INT)], 1,
               m.ts + to_seconds(CAST(random() * 200000 AS BIGINT))
        FROM messages m USING SAMPLE {REACTIONS} ROWS (reservoir, 5);
        INSERT INTO enrichment
        SELECT message_id, 'fr', round(random(), 3), NULL, NULL FROM messages;
        INSERT INTO campaigns
        SELECT 'camp-' || c || '-' || k, 'Campaign ' || k, 'awareness', 'c' || c,
               TIMESTAMPTZ '2026-01-01 00:00:00+00' + INTERVAL (k * 90) DAY,
               TIMESTAMPTZ '2026-01-01 00:00:00+00' + INTERVAL (k * 90 + 30) DAY,
               CASE WHEN k = 2 THEN NULL ELSE 500.0 END, 'EUR',
               ['#lancement', 'nouveau produit'],
               ['m' || (c * {per} + 1000 + k * 100000)]
        FROM range({COMMUNITIES}) a(c), range(3) b(k);
        """
    )
    counts = {
        name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
        for name in ("messages", "members", "member_events", "reactions", "enrichment")
    }
    con.close()
    return counts


def _scorecard(db: str) -> dict[str, Any]:
    from tribu.metrics.scorecard import scorecard
    from tribu.warehouse.engines import ibis_tables

    card = scorecard(ibis_tables(db, utc_naive=True))
    return {
        "brand_posts": card["totals"]["brand_posts"],
        "median_engagement_rate": card["engagement"]["median_engagement_rate"],
        "km_median_hours": card["time_to_sentiment"]["km_median_hours"],
        "power_users": card["roles"]["power_users"],
        "relays": card["roles"]["relays"],
        "rituals": len(card["rituals"]),
        "campaigns": len(card["campaigns"]),
    }


def run() -> dict[str, Any]:
    """Generate the warehouse, time the scorecard in a child process, write the result."""
    with tempfile.TemporaryDirectory(prefix="tribu-bench-metrics-") as folder:
        db = Path(folder) / "bench.duckdb"
        counts = _generate(db)
        seconds, detail, peak_mb = measure_in_child(_scorecard, str(db))
    rows = counts["messages"]
    return write_result(
        "metrics",
        {
            "what": "tribu.metrics.scorecard.scorecard on DuckDB over the whole warehouse: "
            "ER, TTS (Kaplan-Meier), DAU/WAU, first response, conversations, sentiment, "
            "UGC ratio, CPE, roles with relays (sampled betweenness), rituals",
            "rows": rows,
            "tables": counts,
            "seconds": round(seconds, 2),
            "rows_per_s": int(rows / seconds),
            "peak_memory_mb": int(peak_mb),
            "bar_seconds": BAR_SECONDS,
            "bar_memory_mb": BAR_MEMORY_MB,
            "within_bar": seconds < BAR_SECONDS and peak_mb < BAR_MEMORY_MB,
            "detail": detail,
        },
    )


if __name__ == "__main__":
    print(run())
