"""`tribu listen` at scale, assignment of new messages, emergence and clustering quality.

``run()`` measures, each timed part in a child process (its peak memory its own):

(a) **1M**: a generated warehouse of about 1,000,000 already-embedded messages
    (:mod:`tribu.listening.synthetic`: 40 steady topics, 5 bursts, 10 % noise, 20 weeks), then
    what ``tribu listen`` runs on it: :func:`update_topics` (first run: read every stored
    vector, embed a 4,000-message sample with USE, cluster it, assign all, label, write
    ``topics``, ``topic_periods`` and ``enrichment.topic_id``) and :func:`listening_view`.
    Bar: ≤ 120 s and < 3 GB peak memory.
(b) **10k new messages** (copies of stored vectors, a new week, no topic yet) assigned to the
    existing topics by the incremental run (leftovers clustered too). Bar: < 5 s. ``seconds``
    is the child's whole work (imports, opening the warehouse, the run);
    ``update_seconds`` the run alone, ``phases_seconds`` its phases.
(c) **emergence** on the generated warehouse of the tests (20 steady + 5 bursts): how many of
    the 5 bursts are in the burst week's top 5 emerging topics, and false *emerging* topics in
    each quiet week.
(d) **clustering quality**: ``tribu eval clusters`` on the hand-written development sets of
    ``tests/data/listening`` (French, English) and on the FAQ paraphrases of
    ``tests/data/embeddings`` (written for another feature; never used to choose a setting).

Writes ``bench/results/listening.json``.
"""

from __future__ import annotations

import csv
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench._measure import measure_in_child, write_result

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
SCALE = 41  # 40 topics x ~27.5 a week x 20 weeks x 41 + bursts + 10 % noise ≈ 1M


def _generate(path: str) -> int:
    from tribu.listening.synthetic import synthetic_warehouse
    from tribu.warehouse.store import open_warehouse

    con = open_warehouse(path)
    try:
        truth = synthetic_warehouse(
            con, weeks=20, background=40, burst_week=18, scale=SCALE, seed=1
        )
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return truth.messages


def _listen(path: str) -> dict[str, Any]:
    from tribu.listening.pipeline import update_topics
    from tribu.listening.view import listening_view
    from tribu.warehouse.store import open_warehouse

    con = open_warehouse(path)
    try:
        started = time.perf_counter()
        run = update_topics(con)
        updated = time.perf_counter() - started
        view = listening_view(con)
        return {
            "update_seconds": round(updated, 2),
            "view_seconds": round(time.perf_counter() - started - updated, 2),
            "assigned": run.assigned,
            "unclustered": run.unclustered,
            "topics": run.topics,
            "clustering_space": run.clustering_space,
            "view_topics": len(view["topics"]),
            "phases_seconds": run.timings,
        }
    finally:
        con.close()


def _add_new(path: str, n: int) -> None:
    from tribu.warehouse.store import open_warehouse

    con = open_warehouse(path)
    try:
        con.execute(
            f"""
            CREATE TEMP TABLE picked AS
            SELECT m.*, e.lang, e.sentiment, e.embedding FROM messages m
            JOIN enrichment e USING (message_id) ORDER BY hash(message_id) LIMIT {n}
            """
        )
        con.execute(
            "INSERT INTO messages (message_id, community_id, channel_id, author_id, ts, text) "
            "SELECT 'new-' || message_id, community_id, channel_id, author_id, "
            "ts + INTERVAL 21 WEEK, text FROM picked"
        )
        con.execute(
            "INSERT INTO enrichment (message_id, lang, sentiment, embedding) "
            "SELECT 'new-' || message_id, lang, sentiment, embedding FROM picked"
        )
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _assign(path: str) -> dict[str, Any]:
    from tribu.listening.pipeline import update_topics
    from tribu.warehouse.store import open_warehouse

    con = open_warehouse(path)
    try:
        run = update_topics(con)
        return {
            "assigned": run.assigned,
            "unclustered": run.unclustered,
            "new_topics": run.new_topics,
            "relabelled": run.relabelled,
            "update_seconds": round(run.seconds, 2),
            "reclustered": run.reclustered,
            "phases_seconds": run.timings,
        }
    finally:
        con.close()


