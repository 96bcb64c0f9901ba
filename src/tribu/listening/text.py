"""The words a topic label may use: tokens of a message, stop-words and noise removed.

A label is read by a person, so it is built from plain words: URLs, @mentions, #hashtags'
signs, emoji, numbers and punctuation never appear in it (URLs and mentions go to
:mod:`tribu.listening.affinities` instead), French elisions are cut (« l'appli » → ``appli``),
letters repeated three times or more are shortened (« trooop » → ``troop``), and the French
and English stop-words of :mod:`tribu.listening._stopwords` are dropped. Terms are the remaining
words (two letters or more) and the two-word phrases of words adjacent in the message once
stop-words are taken out of the sequence *without* bridging a removed URL, mention or
punctuation mark.
"""

from __future__ import annotations

import re

from tribu.listening._stopwords import stop_words

__all__ = ["STOP_WORDS", "label_terms", "words"]

STOP_WORDS: frozenset[str]  # built at first use by the module's ``__getattr__``


def __getattr__(name: str) -> frozenset[str]:
    """``STOP_WORDS``: the stop-words of :mod:`tribu.listening._stopwords`, built at first use."""
    if name == "STOP_WORDS":
        return stop_words()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_MENTION = re.compile(r"(?<!\w)@[\w.\-]+")
_ELISION = re.compile(r"\b(?:[ldjnstmc]|qu|jusqu|lorsqu|puisqu)['’]", re.I)
_REPEATS = re.compile(r"(\w)\1{2,}")
# A word: letters (any script) with inner hyphens; digits, emoji and punctuation break runs.
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|[^\w\s]|\d+")


def words(text: str) -> list[str | None]:
    """The message's words in order, lower-cased; ``None`` marks a break (a removed item).

    Examples
    --------
    >>> words("J'adore l'appli!!! @lea https://x.fr 😍 trooop bien")
    ['adore', 'appli', None, 'troop', 'bien']
    """
    text = _URL.sub(" . ", text or "")
    text = _MENTION.sub(" . ", text)
    text = _ELISION.sub(" ", text.lower())
    text = _REPEATS.sub(r"\1\1", text)
    out: list[str | None] = []
    for token in _WORD.findall(text):
        if token[0].isalpha():
            out.append(token)
        elif out and out[-1] is not None:
            out.append(None)
    while out and out[-1] is None:
        out.pop()
    return out


def label_terms(text: str, *, bigrams: bool = True) -> list[str]:
    """Words of two letters or more that are not stop-words, then their two-word phrases.

    Examples
    --------
    >>> label_terms("Ma semelle se décolle, la semelle décolle encore !")
    ['semelle', 'décolle', 'semelle', 'décolle', 'semelle décolle', 'semelle décolle']
    """
    stop = stop_words()
    kept: list[str | None] = []
    for word in words(text):
        if word is None:
            if kept and kept[-1] is not None:
                kept.append(None)
        elif len(word) >= 2 and word not in stop:
            kept.append(word)
    unigrams = [w for w in kept if w is not None]
    if not bigrams:
        return unigrams
    pairs = [
        f"{a} {b}"
        for a, b in zip(kept, kept[1:], strict=False)
        if a is not None and b is not None
    ]
    return unigrams + pairs
