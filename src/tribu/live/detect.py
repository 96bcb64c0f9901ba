"""The detectors behind the alert rules: pure functions over daily series, and episodes.

Each detector looks at one series (one channel's daily negative messages, one member's daily
messages...) and says, for each day, whether the alert condition holds; :func:`episodes` turns
those days into episodes, so an alert fires ONCE on an episode's first day and again only
after the condition has been false for ``rearm`` days in a row.

- :func:`spike_days` — today's count stands well above its own trailing baseline:
  ``count ≥ min_count`` and ``count ≥ mean + z·max(std, 1)`` over the previous ``window`` days
  (defaults: 5, 3.0, 28). The ``max(std, 1)`` floor keeps a quiet channel from firing on noise.
- :func:`drop_days` — activity over the last ``recent`` days fell to ``ratio`` or less of the
  same-length average over the ``baseline`` days before (defaults 14, 0.5, 56), for a series
  whose baseline average is at least ``min_baseline`` (4) per period.

tests/live/test_alert_detectors.py checks recall ≥ 0.9 and at most one false alert per rule per
30 days on generated series with injected episodes; bench/results/live.json records the figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import sqrt

__all__ = ["drop_days", "episodes", "spike_days"]


def spike_days(
    counts: Sequence[float],
    *,
    window: int = 28,
    z: float = 3.0,
    min_count: float = 5,
) -> list[bool]:
    """Per day, whether ``counts[day]`` is a spike against the ``window`` days before it
    (the first ``7`` days, with too little history, never are)."""
    out = []
    for day, value in enumerate(counts):
        history = counts[max(0, day - window) : day]
        if len(history) < 7 or value < min_count:
            out.append(False)
            continue
        mean = sum(history) / len(history)
        std = sqrt(sum((h - mean) ** 2 for h in history) / len(history))
        out.append(value >= mean + z * max(std, 1.0))
    return out


def drop_days(
    counts: Sequence[float],
    *,
    recent: int = 14,
    baseline: int = 56,
    ratio: float = 0.5,
    min_baseline: float = 4,
) -> list[bool]:
    """Per day, whether the last ``recent`` days hold ``ratio`` or less of the average
    ``recent``-day activity of the ``baseline`` days before them."""
    out = []
    for day in range(len(counts)):
        start = day + 1 - recent
        if start - baseline < 0:
            out.append(False)
            continue
        now = sum(counts[start : day + 1])
        before = sum(counts[start - baseline : start]) * recent / baseline
        out.append(before >= min_baseline and now <= ratio * before)
    return out


def episodes(flags: Sequence[bool], *, rearm: int = 3) -> list[int]:
    """The days an alert fires: the first flagged day of each episode; an episode ends after
    ``rearm`` unflagged days in a row."""
    fired = []
    quiet = rearm  # ready to fire
    for day, flag in enumerate(flags):
        if flag:
            if quiet >= rearm:
                fired.append(day)
            quiet = 0
        else:
            quiet += 1
    return fired