def _emergence() -> dict[str, Any]:
    from tribu.listening.pipeline import update_topics
    from tribu.listening.synthetic import synthetic_warehouse
    from tribu.listening.view import listening_view
    from tribu.warehouse.store import open_warehouse

    with tempfile.TemporaryDirectory() as folder:
        con = open_warehouse(Path(folder) / "e.duckdb")
        try:
            truth = synthetic_warehouse(con, scale=0.5, burst_size=80)
            update_topics(con, strong=False)
            end = truth.burst_week_start + timedelta(days=7) - timedelta(seconds=1)
            view = listening_view(con, until=end, limit=50)
            rising = [t for t in view["topics"] if t["status"] in ("emerging", "new")]
            hits = sum(
                any(w in t["label"] for w in truth.burst_words) for t in rising[:5]
            )
            false_alarms = []
            for weeks_before in range(1, 8):
                quiet = listening_view(
                    con, until=end - timedelta(weeks=weeks_before), limit=50
                )
                false_alarms.append(
                    sum(
                        t["status"] == "emerging"
                        and not any(w in t["label"] for w in truth.burst_words)
                        for t in quiet["topics"]
                    )
                )
        finally:
            con.close()
    return {
        "messages": truth.messages,
        "bursts_injected": len(truth.burst_words),
        "bursts_in_top5_emerging": hits,
        "false_emerging_per_quiet_week": false_alarms,
        "bar": "top 5 holds >= 4 bursts; <= 1 false emerging per quiet week",
    }


def _labelled(path: Path) -> list[tuple[str, str, str | None]]:
    rows: list[tuple[str, str, str | None]] = []
    label = ""
    lang = path.stem.rsplit("_", 1)[-1]
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("## "):
            label = line[3:]
        elif line:
            rows.append((line, label, lang))
    return rows


def _quality() -> dict[str, Any]:
    from tribu.listening.evaluation import evaluate_clusters

    dev = [
        r
        for lang in ("en", "fr")
        for r in _labelled(DATA / "listening" / f"dev_{lang}.txt")
    ]
    faq: set[tuple[str, str, str | None]] = set()
    with (DATA / "embeddings" / "faq_paraphrases.csv").open(encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            faq.add((record["question"], record["topic"], record["lang"]))
            faq.add((record["paraphrase"], record["topic"], record["lang"]))
    return {
        "dev_sets": evaluate_clusters(dev)["languages"],
        "faq_paraphrases": evaluate_clusters(sorted(faq))["languages"],
    }


def _load() -> list[float]:
    import os

    return [round(x, 2) for x in os.getloadavg()]


def run() -> dict[str, Any]:
    """Measure (a) to (d) of the module docstring and write ``listening.json``."""
    started = time.perf_counter()
    load_before = _load()
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "listen.duckdb")
        rows = _generate(path)
        load_1m = _load()
        seconds, listened, peak = measure_in_child(_listen, path)
        _add_new(path, 10_000)
        load_10k = _load()
        a_seconds, assigned, a_peak = measure_in_child(_assign, path)
        size = Path(path).stat().st_size
    emergence = _emergence()
    quality = _quality()
    return write_result(
        "listening",
        {
            "what": "tribu listen (update_topics + listening_view) on ~1M already-embedded "
            "generated messages; incremental assignment of 10k new ones; emergence on "
            "generated bursts; tribu eval clusters on the hand-written dev sets",
            "rows": rows,
            "seconds": round(seconds, 2),
            "rows_per_s": round(rows / seconds, 1),
            "peak_memory_mb": round(peak, 1),
            "load_average_1_5_15": {
                "at_start": load_before,
                "before_1m": load_1m,
                "before_10k": load_10k,
            },
            "listen_1m": {**listened, "warehouse_bytes": size, "bar_seconds": 120},
            "assign_10k": {
                **assigned,
                "rows": 10_000,
                "seconds": round(a_seconds, 2),
                "rows_per_s": round(10_000 / a_seconds, 1),
                "peak_memory_mb": round(a_peak, 1),
                "bar_seconds": 5,
            },
            "emergence": emergence,
            "clustering_quality": quality,
            "bench_seconds": round(time.perf_counter() - started, 1),
        },
    )


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
