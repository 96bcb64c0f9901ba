"""Every business measure on one warehouse, gathered for the CLI and the report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import ibis.expr.types as ir
import pandas as pd

from tribu.business.acquisition import cac_by_channel_month
from tribu.business.lifetime_value import clv_cac_by_channel
from tribu.business.members import members_vs_non_members
from tribu.business.nps import (
    RankCorrelation,
    nps_by_channel,
    nps_by_month,
    nps_rating_by_month,
    rank_correlation,
)
from tribu.business.predictive import PredictiveCLV, clv_summary, predictive_clv
from tribu.business.repurchase import repurchase_rate_by_cohort
from tribu.business.segments import Segments, behavioural_segments, customer_rfm

__all__ = ["BusinessOverview", "business_overview"]


@dataclass
class BusinessOverview:
    """The business measures computed together, as pandas tables ready to show."""

    sections: dict[str, pd.DataFrame]
    correlation: RankCorrelation
    predictive: PredictiveCLV
    segments: Segments
    settings: dict[str, object] = field(default_factory=dict)


def business_overview(
    tables: Mapping[str, ir.Table],
    *,
    margin: float = 1.0,
    rates: Mapping[str, float] | None = None,
    as_of: datetime | None = None,
    horizon_months: int = 12,
    seed: int = 0,
) -> BusinessOverview:
    """Compute every business measure over ``tables`` (canonical name -> Ibis table)."""
    customers, orders = tables["customers"], tables["orders"]
    nps, reviews = tables["nps"], tables["reviews"]
    money = {"rates": rates}
    sections: dict[str, pd.DataFrame] = {
        "cac_by_channel_month": cac_by_channel_month(customers, **money).execute(),
        "repurchase_rate_by_cohort": repurchase_rate_by_cohort(
            orders, as_of=as_of
        ).execute(),
        "nps_by_month": nps_by_month(nps).execute(),
        "nps_by_channel": nps_by_channel(nps).execute(),
        "nps_rating_by_month": nps_rating_by_month(nps, reviews).execute(),
        "members_vs_non_members": members_vs_non_members(
            customers, orders, margin=margin, **money
        ).execute(),
    }
    summary = clv_summary(orders, as_of=as_of, period_days=7, **money).execute()
    predictive = predictive_clv(
        summary, horizon_months=horizon_months, margin=margin, period_days=7, seed=seed
    )
    channels = clv_cac_by_channel(customers, orders, margin=margin, **money).execute()
    if predictive.fitted:
        linked = predictive.customers.merge(
            customers.select("customer_id", "channel").execute(), on="customer_id"
        )
        linked["channel"] = linked["channel"].fillna("unknown")
        mean_clv = linked.groupby("channel")["clv"].mean().rename("clv_predicted")
        channels = channels.merge(mean_clv, on="channel", how="left")
        cac = channels["cac"].where(channels["cac"] > 0)
        channels["predicted_clv_to_cac"] = channels["clv_predicted"] / cac
    sections["clv_cac_by_channel"] = channels
    segments = behavioural_segments(
        customer_rfm(orders, as_of=as_of, **money).execute(), seed=seed
    )
    sections["segments"] = segments.summary
    correlation = rank_correlation(sections["nps_rating_by_month"])
    return BusinessOverview(
        sections,
        correlation,
        predictive,
        segments,
        {"margin": margin, "as_of": as_of, "horizon_months": horizon_months},
    )
