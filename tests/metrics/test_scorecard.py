"""The community scorecard on the fixture, and its filters."""

from __future__ import annotations

import json

import pytest

from tribu.errors import ConfigError
from tribu.metrics.scorecard import scorecard


def test_scorecard_community(tables) -> None:
    card = scorecard(tables, community="c1")
    json.dumps(card)  # plain values only
    # 44 messages in c1 (fixtures.MESSAGES minus S1); people: alice, fanny, bob, carol, dave,
    # erin; brand posts M1-M3, P1-P4.
    assert card["totals"] == {
        "messages": 44,
        "members": 6,
        "active_members": 6,
        # No member is linked to another (no tribu people merge): one person each.
        "active_people": 6,
        "brand_posts": 7,
        "new_members": 6,
    }
    assert card["engagement"]["median_engagement_rate"] == pytest.approx(0.5)
    assert card["time_to_sentiment"]["km_median_hours"] == 1.5
    assert card["time_to_sentiment"]["share_never_reached"] == pytest.approx(2 / 7)
    assert card["time_to_sentiment"]["unmeasured_posts"] == 0
    assert card["time_to_sentiment"]["signals"] == [
        {"community_id": "c1", "signal": "replies+reactions", "posts": 7}
    ]
    # Questions Q1 (1 h) and Q2 (unanswered); 17 + 11 conversations.
    assert card["activity"]["questions"] == 2
    assert card["activity"]["unanswered_questions"] == 1
    assert card["activity"]["median_hours_to_first_response"] == 1.0
    assert card["activity"]["conversations"] == 28
    roles = card["roles"]
    # No power user in this sparse fixture at the defaults (see test_roles.py).
    assert (roles["moderators"], roles["power_users"], roles["newcomers"]) == (2, 0, 1)
    assert (roles["members_at_risk"], roles["relays"]) == (1, 1)
    assert roles["top_power_users"] == []
    assert card["rituals"][0]["weekday_name"] == "Thursday"
    assert card["rituals"][0]["hour"] == 18
    spring = next(c for c in card["campaigns"] if c["campaign_id"] == "spring")
    assert spring["cost_per_engagement"] == pytest.approx(50.0)


def test_scorecard_period_and_channel(tables) -> None:
    # March only, #general: brand posts P1, P2, P3 (ER 1.25, 0.2, 0.5 -> median 0.5).
    card = scorecard(
        tables, channel="c1-general", since="2026-03-01", until="2026-03-31"
    )
    assert card["totals"]["brand_posts"] == 3
    assert card["engagement"]["median_engagement_rate"] == pytest.approx(0.5)
    # Joined in March: bob, carol, dave.
    assert card["totals"]["new_members"] == 3
    # The window now ends on 25 March (fa5): P3 (19 March) is censored at 6 days = 144 h,
    # P1 1.5 h and P2 3 h observed -> S(1.5) = 2/3, S(3) = 1/3: median 3 h.
    assert card["time_to_sentiment"]["km_median_hours"] == 3.0


def test_scorecard_without_relays(tables) -> None:
    card = scorecard(tables, community="c1", with_relays=False)
    assert card["roles"]["relays"] == 0
    assert card["roles"]["power_users"] == 0


def test_bad_period_is_a_clear_error(tables) -> None:
    with pytest.raises(ConfigError, match="'since' option must be an ISO date"):
        scorecard(tables, since="3/4")
    with pytest.raises(ConfigError, match="must come before"):
        scorecard(tables, since="2026-04-01", until="2026-03-01")


def test_scorecard_leaves_out_posts_without_signal(tables) -> None:
    # Whole warehouse: c1's 7 posts (median 1.5 h, 2 of 7 never reached, as for c1 alone)
    # and c2's S1, whose export shows no reply and no timed reaction: left out and counted
    # apart, so the share never reached stays 2/7 (counting S1 would make it 3/8).
    card = scorecard(tables, with_relays=False)
    tts = card["time_to_sentiment"]
    assert tts["posts"] == 7
    assert tts["unmeasured_posts"] == 1
    assert tts["km_median_hours"] == 1.5
    assert tts["share_never_reached"] == pytest.approx(2 / 7)
    assert tts["signals"] == [
        {"community_id": "c1", "signal": "replies+reactions", "posts": 7},
        {"community_id": "c2", "signal": "none", "posts": 1},
    ]
    assert [r["community_id"] for r in tts["by_community"]] == ["c1"]
