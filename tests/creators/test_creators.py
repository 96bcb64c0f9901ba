"""Creator measures on the hand-worked fixture: tiers, ER, CPE, disclosure, recommendation."""

from __future__ import annotations

from pathlib import Path

import ibis
import pandas as pd
import pytest

from tests.business.fixtures import duckdb_tables
from tribu.creators import (
    creator_engagement,
    creator_post_engagement,
    disclosure_check,
    tier_of,
    tier_performance,
    tier_recommendations,
)
from tribu.metrics import MEASURES


@pytest.fixture(scope="module")
def tables():
    return duckdb_tables()


@pytest.mark.parametrize(
    ("followers", "tier"),
    [
        (0, "sub-nano"),
        (999, "sub-nano"),
        (1_000, "nano"),
        (9_999, "nano"),
        (10_000, "micro"),
        (99_999, "micro"),
        (100_000, "macro"),
        (999_999, "macro"),
        (1_000_000, "mega"),
        (None, "unknown"),
    ],
)
def test_tier_bounds(followers, tier) -> None:
    value = ibis.literal(followers, type="int64")
    assert ibis.duckdb.connect().execute(tier_of(value)) == tier


def test_post_er_and_cpe(tables) -> None:
    out = creator_post_engagement(tables["creators"], tables["creator_posts"]).execute()
    p1 = out.set_index("post_id").loc["p1"]
    # 180 + 12 + 5 + 3 = 200 engagements / 5,000 followers = 0.04; 100 EUR / 200 = 0.5.
    assert (p1["engagements"], p1["tier"]) == (200, "nano")
    assert p1["er"] == pytest.approx(0.04)
    assert p1["cpe"] == pytest.approx(0.5)
    # p3: shares unknown count as 0: 1,000 + 100 + 0 + 400 = 1,500 / 50,000 = 0.03.
    assert out.set_index("post_id").loc["p3", "er"] == pytest.approx(0.03)


def test_creator_er_against_benchmark(tables) -> None:
    out = creator_engagement(tables["creators"], tables["creator_posts"]).execute()
    basket = out.set_index("handle").loc["basket"]
    # Posts at 0.04 and 100/5,000 = 0.02: mean 0.03 against the nano benchmark 0.04 = 0.75;
    # CPE (100 + 50) / (200 + 100) = 0.5.
    assert basket["er"] == pytest.approx(0.03)
    assert basket["er_vs_benchmark"] == pytest.approx(0.75)
    assert basket["cpe"] == pytest.approx(0.5)
    lea = out.set_index("handle").loc["lea"]
    assert lea["tier"] == "sub-nano" and pd.isna(lea["benchmark"])


def test_tier_performance_and_recommendation(tables) -> None:
    out = (
        tier_performance(tables["creators"], tables["creator_posts"], tables["orders"])
        .execute()
        .set_index("tier")
    )
    # nano: spend 150, views 4,500 -> 30 per euro; orders with NANO10 (any case): o2 30 and
    # o4 20 -> 2 orders, 50 -> 50/150 = 0.333 per euro.
    assert out.loc["nano", "views_per_euro"] == pytest.approx(30.0)
    assert out.loc["nano", "attributed_orders"] == 2
    assert out.loc["nano", "revenue_per_euro"] == pytest.approx(50 / 150)
    # micro: 20,000 views / 1,000 = 20; MICRO10 on o6 (60) -> 0.06.
    # macro: 40,000 / 2,000 = 20; no code. mega's post costs 0: not a paid post.
    assert out.loc["micro", "revenue_per_euro"] == pytest.approx(0.06)
    assert "mega" not in out.index
    recs = tier_recommendations(out.reset_index(), min_posts=1)
    assert [(r.objective, r.tier) for r in recs] == [
        ("reach", "nano"),
        ("conversion", "nano"),
    ]
    assert "ahead of" in recs[0].reason


