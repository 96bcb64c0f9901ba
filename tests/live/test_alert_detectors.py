"""Alert detectors on generated series with injected episodes: recall ≥ 0.9 and at most one
false alert per rule per 30 days (issue 17's bar).

Series are generated with a fixed seed (numpy): 200 series of 180 days per rule, each with 0 to
2 injected episodes. An episode is detected when the rule fires on one of its days (or within
its first 3 days for a drop, which needs the recent window to fill); any other firing is a
false alert. The figures land in bench/results/live.json too (bench/bench_live.py).
"""

from __future__ import annotations

import numpy as np

from tribu.live.detect import drop_days, episodes, spike_days

DAYS = 180
SERIES = 200


def spike_trial(seed: int = 17) -> tuple[float, float]:
    """(recall, false alerts per 30 days) of the negative-sentiment spike rule."""
    rng = np.random.default_rng(seed)
    found = total = false = 0
    for _ in range(SERIES):
        base = rng.uniform(1, 6)  # negative messages a day in this channel
        counts = rng.poisson(base, DAYS).astype(float)
        injected = []
        for _ in range(rng.integers(0, 3)):
            day = int(rng.integers(40, DAYS - 5))
            length = int(rng.integers(1, 4))
            for d in range(day, min(DAYS, day + length)):
                counts[d] += rng.poisson(base * 3 + 8)  # an angry afternoon or two
            injected.append(range(day, min(DAYS, day + length)))
        fired = episodes(spike_days(list(counts)))
        total += len(injected)
        hit = set()
        for f in fired:
            owner = next((i for i, ep in enumerate(injected) if f in ep), None)
            if owner is None:
                false += 1
            else:
                hit.add(owner)
        found += len(hit)
    return found / max(total, 1), false / (SERIES * (DAYS - 40) / 30)


def drop_trial(seed: int = 18) -> tuple[float, float]:
    """(recall, false alerts per 30 days) of the member-at-risk rule (activity halved)."""
    rng = np.random.default_rng(seed)
    found = total = false = 0
    for _ in range(SERIES):
        rate = rng.uniform(0.5, 3)  # a member's messages a day
        rates = np.full(DAYS, rate)
        injected = []
        if rng.random() < 0.5:
            day = int(rng.integers(80, DAYS - 30))
            rates[day:] = rate * rng.uniform(0.0, 0.3)  # the member drifts away
            injected.append(range(day, day + 28))
        counts = rng.poisson(rates).astype(float)
        fired = episodes(drop_days(list(counts)), rearm=14)
        total += len(injected)
        hit = set()
        for f in fired:
            owner = next((i for i, ep in enumerate(injected) if f in ep), None)
            if owner is None:
                false += 1
            else:
                hit.add(owner)
        found += len(hit)
    return found / max(total, 1), false / (SERIES * (DAYS - 70) / 30)


def test_episode_fires_once_and_rearms() -> None:
    flags = [False, True, True, False, True, False, False, False, True]
    # day 1 opens an episode; day 4 is within 3 quiet days: same episode; day 8 is new
    assert episodes(flags, rearm=3) == [1, 8]


def test_spike_needs_history_and_a_floor() -> None:
    quiet = [0.0] * 20 + [4.0]  # std 0, floor 1: 4 ≥ 0 + 3 but under min_count 5
    assert not spike_days(quiet)[-1]
    assert spike_days([0.0] * 20 + [5.0])[-1]
    assert not any(spike_days([9.0] * 6))  # under 7 days of history: never


def test_drop_compares_recent_days_with_the_baseline() -> None:
    # 56 days at 1 a day, then 14 days at 0.5: recent 7 <= 0.5 * 14 -> flagged
    series = [1.0] * 56 + [0.5] * 14
    assert drop_days(series)[-1]
    assert not drop_days([1.0] * 56 + [0.6] * 14)[-1]  # 8.4 > 7


def test_spike_rule_recall_and_false_alerts() -> None:
    recall, false_rate = spike_trial()
    assert recall >= 0.9, recall
    assert false_rate <= 1.0, false_rate


def test_member_at_risk_rule_recall_and_false_alerts() -> None:
    recall, false_rate = drop_trial()
    assert recall >= 0.9, recall
    assert false_rate <= 1.0, false_rate
