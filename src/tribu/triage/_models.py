"""The only door from triage to tribu's text models (sentiment, language, embeddings).

Every call of a text model by :mod:`tribu.triage` goes through this module, and this module
goes through :mod:`tribu.text`'s public, process-wide models (``score_sentiment``,
``detect_language``, ``embedder``): they are loaded once per process, shared with the rest of
tribu, and a change of model there (new weights, a new scorer) reaches the triage untouched.
Every function takes a batch of texts: one call for many messages is much cheaper than one call
each (:mod:`tribu.triage.batcher`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

import tribu.text

__all__ = ["detect_language", "embed", "sentiment", "warm"]

_lock = threading.Lock()
_warm = False


def warm() -> None:
    """Load the three models now (the first message then pays nothing)."""
    global _warm
    with _lock:  # two threads starting together load each model once
        if not _warm:
            tribu.text.sentiment_scorer()
            tribu.text.language_detector()
            tribu.text.embedder()
            _warm = True


def sentiment(texts: Sequence[str]) -> np.ndarray:
    """Sentiment scores in [0, 1] (0 very negative, 0.5 neutral), one per text."""
    warm()
    return np.asarray(tribu.text.score_sentiment(list(texts)), dtype=np.float64)


def detect_language(texts: Sequence[str]) -> list[str]:
    """ISO 639-1 codes (``fr``, ``en``...) or ``und`` when the text is too short to tell."""
    warm()
    return list(tribu.text.detect_language(list(texts)))


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit sentence vectors (static 256-d embedder), one row per text, float32."""
    warm()
    return np.asarray(tribu.text.embedder().transform(list(texts)), dtype=np.float32)
