"""Sentiment of chat messages: a score in [0, 1], 0 very negative, 0.5 neutral, 1 very positive.

:class:`SentimentScorer` is a three-class linear model over words with their negation marks,
word pairs, hashed character 3–5-grams and the word lists' sums and compound scores (see
:mod:`tribu.text._features`): NB-LR, one scikit-learn logistic regression per class on the
features scaled by their naive-Bayes log-count ratios, with a softmax over the three (it beat
the plain multinomial logistic regression on an inner validation split of the training data;
see :mod:`training.train_sentiment`). It was picked over a classifier on sentence
embeddings because it scores better on every labelled set and needs no embedding per message
(measured in ``docs/enrichment.md``). Features are computed for a whole batch at once
(:mod:`tribu.text._batch_text`), and identical texts in a batch are scored once.

Since issue 20 the weights also carry a static student of multilingual-e5-small: at training
time the model saw each message's summed e5 word vectors beside its n-gram features, and those
columns' weights were folded into the words' own weights (``fit(..., word_vectors=...)``), so
scoring is unchanged in form and cost; the fitted weights are then divided by a temperature so
that the 0.3 and 0.6 thresholds keep their meaning (see ``training/train_sentiment.py``).

The score is ``P(positive) + 0.5 * P(neutral)`` = ``0.5 + (P(positive) - P(negative)) / 2``, so
0.5 means "no lean", below 0.3 means the model gives negative at least 0.4 more probability than
positive, and 0.6 or more means positive leads by at least 0.2. A message without any word,
number or emoji (empty, attachments only) scores exactly 0.5.

The weights ship in ``tribu/text/models/`` as ``sentiment.npz`` (coefficients, float16) and
``sentiment_vocabulary.txt`` (``w word`` and ``p first second`` lines): no pickle, nothing
downloaded. ``python -m training.train_sentiment`` (``make train-sentiment``) rebuilds them.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from tribu.errors import ModelError
from tribu.text._batch_text import SEPARATOR, tokenise_batch
from tribu.text._features import CHAR_BITS, DENSE_NAMES, FeatureSpace
from tribu.text.registry import model_dir

__all__ = ["CLASSES", "SentimentScorer"]

CLASSES = ("negative", "neutral", "positive")


def _by_count(counts: Counter[str]) -> list[tuple[str, int]]:
    """Most frequent first, ties in alphabetical order: the same vocabulary on every run
    (``Counter.most_common`` breaks ties by insertion order, which follows set order, which
    changes with Python's string hash seed)."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


class SentimentScorer:
    """Score messages for sentiment, in French and English.

    Parameters
    ----------
    model_dir : path, optional
        Folder holding ``sentiment.npz`` and ``sentiment_vocabulary.txt``; the weights shipped
        with tribu when None. Used only when the scorer is not fitted in this process.
    C : float
        Inverse regularisation strength of the logistic regression (``fit`` only).
    max_words, max_pairs : int
        Vocabulary sizes kept by ``fit``, most frequent first.
    min_count : int
        A word or pair must occur in at least this many training texts to enter the vocabulary.
    char_bits : int
        log2 of the number of hashed character n-gram buckets.
    class_weight : str or None
        Passed to scikit-learn (``"balanced"`` evens out the classes).
    nb_alpha : float or None
        Smoothing of the naive-Bayes log-count ratios that scale the features of each
        one-class-against-the-rest logistic regression (see ``fit``); None fits one plain
        multinomial logistic regression instead.

    Attributes
    ----------
    features_ : FeatureSpace
        Vocabularies and column layout.
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
        max_words: int = 30_000,
        max_pairs: int = 30_000,
        min_count: int = 2,
        char_bits: int = CHAR_BITS,
        class_weight: str | None = None,
        nb_alpha: float | None = 0.25,
        vector_scale: float = 1.0,
    ) -> None:
        self.model_dir = model_dir
        self.C = C
        self.max_words = max_words
        self.max_pairs = max_pairs
        self.min_count = min_count
        self.char_bits = char_bits
        self.class_weight = class_weight
        self.nb_alpha = nb_alpha
        self.vector_scale = vector_scale

    # ---- learning -------------------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        sample_weight: Sequence[float] | None = None,
        word_vectors: Mapping[str, np.ndarray] | None = None,
    ) -> SentimentScorer:
        """Build the vocabularies from ``texts`` and fit the classifier.

        ``word_vectors`` (training only: a teacher's vector for each word, see
        :mod:`training.e5_teacher`) adds a static student of the teacher: every word that has a
        vector joins the vocabulary, and the model also sees each message's sum of the vectors
        of its plain and of its negated words, scaled like the word block and multiplied by
        ``vector_scale``. Those columns are linear in the word columns, so their weights are
        folded into the words' own weights after fitting: the saved model has the same shape
        and the same cost per message as without vectors, and a word seen once or never in the
        labelled data still gets the weight its vector's neighbours earned.

        With ``nb_alpha`` set (the default), one binary logistic regression per class (this
        class against the two others) is fitted on the features scaled by their naive-Bayes
        log-count ratio for that class (NB-LR, Wang & Manning 2012); the ratios are folded into
        the saved weights and the three scores go through a softmax, so scoring is the same
        computation as for a plain multinomial model. ``nb_alpha=None`` fits the plain
        multinomial logistic regression.
        """
        space = self.build_feature_space(
            texts, extra_words=list(word_vectors) if word_vectors else ()
        )
        matrix = space.matrix(space.tokenise(texts))
        vectors = None
        if word_vectors:
            vectors = self._vector_rows(space, word_vectors)
            matrix = sp.hstack(
                [matrix, self._vector_block(space, matrix, vectors)], format="csr"
            )
        weights = (
            np.ones(len(texts))
            if sample_weight is None
            else np.asarray(sample_weight, dtype=np.float64)
        )
        if self.nb_alpha is None:
            coef, intercept = self._fit_multinomial(matrix, labels, weights)
        else:
            coef, intercept = self._fit_nb_logistic(
                matrix, labels, weights, space.offsets["dense"]
            )
        if vectors is not None:
            coef = self._fold_vectors(space, coef, vectors)
        self.features_ = space
        self.coef_ = coef.astype(np.float32)
        self.intercept_ = intercept.astype(np.float32)
        return self

    def _vector_rows(
        self, space: FeatureSpace, word_vectors: Mapping[str, np.ndarray]
    ) -> np.ndarray:
        """(n_words, dim) teacher vectors in vocabulary order, zero for words without one,
        times ``vector_scale``."""
        dim = len(next(iter(word_vectors.values())))
        rows = np.zeros((len(space.words), dim), dtype=np.float32)
        for i, word in enumerate(space.words):
            vector = word_vectors.get(word)
            if vector is not None:
                rows[i] = vector
        scaled: np.ndarray = rows * np.float32(self.vector_scale)
        return scaled

    @staticmethod
    def _vector_block(
        space: FeatureSpace, matrix: sp.csr_matrix, vectors: np.ndarray
    ) -> sp.csr_matrix:
        """Per message: summed vectors of its plain words, then of its negated words (each
        word weighted like its word column)."""
        n_words = len(space.words)
        plain = matrix[:, :n_words] @ vectors
        negated = matrix[:, n_words : 2 * n_words] @ vectors
        return sp.csr_matrix(np.hstack([plain, negated]).astype(np.float32))

    @staticmethod
    def _fold_vectors(
        space: FeatureSpace, coef: np.ndarray, vectors: np.ndarray
    ) -> np.ndarray:
        """Fold the weights of the vector columns into the word columns, drop them."""
        n_words, dim = vectors.shape
        base = space.n_features
        folded = coef[:base].copy()
        folded[:n_words] += vectors @ coef[base : base + dim]
        folded[n_words : 2 * n_words] += vectors @ coef[base + dim : base + 2 * dim]
        return folded

    def _logistic(self) -> Any:
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(
            C=self.C, max_iter=3000, class_weight=self.class_weight
        )

    def _fit_multinomial(
        self, matrix: sp.csr_matrix, labels: Sequence[str], weights: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        from threadpoolctl import threadpool_limits

        model = self._logistic()
        with threadpool_limits(limits=1):  # same sums in the same order: same weights
            model.fit(matrix, list(labels), sample_weight=weights)
        order = [list(model.classes_).index(c) for c in CLASSES]
        return model.coef_[order].T, model.intercept_[order]

    def _fit_nb_logistic(
        self,
        matrix: sp.csr_matrix,
        labels: Sequence[str],
        weights: np.ndarray,
        n_sparse: int,
    ) -> tuple[np.ndarray, np.ndarray]:
        from threadpoolctl import threadpool_limits

        alpha = float(self.nb_alpha or 0.0)
        truth = np.asarray(labels)
        present = matrix.copy()
        present.data = (present.data != 0).astype(np.float32)
        coef = np.zeros((matrix.shape[1], len(CLASSES)))
        intercept = np.zeros(len(CLASSES))
        for k, name in enumerate(CLASSES):
            inside = truth == name
            if not inside.any():
                raise ModelError(f"No training text is labelled {name!r}.")
            counts_in = alpha + present[inside].T @ weights[inside]
            counts_out = alpha + present[~inside].T @ weights[~inside]
            ratio = np.log(
                (counts_in / counts_in[:n_sparse].sum())
                / (counts_out / counts_out[:n_sparse].sum())
            )
            ratio[n_sparse:] = 1.0  # dense columns keep their own scale
            model = self._logistic()
            with threadpool_limits(limits=1):
                model.fit(
                    (matrix @ sp.diags(ratio.astype(np.float32))).tocsr(),
                    inside,
                    sample_weight=weights,
                )
            coef[:, k] = model.coef_[0] * ratio
            intercept[k] = model.intercept_[0]
        return coef, intercept

    def build_feature_space(
        self, texts: Sequence[str], extra_words: Sequence[str] = ()
    ) -> FeatureSpace:
        """Vocabularies of words and word pairs seen in at least ``min_count`` of ``texts``;
        ``extra_words`` (those with a teacher vector) are appended to the words."""
        batch = tokenise_batch(texts)
        word_counts: Counter[str] = Counter()
        pair_counts: Counter[str] = Counter()
        per_message: list[list[str]] = [[] for _ in range(len(texts))]
        for token, message in zip(batch.tokens, batch.message.tolist(), strict=True):
            if token != SEPARATOR:
                per_message[message].append(token)
        for tokens in per_message:
            word_counts.update(set(tokens) - {".", ","})
            pair_counts.update(
                {f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)}
            )
        words = [w for w, c in _by_count(word_counts) if c >= self.min_count][
            : self.max_words
        ]
        known = set(words)
        pairs = [
            p
            for p, c in _by_count(pair_counts)
            if c >= self.min_count and all(part in known for part in p.split(" "))
        ][: self.max_pairs]
        for word in extra_words:
            if word not in known:
                known.add(word)
                words.append(word)
        return FeatureSpace(words, pairs, self.char_bits)

    def save(self, directory: str | os.PathLike[str], metadata: dict[str, Any]) -> None:
        """Write the fitted weights (npz, float16), vocabulary (txt) and metadata (json)."""
        self._check_fitted()
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        lines = [f"w {w}" for w in self.features_.words]
        lines += [f"p {p}" for p in self.features_.pairs]
        if any("\n" in line for line in lines):
            raise ModelError(
                "A feature name holds a newline; the vocabulary file would break."
            )
        (folder / "sentiment_vocabulary.txt").write_text(
            "\n".join(lines), encoding="utf-8"
        )
        np.savez_compressed(
            folder / "sentiment.npz",
            coef=self.coef_.astype(np.float16),
            intercept=self.intercept_,
            classes=np.array(CLASSES),
            dense_names=np.array(DENSE_NAMES),
            char_bits=np.array(self.features_.char_bits),
        )
        (folder / "sentiment.json").write_text(
            json.dumps(metadata, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )

    # ---- scoring --------------------------------------------------------------------------
    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities (n, 3) of negative, neutral, positive for each text.

        Identical texts are scored once; a text without any token gets exactly (0, 1, 0).
        """
        self._ensure_loaded()
        if not len(texts):
            return np.zeros((0, 3))
        position: dict[str, int] = {}
        inverse = np.fromiter(
            (position.setdefault(t or "", len(position)) for t in texts),
            dtype=np.int64,
            count=len(texts),
        )
        unique = list(position)
        batch = self.features_.tokenise(unique)
        logits = self.features_.logits(batch, self.coef_, self.intercept_)
        logits -= logits.max(axis=1, keepdims=True)
        proba = np.exp(logits)
        proba /= proba.sum(axis=1, keepdims=True)
        # no token at all (empty, attachment only): exactly neutral
        tokens_per_message = np.bincount(batch.message, minlength=batch.n)
        tokens_per_message[: batch.n - 1] -= (
            1  # each message but the last ends in a separator
        )
        proba[tokens_per_message == 0] = (0.0, 1.0, 0.0)
        by_text: np.ndarray = proba[inverse]
        return by_text

    def score(self, texts: Sequence[str]) -> np.ndarray:
        """Sentiment in [0, 1]: ``P(positive) + 0.5 * P(neutral)``; 0.5 is neutral."""
        proba = self.predict_proba(texts)
        return proba[:, 2] + 0.5 * proba[:, 1]

    def predict(self, texts: Sequence[str]) -> list[str]:
        """Most probable class of each text: negative, neutral or positive."""
        proba = self.predict_proba(texts)
        return [CLASSES[i] for i in proba.argmax(axis=1).tolist()]

    # ---- loading --------------------------------------------------------------------------
    def load(self) -> SentimentScorer:
        """Read the weights now (from ``model_dir`` or the shipped ones) unless already fitted
        or loaded; scoring does it on first use. Returns self."""
        self._ensure_loaded()
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise ModelError(
                "The sentiment scorer is not fitted; call fit() or score()."
            )

    def _ensure_loaded(self) -> None:
        if hasattr(self, "coef_"):
            return
        folder = Path(self.model_dir) if self.model_dir else model_dir()
        weights = folder / "sentiment.npz"
        vocabulary_file = folder / "sentiment_vocabulary.txt"
        try:
            with np.load(weights, allow_pickle=False) as data:
                coef = data["coef"].astype(np.float32)
                intercept = data["intercept"].astype(np.float32)
                char_bits = int(data["char_bits"])
            lines = vocabulary_file.read_text(encoding="utf-8").split("\n")
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(
                f"{weights}: cannot load the sentiment model ({exc}). Reinstall tribu or "
                "rebuild the weights with 'make train-sentiment'."
            ) from exc
        words = [line[2:] for line in lines if line.startswith("w ")]
        pairs = [line[2:] for line in lines if line.startswith("p ")]
        space = FeatureSpace(words, pairs, char_bits)
        if coef.shape != (space.n_features, 3):
            raise ModelError(
                f"{weights}: weights have shape {coef.shape} but the vocabulary gives "
                f"{space.n_features} features. Rebuild them with 'make train-sentiment'."
            )
        self.features_ = space
        self.coef_ = coef
        self.intercept_ = intercept
