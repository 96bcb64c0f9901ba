"""Find the FAQ entry a question asks, with a calibrated confidence.

Two similarities are computed between the question and every phrasing of every entry, and
added with fixed weights:

* **lexical**: cosine of TF-IDF vectors of character 2–4-grams within words (scikit-learn's
  ``TfidfVectorizer(analyzer="char_wb")``) over accent-folded lower-case text. Character
  n-grams survive typos, chat spelling ("livraizon", "cmd") and French inflection, which word
  features miss; scikit-learn is already a dependency, well kept, and its sparse dot products
  score a few hundred phrasings in well under a millisecond.
* **dense**: cosine of tribu's static sentence embeddings (the 256-d default embedder), which
  matches paraphrases with no word in common ("where's my parcel" / "delivery times") and
  French against English.

An entry scores the best of its phrasings. The **confidence** is the probability that the best
entry is right, from a logistic regression on two features, the best score and its margin over
the second entry. It is calibrated on the FAQ itself, leave-one-out: each phrasing of an entry
with two or more is asked against all the others, and whether the best entry was its own is the
label. An FAQ with too few phrasings for that (fewer than 20 such questions, or all right, or
all wrong) gets the coefficients fitted on tribu's own development FAQ
(:data:`DEFAULT_CALIBRATION`). The bot answers when the confidence reaches the threshold set in
``tribu.toml`` (``[triage] confidence_threshold``).

The choice of weights, features and default threshold, and the figures they give, are in
``docs/triage.md``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from tribu.triage import _models

__all__ = [
    "DEFAULT_CALIBRATION",
    "LEXICAL_WEIGHT",
    "FaqRetriever",
    "Match",
    "normalise",
]

LEXICAL_WEIGHT = 0.5
# (intercept, best score, margin): logistic coefficients fitted leave-one-out on the Semelle
# development FAQ (docs/triage.md); used when an FAQ is too small to calibrate itself.
DEFAULT_CALIBRATION = (-6.0, 10.0, 12.0)
_MIN_CALIBRATION = 20
_REPEATS = re.compile(r"(.)\1{2,}")


def normalise(text: str) -> str:
    """Lower case, accents folded, letters repeated 3+ times cut to 2, spaces collapsed."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = folded.replace("’", "'")
    return " ".join(_REPEATS.sub(r"\1\1", folded).split())


@dataclass(frozen=True)
class Match:
    """The best FAQ entry for a question."""

    faq_id: str | None
    lang: str | None  # language of the phrasing that matched best
    score: float
    margin: float
    confidence: float


