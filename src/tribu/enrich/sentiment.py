"""Sentiment of chat messages: a score in [0, 1], 0 very negative, 0.5 neutral, 1 very positive.

:class:`SentimentScorer` is a three-class logistic regression (scikit-learn) over words with their
negation marks, word pairs, character 3–5-grams and word-list sums (see
:mod:`tribu.enrich._features`). It was picked over a classifier on sentence embeddings because it
is about a hundred times faster and, on chat, as good (measured in ``docs/enrichment.md``).

The score is ``P(positive) + 0.5 * P(neutral)`` = ``0.5 + (P(positive) - P(negative)) / 2``, so
0.5 means "no lean", below 0.3 means the model gives negative at least 0.4 more probability than
positive, and 0.6 or more means positive leads by at least 0.2. A message without any word,
number or emoji (empty, attachments only) scores exactly 0.5.

The weights ship in ``tribu/enrich/models/`` as ``sentiment.npz`` (coefficients, float16) and
``sentiment_vocabulary.txt`` (one feature per line): no pickle, nothing downloaded.
``python -m tribu.enrich.train_sentiment`` (``make train-sentiment``) rebuilds them.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from tribu.enrich._features import DENSE_NAMES, feature_names, features_matrix
from tribu.enrich._text import analyse
from tribu.errors import ModelError

__all__ = ["CLASSES", "SentimentScorer", "shipped_model_dir"]

CLASSES = ("negative", "neutral", "positive")


def shipped_model_dir() -> Path:
    """Folder of the weights that ship with tribu."""
    return Path(str(resources.files("tribu.enrich") / "models"))


class SentimentScorer:
    """Score messages for sentiment, in French and English.

    Parameters
    ----------
    model_dir : path, optional
        Folder holding ``sentiment.npz`` and ``sentiment_vocabulary.txt``; the weights shipped
        with tribu when None. Used only when the scorer is not fitted in this process.
    C : float
        Inverse regularisation strength of the logistic regression (``fit`` only).
    max_word_features, max_char_features : int
        Vocabulary sizes kept by ``fit``, most frequent first (words and pairs; char n-grams).
    min_count : int
        A feature must occur in at least this many training texts to enter the vocabulary.

    Attributes
    ----------
    vocabulary_ : dict of str to int
        Feature name to column.
    coef_ : ndarray of shape (n_features, 3)
        Weights per class, columns in :data:`CLASSES` order.
    intercept_ : ndarray of shape (3,)

    Examples
    --------
    >>> scorer = SentimentScorer()
    >>> bool(scorer.score(["Trop bien, merci !"])[0] > 0.7)
    True
    """

    def __init__(
        self,
        model_dir: str | os.PathLike[str] | None = None,
        *,
        C: float = 1.0,  # noqa: N803 - scikit-learn's name
        max_word_features: int = 40_000,
        max_char_features: int = 60_000,
        min_count: int = 2,
    ) -> None:
        self.model_dir = model_dir
        self.C = C
        self.max_word_features = max_word_features
        self.max_char_features = max_char_features
        self.min_count = min_count

    # ---- learning -------------------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        sample_weight: Sequence[float] | None = None,
    ) -> SentimentScorer:
        """Build the vocabulary from ``texts`` and fit the logistic regression."""
        from sklearn.linear_model import LogisticRegression

        word_counts: Counter[str] = Counter()
        char_counts: Counter[str] = Counter()
        for text in texts:
            words, chars = feature_names(analyse(text))
            word_counts.update(set(words))
            char_counts.update(set(chars))
        vocabulary: dict[str, int] = {}
        for counts, limit in (
            (word_counts, self.max_word_features),
            (char_counts, self.max_char_features),
        ):
            for name, count in counts.most_common(limit):
                if count >= self.min_count:
                    vocabulary[name] = len(vocabulary)
        matrix = features_matrix(texts, vocabulary)
        model = LogisticRegression(C=self.C, max_iter=2000)
        model.fit(matrix, list(labels), sample_weight=sample_weight)
        order = [list(model.classes_).index(c) for c in CLASSES]
        self.vocabulary_ = vocabulary
        self.coef_ = model.coef_[order].T.astype(np.float32)
        self.intercept_ = model.intercept_[order].astype(np.float32)
        return self

    def save(self, directory: str | os.PathLike[str], metadata: dict[str, Any]) -> None:
        """Write the fitted weights (npz, float16), vocabulary (txt) and metadata (json)."""
        self._check_fitted()
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        names = sorted(self.vocabulary_, key=self.vocabulary_.__getitem__)
        if any("\n" in name for name in names):
            raise ModelError(
                "A feature name holds a newline; the vocabulary file would break."
            )
        (folder / "sentiment_vocabulary.txt").write_text(
            "\n".join(names), encoding="utf-8"
        )
        np.savez_compressed(
            folder / "sentiment.npz",
            coef=self.coef_.astype(np.float16),
            intercept=self.intercept_,
            classes=np.array(CLASSES),
            dense_names=np.array(DENSE_NAMES),
        )
        (folder / "sentiment.json").write_text(
            json.dumps(metadata, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )

    # ---- scoring --------------------------------------------------------------------------
    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities (n, 3) of negative, neutral, positive for each text."""
        self._ensure_loaded()
        if not len(texts):
            return np.zeros((0, 3))
        matrix = features_matrix(texts, self.vocabulary_)
        logits = np.asarray(matrix @ self.coef_, dtype=np.float64) + self.intercept_
        logits -= logits.max(axis=1, keepdims=True)
        proba = np.exp(logits)
        proba /= proba.sum(axis=1, keepdims=True)
        # no token at all (empty, attachment only): exactly neutral
        empty = np.diff(matrix.indptr) == 0
        empty |= np.array([not (t or "").strip() for t in texts])
        proba[empty] = (0.0, 1.0, 0.0)
        return proba

    def score(self, texts: Sequence[str]) -> np.ndarray:
        """Sentiment in [0, 1]: ``P(positive) + 0.5 * P(neutral)``; 0.5 is neutral."""
        proba = self.predict_proba(texts)
        return proba[:, 2] + 0.5 * proba[:, 1]

    def predict(self, texts: Sequence[str]) -> list[str]:
        """Most probable class of each text: negative, neutral or positive."""
        proba = self.predict_proba(texts)
        return [CLASSES[i] for i in proba.argmax(axis=1).tolist()]

    # ---- loading --------------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise ModelError(
                "The sentiment scorer is not fitted; call fit() or score()."
            )

    def _ensure_loaded(self) -> None:
        if hasattr(self, "coef_"):
            return
        folder = Path(self.model_dir) if self.model_dir else shipped_model_dir()
        weights = folder / "sentiment.npz"
        vocabulary_file = folder / "sentiment_vocabulary.txt"
        try:
            with np.load(weights, allow_pickle=False) as data:
                coef = data["coef"].astype(np.float32)
                intercept = data["intercept"].astype(np.float32)
            names = vocabulary_file.read_text(encoding="utf-8").split("\n")
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(
                f"{weights}: cannot load the sentiment model ({exc}). Reinstall tribu or "
                "rebuild the weights with 'make train-sentiment'."
            ) from exc
        if coef.shape != (len(names) + len(DENSE_NAMES), 3):
            raise ModelError(
                f"{weights}: weights have shape {coef.shape} but the vocabulary has "
                f"{len(names)} features plus {len(DENSE_NAMES)} dense ones. Rebuild them "
                "with 'make train-sentiment'."
            )
        self.vocabulary_ = {name: i for i, name in enumerate(names)}
        self.coef_ = coef
        self.intercept_ = intercept
