"""The legibility rules of the charts (issue 19): at most eight series, communities before
channels, grain by span, titles outside the figures, campaigns outside the data's dates."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tribu.report.campaign_chart import campaign_coverage
from tribu.report.chart_parts import (
    MAX_SERIES,
    OTHERS,
    fold_others,
    keep_largest,
    series_color,
    split_column,
    time_grain,
)
from tribu.report.charts import CHARTS, build_chart
from tribu.report.data import Filters, MeasureData


def _daily(channels: int) -> pd.DataFrame:
    """``channels`` channels over two days; channel k writes k messages a day."""
    return pd.DataFrame(
        [
            {"channel_id": f"ch{k:02d}", "day": day, "messages": k}
            for k in range(1, channels + 1)
            for day in ("2024-03-04", "2024-03-05")
        ]
    )


def test_fold_others_keeps_seven_and_sums_the_rest() -> None:
    # 14 channels: ch14..ch08 are the 7 largest; ch01..ch07 fold into others:
    # 1 + 2 + ... + 7 = 28 messages a day.
    folded = fold_others(_daily(14), "channel_id", "day", "messages")
    assert folded["channel_id"].nunique() == MAX_SERIES
    others = folded[folded["channel_id"] == OTHERS]
    assert list(others["messages"]) == [28, 28]
    assert folded["messages"].sum() == _daily(14)["messages"].sum()  # nothing lost
    assert set(folded["channel_id"]) - {OTHERS} == {f"ch{k:02d}" for k in range(8, 15)}


def test_fold_others_leaves_eight_alone() -> None:
    frame = _daily(8)
    assert fold_others(frame, "channel_id", "day", "messages").equals(frame)


def test_fold_others_weighted_mean() -> None:
    # 9 series: the smallest two (weights 1 and 2, values 0.2 and 0.8) fold into
    # (0.2 x 1 + 0.8 x 2) / 3 = 0.6.
    frame = pd.DataFrame(
        {
            "k": [f"s{i}" for i in range(9)],
            "week": ["w"] * 9,
            "v": [0.2, 0.8] + [0.5] * 7,
            "n": [1, 2] + [10] * 7,
        }
    )
    folded = fold_others(frame, "k", "week", "v", weight="n")
    others = folded[folded["k"] == OTHERS].iloc[0]
    assert others["v"] == pytest.approx(0.6) and others["n"] == 3


def test_keep_largest_says_how_many_were_left_out() -> None:
    frame = pd.DataFrame({"c": list("abcdefghij"), "x": range(10)})
    sizes = pd.Series(range(10), index=list("abcdefghij"))
    kept, left_out = keep_largest(frame, "c", sizes)
    assert left_out == 2 and set(kept["c"]) == set("cdefghij")


def test_grain_and_split() -> None:
    assert time_grain("2026-05-01", "2026-07-31") == "day"  # 91 days
    assert time_grain("2026-05-01", "2026-10-31") == "week"
    several = pd.DataFrame({"community_id": ["a", "b"], "channel_id": ["x", "y"]})
    assert split_column(several) == "community_id"
    assert split_column(several.iloc[:1]) == "channel_id"


def test_a_community_keeps_its_colour() -> None:
    order = ["a", "b", "c"]
    assert series_color("b", order) == series_color("b", order + ["d"])
    assert series_color(OTHERS, order) == "#9ca3af"


def test_every_chart_has_at_most_eight_series_and_no_inner_title(
    measure_data: MeasureData,
) -> None:
    from tribu.report.labels import labels

    for name in CHARTS:
        chart = build_chart(name, measure_data, Filters(), labels("fr"))
        assert len(chart.figure["data"]) <= MAX_SERIES, name
        assert "title" not in chart.figure.get("layout", {}), name


def test_activity_splits_by_community_then_by_channel(
    measure_data: MeasureData,
) -> None:
    from tribu.report.labels import labels

    w = labels("en")
    # two communities: one line each (c-lune 18 messages, c-moon 3), per day (3 weeks)
    whole = build_chart("activity", measure_data, Filters(), w)
    names = {t["name"]: sum(t["y"]) for t in whole.figure["data"]}
    assert names == {"Maison Lune": 18, "Moon Club": 3}
    assert whole.title == w["activity"]  # days: the span is three weeks
    lune = build_chart("activity", measure_data, Filters(community="c-lune"), w)
    assert sorted(t["name"] for t in lune.figure["data"]) == ["général", "lives"]


def test_campaign_coverage() -> None:
    spans = {
        None: (pd.Timestamp("2026-05-01"), pd.Timestamp("2026-10-31")),
        "c": (pd.Timestamp("2026-06-01"), pd.Timestamp("2026-06-30")),
    }
    inside = {"starts": "2026-09-01", "ends": "2026-10-15", "community_id": None}
    before = {"starts": "2025-11-20", "ends": "2025-12-05", "community_id": None}
    other = {"starts": "2026-09-01", "ends": "2026-09-20", "community_id": "c"}
    assert campaign_coverage(inside, spans)
    assert not campaign_coverage(before, spans)
    assert not campaign_coverage(other, spans)  # c's own data stops in June


@pytest.fixture
def db_with_old_campaign(fixture_db: Path, tmp_path: Path) -> Path:
    """The fixture warehouse plus a paid campaign of 8,000 EUR in November 2023, months
    before its community data (March 2024)."""
    copy = tmp_path / "old.duckdb"
    shutil.copy(fixture_db, copy)
    con = duckdb.connect(str(copy))
    con.execute(
        "INSERT INTO campaigns (campaign_id, name, objective, community_id, starts, ends, "
        "spend, currency, keywords) VALUES ('camp-old', 'Black Friday', 'conversion', "
        "NULL, '2023-11-20', '2023-12-05', 8000, 'EUR', ['#greenfriday'])"
    )
    con.close()
    return copy


def test_report_says_a_campaign_has_no_community_data(
    db_with_old_campaign: Path, tmp_path: Path
) -> None:
    from tribu.report import write_report

    html = write_report(db_with_old_campaign, tmp_path / "r.html").read_text("utf-8")
    row = re.search(r'<tr data-campaign="camp-old">(.*?)</tr>', html, re.S)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    # name, kind, window, UGC, spend, then one cell for engagements and CPE
    assert cells[0] == "Black Friday" and cells[1] == "campagne média"
    assert cells[2] == "2023-11-20 → 2023-12-05"
    assert cells[4].startswith("8\u202f000")
    assert cells[5] == "pas de données communauté sur la période"
    assert len(cells) == 6  # no "0" engagement cell
    assert "hors de la période des données communauté" in html
