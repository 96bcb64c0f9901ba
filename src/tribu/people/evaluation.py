"""Pairwise precision and recall of a :class:`~tribu.people.engine.Plan` against the truth.

Auto-merge precision is counted on the people the auto-merges make, not on the merged pairs
alone: merging A-B and B-C also says A and C are one person, so every pair inside a merged
group is counted (the stricter reading). Suggestion recall is the share of true pairs that
are either inside an auto-merged group or suggested for review.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from tribu.people.engine import Plan, Suggestion

__all__ = ["Scores", "merged_pairs", "scores"]


@dataclass(frozen=True)
class Scores:
    """Pairwise figures of one plan."""

    true_pairs: int
    auto_merged_pairs: int
    auto_merge_correct: int
    auto_merge_precision: float
    suggested_pairs: int
    suggestion_precision: float
    suggestion_recall: float
    auto_merge_recall: float


def merged_pairs(merges: Iterable[Suggestion]) -> set[tuple[str, str]]:
    """Every pair of members that the merges put in one person (transitively)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for s in merges:
        parent[find(s.member_a)] = find(s.member_b)
    groups: dict[str, list[str]] = {}
    for member in list(parent):
        groups.setdefault(find(member), []).append(member)
    return {
        (a, b) if a < b else (b, a)
        for members in groups.values()
        for a, b in combinations(sorted(members), 2)
    }


def scores(plan: Plan, truth_pairs: set[tuple[str, str]]) -> Scores:
    """Precision of auto-merges and recall of suggestions (see the module docstring)."""
    merged = merged_pairs(plan.auto)
    reviewed = {(s.member_a, s.member_b) for s in plan.review}
    found = merged | reviewed
    correct = len(merged & truth_pairs)
    return Scores(
        true_pairs=len(truth_pairs),
        auto_merged_pairs=len(merged),
        auto_merge_correct=correct,
        auto_merge_precision=correct / len(merged) if merged else 1.0,
        suggested_pairs=len(found),
        suggestion_precision=len(found & truth_pairs) / len(found) if found else 1.0,
        suggestion_recall=len(found & truth_pairs) / len(truth_pairs)
        if truth_pairs
        else 1.0,
        auto_merge_recall=correct / len(truth_pairs) if truth_pairs else 1.0,
    )
