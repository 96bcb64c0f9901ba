"""Which creator tier served which campaign objective, read from :func:`tier_performance`."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["TierRecommendation", "tier_recommendations"]


@dataclass(frozen=True)
class TierRecommendation:
    """The best tier for one objective (``reach`` or ``conversion``), or why there is none."""

    objective: str
    tier: str | None
    value: float | None
    measure: str
    reason: str


def tier_recommendations(
    performance: pd.DataFrame, *, min_posts: int = 3
) -> list[TierRecommendation]:
    """Pick the tier with the most views per euro (reach) and revenue per euro (conversion).

    Only tiers with at least ``min_posts`` paid posts compete, so one lucky post does not
    decide. Reach needs views on the posts; conversion needs orders carrying a creator's
    promo code; when the data lacks them the recommendation says which column to fill.
    """
    able = performance[performance["paid_posts"] >= min_posts]
    return [
        _best(
            able[able["posts_with_views"] > 0],
            "reach",
            "views_per_euro",
            "views per euro",
            "No tier has views on enough paid posts: fill the 'views' column of the "
            f"creator-posts file (at least {min_posts} paid posts per tier).",
        ),
        _best(
            able[able["attributed_orders"] > 0],
            "conversion",
            "revenue_per_euro",
            "attributed revenue per euro",
            "No order can be tied to a creator: give each creator a 'promo_code' in the "
            "creators file and load orders with the code used in a 'promo_code' column.",
        ),
    ]


def _best(
    frame: pd.DataFrame, objective: str, column: str, label: str, missing: str
) -> TierRecommendation:
    frame = frame[frame[column].notna()]
    if frame.empty:
        return TierRecommendation(objective, None, None, label, missing)
    ranked = frame.sort_values(column, ascending=False)
    top = ranked.iloc[0]
    runner = ranked.iloc[1] if len(ranked) > 1 else None
    reason = f"{top['tier']} tier: {top[column]:,.2f} {label}"
    if runner is not None:
        reason += f", ahead of {runner['tier']} ({runner[column]:,.2f})"
    return TierRecommendation(
        objective, str(top["tier"]), float(top[column]), label, reason + "."
    )
