"""Business measures on the hand-worked fixture of ``fixtures.py`` (DuckDB)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

import tribu.business  # noqa: F401  (registers the measures)
from tribu.business import (
    cac_by_channel_month,
    clv_cac_by_channel,
    clv_summary,
    customer_rfm,
    customer_value,
    members_vs_non_members,
    nps_by_channel,
    nps_by_month,
    nps_rating_by_month,
    repurchase_rate_by_cohort,
)
from tribu.metrics import MEASURES

from .fixtures import AS_OF, RATES, duckdb_tables


@pytest.fixture(scope="module")
def tables():
    return duckdb_tables()


def _rows(frame: pd.DataFrame, *columns: str) -> list[tuple]:
    return [tuple(r) for r in frame[list(columns)].itertuples(index=False)]


def test_cac_by_channel_and_month(tables) -> None:
    out = cac_by_channel_month(tables["customers"], rates=RATES).execute()
    out["month"] = out["month"].dt.strftime("%Y-%m")
    # January: instagram c1 10 + c2 20 = 30 over 2 = 15; organic c3 0 / 1 = 0.
    # February: instagram c4 has no cost -> 1 new customer, 0 with a cost, no CAC;
    # tiktok c5 100 USD x 0.9 = 90 EUR over 1 = 90.
    rows = _rows(out, "month", "channel", "new_customers", "customers_with_cost", "cac")
    assert rows[:2] == [
        ("2026-01", "instagram", 2, 2, 15.0),
        ("2026-01", "organic", 1, 1, 0.0),
    ]
    assert rows[2][:4] == ("2026-02", "instagram", 1, 0) and pd.isna(rows[2][4])
    assert rows[3] == ("2026-02", "tiktok", 1, 1, pytest.approx(90.0))


def test_unknown_currency_turns_the_total_into_nan(tables) -> None:
    out = cac_by_channel_month(tables["customers"], rates={"EUR": 1.0}).execute()
    # No USD rate: c5's 100 USD is not added as if it were euros.
    assert math.isnan(out.loc[out.channel == "tiktok", "spend"].iloc[0])


def test_customer_value_and_clv_to_cac(tables) -> None:
    values = (
        customer_value(tables["customers"], tables["orders"], margin=0.5, rates=RATES)
        .execute()
        .sort_values("customer_id")
    )
    # c1 50+30=80, c2 40+20=60, c3 20, c4 60+10=70, c5 100 USD = 90 EUR; x 0.5.
    assert values["clv_historical"].tolist() == pytest.approx([40, 30, 10, 35, 45])
    out = clv_cac_by_channel(
        tables["customers"], tables["orders"], margin=0.5, rates=RATES
    ).execute()
    # instagram: mean CLV (40+30+35)/3 = 35; CAC 30 / 2 customers with a cost = 15;
    # ratio 35/15 = 2.333. organic: CAC 0 -> no ratio. tiktok: 45 / 90 = 0.5.
    by = out.set_index("channel")
    assert by.loc["instagram", "clv"] == pytest.approx(35.0)
    assert by.loc["instagram", "cac"] == pytest.approx(15.0)
    assert by.loc["instagram", "clv_to_cac"] == pytest.approx(35 / 15)
    assert pd.isna(by.loc["organic", "clv_to_cac"])
    assert by.loc["tiktok", "clv_to_cac"] == pytest.approx(0.5)


def test_repurchase_rate_counts_only_customers_old_enough(tables) -> None:
    out = repurchase_rate_by_cohort(tables["orders"], as_of=AS_OF).execute()
    out["month"] = out["month"].dt.strftime("%Y-%m")
    # As of 2026-06-30, window 90 days.
    # January: c1 (01-05, again 02-01 after 27 days: yes), c2 (01-20, again 05-11 after
    #   111 days: no), c3 (01-25, never again): 1 / 3.
    # February: c5 (02-14, once): 0 / 1.
    # May: c4 first 05-01, only 60 days before as-of: censored, not a non-repeater,
    #   even though it ordered again on 05-10.
    assert _rows(out, "month", "customers", "eligible", "censored", "repurchased") == [
        ("2026-01", 3, 3, 0, 1),
        ("2026-02", 1, 1, 0, 0),
        ("2026-05", 1, 0, 1, 0),
    ]
    assert out["rate"].tolist()[:2] == pytest.approx([1 / 3, 0.0])
    assert pd.isna(out["rate"].iloc[2])


def test_repurchase_as_of_defaults_to_the_last_order(tables) -> None:
    out = repurchase_rate_by_cohort(tables["orders"], window_days=30).execute()
    # Last order 2026-05-11. 30-day window: January c1 repurchased after 27 days;
    # c4 (05-01) is 10 days old: censored.
    assert out["repurchased"].tolist() == [1, 0, 0]
    assert out["censored"].tolist() == [0, 0, 1]


def test_nps_by_month_and_channel(tables) -> None:
    monthly = nps_by_month(tables["nps"]).execute()
    # March: 10,10,9,9 promoters (4); 8,7 passives; 6,5,3,0 detractors (4): NPS 0.
    # April: 10, 9 promoters, 8 passive: 100 x 2/3 = 66.7.
    assert _rows(monthly, "answers", "promoters", "passives", "detractors") == [
        (10, 4, 2, 4),
        (3, 2, 1, 0),
    ]
    assert monthly["nps"].tolist() == pytest.approx([0.0, 200 / 3])
    channels = nps_by_channel(tables["nps"]).execute().set_index("channel")
    # email: 10, 9, 3 -> (2 - 1)/3 = 33.3; web: 10,9,8,7,6,5,0 -> (2 - 3)/7 = -14.3;
    # blank channel -> unknown: 10, 9, 8 -> 66.7.
    assert channels["nps"].to_dict() == pytest.approx(
        {"email": 100 / 3, "unknown": 200 / 3, "web": -100 / 7}
    )


def test_nps_beside_mean_rating_keeps_months_with_both(tables) -> None:
    out = nps_rating_by_month(tables["nps"], tables["reviews"]).execute()
    # March ratings 4 and 5 -> 4.5; April 3 -> 3.0; May has reviews but no NPS: left out.
    assert _rows(out, "answers", "reviews", "mean_rating") == [
        (10, 2, 4.5),
        (3, 1, 3.0),
    ]


def test_rfm_of_a_customer() -> None:
    frame = pd.DataFrame(
        {
            "order_id": ["a", "b"],
            "customer_id": ["c", "c"],
            "ts": pd.to_datetime(["2026-01-01", "2026-03-01"], utc=True),
            "amount": [40.0, 60.0],
            "currency": ["EUR", "EUR"],
        }
    )
    import ibis

    orders = ibis.memtable(frame)
    out = customer_rfm(orders, as_of=pd.Timestamp("2026-03-31", tz="UTC")).execute()
    # Last order 03-01 -> 30 days; first 01-01 -> 89 days; 2 orders, 100, basket 50.
    assert _rows(
        out, "recency_days", "frequency", "revenue", "basket", "tenure_days"
    ) == [(30.0, 2, 100.0, 50.0, 89.0)]


def test_clv_summary_groups_orders_into_purchase_days() -> None:
    import ibis

    frame = pd.DataFrame(
        {
            "order_id": list("abcd"),
            "customer_id": ["c"] * 4,
            "ts": pd.to_datetime(
                [
                    "2026-01-01 09:00",
                    "2026-01-11 10:00",
                    "2026-01-11 18:00",
                    "2026-01-21 00:00",
                ],
                utc=True,
            ),
            "amount": [30.0, 20.0, 10.0, 40.0],
            "currency": ["EUR"] * 4,
        }
    )
    out = clv_summary(ibis.memtable(frame), as_of=pd.Timestamp("2026-01-31", tz="UTC"))
    # Purchase days 01-01 (30), 01-11 (20+10=30), 01-21 (40): 2 repeats over 20 days,
    # first purchase 30 days before as-of; repeat mean (30+40)/2 = 35.
    assert _rows(
        out.execute(), "frequency", "recency", "T", "monetary_value", "revenue"
    ) == [(2, 20, 30, 35.0, 100.0)]


def test_members_versus_non_members(tables) -> None:
    out = (
        members_vs_non_members(tables["customers"], tables["orders"], rates=RATES)
        .execute()
        .set_index("group")
    )
    # members: c1 only (2 orders, 80). non-members: c2 (2, 60), c3 (1, 20), c4 (2, 70),
    # c5 (1, 90 EUR): repeat 2/4, orders 6/4 = 1.5, revenue 240/4 = 60.
    assert out.loc["members", ["customers", "buyers"]].tolist() == [1, 1]
    assert out.loc["members", "repeat_share"] == 1.0
    assert out.loc["members", "revenue_per_customer"] == pytest.approx(80.0)
    assert out.loc["non-members", "repeat_share"] == 0.5
    assert out.loc["non-members", "orders_per_customer"] == 1.5
    assert out.loc["non-members", "revenue_per_customer"] == pytest.approx(60.0)


def test_every_business_measure_is_registered_and_documented() -> None:
    names = {name for name, m in MEASURES.items() if m.family == "business"}
    assert {
        "cac_by_channel_month",
        "repurchase_rate_by_cohort",
        "customer_rfm",
    } <= names
    root = Path(__file__).parents[2] / "docs"
    text = "".join(
        p.read_text(encoding="utf-8")
        for p in (root / "business.md", root / "metrics.md")
        if p.exists()
    )
    for name in names:
        doc = MEASURES[name].function.__doc__ or ""
        assert "Grain" in doc and "Examples" in doc, name
        assert f"`{name}`" in text, name
