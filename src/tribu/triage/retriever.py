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
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from tribu.triage import _models

__all__ = [
    "CLASSIFIER_WEIGHT",
    "DEFAULT_CALIBRATION",
    "LEXICAL_WEIGHT",
    "FaqRetriever",
    "Match",
    "normalise",
]

LEXICAL_WEIGHT = 0.5
CLASSIFIER_WEIGHT = 0.5
# (intercept, best score, margin, nearest-phrasing score): logistic coefficients fitted by
# cross-validation on the Semelle development FAQ (docs/triage.md); used when an FAQ is too
# small to calibrate itself.
DEFAULT_CALIBRATION = (-2.79, 11.02, 2.38, -5.93)
_MIN_CALIBRATION = 20
_ENTRY_FOLDS = 5
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
    """Rank FAQ entries for a question and say how sure it is (see the module docstring).

    Parameters
    ----------
    lexical_weight : float
        Weight of the character TF-IDF cosine in the nearest-phrasing score; the embedding
        cosine gets the rest.
    classifier_weight : float
        Weight of the classifier's probability in the entry score; the nearest-phrasing
        score gets the rest.
    C : float
        Inverse regularisation of the entry classifier (scikit-learn's ``C``).
    folds : int
        Cross-validation folds of the confidence calibration.

    Attributes
    ----------
    vectoriser_ : TfidfVectorizer
    classifier_ : LogisticRegression or None (None with a single entry)
    entries_ : list of entry ids
    calibration_ : (intercept, weights of best score, margin, best nearest-phrasing score)
    calibrated_on_ : int
        Held-out phrasings the calibration was fitted on (0: the default was used).

    Examples
    --------
    >>> r = FaqRetriever().fit(
    ...     [("delivery", "en", "How long does delivery take?"),
    ...      ("returns", "en", "How do I return a pair?")]
    ... )
    >>> r.match("when will my parcel be delivered").faq_id
    'delivery'
    """

    def __init__(
        self,
        lexical_weight: float = LEXICAL_WEIGHT,
        classifier_weight: float = CLASSIFIER_WEIGHT,
        C: float = 10.0,  # noqa: N803 - scikit-learn's name
        folds: int = 5,
    ) -> None:
        self.lexical_weight = lexical_weight
        self.classifier_weight = classifier_weight
        self.C = C
        self.folds = folds

    def fit(self, phrasings: Sequence[tuple[str, str, str]]) -> FaqRetriever:
        """Index ``(faq_id, lang, text)`` phrasings, train the classifier, calibrate."""
        if not phrasings:
            raise ValueError("an FAQ retriever needs at least one phrasing")
        ids = [p[0] for p in phrasings]
        self.langs_ = [p[1] for p in phrasings]
        texts = [normalise(p[2]) for p in phrasings]
        dense = _models.embed(texts)
        self.entries_ = sorted(set(ids))
        labels = np.array([self.entries_.index(i) for i in ids])
        self.calibration_, self.calibrated_on_ = self._calibrate(texts, dense, labels)
        self._state = self._train(texts, dense, labels)
        return self

    # -- training ---------------------------------------------------------------------------

    def _train(self, texts: list[str], dense: np.ndarray, labels: np.ndarray) -> _State:
        vectoriser = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True
        )
        lexical = vectoriser.fit_transform(texts)
        classifier = None
        classes = np.unique(labels)
        if len(classes) > 1:
            features = sp.hstack([lexical, sp.csr_matrix(dense)]).tocsr()
            classifier = LogisticRegression(C=self.C, max_iter=100, tol=1e-3).fit(
                features, labels
            )
        order = np.argsort(labels, kind="stable")
        present, starts = np.unique(labels[order], return_index=True)
        return _State(
            vectoriser,
            lexical,
            dense,
            labels,
            classifier,
            classes,
            order,
            starts,
            present,
            np.ascontiguousarray(dense.T),
        )

    def _calibrate(
        self, texts: list[str], dense: np.ndarray, labels: np.ndarray
    ) -> tuple[tuple[float, ...], int]:
        """Fit P(right) on held-out phrasings (k-fold); an entry missing from a fold's
        training part is a question the FAQ cannot answer, a needed negative example."""
        if len(texts) < _MIN_CALIBRATION:
            return DEFAULT_CALIBRATION, 0
        rng = np.random.default_rng(0)
        folds = np.arange(len(texts)) % self.folds
        rng.shuffle(folds)
        tests = [folds == fold for fold in range(self.folds)]
        # Whole entries left out: their phrasings stand for questions the FAQ cannot answer.
        entries = np.unique(labels)
        for part in np.array_split(rng.permutation(entries), _ENTRY_FOLDS):
            if len(part) and len(part) < len(entries) - 1:
                tests.append(np.isin(labels, part))
        features, right = [], []
        for test in tests:
            train = ~test
            if len(np.unique(labels[train])) < 2 or not test.any():
                continue
            state = self._train(
                [t for t, keep in zip(texts, train, strict=True) if keep],
                dense[train],
                labels[train],
            )
            scores, nearest = self._scores(
                state,
                [t for t, keep in zip(texts, test, strict=True) if keep],
                dense[test],
            )
            best, margin, top = _top(scores)
            features.append(
                np.column_stack([best, margin, nearest[np.arange(len(top)), top]])
            )
            right.append(top == labels[test])
        if not right:
            return DEFAULT_CALIBRATION, 0
        x, y = np.vstack(features), np.concatenate(right).astype(int)
        if len(set(y)) < 2:
            return DEFAULT_CALIBRATION, 0
        model = LogisticRegression(C=100.0, max_iter=1000).fit(x, y)
        return (float(model.intercept_[0]), *map(float, model.coef_[0])), len(y)

    # -- scoring ----------------------------------------------------------------------------

    def _scores(
        self,
        state: _State,
        texts: list[str],
        dense: np.ndarray,
        lexical: sp.csr_matrix | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(entry scores, nearest-phrasing scores), both (questions, entries).

        ``lexical``: the questions' TF-IDF rows, when the caller already has them.
        """
        if lexical is None:
            lexical = state.vectoriser.transform(texts)
        sims = self.lexical_weight * (lexical @ state.lexical.T).toarray() + (
            1 - self.lexical_weight
        ) * (dense @ state.dense_t)
        # Best phrasing of each entry: one maximum per run of an entry's (sorted) columns.
        nearest = np.full((len(texts), len(self.entries_)), -1.0)
        if len(texts):
            grouped = np.maximum.reduceat(sims[:, state.order], state.starts, axis=1)
            nearest[:, state.present] = grouped
        if state.classifier is None:
            return nearest, nearest
        proba = np.zeros_like(nearest)
        features = sp.hstack([lexical, sp.csr_matrix(dense)]).tocsr()
        proba[:, state.classes] = state.classifier.predict_proba(features)
        w = self.classifier_weight
        return w * proba + (1 - w) * np.clip(nearest, 0, None), nearest

    def _confidence(
        self, best: np.ndarray, margin: np.ndarray, near: np.ndarray
    ) -> np.ndarray:
        a, b, c, d = self.calibration_
        return np.asarray(1.0 / (1.0 + np.exp(-(a + b * best + c * margin + d * near))))

    # -- questions --------------------------------------------------------------------------

    def match_many(self, questions: Sequence[str]) -> list[Match]:
        """The best entry of each question, with its score, margin and confidence.

        One pass for the whole batch: every question's features are computed together
        (much cheaper per question than one call each: see ``docs/triage.md``, load).
        """
        if not questions:
            return []
        texts = [normalise(q) for q in questions]
        state = self._state
        dense = _models.embed(texts)
        lexical = state.vectoriser.transform(texts)
        scores, nearest = self._scores(state, texts, dense, lexical)
        best, margin, top = _top(scores)
        rows = np.arange(len(texts))
        near = nearest[rows, top]
        confidence = self._confidence(best, margin, near)
        # The language of the best entry's phrasing nearest in characters (the first one on
        # a tie): lexical similarity to every phrasing, those of other entries masked out.
        lexical_sims = (lexical @ state.lexical.T).toarray()
        lexical_sims[state.labels[None, :] != top[:, None]] = -np.inf
        nearest_phrasing = np.argmax(lexical_sims, axis=1)
        return [
            Match(
                faq_id=str(self.entries_[top[i]]),
                lang=self.langs_[int(nearest_phrasing[i])],
                score=float(best[i]),
                margin=float(margin[i]),
                confidence=float(confidence[i]),
            )
            for i in rows
        ]

    def match(self, question: str) -> Match:
        """The best entry for one question."""
        return self.match_many([question])[0]


@dataclass(frozen=True)
class _State:
    vectoriser: TfidfVectorizer
    lexical: sp.csr_matrix
    dense: np.ndarray
    labels: np.ndarray
    classifier: LogisticRegression | None
    classes: np.ndarray
    order: np.ndarray  # phrasing columns sorted by entry
    starts: np.ndarray  # where each present entry's run starts in ``order``
    present: np.ndarray  # the entries that have phrasings, in that order
    dense_t: (
        np.ndarray
    )  # ``dense.T``, contiguous (a strided view is 100x slower in BLAS)


def _top(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(best score, margin over the second, index of the best) per row."""
    rows = np.arange(scores.shape[0])
    order = np.argsort(-scores, axis=1)
    best = scores[rows, order[:, 0]]
    second = scores[rows, order[:, 1]] if scores.shape[1] > 1 else np.zeros_like(best)
    return best, best - second, order[:, 0]
