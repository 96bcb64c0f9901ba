"""Language and sentiment of a batch of texts, with the shared text models of this process.

The models come from :mod:`tribu.text` (loaded once per process; a forked worker inherits its
parent's). :func:`enrich_batch` is what the pipeline's workers and
:func:`tribu.enrich.embeddings.embeddings_for` call.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from tribu import text

__all__ = ["enrich_batch", "load_models", "worker_init"]


def load_models() -> None:
    """Load the language detector and the sentiment scorer now (before forking workers)."""
    text.language_detector()
    text.sentiment_scorer()


def worker_init() -> None:
    """Start a worker process: one BLAS thread, models loaded."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    load_models()


def enrich_batch(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """(languages, sentiment scores) for one batch of texts, models loaded once per process."""
    texts = [t or "" for t in texts]
    return text.detect_language(texts), text.score_sentiment(texts)
