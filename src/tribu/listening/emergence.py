"""Emergence: is a topic's volume in the chosen period well above its own baseline?

For topic ``t`` and period ``p`` (a week or a month), with ``c`` its messages in ``p`` and
``μ`` the mean of its messages over the ``baseline`` periods before ``p`` (default 4; periods
without a message count as 0; periods before the data starts are not counted):

    emergence = (c − μ) / √(μ + 1)

a Poisson z-score (the variance of a count is its mean) with one added so that a topic
coming from nothing gets a finite score (``c`` itself when μ = 0). The status of the topic in
``p``:

* **new** — its first message falls in ``p`` (nothing in any earlier period) and ``c ≥ min_size``;
* **emerging** — ``emergence ≥ threshold`` (3), ``c ≥ min_size`` (5) and at least
  ``min_history`` (2) baseline periods (one period alone is too noisy a baseline: on the
  generated warehouse it raised three false alarms in the second week);
* **fading** — ``emergence ≤ −fade_threshold`` (2) or (``μ ≥ min_size`` and ``c ≤ μ / 2``);
* **steady** — otherwise (a topic with ``c < min_size`` and no history too).

A **negative burst** is flagged when, in ``p``, at least ``min_negative`` (3) messages of the
topic are negative (sentiment < 0.3, the triage threshold) and their share is at least
``burst_ratio`` (2) times the topic's negative share over the baseline periods and at least
``burst_floor`` (0.3).

Worked example (``tests/listening/test_emergence.py``): counts 4, 6, 5, 5 then 20 →
μ = 5, emergence = (20 − 5)/√6 = 6.124 → emerging. Counts 10, 10, 10, 10 then 4: μ = 10,
(4 − 10)/√11 = −1.809, but 4 ≤ 10/2 → fading.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "EmergenceRule",
    "emergence_score",
    "negative_burst",
    "status",
]


@dataclass(frozen=True)
class EmergenceRule:
    """The settings of :func:`status` and :func:`negative_burst` (documented defaults)."""

    baseline: int = 4
    threshold: float = 3.0
    fade_threshold: float = 2.0
    min_size: int = 5
    min_history: int = 2
    negative_below: float = 0.3
    min_negative: int = 3
    burst_ratio: float = 2.0
    burst_floor: float = 0.3


def emergence_score(count: int, history: Sequence[int]) -> float:
    """``(c − μ) / √(μ + 1)`` with μ the mean of ``history`` (0 when it is empty).

    Examples
    --------
    >>> round(emergence_score(20, [4, 6, 5, 5]), 3)
    6.124
    """
    mean = sum(history) / len(history) if history else 0.0
    return (count - mean) / math.sqrt(mean + 1.0)


def status(
    count: int,
    history: Sequence[int],
    *,
    first_seen_in_period: bool,
    rule: EmergenceRule = EmergenceRule(),  # noqa: B008 - frozen, shared default is safe
) -> str:
    """``new``, ``emerging``, ``fading`` or ``steady`` (see the module docstring)."""
    mean = sum(history) / len(history) if history else 0.0
    score = emergence_score(count, history)
    if first_seen_in_period and count >= rule.min_size:
        return "new"
    if (
        score >= rule.threshold
        and count >= rule.min_size
        and len(history) >= rule.min_history
    ):
        return "emerging"
    if score <= -rule.fade_threshold or (mean >= rule.min_size and count <= mean / 2):
        return "fading"
    return "steady"


def negative_burst(
    negatives: int,
    count: int,
    baseline_negatives: int,
    baseline_count: int,
    rule: EmergenceRule = EmergenceRule(),  # noqa: B008 - frozen, shared default is safe
) -> bool:
    """True when a topic's negative share jumps in the period (see the module docstring).

    Examples
    --------
    >>> negative_burst(6, 10, 2, 40)  # 0.6 now against 0.05 before
    True
    >>> negative_burst(2, 10, 0, 40)  # too few negative messages to call it a burst
    False
    """
    if count == 0 or negatives < rule.min_negative:
        return False
    share = negatives / count
    before = baseline_negatives / baseline_count if baseline_count else 0.0
    return share >= rule.burst_floor and share >= rule.burst_ratio * before