def test_recommendation_says_what_data_is_missing() -> None:
    frame = pd.DataFrame(
        {
            "tier": ["nano"],
            "paid_posts": [5],
            "posts_with_views": [0],
            "views_per_euro": [0.0],
            "attributed_orders": [0],
            "revenue_per_euro": [0.0],
        }
    )
    reach, conversion = tier_recommendations(frame)
    assert reach.tier is None and "'views' column" in reach.reason
    assert conversion.tier is None and "'promo_code'" in conversion.reason


def test_disclosure_on_the_fixture(tables) -> None:
    out = disclosure_check(tables["creator_posts"]).execute().set_index("post_id")
    # p1 paid with #publicité: fine. p2 paid with only #pub: missing, weak label.
    # p3 « Collaboration commerciale »: fine. p4 not paid, quotes « publicité »: no flag.
    # p5 paid, PUBLICITÉ, mentions a filter without « Image retouchée »: image flag.
    # p6 not paid (cost 0, no campaign), AI image labelled #imagevirtuelle: no flag.
    assert out["missing_ad_label"].to_dict() == {
        "p1": False,
        "p2": True,
        "p3": False,
        "p4": False,
        "p5": False,
        "p6": False,
    }
    assert out["weak_label"].to_dict()["p2"]
    assert out["missing_image_label"].to_dict() == {
        "p1": False,
        "p2": False,
        "p3": False,
        "p4": False,
        "p5": True,
        "p6": False,
    }
    assert out["flagged"].sum() == 2


@pytest.mark.parametrize(
    ("text", "labelled"),
    [
        ("#Publicité", True),
        ("#publicite pour @semelle", True),
        ("PUBLICITÉ", True),
        ("Publicités", True),
        ("#CollaborationCommerciale", True),
        ("collab commerciale avec la marque", True),
        ("collab. commerciale", True),
        ("Collaboration_commerciale", True),
        ("#pub", False),
        ("#ad #sponsored", False),
        ("en partenariat avec Semelle", False),
        ("publicitaire", False),  # another word, not the mention
        ("#publicitéS", True),
        ("", False),
    ],
)
def test_advertising_mention_spellings(text, labelled) -> None:
    posts = ibis.memtable(
        {
            "post_id": ["p"],
            "creator_id": ["k"],
            "campaign_id": ["c"],
            "ts": [pd.Timestamp("2026-01-01", tz="UTC")],
            "text": [text],
            "cost": [10.0],
        }
    )
    row = ibis.duckdb.connect().execute(disclosure_check(posts)).iloc[0]
    assert bool(row["has_ad_label"]) is labelled
    assert bool(row["missing_ad_label"]) is (not labelled)


@pytest.mark.parametrize(
    ("text", "altered", "image_label"),
    [
        ("Photo retouchée #publicité", True, False),
        ("Image retouchée : lumière et filtre", True, True),
        ("#imageretouchee #filtre", True, True),
        ("Visuel généré par IA", True, False),
        ("Images virtuelles créées avec Midjourney", True, True),
        ("Sans filtre, au naturel", False, False),
        ("#nofilter", False, False),
        ("J'ai adoré ces baskets", False, False),  # "ai" in "J'ai" is not AI
        ("Via Lyon, idéal", False, False),
    ],
)
def test_altered_image_mentions(text, altered, image_label) -> None:
    posts = ibis.memtable(
        {
            "post_id": ["p"],
            "creator_id": ["k"],
            "campaign_id": [None],
            "ts": [pd.Timestamp("2026-01-01", tz="UTC")],
            "text": [text],
            "cost": [0.0],
        }
    )
    row = ibis.duckdb.connect().execute(disclosure_check(posts)).iloc[0]
    assert bool(row["mentions_altered_image"]) is altered
    assert bool(row["has_image_label"]) is image_label
    assert bool(row["missing_image_label"]) is (altered and not image_label)
    assert not row["paid"]


def test_every_creator_measure_is_documented() -> None:
    names = {n for n, m in MEASURES.items() if m.family == "creators"}
    assert {"disclosure_check", "creator_engagement", "tier_performance"} <= names
    root = Path(__file__).parents[2] / "docs"
    text = "".join(
        p.read_text(encoding="utf-8")
        for p in (root / "creators.md", root / "metrics.md")
        if p.exists()
    )
    for name in names:
        assert f"`{name}`" in text, name
