"""Keep each topic's id: match new clusters to known topics by the cosine of their centres.

Rule: after a re-clustering (``tribu listen --recluster``) or when leftover messages of a new
period form clusters, every new cluster is compared with every known topic by the cosine of
their centres (stored vector space). Pairs are matched one to one so that the sum of cosines is
largest (the Hungarian algorithm, ``scipy.optimize.linear_sum_assignment``), and a pair counts
only if its cosine is at least ``threshold`` (0.8: on the development sets, the same topic
refitted on another sample lands at 0.9 or more, two neighbouring topics at 0.5 to 0.75). A
matched cluster takes the known topic's id; an unmatched one gets the next id (one more than
the highest ever given, so ids are never reused).

Worked example (``tests/listening/test_tracking.py``): known topics 3 → (1, 0) and 7 → (0, 1);
new clusters a → (0.6, 0.8), b → (0.995, 0.0995), c → (−1, 0). cos(a, 7) = 0.8 ≥ 0.8 → 7;
cos(b, 3) = 0.995 → 3; c matches nothing → 8.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

__all__ = ["MATCH_THRESHOLD", "match_topics"]

MATCH_THRESHOLD = 0.8


def match_topics(
    new_centres: np.ndarray,
    known_centres: np.ndarray,
    known_ids: list[int],
    *,
    next_id: int,
    threshold: float = MATCH_THRESHOLD,
) -> list[int]:
    """The topic id of each new cluster: a matched known id, or a fresh one from ``next_id``."""
    ids: list[int | None] = [None] * len(new_centres)
    if len(new_centres) and len(known_centres):
        similarity = (
            np.asarray(new_centres, np.float64)
            @ np.asarray(known_centres, np.float64).T
        )
        rows, cols = linear_sum_assignment(-similarity)
        for r, c in zip(rows, cols, strict=True):
            if similarity[r, c] >= threshold - 1e-9:
                ids[r] = known_ids[c]
    out: list[int] = []
    for found in ids:
        if found is None:
            found = next_id
            next_id += 1
        out.append(found)
    return out
