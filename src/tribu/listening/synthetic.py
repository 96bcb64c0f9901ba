"""A generated warehouse of known topics, to check emergence and to measure speed.

``synthetic_warehouse`` writes messages and their enrichment (language, sentiment and a stored
int8 vector) straight into a warehouse, without text models: each topic has a random direction
in 256 dimensions and three words of its own; a message is its topic's direction plus Gaussian
noise (cosine about 0.78 to the direction) and a text made of its topic's words and fillers.
``background`` topics run steadily (Poisson volumes, each its own weekly mean between
``low`` and ``high``); ``bursts`` topics are injected in week ``burst_week``: the first
``new_bursts`` of them appear only then, the others already murmur (about 2 a week) before
they jump. ``noise_share`` of the messages belong to no topic.

Used by ``tests/listening/test_emergence_generated.py`` (the quality bar: the top 5 emerging
topics of the burst week hold at least 4 of the 5 injected ones; weeks without bursts raise at
most one false *emerging* topic) and by ``bench/bench_listening.py`` (1M messages).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

__all__ = ["SyntheticTruth", "synthetic_warehouse"]

DIM = 256
START = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday
_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ru",
    "ten",
    "vo",
    "zi",
    "pa",
    "sel",
    "dor",
    "na",
    "qui",
]
_FILLERS = ["vraiment", "the", "et", "so", "le", "avec", "with", "pour", "today"]


@dataclass
class SyntheticTruth:
    """What was generated: which topic words are bursts, and message counts."""

    burst_words: list[str] = field(default_factory=list)
    background_words: list[str] = field(default_factory=list)
    messages: int = 0
    burst_week_start: datetime = START


def _word(rng: np.random.Generator) -> str:
    return "".join(rng.choice(_SYLLABLES, size=3))


def synthetic_warehouse(
    con: Any,
    *,
    weeks: int = 10,
    background: int = 20,
    bursts: int = 5,
    new_bursts: int = 3,
    burst_week: int = 9,
    burst_size: int = 60,
    low: float = 15.0,
    high: float = 40.0,
    scale: float = 1.0,
    noise_share: float = 0.1,
    seed: int = 0,
) -> SyntheticTruth:
    """Fill an open, empty warehouse (see the module docstring); ``scale`` multiplies volumes."""
    import pyarrow as pa

    rng = np.random.default_rng(seed)
    n_topics = background + bursts
    directions = rng.normal(size=(n_topics, DIM)).astype(np.float32)
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    vocabulary: list[str] = []
    while len(vocabulary) < 3 * n_topics:  # every topic word unique to its topic
        word = _word(rng)
        if word not in vocabulary:
            vocabulary.append(word)
    words = [vocabulary[3 * t : 3 * t + 3] for t in range(n_topics)]
    means = rng.uniform(low, high, size=background) * scale
    counts = np.zeros((n_topics, weeks), dtype=np.int64)
    counts[:background] = rng.poisson(means[:, None], size=(background, weeks))
    for b in range(bursts):
        t = background + b
        if b >= new_bursts:
            counts[t, :burst_week] = rng.poisson(2 * scale, size=burst_week)
        counts[t, burst_week] = int(burst_size * scale)
        if burst_week + 1 < weeks:
            counts[t, burst_week + 1 :] = rng.poisson(
                burst_size * scale / 2, size=weeks - burst_week - 1
            )
    topic_of = np.concatenate(
        [np.repeat(np.arange(n_topics), counts[:, w]) for w in range(weeks)]
    )
    week_of = np.concatenate([np.full(counts[:, w].sum(), w) for w in range(weeks)])
    n_noise = int(len(topic_of) * noise_share / (1 - noise_share))
    topic_of = np.concatenate([topic_of, np.full(n_noise, -1)])
    week_of = np.concatenate([week_of, rng.integers(0, weeks, size=n_noise)])
    n = len(topic_of)
    vectors = np.empty((n, DIM), dtype=np.int8)
    for start in range(0, n, 200_000):
        part = slice(start, min(n, start + 200_000))
        chunk_topics: np.ndarray = topic_of[part]
        base = np.where(
            (chunk_topics >= 0)[:, None], directions[np.maximum(chunk_topics, 0)], 0.0
        ).astype(np.float32)
        noise = rng.normal(size=(len(chunk_topics), DIM)).astype(np.float32) * (
            0.8 / np.sqrt(DIM)
        )
        noise[chunk_topics < 0] *= np.sqrt(DIM) / 0.8  # pure noise points anywhere
        v = base + noise
        v /= np.abs(v).max(axis=1, keepdims=True)
        vectors[part] = np.rint(v * 127).astype(np.int8)
    seconds = rng.integers(0, 7 * 86_400, size=n)
    ts = [
        START + timedelta(weeks=int(w), seconds=int(s))
        for w, s in zip(week_of, seconds, strict=True)
    ]
    texts = []
    for t in topic_of:
        if t < 0:
            texts.append(" ".join(rng.choice(_FILLERS, size=4)))
        else:
            w = words[t]
            texts.append(f"{w[0]} {w[1]} {rng.choice(_FILLERS)} {w[2]}")
    ids = [f"s{i:08d}" for i in range(n)]
    channel = [f"ch-{t % 3 if t >= 0 else 0}" for t in topic_of]
    sentiment = rng.uniform(0.2, 0.9, size=n)
    con.execute(
        "INSERT INTO communities VALUES ('c-synth', 'generic', 'Synthetic', NULL, NULL)"
    )
    con.executemany(
        "INSERT INTO channels VALUES (?, 'c-synth', ?, 'text', NULL)",
        [(f"ch-{i}", f"salon-{i}") for i in range(3)],
    )
    messages = pa.table(
        {
            "message_id": ids,
            "community_id": ["c-synth"] * n,
            "channel_id": channel,
            "author_id": [f"m_{i % 500:04d}" for i in range(n)],
            "ts": pa.array(ts, pa.timestamp("us", tz="UTC")),
            "text": texts,
        }
    )
    enrichment = pa.table(
        {
            "message_id": ids,
            "lang": ["fr"] * n,
            "sentiment": sentiment,
            "embedding": pa.FixedSizeListArray.from_arrays(
                pa.array(vectors.reshape(-1), pa.int8()), DIM
            ).cast(pa.list_(pa.int8())),
        }
    )
    con.register("_synthetic_messages", messages)
    con.register("_synthetic_enrichment", enrichment)
    try:
        con.execute(
            "INSERT INTO messages (message_id, community_id, channel_id, author_id, ts, text) "
            "SELECT * FROM _synthetic_messages"
        )
        con.execute(
            "INSERT INTO enrichment (message_id, lang, sentiment, embedding) "
            "SELECT * FROM _synthetic_enrichment"
        )
        con.execute(
            "INSERT OR REPLACE INTO meta VALUES ('embedding_model', 'synthetic-256')"
        )
    finally:
        con.unregister("_synthetic_messages")
        con.unregister("_synthetic_enrichment")
    return SyntheticTruth(
        burst_words=[words[background + b][0] for b in range(bursts)],
        background_words=[words[t][0] for t in range(background)],
        messages=n,
        burst_week_start=START + timedelta(weeks=burst_week),
    )
