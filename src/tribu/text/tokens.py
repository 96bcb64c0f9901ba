"""Tokens of the static sentence embedder: lower-cased words, emoji, and hashed n-gram buckets.

The static embedder (:mod:`tribu.text.static_embedder`) represents a message as the bag of
its tokens. :func:`tokens` turns a message into that bag with one regular expression, so it
costs a few microseconds a message:

* lower case; runs of three or more equal characters shortened to two (« trooop » -> « troop »,
  "sooo" -> "soo"), so elongated words meet their dictionary form or its n-grams;
* links become ``<url>``, mentions (``@lea``, ``<@123>``) ``<user>``, numbers of three digits
  or more ``<num>`` (small numbers such as « 20 » in « 20h » stay: they carry hours and sizes);
* words are runs of letters; an apostrophe ends a word, so French elisions (« j'adore »,
  « l’appli ») give the clitic (``j'``, ``l'``) and the word (``adore``, ``appli``) apart;
* ``?`` and ``!`` stay (a question is not a statement), other punctuation goes; every other
  symbol (emoji, ``€``) is its own token, variation selectors and joiners dropped.

Words outside the vocabulary are not lost: :func:`ngram_buckets` hashes their character
3- to 5-grams (fastText style, with ``<`` and ``>`` marking the ends) into a fixed number of
buckets with CRC-32, which is stable across processes and Python versions (``hash()`` is not).
"""

from __future__ import annotations

import re
import zlib

__all__ = ["NGRAM_SIZES", "ngram_buckets", "tokens"]

NGRAM_SIZES = (3, 4, 5)

_REPEATS = re.compile(r"(.)\1{2,}")
_TOKEN = re.compile(
    r"https?://\S+|www\.\S+"  # links
    r"|<@[!&]?\d+>|@\w+"  # mentions
    r"|\d+"  # numbers
    r"|[^\W\d_]+['’]?"  # words, with an elision apostrophe kept on the clitic
    r"|[?!]"
    r"|[^\w\s.,;:'’\"()\[\]{}<>/\\|*_+=~`^#%&-]",  # any other symbol: emoji, €, ...
)
_IGNORED = frozenset("\ufe0f\u200d\u20e3")
_ELISIONS = frozenset(
    [
        "l'",
        "d'",
        "j'",
        "n'",
        "s'",
        "t'",
        "m'",
        "c'",
        "qu'",
        "jusqu'",
        "lorsqu'",
        "puisqu'",
    ]
)


def tokens(text: str) -> list[str]:
    """The tokens of one message, in order (see the module docstring for the rules).

    Examples
    --------
    >>> tokens("J'adore trooop la Loop!!! @lea https://x.fr 2024 😍")
    ["j'", 'adore', 'troop', 'la', 'loop', '!', '!', '<user>', '<url>', '<num>', '😍']
    """
    lowered = _REPEATS.sub(r"\1\1", text.lower())
    out: list[str] = []
    for token in _TOKEN.findall(lowered):
        first = token[0]
        if "://" in token or token.startswith("www."):
            out.append("<url>")
        elif first.isalpha():
            if token[-1] in "'’":
                token = token[:-1] + "'"
                if token not in _ELISIONS:  # a quote after a word, not an elision
                    token = token[:-1]
            out.append(token)
        elif first.isdigit():
            out.append(token if len(token) < 3 else "<num>")
        elif first == "@" or first == "<":
            out.append("<user>")
        elif token not in _IGNORED:
            out.append(token)
    return out


def ngram_buckets(word: str, buckets: int) -> list[int]:
    """Bucket numbers (0 .. buckets-1) of the character 3- to 5-grams of ``<word>``.

    A word shorter than three letters gives its whole marked form (``<a>``) as one gram, so
    every word lands in at least one bucket.
    """
    marked = f"<{word}>"
    grams = [
        marked[i : i + n] for n in NGRAM_SIZES for i in range(len(marked) - n + 1)
    ] or [marked]
    return [zlib.crc32(gram.encode("utf-8")) % buckets for gram in grams]
