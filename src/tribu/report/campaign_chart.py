"""The campaigns chart: UGC ratio and cost per engagement of each campaign, honestly.

A campaign whose dates fall outside the community data is listed as "no community data" rather
than as zero engagement, and community activations are told apart from paid media. Split from
:mod:`tribu.report.charts` (which lists it in ``CHARTS``) because of those coverage rules.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from tribu.report.chart_parts import Chart, chart_layout, iso_dates, plot_text
from tribu.report.data import Filters, MeasureData, MeasureUnavailable, records

__all__ = ["campaign_coverage", "campaigns"]


def _data_spans(data: MeasureData) -> dict[str | None, tuple[Any, Any]]:
    """First and last day of community data, per community and overall (key None)."""
    try:
        daily = data.frame("daily_activity")
    except MeasureUnavailable:
        return {}
    if daily.empty:
        return {}
    days = pd.to_datetime(daily["day"])
    spans: dict[str | None, tuple[Any, Any]] = {None: (days.min(), days.max())}
    for key, part in days.groupby(daily["community_id"]):
        spans[str(key)] = (part.min(), part.max())
    return spans


def campaign_coverage(
    campaign: dict[str, Any], spans: dict[str | None, tuple[Any, Any]]
) -> bool:
    """Whether the campaign's window overlaps the community data (its community's, or any
    community's for a campaign tied to none)."""
    owner = campaign.get("community_id")
    span = spans.get(str(owner) if owner else None)
    if span is None or campaign.get("starts") is None or campaign.get("ends") is None:
        return False
    starts = pd.Timestamp(campaign["starts"]).tz_localize(None).normalize()
    ends = pd.Timestamp(campaign["ends"]).tz_localize(None).normalize()
    first, last = (pd.Timestamp(v).tz_localize(None).normalize() for v in span)
    return bool(starts <= last and ends >= first)


def _kind(campaign: dict[str, Any]) -> str:
    """``activation`` for a campaign with activation posts in a community, else ``paid``."""
    ids = campaign.get("activation_message_ids")
    has_posts = ids is not None and len(ids) > 0
    return "activation" if has_posts else "paid"


def campaigns(data: MeasureData, filters: Filters, w: dict[str, str]) -> Chart:
    """UGC ratio and cost per engagement of each campaign.

    With a community filter: the community's campaigns and those tied to no community. A
    campaign whose window holds no community data (its dates fall outside the messages) is
    listed with "no community data in this window" and no UGC or engagement, never as zero
    engagement, and is left out of the bars; community activations (with activation posts)
    and paid-media campaigns are told apart.
    """
    ugc, _ = data.filtered("ugc_ratio", filters)
    cpe, _ = data.filtered("cost_per_engagement", filters)
    known = data.campaigns()
    if filters.community is not None and not known.empty:
        # a campaign tied to no community (community_id empty) concerns every community
        owner = known["community_id"]
        mine = set(
            known.loc[(owner == filters.community) | owner.isna(), "campaign_id"]
        )
        ugc = ugc[ugc["campaign_id"].isin(mine)]
        cpe = cpe[cpe["campaign_id"].isin(mine)]
    merged = ugc.merge(cpe, on="campaign_id", how="outer", suffixes=("", "_cpe"))
    merged = merged.sort_values("campaign_id")
    about = {str(r["campaign_id"]): r for r in records(known)}
    spans = _data_spans(data)
    table = []
    for r in records(merged):
        campaign = about.get(str(r["campaign_id"]), {})
        covered = campaign_coverage(campaign, spans)
        kind = _kind(campaign)
        row = {
            **r,
            "name": campaign.get("name") or r.get("name") or r["campaign_id"],
            "kind": kind,
            "kind_label": w[f"kind:{kind}"],
            "starts": iso_dates(pd.Series([campaign.get("starts")]))[0],
            "ends": iso_dates(pd.Series([campaign.get("ends")]))[0],
            "has_data": covered,
            "status": None if covered else w["no_community_data"],
        }
        if not covered:  # nothing to measure: unknown, not zero
            for column in (
                "ugc_ratio",
                "ugc_messages",
                "campaign_messages",
                "content_messages",
                "engagements",
                "cost_per_engagement",
            ):
                if column in row:
                    row[column] = None
        row.pop("name_cpe", None)
        table.append(row)
    # activations first, then paid media; by name within each
    table.sort(key=lambda r: (r["kind"] != "activation", str(r["name"])))
    drawn = [r for r in table if r["has_data"]]
    figure = {
        "data": [  # one bar series per kind: activations and paid media told apart
            {
                "type": "bar",
                "name": plot_text(w[f"kind:{kind}"]),
                "x": [plot_text(r["name"]) for r in drawn if r["kind"] == kind],
                "y": [r.get("ugc_ratio") for r in drawn if r["kind"] == kind],
                "hovertemplate": "%{x}: %{y:.0%}<extra></extra>",
            }
            for kind in ("activation", "paid")
            if any(r["kind"] == kind for r in drawn)
        ],
        "layout": chart_layout(w["campaigns"], w["campaign"], w["ugc_ratio"])
        | {
            "yaxis": {
                "tickformat": ".0%",
                "title": {"text": plot_text(w["ugc_ratio"])},
                "automargin": True,
            }
        },
    }
    chart = Chart("campaigns", w["campaigns"], "ugc_ratio", figure, len(merged), table)
    outside = len(table) - len(drawn)
    if outside:
        chart.notes.append(w["campaigns_outside"].format(n=outside))
    return chart
