"""`tribu enrich` throughput on 1,000,000 generated French/English chat messages, both cores.

``run()`` generates a warehouse of 1,000,000 community-style messages (seeded), then measures in
a child process (so its peak memory is its own):

(a) language + sentiment: ``enrich_warehouse(workers=2)`` over all of them, reading from and
    writing to DuckDB, as ``tribu enrich`` does;
(b) embeddings: ``embed_missing(workers=2)`` with the default (static) embedder over the same
    1,000,000 messages once enriched, DuckDB read and write included, plus the bytes each
    stored embedding adds to the warehouse file.

The messages mix what a brand community posts: short replies that repeat (« ok », "gg",
« merci »), questions, thanks, complaints, slang, emoji, mentions, links, numbers, elongated and
shouted words, from one word to long paragraphs; about half French, half English. They are
built from tribu's chat templates (``training/chat_examples.py``) and the fragments and fillers
below, cut and recombined, so almost every text is distinct (the share of distinct texts is
recorded).
Writes ``bench/results/enrich.json``.
"""

from __future__ import annotations

import os
import random
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._measure import write_result

ROWS = 1_000_000

SHORT = {
    "fr": ["ok", "merci", "gg", "mdr", "d'acc", "top", "oui", "non", "😂", "👍", "ptdr",
           "ah ok", "grave", "bien vu", "je confirme", "+1", "nickel", "bof", "ouais", "😍"],
    "en": ["ok", "thanks", "gg", "lol", "yes", "no", "nice", "😂", "👍", "same", "+1",
           "agreed", "lmao", "cool", "ty", "omg", "true", "nope", "wow", "🔥"],
}  # fmt: skip
FILLERS = {
    "fr": ["du coup", "en vrai", "franchement", "perso", "bref", "sinon", "au fait",
           "quelqu'un sait si", "est-ce que", "vous pensez que", "hier soir", "ce matin",
           "pour info", "j'ai vu que", "la semaine prochaine", "avec ma sœur", "sur le discord",
           "dans la boutique", "depuis la mise à jour", "après le live"],
    "en": ["tbh", "honestly", "btw", "anyway", "does anyone know if", "I think",
           "last night", "this morning", "fyi", "I saw that", "next week", "with my brother",
           "on the discord", "in the shop", "since the update", "after the stream", "imo",
           "ngl", "quick question", "so basically"],
}  # fmt: skip
EXTRAS = ["@{user}", "<@{num}>", "https://shop.example.com/p/{num}", "#{num}", "{num}€",
          "{num}h", "!!!", "??", "...", "😅", "🙏", "❤️", "🎉", "😡", "🙄", "💯"]  # fmt: skip
USERS = ["lea", "max_92", "sam", "chloe", "tom", "nina", "alex", "jules", "kev", "emma"]


def generate_texts(rows: int, seed: int = 0) -> list[str]:
    """``rows`` chat messages, French and English, reproducible from ``seed``."""
    from training.chat_examples import chat_examples

    rng = random.Random(seed)
    seeds: dict[str, list[str]] = {"fr": [], "en": []}
    for text, _, lang in chat_examples(per_class=2_000, seed=seed + 1):
        seeds[lang].append(text)
    fragments = {
        lang: [
            f.strip()
            for t in texts
            for f in t.replace("?", ",").split(",")
            if f.strip()
        ]
        for lang, texts in seeds.items()
    }
    out: list[str] = []
    for _ in range(rows):
        lang = "fr" if rng.random() < 0.5 else "en"
        roll = rng.random()
        if roll < 0.15:  # short replies repeat a lot in chat
            text = rng.choice(SHORT[lang])
        elif roll < 0.40:
            text = rng.choice(seeds[lang])
            if rng.random() < 0.6:
                text = f"{rng.choice(FILLERS[lang])} {text}"
        else:  # recombined: 1-6 fragments with fillers, some long
            parts = [rng.choice(fragments[lang]) for _ in range(rng.randint(1, 6))]
            if rng.random() < 0.5:
                parts.insert(0, rng.choice(FILLERS[lang]))
            text = ", ".join(parts)
        if rng.random() < 0.3:
            extra = rng.choice(EXTRAS).format(
                user=rng.choice(USERS), num=rng.randint(1, 9999)
            )
            text = f"{text} {extra}" if rng.random() < 0.7 else f"{extra} {text}"
        if rng.random() < 0.05:
            text = text.upper()
        if rng.random() < 0.05:
            words = text.split()
            i = rng.randrange(len(words))
            if words[i][-1:].isalpha():
                words[i] += words[i][-1] * rng.randint(2, 5)
            text = " ".join(words)
        out.append(text)
    return out


