"""Turn messages into the sparse feature matrix of the sentiment model.

Features, all computed by :func:`tribu.enrich._text.analyse` first:

- words, with a negation mark on the words in a negation's scope (``n aime`` for « n'aime pas »),
  and word pairs (``b pas terrible``), from a fixed vocabulary;
- character 3–5-grams of each word (``c ouf``), from a fixed vocabulary: they catch spelling
  variants, inflections and slang the word list misses;
- a few dense columns: French and English word-list sums (positive, negative, after negation),
  elongated words, « ! », « ? », shouting, and the message's length band (empty, one word, ...).

Binary presence, each sparse block scaled by 1/sqrt(its size) so a long review and a short chat
line weigh alike. A vocabulary (list of feature names) instead of feature hashing: a dict lookup
of a Python string is as fast as hashing it, there are no collisions, and the shipped file stays
readable.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from tribu.enrich._text import Analysis, analyse, char_ngrams
from tribu.enrich.lexicons import french_lexicon, lexicon_sums, vader_lexicon

__all__ = ["DENSE_NAMES", "feature_names", "features_matrix"]

DENSE_NAMES = (
    "wordlist_fr_positive",
    "wordlist_fr_negative",
    "wordlist_en_positive",
    "wordlist_en_negative",
    "elongated",
    "exclamations",
    "question",
    "shouting",
    "no_words",
    "one_word",
    "two_to_three_words",
    "four_to_ten_words",
    "over_ten_words",
)


def feature_names(analysis: Analysis) -> tuple[list[str], list[str]]:
    """Word-level and character-level feature names of one analysed message."""
    tokens = analysis.tokens
    words = [
        ("n " if negated else "w ") + token
        for token, negated in zip(tokens, analysis.negated, strict=True)
        if token not in {".", ","}
    ]
    words.extend(f"b {a} {b}" for a, b in zip(tokens, tokens[1:], strict=False))
    chars = ["c" + gram for gram in char_ngrams(tokens)]
    return words, chars


def _dense_row(analysis: Analysis) -> list[float]:
    fr_pos, fr_neg = lexicon_sums(analysis, french_lexicon())
    en_pos, en_neg = lexicon_sums(analysis, vader_lexicon())
    n_words = sum(token[0].isalpha() for token in analysis.tokens)
    return [
        min(fr_pos / 4.0, 3.0),
        min(fr_neg / 4.0, 3.0),
        min(en_pos / 4.0, 3.0),
        min(en_neg / 4.0, 3.0),
        float(analysis.elongated > 0),
        min(analysis.exclamations, 3) / 3.0,
        float(analysis.questions > 0),
        float(analysis.capitals >= 0.6 and n_words >= 2),
        float(n_words == 0),
        float(n_words == 1),
        float(2 <= n_words <= 3),
        float(4 <= n_words <= 10),
        float(n_words > 10),
    ]


def features_matrix(
    texts: Sequence[str] | Iterable[str], vocabulary: dict[str, int]
) -> sp.csr_matrix:
    """Feature matrix (n_texts, len(vocabulary) + len(DENSE_NAMES)) for the linear model."""
    n_vocab = len(vocabulary)
    lookup = vocabulary.get
    indptr = [0]
    indices: list[int] = []
    values: list[float] = []
    for text in texts:
        analysis = analyse(text)
        words, chars = feature_names(analysis)
        for block in (words, chars):
            found = {i for i in map(lookup, block) if i is not None}
            if found:
                weight = 1.0 / math.sqrt(len(found))
                indices.extend(found)
                values.extend([weight] * len(found))
        for offset, value in enumerate(_dense_row(analysis)):
            if value:
                indices.append(n_vocab + offset)
                values.append(value)
        indptr.append(len(indices))
    return sp.csr_matrix(
        (
            np.asarray(values, dtype=np.float32),
            np.asarray(indices, dtype=np.int32),
            np.asarray(indptr, dtype=np.int64),
        ),
        shape=(len(indptr) - 1, n_vocab + len(DENSE_NAMES)),
    )
