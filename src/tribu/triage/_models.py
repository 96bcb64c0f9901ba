"""The only door from triage to tribu's text models (sentiment, language, embeddings).

Every import of a text model by :mod:`tribu.triage` goes through this module, so that moving
the models to their own package (``tribu.text``) is a change of these few lines. The models
are loaded once per process and shared between threads (they are read-only after loading).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from tribu.text import Embedder, LanguageDetector, SentimentScorer

__all__ = ["detect_language", "embed", "sentiment"]

_lock = threading.Lock()
_loaded: dict[str, object] = {}


def _model(name: str) -> object:
    with _lock:
        if name not in _loaded:
            if name == "sentiment":
                _loaded[name] = SentimentScorer()
            elif name == "language":
                _loaded[name] = LanguageDetector().fit()
            else:
                _loaded[name] = Embedder(dtype="float32").fit()
        return _loaded[name]


def sentiment(texts: Sequence[str]) -> np.ndarray:
    """Sentiment scores in [0, 1] (0 very negative, 0.5 neutral), one per text."""
    scorer = _model("sentiment")
    assert isinstance(scorer, SentimentScorer)
    return np.asarray(scorer.score(list(texts)), dtype=np.float64)


def detect_language(texts: Sequence[str]) -> list[str]:
    """ISO 639-1 codes (``fr``, ``en``...) or ``und`` when the text is too short to tell."""
    detector = _model("language")
    assert isinstance(detector, LanguageDetector)
    return detector.predict(list(texts))


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit sentence vectors (static 256-d embedder), one row per text, float32."""
    embedder = _model("embedder")
    assert isinstance(embedder, Embedder)
    return np.asarray(embedder.transform(list(texts)), dtype=np.float32)
