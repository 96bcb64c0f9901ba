"""Sentiment quality: macro-F1 of tribu's model vs the word lists, and what an embedding head adds.

``run()`` evaluates the shipped model and the word-list baselines on every hand-labelled set in
``tests/data/sentiment`` (each ``<name>_fr.csv`` / ``<name>_en.csv`` pair is one set, recorded
as ``<name>_set``: the development set ``dev``, the independent ``blind`` set, any other) and on
the held-out 15 % of the training files, per language.
It then measures an optional embedding head: a logistic regression on the default
``Embedder``'s vectors (its name is recorded; the static model distilled from USE since that
became the default) trained on the same training rows, mixed half and half with the linear
model's probabilities
(the weight 0.5 was fixed before looking at any figure, not tuned), and records its gain and its
cost (messages per CPU-second of each). Throughput of ``tribu enrich`` is in
``bench/bench_enrich.py``. Also recorded: the short posts (140 characters or fewer) of the
held-out part (``heldout_training_short``), accuracy per phenomenon on the short-chat set
(``chat_set_accuracy_by_phenomenon``), calibration curves per language (``calibration``) and
the scorer's messages per CPU-second (``scoring_speed``). Writes
``bench/results/sentiment.json``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np

RESULTS = Path(__file__).parent / "results" / "sentiment.json"
SHORT = 140  # characters: a "short post"
BINS = 10  # calibration curve: score bins of width 0.1


def _phenomena() -> dict[str, Any]:
    """Accuracy of tribu and of the best word list per phenomenon of the short-chat set
    (``tests/data/sentiment/chat_*.csv``, column ``phenomenon``; see CHAT.md)."""
    import csv

    from tribu.text.lexicons import BASELINES
    from tribu.text.sentiment import SentimentScorer

    folder = Path(__file__).resolve().parents[1] / "tests" / "data" / "sentiment"
    scorer = SentimentScorer()
    out: dict[str, Any] = {}
    for lang in ("fr", "en"):
        with (folder / f"chat_{lang}.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        texts = [r["text"] for r in rows]
        predictions = {"tribu": scorer.predict(texts)}
        predictions.update({b.name: b().predict(texts) for b in BASELINES})
        part: dict[str, Any] = {}
        for name in sorted({r["phenomenon"] for r in rows}):
            index = [i for i, r in enumerate(rows) if r["phenomenon"] == name]
            part[name] = {"n": len(index)} | {
                model: round(
                    sum(predicted[i] == rows[i]["label"] for i in index) / len(index), 3
                )
                for model, predicted in predictions.items()
            }
        out[lang] = part
    return out


def scoring_speed(model_dir: str | None = None, rows: int = 200_000) -> dict[str, Any]:
    """Messages per CPU-second of ``SentimentScorer.score`` (the shipped weights, or those in
    ``model_dir``) on ``rows`` generated chat messages (``bench_enrich.generate_texts``, the
    enrichment benchmark's texts), in batches of 20,000 as ``tribu enrich`` sends them; one
    process, one thread. The load average is recorded beside it: CPU time is what the
    model costs, wall time depends on the other sessions."""
    import os

    from bench.bench_enrich import generate_texts
    from tribu.text.sentiment import SentimentScorer

    texts = generate_texts(rows)
    scorer = SentimentScorer(model_dir).load()
    scorer.score(texts[:1000])
    cpu = time.process_time()
    for start in range(0, rows, 20_000):
        scorer.score(texts[start : start + 20_000])
    seconds = time.process_time() - cpu
    return {
        "rows": rows,
        "cpu_seconds": round(seconds, 2),
        "rows_per_cpu_second": round(rows / seconds, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def _calibration() -> dict[str, Any]:
    """Calibration curves per language: for each score bin of width 0.1, how many messages
    and the share labelled negative, neutral, positive; and what the 0.3 / 0.6 thresholds
    give. On tribu's community sets (development, short chat, held-out hand-written chat)
    and on the held-out training data, apart."""
    from training.sentiment_data import handwritten_split, training_split

    from tribu.text.sentiment import SentimentScorer

    sets = labelled_sets()
    community = [row for name in ("dev", "chat") for row in sets.get(name, [])] + list(
        handwritten_split()[1]
    )
    _, heldout = training_split()
    held = [row for part in heldout.values() for row in part]
    scorer = SentimentScorer()
    out: dict[str, Any] = {}
    for data_name, data in (("community", community), ("heldout_training", held)):
        scores = scorer.score([row[0] for row in data])
        labels = np.array([row[1] for row in data])
        langs = np.array([row[2] for row in data])
        for lang in ("fr", "en"):
            mine = langs == lang
            s, y = scores[mine], labels[mine]
            curve = []
            for b in range(BINS):
                low, high = b / BINS, (b + 1) / BINS
                inside = (s >= low) & ((s < high) if b < BINS - 1 else (s <= high))
                n = int(inside.sum())
                curve.append(
                    {"bin": f"{low:.1f}-{high:.1f}", "n": n}
                    | {
                        c: (round(float((y[inside] == c).mean()), 3) if n else None)
                        for c in ("negative", "neutral", "positive")
                    }
                )
            low, high = s < 0.3, s >= 0.6
            middle = ~low & ~high
            out[f"{data_name}_{lang}"] = {
                "n": int(mine.sum()),
                "curve": curve,
                "below_0_3": {
                    "n": int(low.sum()),
                    "negative": round(float((y[low] == "negative").mean()), 3),
                    "positive": round(float((y[low] == "positive").mean()), 3),
                },
                "from_0_6": {
                    "n": int(high.sum()),
                    "positive": round(float((y[high] == "positive").mean()), 3),
                    "negative": round(float((y[high] == "negative").mean()), 3),
                },
                "neutral_labels_in_0_3_to_0_6": round(
                    float(middle[y == "neutral"].mean()), 3
                ),
            }
    return out


def labelled_sets() -> dict[str, list[tuple[str, str, str]]]:
    """Rows of each hand-labelled set in tests/data/sentiment, by set name (``dev``, ...)."""
    from tribu.text.evaluation import read_labelled_csv

    folder = Path(__file__).resolve().parents[1] / "tests" / "data" / "sentiment"
    sets: dict[str, list[tuple[str, str, str]]] = {}
    for path in sorted(folder.glob("*_*.csv")):
        name, _, lang = path.stem.rpartition("_")
        if lang in ("fr", "en") and name:
            sets.setdefault(name, []).extend(read_labelled_csv(path))
    return sets


def _quality() -> dict[str, Any]:
    from training.sentiment_data import handwritten_split, training_split
    from training.train_sentiment import summary

    from tribu.text.evaluation import evaluate

    _, heldout = training_split()
    held = [row for part in heldout.values() for row in part]
    out = {
        f"{name}_set": summary(evaluate(rows)) for name, rows in labelled_sets().items()
    }
    out["heldout_training"] = summary(evaluate(held))
    # short posts (140 characters or fewer) of the same held-out part: the figure issue 20
    # started from (en 0.689, fr 0.620 with the model before it)
    out["heldout_training_short"] = summary(
        evaluate([row for row in held if len(row[0]) <= SHORT])
    )
    # tribu's own hand-written chat (training/sentiment): its 15 % held-out part, reported
    # apart so that "heldout_training" keeps meaning the shared training files only.
    out["heldout_handwritten"] = summary(evaluate(handwritten_split()[1]))
    return out


def _margins(quality: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for data, languages in quality.items():
        for lang, part in languages.items():
            scores = part["macro_f1"]
            best = max(v for k, v in scores.items() if k != "tribu")
            out[f"{data}_{lang}"] = round(scores["tribu"] - best, 4)
    return out


def _macro_f1(labels: list[str], proba: np.ndarray) -> float:
    from sklearn.metrics import f1_score

    from tribu.text.sentiment import CLASSES

    predicted = [CLASSES[i] for i in proba.argmax(axis=1).tolist()]
    return round(
        float(f1_score(labels, predicted, labels=sorted(set(labels)), average="macro")),
        4,
    )


def _embedding_head() -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression
    from training.sentiment_data import training_split
    from training.train_sentiment import CHAT_WEIGHT, with_chat

    from tribu.text import Embedder
    from tribu.text.sentiment import CLASSES, SentimentScorer

    train, heldout = training_split()
    rows = with_chat(train, CHAT_WEIGHT)  # the rows the shipped model was trained on
    held = [row for part in heldout.values() for row in part]
    embedder = Embedder(threads=1, dtype="float32").fit()

    def embed(texts: list[str]) -> np.ndarray:
        return np.vstack(
            [
                embedder.transform(texts[i : i + 2000])
                for i in range(0, len(texts), 2000)
            ]
        )

    cpu = time.process_time()
    train_vectors = embed([r[0] for r in rows])
    embed_rate = len(rows) / (time.process_time() - cpu)
    head = LogisticRegression(C=1.0, max_iter=2000)
    head.fit(train_vectors, [r[1] for r in rows], sample_weight=[r[3] for r in rows])
    order = [list(head.classes_).index(c) for c in CLASSES]
    linear = SentimentScorer()
    texts = [r[0] for r in held]
    cpu = time.process_time()
    linear.predict_proba(texts)
    linear_rate = len(texts) / (time.process_time() - cpu)
    result: dict[str, Any] = {
        "embedder": embedder.model,
        "mix_weight": 0.5,
        "training_rows": len(rows),
        "messages_per_cpu_second": {
            "linear_model": round(linear_rate, 1),
            "embedding": round(embed_rate, 1),
        },
        "macro_f1": {},
    }
    evaluated = {"heldout_training": held}
    evaluated.update({f"{name}_set": rows for name, rows in labelled_sets().items()})
    for name, data in evaluated.items():
        base = linear.predict_proba([r[0] for r in data])
        with_head = head.predict_proba(embed([r[0] for r in data]))[:, order]
        for lang in ("fr", "en"):
            idx = [i for i, r in enumerate(data) if r[2] == lang]
            labels = [data[i][1] for i in idx]
            result["macro_f1"][f"{name}_{lang}"] = {
                "linear": _macro_f1(labels, base[idx]),
                "embedding_head_alone": _macro_f1(labels, with_head[idx]),
                "linear_and_head_mixed": _macro_f1(
                    labels, 0.5 * base[idx] + 0.5 * with_head[idx]
                ),
            }
    return result


def run() -> dict[str, Any]:
    """Measure quality and the embedding head; write and return the results."""
    started = time.perf_counter()
    quality = _quality()
    head = _embedding_head()
    result = {
        "what": "tribu sentiment model vs word lists (macro-F1 per language, every labelled "
        "set in tests/data/sentiment and held-out training data); optional embedding head: "
        "gain and cost",
        "quality_macro_f1": quality,
        "margin_over_best_word_list": _margins(quality),
        "bar": 0.10,
        "chat_set_accuracy_by_phenomenon": _phenomena(),
        "calibration": _calibration(),
        "scoring_speed": scoring_speed(),
        "embedding_head": head,
        "rows": sum(p["n"] for q in quality.values() for p in q.values()),
        "seconds": round(time.perf_counter() - started, 1),
        "rows_per_s": None,
        "peak_memory_mb": None,
    }
    import resource

    result["peak_memory_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
    )
    result["rows_per_s"] = round(result["rows"] / result["seconds"], 1)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
