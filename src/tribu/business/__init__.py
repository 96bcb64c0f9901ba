"""Business measures: acquisition cost, lifetime value, repurchase, NPS, segments.

Importing this package registers every business measure in the shared registry
(:data:`tribu.metrics.MEASURES`, family ``business``). Measures are pure Ibis functions over the
canonical tables; the few steps that cannot be (the BG/NBD and Gamma–Gamma fit, k-means, the
rank correlation) take the small tables the measures return and are named apart:
:func:`predictive_clv`, :func:`behavioural_segments`, :func:`rank_correlation`.
:func:`business_overview` runs everything on a warehouse for the CLI and the report.
"""

from tribu.business.acquisition import cac_by_channel, cac_by_channel_month
from tribu.business.lifetime_value import clv_cac_by_channel, customer_value
from tribu.business.members import members_vs_non_members
from tribu.business.money import (
    CurrencySettings,
    check_currencies,
    currency_settings,
    in_reporting_currency,
    parse_rates,
)
from tribu.business.nps import (
    RankCorrelation,
    nps_by_channel,
    nps_by_month,
    nps_rating_by_month,
    rank_correlation,
)
from tribu.business.overview import BusinessOverview, business_overview
from tribu.business.predictive import PredictiveCLV, clv_summary, predictive_clv
from tribu.business.repurchase import repurchase_rate_by_cohort
from tribu.business.segments import Segments, behavioural_segments, customer_rfm

__all__ = [
    "BusinessOverview",
    "business_overview",
    "CurrencySettings",
    "PredictiveCLV",
    "RankCorrelation",
    "Segments",
    "behavioural_segments",
    "cac_by_channel",
    "cac_by_channel_month",
    "check_currencies",
    "clv_cac_by_channel",
    "clv_summary",
    "currency_settings",
    "customer_rfm",
    "customer_value",
    "in_reporting_currency",
    "members_vs_non_members",
    "nps_by_channel",
    "nps_by_month",
    "nps_rating_by_month",
    "parse_rates",
    "predictive_clv",
    "rank_correlation",
    "repurchase_rate_by_cohort",
]
