"""How close the static embedder stays to its teacher (USE): the figures of its training run.

* :func:`mean_cosine`: mean cosine between student and teacher vectors of the same texts (both
  in the teacher's PCA-reduced space, where the student lives);
* :func:`neighbour_overlap`: for each text of a pool, the share of its 10 nearest neighbours by
  the student that are also among its 10 nearest by the teacher (1.0 = same neighbours);
* :func:`faq_top1`: FAQ retrieval, hand-written: each user paraphrase is matched to the most
  similar FAQ question; top-1 accuracy is the share matched to a question of its own topic.

Used by :mod:`training.train_embeddings` and ``bench/bench_embeddings.py``.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from training.paths import REPO_ROOT
from tribu.text.vectors import unit_rows

__all__ = ["FAQ_FILE", "faq_top1", "mean_cosine", "neighbour_overlap", "read_faq"]

FAQ_FILE = REPO_ROOT / "tests" / "data" / "embeddings" / "faq_paraphrases.csv"


def mean_cosine(student: np.ndarray, teacher: np.ndarray) -> float:
    """Mean over rows of cos(student row, teacher row)."""
    return float(np.mean(np.sum(unit_rows(student) * unit_rows(teacher), axis=1)))


def neighbour_overlap(student: np.ndarray, teacher: np.ndarray, k: int = 10) -> float:
    """Mean share of each row's k nearest rows (itself excluded) that both spaces agree on."""
    shared = 0
    for space in (student, teacher):
        similar = unit_rows(space) @ unit_rows(space).T
        np.fill_diagonal(similar, -np.inf)
        if space is student:
            mine = np.argpartition(-similar, k, axis=1)[:, :k]
        else:
            theirs = np.argpartition(-similar, k, axis=1)[:, :k]
    for a, b in zip(mine, theirs, strict=True):
        shared += len(set(a.tolist()) & set(b.tolist()))
    return shared / (k * len(mine))


def read_faq(path: Path = FAQ_FILE) -> list[dict[str, str]]:
    """Rows of the FAQ file: ``topic,lang,question,paraphrase`` (one row per paraphrase)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def faq_top1(
    embed: Callable[[Sequence[str]], np.ndarray], rows: list[dict[str, str]]
) -> dict[str, float]:
    """Top-1 accuracy of matching each paraphrase to its FAQ question.

    ``topic``: the nearest question (among all, both languages) has the paraphrase's topic;
    ``same_language``: the nearest question among those of the paraphrase's language is its
    own question.
    """
    questions = list(
        dict.fromkeys((r["topic"], r["lang"], r["question"]) for r in rows)
    )
    q_vectors = unit_rows(embed([q for _, _, q in questions]))
    p_vectors = unit_rows(embed([r["paraphrase"] for r in rows]))
    similar = p_vectors @ q_vectors.T
    topic_hits = lang_hits = 0
    for row, scores in zip(rows, similar, strict=True):
        topic_hits += questions[int(scores.argmax())][0] == row["topic"]
        same = [i for i, q in enumerate(questions) if q[1] == row["lang"]]
        best = same[int(scores[same].argmax())]
        lang_hits += questions[best][2] == row["question"]
    return {
        "topic": round(topic_hits / len(rows), 4),
        "same_language": round(lang_hits / len(rows), 4),
        "paraphrases": len(rows),
        "questions": len(questions),
    }
