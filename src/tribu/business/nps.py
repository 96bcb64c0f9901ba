"""Net Promoter Score by month and by channel, and how it tracks the mean review rating.

The rank correlation is computed in Python with :func:`scipy.stats.spearmanr` on the monthly
table (a few dozen rows at most); the monthly table itself is an Ibis measure.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import ibis.expr.types as ir
import pandas as pd

from tribu.metrics._registry import register

__all__ = [
    "MIN_MONTHS",
    "RankCorrelation",
    "nps_by_channel",
    "nps_by_month",
    "nps_rating_by_month",
    "rank_correlation",
]

MIN_MONTHS = 6
"""Fewer paired months than this and the correlation is reported without a verdict."""


def _scored(nps: ir.Table, by: str) -> ir.Table:
    out = nps.group_by(by).aggregate(
        answers=nps.count(),
        promoters=(nps.score >= 9).cast("int64").sum(),
        passives=((nps.score >= 7) & (nps.score <= 8)).cast("int64").sum(),
        detractors=(nps.score <= 6).cast("int64").sum(),
    )
    return out.mutate(nps=100.0 * (out.promoters - out.detractors) / out.answers)


@register("business")
def nps_by_month(nps: ir.Table) -> ir.Table:
    """Net Promoter Score per calendar month of the answers.

    Definition: NPS = 100 × (promoters − detractors) / answers, with promoters scoring 9–10,
    passives 7–8 and detractors 0–6.

    Grain: one row per ``month``. Unit: points from −100 to +100.

    Parameters
    ----------
    nps
        The ``nps`` table.

    Caveats: a month with few answers swings widely; read ``answers`` alongside.

    Examples
    --------
    Ten answers in March: scores 10, 10, 9, 9, 8, 7, 6, 5, 3, 0. Promoters 4, detractors 4:
    NPS = 100 × (4 − 4) / 10 = 0.0.
    """
    rows = nps.mutate(month=nps.ts.truncate("M").date())
    return _scored(rows, "month").order_by("month")


@register("business")
def nps_by_channel(nps: ir.Table) -> ir.Table:
    """Net Promoter Score per channel the answer came from (blank channel: ``unknown``).

    Definition: as :func:`nps_by_month`, grouped by ``nps.channel``.
    Grain: one row per ``channel``. Unit: points from −100 to +100.

    Parameters
    ----------
    nps
        The ``nps`` table.

    Examples
    --------
    ``email``: scores 10, 9, 3 → 2 promoters, 1 detractor, NPS = 100 × 1 / 3 = 33.3.
    """
    rows = nps.mutate(channel=nps.channel.fill_null("unknown"))
    return _scored(rows, "channel").order_by("channel")


@register("business")
def nps_rating_by_month(nps: ir.Table, reviews: ir.Table) -> ir.Table:
    """Monthly NPS beside the monthly mean review rating, for months that have both.

    Definition: ``nps`` as in :func:`nps_by_month`; ``mean_rating`` = mean of
    ``reviews.rating`` (1–5) over every place that month.

    Grain: one row per ``month`` having at least one NPS answer and one review.
    Unit: NPS points; rating stars.

    Parameters
    ----------
    nps, reviews
        The canonical tables.

    Examples
    --------
    March: NPS 0.0 (as in :func:`nps_by_month`), reviews rated 4 and 5: mean_rating 4.5.
    """
    monthly = nps_by_month(nps)
    rated = reviews.mutate(month=reviews.ts.truncate("M").date())
    ratings = rated.group_by("month").aggregate(
        reviews=rated.count(), mean_rating=rated.rating.mean()
    )
    joined = monthly.join(ratings, monthly.month == ratings.month)
    return joined.select(
        month=monthly.month,
        answers=monthly.answers,
        nps=monthly.nps,
        reviews=ratings.reviews,
        mean_rating=ratings.mean_rating,
    ).order_by("month")


@dataclass(frozen=True)
class RankCorrelation:
    """Spearman's rank correlation between monthly NPS and mean rating, with its verdict."""

    n: int
    rho: float | None
    p_value: float | None
    verdict: str


def rank_correlation(
    monthly: pd.DataFrame,
    *,
    x: str = "nps",
    y: str = "mean_rating",
    min_n: int = MIN_MONTHS,
    alpha: float = 0.05,
) -> RankCorrelation:
    """Spearman's ρ between two columns of a monthly table, its p-value and a plain verdict.

    Below ``min_n`` paired months the coefficient is still given but the verdict says there
    is too little data to conclude (with 5 months, even ρ = 0.9 is p ≈ 0.04 by luck alone too
    often to act on). A series that never varies has no rank correlation.
    """
    pairs = monthly[[x, y]].dropna()
    n = len(pairs)
    if n < 3:
        return RankCorrelation(
            n, None, None, f"Too few months with both ({n}); need {min_n}."
        )
    if pairs[x].nunique() < 2 or pairs[y].nunique() < 2:
        return RankCorrelation(n, None, None, "One of the two series never changes.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from scipy import stats  # imported here: costs ~0.4 s, only this needs it

        result = stats.spearmanr(pairs[x], pairs[y])
    rho, p = float(result.statistic), float(result.pvalue)
    if math.isnan(rho):
        return RankCorrelation(
            n, None, None, "The correlation is undefined for these data."
        )
    if n < min_n:
        verdict = (
            f"Only {n} months: too few to say whether NPS and ratings move together "
            f"(need at least {min_n})."
        )
    elif p < alpha:
        direction = "together" if rho > 0 else "in opposite directions"
        strength = (
            "strongly"
            if abs(rho) >= 0.7
            else "moderately"
            if abs(rho) >= 0.4
            else "weakly"
        )
        verdict = (
            f"NPS and review ratings move {strength} {direction} "
            f"(ρ = {rho:.2f}, p = {p:.3f}, n = {n})."
        )
    else:
        verdict = (
            "No clear link between NPS and review ratings "
            f"(ρ = {rho:.2f}, p = {p:.2f}, n = {n})."
        )
    return RankCorrelation(n, rho, p, verdict)
