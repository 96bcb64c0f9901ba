"""The shared data layer: filters, JSON rows, member views (numbers from the fixture table)."""

from __future__ import annotations

import datetime as dt

import pytest

from tribu.errors import ConfigError
from tribu.report.data import Filters, MeasureData, MeasureUnavailable, records


def test_channel_filter_keeps_that_channel_days(measure_data: MeasureData) -> None:
    # fixture: ch-lives has 4 messages on Fri 03-08, 3 on 03-15, 2 on 03-22
    frame, applied = measure_data.filtered(
        "daily_activity", Filters(channel="ch-lives")
    )
    assert applied == {"channel": "channel_id"}
    rows = [(r["day"], r["messages"]) for r in records(frame.sort_values("day"))]
    assert rows == [("2024-03-08", 4), ("2024-03-15", 3), ("2024-03-22", 2)]


def test_period_filter_is_inclusive(measure_data: MeasureData) -> None:
    # 03-10..03-15 holds ch-general 03-11 (2), ch-chat 03-12 (1), ch-lives 03-15 (3)
    filters = Filters.from_strings(since="2024-03-10", until="2024-03-15")
    frame, applied = measure_data.filtered("daily_activity", filters)
    assert applied == {"since": "day", "until": "day"}
    assert sorted(zip(frame["channel_id"], frame["messages"], strict=True)) == [
        ("ch-chat", 1),
        ("ch-general", 2),
        ("ch-lives", 3),
    ]


def test_filter_on_missing_column_is_not_applied(measure_data: MeasureData) -> None:
    # ugc_ratio has no channel_id: the channel filter cannot apply and is not reported
    _, applied = measure_data.filtered("ugc_ratio", Filters(channel="ch-lives"))
    assert "channel" not in applied


def test_bad_date_names_the_option() -> None:
    with pytest.raises(ConfigError, match="'since' option must be an ISO date.*'3/4'"):
        Filters.from_strings(since="3/4")


def test_unknown_measure_is_unavailable(measure_data: MeasureData) -> None:
    with pytest.raises(MeasureUnavailable, match="no_such_measure"):
        measure_data.frame("no_such_measure")


def test_member_weekly_counts_and_sentiment(measure_data: MeasureData) -> None:
    # alice: 03-04 (0.9) and 03-08 (0.8) in week 03-04 -> 2 messages, mean 0.85;
    # 03-15 (0.85) in week 03-11; 03-18 (0.75) in week 03-18
    rows = records(measure_data.member_weekly("m-alice"))
    assert [(r["week"], r["messages"]) for r in rows] == [
        ("2024-03-04", 2),
        ("2024-03-11", 1),
        ("2024-03-18", 1),
    ]
    assert [round(r["mean_sentiment"], 3) for r in rows] == [0.85, 0.85, 0.75]


def test_period_and_french_share(measure_data: MeasureData) -> None:
    # first message 03-04, last 03-22; 18 of 21 enriched messages are French
    assert measure_data.period() == (dt.date(2024, 3, 4), dt.date(2024, 3, 22))
    assert measure_data.french_share() == pytest.approx(18 / 21)
    assert measure_data.french_share("c-moon") == 0.0


def test_registered_measures_are_listed(measure_data: MeasureData) -> None:
    names = measure_data.measure_names()
    assert {"daily_activity", "engagement_rate_weekly", "sentiment_weekly"} <= set(
        names
    )


def test_campaigns_chart_keeps_campaigns_of_no_community(
    measure_data: MeasureData,
) -> None:
    from tribu.report.charts import campaigns
    from tribu.report.labels import labels

    # camp-printemps belongs to c-lune: shown for c-lune, not for c-moon;
    # camp-lives belongs to no community: shown for both
    lune = campaigns(measure_data, Filters(community="c-lune"), labels("en"))
    moon = campaigns(measure_data, Filters(community="c-moon"), labels("en"))
    assert sorted(row["campaign_id"] for row in lune.table) == [
        "camp-lives",
        "camp-printemps",
    ]
    assert [row["campaign_id"] for row in moon.table] == ["camp-lives"]


def test_cache_drops_views_not_measures(measure_data: MeasureData) -> None:
    from tribu.report.data import MeasureData as Fresh

    data = Fresh(measure_data.tables, cache_size=2)
    data.frame("daily_activity")
    for n in range(5):
        data.cached(("chart", n), lambda n=n: n)
    kept = list(data._cache)
    assert ("measure", "daily_activity", ()) in kept
    assert [k for k in kept if k[0] == "chart"] == [("chart", 3), ("chart", 4)]
