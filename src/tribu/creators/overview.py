"""Every creator measure on one warehouse, gathered for the CLI and the report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import ibis.expr.types as ir
import pandas as pd

from tribu.creators.disclosure import disclosure_check
from tribu.creators.engagement import creator_engagement, tier_performance
from tribu.creators.recommendation import TierRecommendation, tier_recommendations
from tribu.creators.tiers import TIER_BENCHMARKS, TIER_ORDER

__all__ = ["CreatorsOverview", "creators_overview"]


@dataclass
class CreatorsOverview:
    """The creator measures computed together, as pandas tables ready to show."""

    sections: dict[str, pd.DataFrame]
    recommendations: list[TierRecommendation]


def creators_overview(
    tables: Mapping[str, ir.Table],
    *,
    benchmarks: Mapping[str, float] = TIER_BENCHMARKS,
    rates: Mapping[str, float] | None = None,
) -> CreatorsOverview:
    """Compute every creator measure over ``tables`` (canonical name -> Ibis table)."""
    creators, posts = tables["creators"], tables["creator_posts"]
    money = {"rates": rates, "benchmarks": benchmarks}
    tiers = tier_performance(creators, posts, tables["orders"], **money).execute()
    tiers["_order"] = tiers["tier"].map({t: i for i, t in enumerate(TIER_ORDER)})
    tiers = tiers.sort_values("_order").drop(columns="_order").reset_index(drop=True)
    people = creator_engagement(creators, posts, **money).execute()
    people["_order"] = people["tier"].map({t: i for i, t in enumerate(TIER_ORDER)})
    people = people.sort_values(["_order", "er"], ascending=[True, False])
    people = people.drop(columns="_order").reset_index(drop=True)
    checks = disclosure_check(posts).execute()
    flagged = checks[checks["flagged"]].merge(
        creators.select("creator_id", "handle").execute(), on="creator_id", how="left"
    )
    return CreatorsOverview(
        {
            "tiers": tiers,
            "creators": people,
            "disclosure": flagged.sort_values("ts").reset_index(drop=True),
        },
        tier_recommendations(tiers),
    )
