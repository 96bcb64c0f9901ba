"""Benchmark: identity-merge suggestions, their quality on the labelled set, and their speed.

Quality: :func:`tribu.people.synthetic.labelled_identities` (500 people over Discord, Slack and
WhatsApp with nicknames, typos, accents, shared first names, namesakes and bots) on seeds
19, 20 and 21; the thresholds were set looking at seed 18 only. Pairwise auto-merge precision
(every pair inside an auto-merged person) and suggestion recall (true pairs auto-merged or
suggested), pooled over the three seeds, for a pseudonymised warehouse (the default: names
kept only as hashed tokens) and a ``--keep-names`` one (fuzzy names). The top-level
``auto_merge_precision`` and ``suggestion_recall`` are the default (pseudonymised) figures.

Speed: the engine (blocking, scoring, auto-merge grouping) over about 100,000 members made by
the same generator (57,000 people), in a child process; generation is not timed. Wall-clock
seconds and the CPU seconds the engine used (the fair figure when 8 engineers share the 2
cores: the load average is recorded beside).
"""

from __future__ import annotations

import os
import time
from typing import Any

from bench._measure import measure_in_child, write_result

SEEDS = (19, 20, 21)
BIG_PEOPLE = 57_000


def _quality(keep_names: bool) -> dict[str, Any]:
    from tribu.people.engine import plan
    from tribu.people.evaluation import merged_pairs
    from tribu.people.synthetic import labelled_identities, true_pairs

    merged = correct = found_true = truths = suggested = 0
    for seed in SEEDS:
        data = labelled_identities(500, seed=seed, keep_names=keep_names)
        result = plan(data.identities)
        truth = true_pairs(data.truth)
        auto = merged_pairs(result.auto)
        found = auto | {(s.member_a, s.member_b) for s in result.review}
        merged += len(auto)
        correct += len(auto & truth)
        found_true += len(found & truth)
        truths += len(truth)
        suggested += len(found)
    return {
        "seeds": list(SEEDS),
        "true_pairs": truths,
        "auto_merged_pairs": merged,
        "auto_merge_precision": round(correct / merged, 4) if merged else 1.0,
        "auto_merge_recall": round(correct / truths, 4),
        "suggested_pairs": suggested,
        "suggestion_precision": round(found_true / suggested, 4),
        "suggestion_recall": round(found_true / truths, 4),
    }


def _suggest_big(people: int) -> dict[str, Any]:
    from tribu.people.engine import plan
    from tribu.people.synthetic import labelled_identities

    data = labelled_identities(people, seed=7, keep_names=False)
    started = time.perf_counter()
    cpu = time.process_time()
    result = plan(data.identities)
    cpu = time.process_time() - cpu
    return {
        "members": len(data.identities),
        "compared_pairs": result.compared,
        "skipped_blocks": result.skipped_blocks,
        "auto_merges": len(result.auto),
        "suggestions": len(result.review),
        "engine_seconds": round(time.perf_counter() - started, 2),
        "engine_cpu_seconds": round(cpu, 2),
    }


def run() -> dict[str, Any]:
    """Measure quality (both modes) and the 100k-member speed; write people.json."""
    hashed = _quality(keep_names=False)
    fuzzy = _quality(keep_names=True)
    seconds, big, peak = measure_in_child(_suggest_big, BIG_PEOPLE)
    return write_result(
        "people",
        {
            "auto_merge_precision": hashed["auto_merge_precision"],
            "suggestion_recall": hashed["suggestion_recall"],
            "bars": {"auto_merge_precision": 0.98, "suggestion_recall": 0.80},
            "pseudonymised": hashed,
            "keep_names": fuzzy,
            "speed": {
                **big,
                "what": "engine over generated members (generation not timed)",
                "seconds_with_generation": round(seconds, 2),
                "members_per_second": round(big["members"] / big["engine_seconds"]),
                "peak_memory_mb": round(peak),
                "bar_seconds": 60,
            },
            "load": os.getloadavg(),
        },
    )
