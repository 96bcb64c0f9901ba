"""Emergence score, status and negative bursts, worked by hand."""

from __future__ import annotations

import math

import pytest

from tribu.listening.emergence import (
    EmergenceRule,
    emergence_score,
    negative_burst,
    status,
)


def test_score_by_hand() -> None:
    # μ = (4 + 6 + 5 + 5) / 4 = 5; (20 − 5) / √(5 + 1) = 15 / 2.449 = 6.124
    assert emergence_score(20, [4, 6, 5, 5]) == pytest.approx(15 / math.sqrt(6))
    assert emergence_score(20, [4, 6, 5, 5]) == pytest.approx(6.124, abs=1e-3)
    # from nothing: μ = 0 -> the count itself
    assert emergence_score(7, []) == 7
    assert emergence_score(7, [0, 0]) == 7


def test_statuses_by_hand() -> None:
    assert status(20, [4, 6, 5, 5], first_seen_in_period=False) == "emerging"
    # (4 − 10)/√11 = −1.81 is above −2, but 4 ≤ 10/2 -> fading
    assert status(4, [10, 10, 10, 10], first_seen_in_period=False) == "fading"
    # (9 − 10)/√11 = −0.30 -> steady
    assert status(9, [10, 10, 10, 10], first_seen_in_period=False) == "steady"
    assert status(12, [], first_seen_in_period=True) == "new"
    # new but below min_size (5): steady, a handful of messages is not a topic yet
    assert status(3, [], first_seen_in_period=True) == "steady"
    # score (4 − 0)/1 = 4 ≥ 3 but 4 < min_size 5 -> not emerging
    assert status(4, [0, 0, 0, 0], first_seen_in_period=False) == "steady"
    # one baseline period only: too noisy to call emerging
    assert status(20, [5], first_seen_in_period=False) == "steady"


def test_rule_is_a_setting() -> None:
    strict = EmergenceRule(threshold=10.0)
    assert status(20, [4, 6, 5, 5], first_seen_in_period=False, rule=strict) == "steady"


def test_negative_burst_by_hand() -> None:
    # now 6/10 = 0.6; before 2/40 = 0.05; 0.6 ≥ 0.3 and 0.6 ≥ 2 × 0.05 -> burst
    assert negative_burst(6, 10, 2, 40)
    # only 2 negative messages (< 3): no burst whatever the share
    assert not negative_burst(2, 10, 0, 40)
    # 4/10 = 0.4 but the topic was already at 0.3 (12/40): 0.4 < 2 × 0.3 -> no burst
    assert not negative_burst(4, 10, 12, 40)