def _fill(db: str, texts: list[str]) -> None:
    import pyarrow as pa

    from tribu.warehouse.store import open_warehouse

    con = open_warehouse(db)
    con.execute("SET enable_progress_bar = false")
    batch_table = pa.table(  # noqa: F841 - read by DuckDB's replacement scan
        {"id": [f"m{i:08d}" for i in range(len(texts))], "text": texts}
    )
    con.execute(
        "INSERT INTO messages (message_id, community_id, channel_id, author_id, ts, text) "
        "SELECT id, 'c', 'ch', 'a', TIMESTAMPTZ '2026-01-01', text FROM batch_table"
    )
    con.close()


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, workers) / 1024, 1)


def _cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _language_sentiment(db: str) -> dict[str, Any]:
    from tribu.enrich.pipeline import enrich_warehouse

    cpu = _cpu_seconds()
    summary = enrich_warehouse(db, workers=2)
    cpu = _cpu_seconds() - cpu
    return {
        "rows": summary.enriched,
        "seconds": round(summary.seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "rows_per_cpu_second": round(summary.enriched / cpu, 1),
        "languages": summary.languages,
        "peak_memory_mb": _peak_mb(),
    }


def _embeddings(db: str) -> dict[str, Any]:
    from tribu.enrich.embeddings import embed_missing
    from tribu.warehouse.store import open_warehouse

    con = open_warehouse(db)
    con.execute("SET enable_progress_bar = false")
    con.execute("CHECKPOINT")
    before = os.path.getsize(db)
    started = time.perf_counter()
    cpu = _cpu_seconds()
    rows = embed_missing(con, workers=2)
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu
    con.execute("CHECKPOINT")
    model = con.execute(
        "SELECT value FROM meta WHERE key = 'embedding_model'"
    ).fetchone()
    con.close()
    return {
        "model": model[0] if model else None,
        "rows": rows,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "rows_per_cpu_second": round(rows / cpu, 1),
        "bytes_per_message_on_disk": round((os.path.getsize(db) - before) / rows, 1),
        "peak_memory_mb": _peak_mb(),
    }


def _in_child(work: Any, db: str) -> dict[str, Any]:
    from bench._measure import measure_in_child

    _, value, _ = measure_in_child(work, db)
    return value


def run() -> dict[str, Any]:
    """Generate, measure (a) and (b), write and return the results."""
    started = time.perf_counter()
    load_before = os.getloadavg()
    texts = generate_texts(ROWS)
    distinct = len(set(texts))
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "enrich.duckdb")
        _fill(db, texts)
        language_sentiment = _in_child(_language_sentiment, db)
        embeddings = _in_child(_embeddings, db)
    for part in (language_sentiment, embeddings):
        part["rows_per_s"] = round(part["rows"] / part["seconds"], 1)
    return write_result(
        "enrich",
        {
            "what": "tribu enrich on generated fr/en chat messages, 2 workers on 2 cores, "
            "DuckDB read and write included: (a) language + sentiment on all rows, "
            "(b) embeddings (static embedder distilled from USE, 256-d, int8 storage) on "
            "all rows",
            "distinct_texts": distinct,
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "note": "the machine is shared with other sessions: rows_per_s depends on their "
            "load; rows_per_cpu_second (parent and workers) does not, and twice it is what "
            "two idle cores would give",
            "language_sentiment": language_sentiment,
            "embeddings": embeddings,
            "bars_msg_per_s": {"language_sentiment": 30_000, "embeddings": 3_000},
            "rows": language_sentiment["rows"],
            "seconds": language_sentiment["seconds"],
            "rows_per_s": language_sentiment["rows_per_s"],
            "peak_memory_mb": max(
                language_sentiment["peak_memory_mb"], embeddings["peak_memory_mb"]
            ),
            "bench_seconds": round(time.perf_counter() - started, 1),
        },
    )


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
