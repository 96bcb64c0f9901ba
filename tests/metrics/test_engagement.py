"""Engagement rate on the fixture warehouse (hand-worked values in fixtures.py's docstring)."""

from __future__ import annotations

from datetime import date

import pytest

from tribu.metrics.engagement import community_size_at


def test_engagement_rate_per_post(measure) -> None:
    rows = {r["message_id"]: r for r in measure("engagement_rate_per_post")}
    # Brand posts only: top-level messages by brand accounts (BR, a brand reply, is not one).
    assert set(rows) == {"M1", "M2", "M3", "P1", "P2", "P3", "P4", "S1"}
    # P1: 👍x2 (untimed) + ❤️x1 + replies R1, R2 = 5; size brand, alice, fanny, bob = 4.
    assert (rows["P1"]["reactions"], rows["P1"]["replies"]) == (3, 2)
    assert rows["P1"]["community_size"] == 4
    assert rows["P1"]["engagement_rate"] == pytest.approx(1.25)
    # P2: 🔥 at +3 h counts; 👏 at +13 days and R3 at +8 days are outside the 7-day window.
    # Size: + carol (join event 03-10) = 5 -> 1 / 5.
    assert (rows["P2"]["engagements"], rows["P2"]["community_size"]) == (1, 5)
    assert rows["P2"]["engagement_rate"] == pytest.approx(0.2)
    # P3: 😡 + R4 + R5 = 3; size + dave (joined 03-16) = 6.
    assert rows["P3"]["engagement_rate"] == pytest.approx(0.5)
    # P4: brand post with no reply and no reaction; dave left 03-20, erin joined 04-01: 6.
    assert (rows["P4"]["engagements"], rows["P4"]["community_size"]) == (0, 6)
    assert rows["P4"]["engagement_rate"] == 0.0
    # M2: no reaction rows (channel without reactions data) -> reaction_count 2, + 1 reply;
    # size brand, alice, fanny = 3 -> 1.0. The bot is never counted in the size.
    assert rows["M2"]["reactions"] == 2
    assert rows["M2"]["engagement_rate"] == pytest.approx(1.0)
    # M1: before fanny joined (01-10): size 2, 1 reply -> 0.5.
    assert rows["M1"]["engagement_rate"] == pytest.approx(0.5)
    # Community of one (c2): the brand alone, no engagement: 0 / 1.
    assert (rows["S1"]["community_size"], rows["S1"]["engagement_rate"]) == (1, 0.0)


def test_engagement_rate_per_community(measure) -> None:
    rows = {r["community_id"]: r for r in measure("engagement_rate_per_community")}
    # c1: ERs 0.5, 1.0, 0.25, 1.25, 0.2, 0.5, 0 -> sorted 0, .2, .25, .5, .5, 1, 1.25 -> 0.5.
    assert rows["c1"]["brand_posts"] == 7
    assert rows["c1"]["median_engagement_rate"] == pytest.approx(0.5)
    assert rows["c2"]["median_engagement_rate"] == 0.0


def test_engagement_rate_weekly(measure) -> None:
    rows = {
        (r["community_id"], r["week"]): r for r in measure("engagement_rate_weekly")
    }
    # Week of Monday 2 March: M3 (0.25) and P1 (1.25) -> median 0.75.
    week = rows[("c1", date(2026, 3, 2))]
    assert week["brand_posts"] == 2
    assert week["median_engagement_rate"] == pytest.approx(0.75)
    # S1 on Sunday 1 March belongs to the week starting Monday 23 February.
    assert rows[("c2", date(2026, 2, 23))]["median_engagement_rate"] == 0.0
    assert len(rows) == 7


def test_window_setting_changes_the_count(measure) -> None:
    rows = {
        r["message_id"]: r for r in measure("engagement_rate_per_post", window_days=14)
    }
    # With 14 days, P2 also gets 👏 (+13 d) and R3 (+8 d): 3 engagements / 5.
    assert rows["P2"]["engagements"] == 3


def test_size_counts_events_at_the_same_second_as_before(tables) -> None:
    # A post at exactly bob's join second (03-02 09:00) sees him: brand, alice, fanny, bob.
    import ibis

    post = ibis.memtable(
        {"message_id": ["x"], "community_id": ["c1"], "ts": ["2026-03-02 09:00:00"]}
    ).mutate(ts=ibis._.ts.cast("timestamp('UTC')"))
    con = tables["messages"]._find_backend()
    size = con.to_pyarrow(
        community_size_at(post, tables["members"], tables["member_events"])
    ).to_pylist()
    assert size == [{"message_id": "x", "community_size": 4}]
