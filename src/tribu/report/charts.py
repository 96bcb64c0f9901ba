"""The charts of the report and the dashboard, as Plotly figures built from the measures.

Why Plotly: its JavaScript ships inside the ``plotly`` Python package
(``plotly.offline.get_plotlyjs()``), so the report can inline it and work offline from an
e-mail attachment, and the server can serve it from disk with no CDN; its figures are plain
JSON, so the very same figure built here is embedded in the report and sent to the dashboard;
it is MIT-licensed, maintained, and draws interactive line, step, heat-map and bar charts with
hover values, which is what a community manager wants to explore.

Each chart is one function ``(data, filters, words) -> Chart``: it reads one or two measures
through :class:`tribu.report.data.MeasureData`, never the warehouse, and returns a figure as a
dict. The legibility rules (at most eight series, communities before channels, grain by span,
titles outside the figure) are in :mod:`tribu.report.chart_parts`. Text that comes from
members or platforms (channel names, display names) goes through :func:`plot_text`,
because Plotly reads a few HTML tags in labels (``<b>``, ``<a href>``...).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from tribu.report.campaign_chart import campaigns
from tribu.report.chart_parts import (
    OTHERS,
    Chart,
    chart_layout,
    fold_others,
    iso_dates,
    keep_largest,
    names_by_key,
    numbers,
    plot_text,
    series,
    split_column,
    time_grain,
)
from tribu.report.data import Filters, MeasureData, MeasureUnavailable, records

__all__ = ["CHARTS", "Chart", "build_chart", "plot_text"]


def _series_names(data: MeasureData, by: str, w: dict[str, str]) -> dict[str, str]:
    """Display names of communities or channels, and of the folded "others" series."""
    if by == "community_id":
        names = names_by_key(data.communities(), "community_id")
    else:
        names = names_by_key(data.channels(), "channel_id")
    return names | {OTHERS: w["others"]}


def activity(data: MeasureData, filters: Filters, w: dict[str, str]) -> Chart:
    """Messages per day (or per week over long spans), one line per community, or per
    channel within one community; at most eight lines (measure ``daily_activity``)."""
    frame, _ = data.filtered("daily_activity", filters)
    by = split_column(frame)
    grain = "day"
    if not frame.empty:
        days = pd.to_datetime(frame["day"])
        grain = time_grain(days.min(), days.max())
        if grain == "week":  # Monday of the week, as the weekly measures
            frame = frame.assign(day=(days - pd.to_timedelta(days.dt.weekday, "D")))
        frame = frame.groupby([by, "day"], as_index=False)["messages"].sum()
        frame = fold_others(frame, by, "day", "messages")
    traces = series(
        frame,
        by,
        "day",
        "messages",
        _series_names(data, by, w),
        y_values=lambda values: [int(v) for v in values],
        mode="lines" if grain == "day" and len(frame) > 200 else "lines+markers",
    )
    title = w["activity" if grain == "day" else "activity_weekly"]
    figure = {
        "data": traces,
        "layout": chart_layout(title, "", w["messages"]),
    }
    return Chart("activity", title, "daily_activity", figure, len(frame))


def engagement(data: MeasureData, filters: Filters, w: dict[str, str]) -> Chart:
    """ER of each brand post (points) and its weekly median (line)."""
    posts, _ = data.filtered("engagement_rate_per_post", filters)
    weekly, _ = data.filtered("engagement_rate_weekly", filters)
    communities = names_by_key(data.communities(), "community_id")
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "markers",
            "name": plot_text(w["engagement_posts"]),
            "x": [pd.Timestamp(v).isoformat() for v in posts["ts"]],
            "y": numbers(posts["engagement_rate"]),
            "opacity": 0.5,
        }
    ]
    # medians cannot be folded into "others": the 7 communities with most brand posts
    # (the posts' points are the eighth series), and a note for the rest
    posts_per = posts.groupby("community_id").size() if not posts.empty else pd.Series()
    weekly, left_out = keep_largest(weekly, "community_id", posts_per, limit=7)
    traces += series(
        weekly,
        "community_id",
        "week",
        "median_engagement_rate",
        communities,
        label=lambda name: f"{w['engagement_weekly']} ({name})",
        mode="lines+markers",
    )
    layout = chart_layout(w["engagement"], "", w["engagement_rate"])
    layout["yaxis"]["tickformat"] = ".1%"
    chart = Chart(
        "engagement",
        w["engagement"],
        "engagement_rate_weekly",
        {"data": traces, "layout": layout},
        len(weekly),
    )
    if left_out:
        chart.notes.append(w["series_left_out"].format(n=left_out))
    return chart


def tts_signal_note(
    data: MeasureData, filters: Filters, w: dict[str, str]
) -> str | None:
    """Which signal each community's time to sentiment rests on, in words (None without
    brand posts or when the measure is missing)."""
    try:
        signals, _ = data.filtered("time_to_sentiment_signals", filters)
    except MeasureUnavailable:
        return None
    if signals.empty:
        return None
    names = names_by_key(data.communities(), "community_id")
    grouped: dict[str, list[str]] = {}
    for row in records(signals.sort_values("community_id")):
        name = names.get(str(row["community_id"]), str(row["community_id"]))
        grouped.setdefault(str(row["signal"]), []).append(name)
    parts = [
        f"{', '.join(grouped[signal])} : {w[f'signal:{signal}']}"
        if w["lang"] == "fr"
        else f"{', '.join(grouped[signal])}: {w[f'signal:{signal}']}"
        for signal in ("replies+reactions", "replies", "reactions", "none")
        if signal in grouped
    ]
    return f"{w['signal']} — " + " ; ".join(parts) if parts else None


def survival(data: MeasureData, filters: Filters, w: dict[str, str]) -> Chart:
    """Kaplan–Meier curve of the time to first positive sentiment, per community.

    The x axis stops a little after the last positive reaction seen (where the curves stop
    moving), not at the end of the 7-day window; each curve starts at (0 h, 100 %). Notes say
    which signal each community rests on and which communities were left out (at most eight
    curves: the communities with most brand posts).
    """
    frame, _ = data.filtered("time_to_sentiment_survival", filters)
    communities = names_by_key(data.communities(), "community_id")
    notes = []
    if not frame.empty:
        posts = frame.groupby("community_id")["at_risk"].max()
        frame, left_out = keep_largest(frame, "community_id", posts)
        if left_out:
            notes.append(w["series_left_out"].format(n=left_out))
        starts = frame.groupby("community_id", as_index=False).agg(
            at_risk=("at_risk", "max")
        )
        starts = starts.assign(hours=0.0, events=0, survival=1.0)
        frame = pd.concat([starts, frame], ignore_index=True)
    traces = series(
        frame,
        "community_id",
        "hours",
        "survival",
        communities,
        x_values=numbers,
        mode="lines",
        line={"shape": "hv"},
    )
    layout = chart_layout(w["survival"], w["hours"], w["share_not_reached"])
    layout["yaxis"]["range"] = [0, 1.05]
    layout["yaxis"]["tickformat"] = ".0%"
    moved = frame[frame["events"] > 0]["hours"] if not frame.empty else pd.Series()
    if not moved.empty:
        last = float(moved.max())
        layout["xaxis"]["range"] = [0, max(1.0, last * 1.1)]
        notes.append(w["survival_axis"].format(hours=_hours(last, w["lang"])))
    signal = tts_signal_note(data, filters, w)
    if signal:
        notes.insert(0, signal)
    return Chart(
        "survival",
        w["survival"],
        "time_to_sentiment_survival",
        {"data": traces, "layout": layout},
        len(frame),
        notes=notes,
    )


def _hours(value: float, lang: str) -> str:
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang == "fr" else text


def sentiment(data: MeasureData, filters: Filters, w: dict[str, str]) -> Chart:
    """Mean sentiment per week, one line per community, or per channel within one community;
    at most eight lines, the rest pooled into "others" weighted by messages (measure
    ``sentiment_weekly``)."""
    frame, _ = data.filtered("sentiment_weekly", filters)
    by = split_column(frame)
    if not frame.empty:
        pooled = frame.assign(_w=frame["mean_sentiment"] * frame["messages"])
        pooled = pooled.groupby([by, "week"], as_index=False)[["_w", "messages"]].sum()
        pooled["mean_sentiment"] = pooled["_w"] / pooled["messages"]
        frame = fold_others(pooled, by, "week", "mean_sentiment", weight="messages")
    traces = series(
        frame,
        by,
        "week",
        "mean_sentiment",
        _series_names(data, by, w),
        mode="lines+markers",
    )
    layout = chart_layout(w["sentiment"], "", w["mean_sentiment"])
    layout["yaxis"]["range"] = [0, 1]
    return Chart(
        "sentiment",
        w["sentiment"],
        "sentiment_weekly",
        {"data": traces, "layout": layout},
        len(frame),
    )


def retention(data: MeasureData, filters: Filters, w: dict[str, str]) -> Chart:
    """Share of each join cohort still active N months later, as a heat map.

    Several communities shown together are pooled: retained / cohort size summed over them.
    """
    frame, _ = data.filtered("retention_by_cohort", filters)
    traces: list[dict[str, Any]] = []
    if not frame.empty:
        pooled = (
            frame.assign(cohort=iso_dates(frame["cohort_month"]))
            .groupby(["cohort", "months_since_join"], as_index=False)[
                ["retained", "cohort_size"]
            ]
            .sum()
        )
        pooled["retention"] = pooled["retained"] / pooled["cohort_size"]
        grid = pooled.pivot(
            index="cohort", columns="months_since_join", values="retention"
        ).sort_index()
        traces.append(
            {
                "type": "heatmap",
                "x": [int(c) for c in grid.columns],
                "y": [str(i) for i in grid.index],
                "z": [numbers(row) for _, row in grid.iterrows()],
                "zmin": 0,
                "zmax": 1,
                "colorscale": "Blues",
                "reversescale": True,
            }
        )
    layout = chart_layout(w["retention"], w["months_since_join"], w["cohort"])
    layout["xaxis"]["type"] = "category"
    layout["yaxis"]["type"] = "category"
    layout["yaxis"]["automargin"] = True
    return Chart(
        "retention",
        w["retention"],
        "retention_by_cohort",
        {"data": traces, "layout": layout},
        len(frame),
    )


def _weekday_index(value: Any) -> int:
    if isinstance(value, str):
        for names in (
            ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
            ["lun", "mar", "mer", "jeu", "ven", "sam", "dim"],
        ):
            if value[:3].lower() in names:
                return names.index(value[:3].lower())
        return int(value)
    return int(value) % 7


def ritual_slot(row: dict[str, Any], w: dict[str, str]) -> str:
    """'Fri at 18:00' / 'ven à 18:00' for a ritual row."""
    day = w["weekdays"].split(",")[_weekday_index(row["weekday"])]
    return f"{day} {w['at']} {int(row['hour']):02d}:00"


def rituals(data: MeasureData, filters: Filters, w: dict[str, str]) -> Chart:
    """Detected rituals on a weekday × hour grid, coloured by mean attendance."""
    frame, _ = data.filtered("rituals", filters)
    days = w["weekdays"].split(",")
    z: list[list[float | None]] = [[None] * 24 for _ in days]
    hover: list[list[str]] = [[""] * 24 for _ in days]
    channels = names_by_key(data.channels(), "channel_id")
    for row in records(frame):
        d, h = _weekday_index(row["weekday"]), int(row["hour"])
        attendance = float(row["mean_attendance"] or 0.0)
        z[d][h] = (z[d][h] or 0.0) + attendance
        hover[d][h] += plot_text(
            f"{channels.get(str(row['channel_id']), row['channel_id'])}: "
            f"{row['period']}, {row['occurrences']}×, {attendance:.1f}"
        )
    traces = [
        {
            "type": "heatmap",
            "x": list(range(24)),
            "y": days,
            "z": z,
            "text": hover,
            "hovertemplate": "%{y} %{x}h: %{text}<extra></extra>",
            "colorscale": "Oranges",
            "colorbar": {"title": {"text": plot_text(w["attendance"])}},
        }
    ]
    layout = chart_layout(w["rituals"], w["hour"], w["weekday"])
    layout["yaxis"]["autorange"] = "reversed"
    return Chart(
        "rituals",
        w["rituals"],
        "rituals",
        {"data": traces, "layout": layout},
        len(frame),
    )


def roles(data: MeasureData, filters: Filters, w: dict[str, str]) -> Chart:
    """The members to know: relays first, then power users, then by betweenness and messages.

    Brand accounts are left out; each row carries the member's pseudonym and roles.
    """
    frame, _ = data.filtered("member_roles", filters)
    people = frame[~frame["member_id"].isin(data.brand_ids())]
    top = people.sort_values(
        ["is_relay", "is_power_user", "betweenness", "messages", "member_id"],
        ascending=[False, False, False, False, True],
    ).head(15)
    table = []
    for row in records(top):
        kinds = [
            w[key]
            for key, column in (
                ("relay", "is_relay"),
                ("power_user", "is_power_user"),
                ("moderator", "is_moderator"),
                ("newcomer", "is_newcomer"),
                ("at_risk", "is_at_risk"),
            )
            if row.get(column)
        ]
        table.append(
            {
                "member_id": row["member_id"],
                "community_id": row["community_id"],
                "display_name": row["display_name"],
                "messages": row["messages"],
                "betweenness": row["betweenness"],
                "roles": ", ".join(kinds),
            }
        )
    figure = {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "x": [r["messages"] for r in table],
                "y": [plot_text(r["display_name"] or r["member_id"]) for r in table],
                "text": [plot_text(r["roles"]) for r in table],
            }
        ],
        "layout": chart_layout(w["roles"], w["messages"], w["member"])
        | {"yaxis": {"autorange": "reversed", "automargin": True}},
    }
    return Chart("roles", w["roles"], "member_roles", figure, len(top), table)


CHARTS: dict[str, Callable[[MeasureData, Filters, dict[str, str]], Chart]] = {
    "activity": activity,
    "engagement": engagement,
    "survival": survival,
    "sentiment": sentiment,
    "retention": retention,
    "rituals": rituals,
    "roles": roles,
    "campaigns": campaigns,
}


def build_chart(
    name: str, data: MeasureData, filters: Filters, words: dict[str, str]
) -> Chart:
    """Build chart ``name`` (one of :data:`CHARTS`); empty if its measure is not registered."""
    try:
        return CHARTS[name](data, filters, words)
    except MeasureUnavailable:
        return Chart(name, words[name], name, {"data": [], "layout": {}}, 0)
