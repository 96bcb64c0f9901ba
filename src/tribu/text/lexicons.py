"""Word lists: the baselines the learned sentiment model must beat, and features it uses.

Two word lists ship or come with tribu:

- English: VADER's lexicon and rules, from the ``vaderSentiment`` package (MIT). Used as the
  English baseline through VADER itself, and as a feature of the learned model.
- French: ``models/lexicon_fr.txt``, a list of about 430 words, chat slang and emoji with
  valences, written for tribu and released under tribu's licence (Apache-2.0). It exists because
  the French VADER port (``vaderSentiment-fr``) needs ``fuzzywuzzy``, which is GPL, and no
  permissively licensed French sentiment lexicon is published as a package. It is scored with
  VADER's recipe (negation flips and damps a word, boosters strengthen it, the sum is squashed
  to [-1, 1]), see :class:`FrenchWordList`.

Each baseline has ``compound(texts) -> np.ndarray`` in [-1, 1] and ``predict(texts)`` giving
labels with VADER's usual cut-offs (±0.05).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

import numpy as np

from tribu.text._text import Analysis, analyse
from tribu.text.registry import model_dir

__all__ = [
    "BASELINES",
    "FrenchWordList",
    "VaderWordList",
    "french_lexicon",
    "lexicon_sums",
    "vader_lexicon",
]

_NEGATION_FACTOR = -0.74  # VADER's N_SCALAR
_BOOSTERS = frozenset(
    {"très", "trop", "vraiment", "hyper", "grave", "tellement", "super", "archi", "ultra",
     "very", "so", "really", "extremely", "totally", "absolutely", "too"}
)  # fmt: skip
_BOOST = 0.293  # VADER's B_INCR
_ALPHA = 15.0  # VADER's normalisation constant


@lru_cache(maxsize=1)
def french_lexicon() -> dict[str, float]:
    """tribu's French word list (token -> valence in [-4, 4]), read once."""
    text = (model_dir() / "lexicon_fr.txt").read_text(encoding="utf-8")
    lexicon: dict[str, float] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        word, value = line.split("\t")
        lexicon[word.lower()] = float(value)
    return lexicon


@lru_cache(maxsize=1)
def vader_lexicon() -> dict[str, float]:
    """VADER's English lexicon (token -> valence), from the vaderSentiment package."""
    text = (resources.files("vaderSentiment") / "vader_lexicon.txt").read_text(
        encoding="utf-8"
    )
    lexicon: dict[str, float] = {}
    for line in text.splitlines():
        parts = line.strip().split("\t")
        if len(parts) >= 2:
            lexicon[parts[0].lower()] = float(parts[1])
    # the emoji of the French list carry over to English chat unchanged
    for token, value in french_lexicon().items():
        if not token[0].isalpha():
            lexicon.setdefault(token, value)
    return lexicon


def lexicon_sums(analysis: Analysis, lexicon: dict[str, float]) -> tuple[float, float]:
    """Sum of positive and of negative valences in one analysed message.

    A word in a negation's scope has its valence flipped and damped (x -0.74), as VADER does;
    a booster word just before a word strengthens it. Hyphenated entries match two tokens, which
    then count once (« pas terrible » is an idiom, not a negated « terrible »).

    Examples
    --------
    >>> lexicon_sums(analyse("pas terrible"), {"terrible": -3.0})
    (2.22, 0.0)
    """
    positive = negative = 0.0
    tokens = analysis.tokens
    skip = False
    for i, token in enumerate(tokens):
        if skip:  # second word of a two-word entry already counted
            skip = False
            continue
        value = lexicon.get(token)
        if i + 1 < len(tokens):
            pair = lexicon.get(f"{token}-{tokens[i + 1]}")
            if pair is not None:
                value, skip = pair, True
        if value is None:
            continue
        if i and tokens[i - 1] in _BOOSTERS:
            value += math.copysign(_BOOST, value)
        if analysis.negated[i]:
            value *= _NEGATION_FACTOR
        if value > 0:
            positive += value
        else:
            negative -= value
    return round(positive, 6), round(negative, 6)


def _label(compound: np.ndarray) -> list[str]:
    return [
        "positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral"
        for c in compound.tolist()
    ]


class FrenchWordList:
    """French word-list baseline: tribu's French lexicon scored with VADER's recipe.

    Examples
    --------
    >>> FrenchWordList().predict(["Trop bien !", "pas terrible", "Le live est à 20h"])
    ['positive', 'negative', 'neutral']
    """

    name = "wordlist_fr"

    def compound(self, texts: Sequence[str]) -> np.ndarray:
        """VADER-style compound score in [-1, 1] for each text."""
        lexicon = french_lexicon()
        out = np.zeros(len(texts))
        for row, text in enumerate(texts):
            analysis = analyse(text)
            positive, negative = lexicon_sums(analysis, lexicon)
            total = positive - negative
            if total:
                total += math.copysign(0.292 * min(analysis.exclamations, 4), total)
            out[row] = total / math.sqrt(total * total + _ALPHA)
        return out

    def predict(self, texts: Sequence[str]) -> list[str]:
        """Labels negative / neutral / positive (compound ≤ -0.05 / between / ≥ 0.05)."""
        return _label(self.compound(texts))


class VaderWordList:
    """English word-list baseline: VADER (``vaderSentiment``, MIT) as published.

    Examples
    --------
    >>> VaderWordList().predict(["I love it", "I hate it", "The meetup is in Leeds"])
    ['positive', 'negative', 'neutral']
    """

    name = "vader"

    def __init__(self) -> None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self._analyzer = SentimentIntensityAnalyzer()

    def compound(self, texts: Sequence[str]) -> np.ndarray:
        """VADER's compound score in [-1, 1] for each text."""
        score = self._analyzer.polarity_scores
        return np.array([score(text or "")["compound"] for text in texts], dtype=float)

    def predict(self, texts: Sequence[str]) -> list[str]:
        """Labels negative / neutral / positive (compound ≤ -0.05 / between / ≥ 0.05)."""
        return _label(self.compound(texts))


# The word-list baselines `tribu eval sentiment` reports beside the model.
BASELINES = (VaderWordList, FrenchWordList)