class FaqRetriever:
    """Rank FAQ entries for a question (lexical + dense similarity) and say how sure it is.

    Parameters
    ----------
    lexical_weight : float
        Weight of the character TF-IDF cosine; the embedding cosine gets the rest.

    Attributes
    ----------
    vectoriser_ : TfidfVectorizer
    lexical_ : sparse matrix of the phrasings' TF-IDF rows
    dense_ : ndarray of the phrasings' unit embeddings
    ids_, langs_ : the entry id and language of each phrasing
    calibration_ : (intercept, score weight, margin weight)
    calibrated_on_ : int
        Leave-one-out questions the calibration was fitted on (0: the default was used).

    Examples
    --------
    >>> r = FaqRetriever().fit(
    ...     [("delivery", "en", "How long does delivery take?"),
    ...      ("returns", "en", "How do I return a pair?")]
    ... )
    >>> r.match("when will my parcel be delivered").faq_id
    'delivery'
    """

    def __init__(self, lexical_weight: float = LEXICAL_WEIGHT) -> None:
        self.lexical_weight = lexical_weight

    def fit(self, phrasings: Sequence[tuple[str, str, str]]) -> FaqRetriever:
        """Index ``(faq_id, lang, text)`` phrasings and calibrate the confidence."""
        if not phrasings:
            raise ValueError("an FAQ retriever needs at least one phrasing")
        self.ids_ = np.array([p[0] for p in phrasings], dtype=object)
        self.langs_ = [p[1] for p in phrasings]
        texts = [normalise(p[2]) for p in phrasings]
        self.vectoriser_ = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=1
        )
        self.lexical_ = self.vectoriser_.fit_transform(texts)
        self.dense_ = _models.embed(texts)
        self.entries_ = sorted(set(self.ids_))
        self._entry_index = {e: i for i, e in enumerate(self.entries_)}
        self._phrasing_entry = np.array([self._entry_index[i] for i in self.ids_])
        self.calibration_, self.calibrated_on_ = self._calibrate()
        return self

    # -- scoring ----------------------------------------------------------------------------

    def _similarities(self, questions: Sequence[str]) -> np.ndarray:
        texts = [normalise(q) for q in questions]
        lexical = (self.vectoriser_.transform(texts) @ self.lexical_.T).toarray()
        dense = _models.embed(texts) @ self.dense_.T
        w = self.lexical_weight
        return np.asarray(w * lexical + (1 - w) * dense, dtype=np.float64)

    def _entry_scores(self, sims: np.ndarray) -> np.ndarray:
        """Best phrasing score per entry: (questions, entries)."""
        out = np.full((sims.shape[0], len(self.entries_)), -1.0)
        for column, entry in enumerate(self._phrasing_entry):
            np.maximum(out[:, entry], sims[:, column], out=out[:, entry])
        return out

    def _confidence(self, best: np.ndarray, margin: np.ndarray) -> np.ndarray:
        a, b, c = self.calibration_
        return np.asarray(1.0 / (1.0 + np.exp(-(a + b * best + c * margin))))

    def _calibrate(self) -> tuple[tuple[float, float, float], int]:
        sims = self._similarities_fitted()
        features, labels = [], []
        for row in range(len(self.ids_)):
            own = self._phrasing_entry[row]
            if np.sum(self._phrasing_entry == own) < 2:
                continue
            masked = sims[row].copy()
            masked[row] = -1.0
            scores = self._entry_scores(masked[None, :])[0]
            order = np.argsort(-scores)
            best = scores[order[0]]
            second = scores[order[1]] if len(order) > 1 else 0.0
            features.append((best, best - second))
            labels.append(int(order[0] == own))
        if len(labels) < _MIN_CALIBRATION or len(set(labels)) < 2:
            return DEFAULT_CALIBRATION, 0
        model = LogisticRegression(C=1.0).fit(np.array(features), np.array(labels))
        coef = model.coef_[0]
        return (
            float(model.intercept_[0]),
            float(coef[0]),
            float(coef[1]),
        ), len(labels)

    def _similarities_fitted(self) -> np.ndarray:
        lexical = (self.lexical_ @ self.lexical_.T).toarray()
        dense = self.dense_ @ self.dense_.T
        w = self.lexical_weight
        return np.asarray(w * lexical + (1 - w) * dense, dtype=np.float64)

    # -- questions --------------------------------------------------------------------------

    def match_many(self, questions: Sequence[str]) -> list[Match]:
        """The best entry of each question, with its score, margin and confidence."""
        if not questions:
            return []
        sims = self._similarities(questions)
        scores = self._entry_scores(sims)
        order = np.argsort(-scores, axis=1)
        rows = np.arange(len(questions))
        best = scores[rows, order[:, 0]]
        second = scores[rows, order[:, 1]] if scores.shape[1] > 1 else np.zeros_like(best)
        margin = best - second
        confidence = self._confidence(best, margin)
        matches = []
        for i in range(len(questions)):
            entry = self.entries_[order[i, 0]]
            phrasing_cols = np.flatnonzero(self._phrasing_entry == order[i, 0])
            top = phrasing_cols[np.argmax(sims[i, phrasing_cols])]
            matches.append(
                Match(
                    faq_id=str(entry),
                    lang=self.langs_[top],
                    score=float(best[i]),
                    margin=float(margin[i]),
                    confidence=float(confidence[i]),
                )
            )
        return matches

    def match(self, question: str) -> Match:
        """The best entry for one question."""
        return self.match_many([question])[0]
