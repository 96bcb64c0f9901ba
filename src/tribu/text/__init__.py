"""tribu's text models: language, sentiment, sentence embeddings, word lists.

Everything that turns a text into a language code, a sentiment score or a vector lives here,
with its weight files (``tribu/text/models/``) and a registry of what exists
(:mod:`tribu.text.registry`). This package reads no warehouse and knows nothing of metrics or
the demo: the enrichment stage (:mod:`tribu.enrich`), listening and triage call it through the
names below. Training lives outside the installed package, in ``training/`` at the repository
root.

Process-wide shared models (loaded once, reused; safe to inherit in forked workers):

>>> detect_language(["Bonjour à tous, le live commence", "See you tonight", "ok"])
['fr', 'en', 'und']
>>> float(score_sentiment(["Trop bien, merci !"])[0]) > 0.7
True
>>> embedder().transform(["Le live commence à 20h"]).shape
(1, 256)

The classes, for your own settings or weights: :class:`LanguageDetector`,
:class:`SentimentScorer`, :class:`Embedder`; the word-list baselines in
:mod:`tribu.text.lexicons`; labelled-set evaluation in :mod:`tribu.text.evaluation`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tribu.text.embedders import DEFAULT_EMBEDDER, EMBEDDERS, Embedder
from tribu.text.language import (
    DETECTED_LANGUAGES,
    SUPPORTED_LANGUAGES,
    LanguageDetector,
)
from tribu.text.registry import MODELS, ModelCard, model_card
from tribu.text.sentiment import CLASSES, SentimentScorer
from tribu.text.vectors import unit_rows

__all__ = [
    "CLASSES",
    "DEFAULT_EMBEDDER",
    "DETECTED_LANGUAGES",
    "EMBEDDERS",
    "MODELS",
    "SUPPORTED_LANGUAGES",
    "Embedder",
    "LanguageDetector",
    "ModelCard",
    "SentimentScorer",
    "detect_language",
    "embedder",
    "language_detector",
    "model_card",
    "score_sentiment",
    "sentiment_scorer",
    "unit_rows",
]

_SHARED: dict[str, object] = {}


def embedder(name: str | None = None) -> Embedder:
    """The process-wide loaded embedder ``name`` (default ``static``): float32 vectors, one
    BLAS thread. Raises :class:`tribu.errors.ModelError` for an unknown name."""
    key = f"embedder:{name or DEFAULT_EMBEDDER}"
    if key not in _SHARED:
        _SHARED[key] = Embedder(
            model=name or DEFAULT_EMBEDDER, threads=1, dtype="float32"
        ).fit()
    found = _SHARED[key]
    assert isinstance(found, Embedder)
    return found


def sentiment_scorer() -> SentimentScorer:
    """The process-wide sentiment scorer with the shipped weights, loaded."""
    if "sentiment" not in _SHARED:
        _SHARED["sentiment"] = SentimentScorer().load()
    found = _SHARED["sentiment"]
    assert isinstance(found, SentimentScorer)
    return found


def language_detector() -> LanguageDetector:
    """The process-wide language detector (fr, en and five neighbours), loaded."""
    if "language" not in _SHARED:
        _SHARED["language"] = LanguageDetector().fit()
    found = _SHARED["language"]
    assert isinstance(found, LanguageDetector)
    return found


def detect_language(texts: Sequence[str]) -> list[str]:
    """Language code of each text (``fr``, ``en``, es, de, it, pt, nl) or ``und``."""
    return language_detector().predict(texts)


def score_sentiment(texts: Sequence[str]) -> np.ndarray:
    """Sentiment of each text in [0, 1]: 0.5 neutral, below 0.3 negative, 0.6+ positive."""
    return sentiment_scorer().score(texts)
