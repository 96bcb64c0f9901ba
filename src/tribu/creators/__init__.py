"""Creator measures: tiers, engagement against benchmarks, CPE, disclosure, tier choice.

Importing this package registers the creator measures (family ``creators``) in the shared
registry. :func:`creators_overview` runs them on a warehouse for the CLI and the report.
"""

from tribu.creators.disclosure import disclosure_check
from tribu.creators.engagement import (
    creator_engagement,
    creator_post_engagement,
    tier_performance,
)
from tribu.creators.overview import CreatorsOverview, creators_overview
from tribu.creators.recommendation import TierRecommendation, tier_recommendations
from tribu.creators.tiers import TIER_BENCHMARKS, TIER_ORDER, tier_of

__all__ = [
    "TIER_BENCHMARKS",
    "TIER_ORDER",
    "CreatorsOverview",
    "TierRecommendation",
    "creator_engagement",
    "creator_post_engagement",
    "creators_overview",
    "disclosure_check",
    "tier_of",
    "tier_performance",
    "tier_recommendations",
]
