"""How alike two display names are, fairly for French and other non-anglicised names.

Names arrive as token lists already folded by :func:`tribu.warehouse.identities.name_tokens`
(no case, accents, hyphens, apostrophes or particles), so ``Élodie Lefèvre``,
``elodie lefevre`` and ``Elodie LEFEVRE`` are equal before any measure runs. The measure
itself is Jaro–Winkler per token, from `rapidfuzz <https://github.com/rapidfuzz/RapidFuzz>`_
(picked for being maintained, MIT-licensed, and written in C++: millions of comparisons a
second); unlike Soundex or Metaphone it has no English pronunciation rules, so ``Maëlle`` /
``Maelle`` / ``Maële`` or ``N'Diaye`` / ``Ndiaye`` are not penalised for not sounding English.

A token that starts another one (at least 3 letters) counts as a nickname match
(``alex`` / ``alexandre``, ``max`` / ``maxime``). Names given only as hashed tokens (a
pseudonymised warehouse) can only match token for token: :func:`name_similarity` then gets
hashes and scores exact matches.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz.distance import JaroWinkler

__all__ = [
    "INITIAL_SCORE",
    "NICKNAME_SCORE",
    "SINGLE_TOKEN_FACTOR",
    "TYPO_FLOOR",
    "name_similarity",
    "token_similarity",
]

NICKNAME_SCORE = 0.9
"""Score of a token that starts the other (``alex`` / ``alexandre``)."""

INITIAL_SCORE = 0.8
"""Score of an initial against a token it starts (``d`` / ``durand``)."""

TYPO_FLOOR = 0.88
"""Jaro–Winkler below this is two different tokens (0), not a typo (``durand``/``durant``)."""

SINGLE_TOKEN_FACTOR = 0.7
"""Factor on a score resting on one token only (a first name alone says little)."""


def token_similarity(a: str, b: str, *, fuzzy: bool = True) -> float:
    """Similarity of two folded tokens in [0, 1]: equal 1, nickname 0.9, else Jaro–Winkler."""
    if a == b:
        return 1.0
    if not fuzzy:
        return 0.0
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) == 1:
        return INITIAL_SCORE if long.startswith(short) else 0.0
    if len(short) >= 3 and long.startswith(short):
        return NICKNAME_SCORE
    score = float(JaroWinkler.similarity(a, b))
    return score if score >= TYPO_FLOOR else 0.0


def name_similarity(a: Sequence[str], b: Sequence[str], *, fuzzy: bool = True) -> float:
    """Similarity of two token lists in [0, 1].

    Each token of the shorter list is paired with its best match in the other (a token is
    used once); the score is the mean of those matches times the share of the longer list's
    tokens they cover (``camille`` vs ``camille durand`` covers half), times
    :data:`SINGLE_TOKEN_FACTOR` when the shorter name has a single token.

    Examples
    --------
    >>> round(name_similarity(["elodie", "lefevre"], ["elodie", "lefevre"]), 2)
    1.0
    >>> round(name_similarity(["alex", "martin"], ["alexandre", "martin"]), 2)
    0.95
    >>> round(name_similarity(["camille"], ["camille", "durand"]), 2)
    0.35
    """
    if not a or not b:
        return 0.0
    if not fuzzy:  # exact tokens only: the matches are the common tokens (fast path)
        shortest, longest = sorted((len(a), len(b)))
        matched = min(len(set(a) & set(b)), shortest)
        exact = (matched / shortest) * (shortest / longest)
        return exact * SINGLE_TOKEN_FACTOR if shortest == 1 else exact
    short, long = (list(a), list(b)) if len(a) <= len(b) else (list(b), list(a))
    free = list(long)
    total = 0.0
    for token in short:
        scores = [token_similarity(token, other, fuzzy=fuzzy) for other in free]
        best = max(range(len(scores)), key=scores.__getitem__)
        total += scores[best]
        free.pop(best)
    score = (total / len(short)) * (len(short) / len(long))
    if len(short) == 1:
        score *= SINGLE_TOKEN_FACTOR
    return score
