"""Text normalisation and tokens shared by the sentiment model, its training and the word lists.

One function, :func:`analyse`, turns a chat message into what every sentiment component needs:
its tokens (lower-cased, elongations squashed, links and mentions replaced), which of them sit in
the scope of a negation (« je n'aime pas », "don't like"), and a few surface counts (elongated
words, "!", "?", capitals, emoji). Training and inference call the same code, so the features
the shipped weights were fitted on are exactly the ones computed at run time.

Written with :mod:`re` rather than a tokenizer library: chat text needs only a few rules, and a
pure-Python pass over short messages is faster than calling into a general NLP pipeline.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

__all__ = ["NEGATION_WORDS", "Analysis", "analyse", "char_ngrams"]

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"<@!?\d+>|@\w+")
_ELONGATED = re.compile(r"(\w)\1{2,}")
_PUNCT_RUN = re.compile(r"([!?.])\1+")
# English contractions and their chat spellings, rewritten so "n't" becomes the word "not".
_NT = re.compile(
    r"\b(ca|wo|ai|do|does|did|is|are|was|were|has|have|had|could|would|should)n[’']?t\b"
)
_CANNOT = re.compile(r"\bcannot\b")
_TOKEN = re.compile(r"[^\W\d]+|\d+|[!?]+|[^\w\s']", re.UNICODE)

NEGATION_WORDS = frozenset(
    {
        # French: « ne/n' ... pas », « jamais », « rien », « aucun », « sans », « ni »
        "ne", "n", "pas", "jamais", "rien", "aucun", "aucune", "sans", "ni", "guère",
        # English
        "not", "no", "never", "nothing", "nobody", "none", "nor", "without", "neither",
    }
)  # fmt: skip
# Tokens that end a negation's scope: sentence punctuation and contrast words.
_SCOPE_END = frozenset(
    {".", ",", "!", "?", ";", ":", "mais", "but", "however", "cependant"}
)
_SCOPE_LENGTH = 4


@dataclass
class Analysis:
    """What :func:`analyse` found in one message.

    Attributes
    ----------
    tokens : list of str
        Lower-cased tokens: words, numbers, runs of « ! » or « ? », single symbols and emoji.
    negated : list of bool
        For each token, whether it lies within a negation's scope (up to four tokens after a
        negation word, stopping at punctuation or « mais »/"but").
    elongated : int
        Words with a letter repeated three times or more (« trooop », "sooo").
    exclamations, questions : int
        Count of « ! » and « ? » characters.
    capitals : float
        Share of letters in upper case (shouting), 0 for text without letters.
    """

    tokens: list[str] = field(default_factory=list)
    negated: list[bool] = field(default_factory=list)
    elongated: int = 0
    exclamations: int = 0
    questions: int = 0
    capitals: float = 0.0


def analyse(text: str) -> Analysis:
    """Normalise and tokenise one message, marking negation scope.

    Examples
    --------
    >>> a = analyse("Je n'aime PAS du tout 😡")
    >>> a.tokens
    ['je', 'n', 'aime', 'pas', 'du', 'tout', '😡']
    >>> [t for t, neg in zip(a.tokens, a.negated) if neg]
    ['aime', 'pas', 'du', 'tout', '😡']
    """
    text = unicodedata.normalize("NFC", text or "")
    letters = sum(ch.isalpha() for ch in text)
    capitals = sum(ch.isupper() for ch in text) / letters if letters else 0.0
    exclamations = text.count("!")
    questions = text.count("?")
    lowered = text.lower().replace("’", "'")
    lowered = _URL.sub(" _url_ ", lowered)
    lowered = _MENTION.sub(" _user_ ", lowered)
    elongated = len(_ELONGATED.findall(lowered))
    lowered = _ELONGATED.sub(r"\1\1", lowered)
    lowered = _PUNCT_RUN.sub(r"\1\1", lowered)
    lowered = _NT.sub(r"\1 not", lowered)
    lowered = _CANNOT.sub("can not", lowered)
    tokens = _TOKEN.findall(lowered)
    negated = [False] * len(tokens)
    remaining = 0
    for i, token in enumerate(tokens):
        if token in _SCOPE_END or token[0] in "!?":
            remaining = 0
            continue
        if remaining:
            negated[i] = True
            remaining -= 1
        if token in NEGATION_WORDS:
            remaining = _SCOPE_LENGTH
    return Analysis(tokens, negated, elongated, exclamations, questions, capitals)


def char_ngrams(tokens: list[str], low: int = 3, high: int = 5) -> list[str]:
    """Character n-grams of each word token, padded with spaces at word edges.

    Catches spelling variants, inflections and slang the word vocabulary misses
    (« déçue »/« décu », "lovee").

    Examples
    --------
    >>> char_ngrams(["top"], 3, 4)
    [' to', 'top', 'op ', ' top', 'top ']
    """
    grams: list[str] = []
    extend = grams.extend
    for token in tokens:
        if len(token) < 2 or not token[0].isalpha():
            continue
        padded = f" {token} "
        size = len(padded)
        for n in range(low, min(high, size) + 1):
            extend(padded[i : i + n] for i in range(size - n + 1))
    return grams
