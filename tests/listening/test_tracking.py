"""Topic ids follow the centres: the worked example of tribu.listening.tracking."""

from __future__ import annotations

import numpy as np

from tribu.listening.tracking import match_topics


def test_match_by_hand() -> None:
    known = np.array([[1.0, 0.0], [0.0, 1.0]])  # topics 3 and 7
    new = np.array([[0.6, 0.8], [0.995, 0.0995], [-1.0, 0.0]])
    # cos(a, 7) = 0.8 (threshold met), cos(b, 3) = 0.995, c matches nothing -> next id 8
    assert match_topics(new, known, [3, 7], next_id=8) == [7, 3, 8]


def test_below_threshold_gets_a_new_id_and_ids_are_one_to_one() -> None:
    known = np.array([[1.0, 0.0]])
    new = np.array([[0.99, 0.141], [0.98, 0.199]])
    # both are close to topic 1, only the closer keeps it; the other gets 5
    assert match_topics(new, known, [1], next_id=5) == [1, 5]
    assert match_topics(np.array([[0.7, 0.714]]), known, [1], next_id=5) == [5]
