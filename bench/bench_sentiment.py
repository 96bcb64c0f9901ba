"""Sentiment quality (macro-F1 vs word lists) and `tribu enrich` throughput.

``run()`` evaluates the shipped model and the word-list baselines on the hand-labelled
development set (tests/data/sentiment) and on the held-out 15 % of the training files, then
enriches a generated warehouse of French/English chat messages in a child process (two workers)
and measures messages per second and peak memory; embeddings are timed on a smaller batch.
Writes ``bench/results/sentiment.json``.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import resource
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results" / "sentiment.json"
ROWS = 200_000
EMBED_ROWS = 10_000


def _quality() -> dict:
    from tribu.enrich.evaluation import evaluate
    from tribu.enrich.train_sentiment import _summary, dev_rows, training_split

    _, heldout = training_split()
    held = [row for part in heldout.values() for row in part]
    return {
        "dev_set": _summary(evaluate(dev_rows())),
        "heldout_training": _summary(evaluate(held)),
    }


def _generate(db: str, rows: int) -> None:
    from tribu.enrich.train_sentiment import dev_rows
    from tribu.warehouse.store import open_warehouse

    rng = random.Random(0)
    texts = [text for text, _, _ in dev_rows()]
    words = " ".join(texts).split()
    con = open_warehouse(db)
    batch = []
    for i in range(rows):
        # a dev message, half of the time with a few random words appended (so texts differ)
        text = rng.choice(texts)
        if i % 2:
            text += " " + " ".join(rng.choice(words) for _ in range(rng.randint(1, 6)))
        batch.append((f"m{i:08d}", text))
    import pyarrow as pa

    batch_table = pa.table({"id": [b[0] for b in batch], "text": [b[1] for b in batch]})  # noqa: F841
    con.execute(
        "INSERT INTO messages (message_id, community_id, channel_id, author_id, ts, text) "
        "SELECT id, 'c', 'ch', 'a', now(), text FROM batch_table"
    )
    con.close()


def _child(db: str, embeddings: bool, queue: multiprocessing.Queue) -> None:
    from tribu.enrich.pipeline import enrich_warehouse

    summary = enrich_warehouse(db, workers=2, embeddings=embeddings, batch_size=5_000)
    queue.put(
        {"rows": summary.enriched or summary.embedded, "seconds": summary.seconds}
    )


def _timed(db: str, embeddings: bool) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(db, embeddings, queue))
    process.start()
    result = queue.get()
    process.join()
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result["rows_per_s"] = round(result["rows"] / result["seconds"], 1)
    result["seconds"] = round(result["seconds"], 2)
    result["peak_memory_mb"] = round(peak_kb / 1024, 1)
    return result


def run() -> dict:
    """Measure quality and throughput; write and return the results."""
    started = time.perf_counter()
    quality = _quality()
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "bench.duckdb")
        _generate(db, ROWS)
        language_sentiment = _timed(db, embeddings=False)
        db2 = str(Path(folder) / "bench_embed.duckdb")
        _generate(db2, EMBED_ROWS)
        embeddings = _timed(db2, embeddings=True)
    result = {
        "what": "tribu sentiment model vs word lists (macro-F1 per language); "
        "tribu enrich on generated fr/en chat messages, 2 workers, 2 cores",
        "quality_macro_f1": quality,
        "enrich_language_sentiment": language_sentiment,
        "enrich_embeddings": embeddings,
        "rows": language_sentiment["rows"],
        "seconds": language_sentiment["seconds"],
        "rows_per_s": language_sentiment["rows_per_s"],
        "peak_memory_mb": max(
            language_sentiment["peak_memory_mb"], embeddings["peak_memory_mb"]
        ),
        "bench_seconds": round(time.perf_counter() - started, 1),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
