"""Topic labels: each cluster's distinctive words and two-word phrases, by class-based TF-IDF.

c-TF-IDF (Grootendorst, BERTopic, 2022) treats all the messages of one cluster as one document
and weighs term ``t`` in cluster ``c`` by

    W(t, c) = tf(t, c) / n(c) · log(1 + A / f(t))

where ``tf(t, c)`` is how many times ``t`` occurs in the cluster's messages, ``n(c)`` the number
of terms of the cluster (so big clusters do not win by size), ``f(t)`` how many times ``t``
occurs over every cluster, and ``A`` the mean number of terms per cluster. A word frequent in
one cluster and rare elsewhere scores high; a word every cluster uses scores near zero. Terms
are :func:`tribu.listening.text.label_terms` (stop-words, URLs, mentions, emoji out). A term
must occur in at least two messages of the cluster (``min_count``) to name it, so one member's
name or typo never becomes a label.

The label keeps the ``top`` best terms (default 4), dropping a word already inside a kept
two-word phrase (``semelle décolle`` makes ``semelle`` and ``décolle`` redundant), joined by
`` · ``.

Hand-computed example (tested in ``tests/listening/test_labels.py``): two clusters,
``a = ["semelle décolle", "semelle neuve"]`` and ``b = ["livraison lente", "livraison"]``;
terms of ``a``: semelle ×2, décolle, neuve, "semelle décolle", "semelle neuve" (n = 6); of ``b``:
livraison ×2, lente, "livraison lente" (n = 4); A = 5. ``W(semelle, a) = 2/6 · log(1 + 5/2)
= 0.4176``; ``W(décolle, a) = 1/6 · log(1 + 5/1) = 0.2986``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence

from tribu.listening.text import label_terms

__all__ = ["LABEL_SEPARATOR", "class_tfidf", "label_of", "top_terms"]

LABEL_SEPARATOR = " · "


def class_tfidf(
    texts_by_cluster: Mapping[int, Iterable[str]],
    *,
    min_count: int = 1,
    terms_of: Callable[[str], list[str]] = label_terms,
) -> dict[int, dict[str, float]]:
    """c-TF-IDF weight of every term of every cluster (see the module docstring).

    ``min_count``: a term must occur in at least that many messages of a cluster to get a
    weight there (it still counts in ``f(t)``). ``terms_of`` splits a text into terms
    (:func:`~tribu.listening.text.label_terms`; a caching wrapper when the same texts are
    weighed several times).
    """
    counts: dict[int, Counter[str]] = {}
    support: dict[int, Counter[str]] = {}
    for cluster, texts in texts_by_cluster.items():
        total: Counter[str] = Counter()
        seen: Counter[str] = Counter()
        for text in texts:
            terms = terms_of(text)
            total.update(terms)
            seen.update(set(terms))
        counts[cluster] = total
        support[cluster] = seen
    overall: Counter[str] = Counter()
    for total in counts.values():
        overall.update(total)
    sizes = {c: sum(t.values()) for c, t in counts.items()}
    average = sum(sizes.values()) / len(sizes) if sizes else 0.0
    out: dict[int, dict[str, float]] = {}
    for cluster, total in counts.items():
        n = sizes[cluster]
        out[cluster] = {
            term: tf / n * math.log(1 + average / overall[term])
            for term, tf in total.items()
            if support[cluster][term] >= min_count
        }
    return out


def top_terms(weights: Mapping[str, float], top: int = 4) -> list[str]:
    """The ``top`` heaviest terms, a word dropped when a kept phrase already holds it.

    Ties break alphabetically, so the label is the same on every run.
    """
    ranked = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
    kept: list[str] = []
    for term, _ in ranked:
        if len(kept) >= top:
            break
        parts = term.split()
        if len(parts) == 1 and any(term in k.split() for k in kept if " " in k):
            continue
        if len(parts) == 2:
            kept = [k for k in kept if k not in parts]
        kept.append(term)
    return kept


def label_of(terms: Sequence[str]) -> str:
    """A label from terms: ``"semelle décolle · colle · loop"``; ``"(no words)"`` if none."""
    return LABEL_SEPARATOR.join(terms) if terms else "(no words)"
