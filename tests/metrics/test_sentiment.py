"""Time to sentiment (Kaplan–Meier, censoring) and weekly sentiment on the fixture."""

from __future__ import annotations

from datetime import date

import pytest


def test_time_to_sentiment_per_post(measure) -> None:
    rows = {r["message_id"]: r for r in measure("time_to_sentiment_per_post")}
    # M1-M3: alice's reply (0.7) one hour later.
    assert [rows[m]["duration_hours"] for m in ("M1", "M2", "M3")] == [1.0, 1.0, 1.0]
    # P1: R2 (0.5) at 0.5 h is below 0.6; R1 (0.8) at 1.5 h counts; ❤️ at 2 h is later.
    assert (rows["P1"]["duration_hours"], rows["P1"]["observed"]) == (1.5, True)
    # P2: the first positive event is the 🔥 reaction at 13:00 (3 h).
    assert (rows["P2"]["duration_hours"], rows["P2"]["observed"]) == (3.0, True)
    # P3: R4 0.2, R5 0.55, 😡 -> nothing positive in 7 days: censored at 168 h.
    assert (rows["P3"]["duration_hours"], rows["P3"]["observed"]) == (168.0, False)
    # P4: posted 24 h before c1's last message: censored at 24 h (end of the window).
    assert (rows["P4"]["duration_hours"], rows["P4"]["observed"]) == (24.0, False)
    # S1: c2's only message, so c2's data ends at it: censored at 0; c2's export holds
    # no reply and no timed reaction, so it has no signal (left out of the curve).
    assert (rows["S1"]["duration_hours"], rows["S1"]["observed"]) == (0.0, False)
    assert rows["S1"]["signal"] == "none"
    assert {rows[m]["signal"] for m in ("M1", "P1", "P4")} == {"replies+reactions"}
    # Campaigns: P1 is spring's activation, P2 says "blend"; the others belong to none.
    assert rows["P1"]["campaign_id"] == rows["P2"]["campaign_id"] == "spring"
    assert rows["P3"]["campaign_id"] is None


def test_time_to_sentiment_survival(measure) -> None:
    rows = {
        (r["community_id"], r["hours"]): r
        for r in measure("time_to_sentiment_survival")
    }
    # n=7 at 1 h with 3 events: 4/7; n=4 at 1.5 h, 1 event: 4/7*3/4 = 3/7;
    # n=3 at 3 h: 3/7*2/3 = 2/7; censored at 24 h (n=2) and 168 h (n=1): flat.
    expected = {
        1.0: (7, 3, 4 / 7),
        1.5: (4, 1, 3 / 7),
        3.0: (3, 1, 2 / 7),
        24.0: (2, 0, 2 / 7),
        168.0: (1, 0, 2 / 7),
    }
    for hours, (at_risk, events, survival) in expected.items():
        row = rows[("c1", hours)]
        assert (row["at_risk"], row["events"]) == (at_risk, events)
        assert row["survival"] == pytest.approx(survival)
    # c2 has no signal at all (no reply, no timed reaction): no curve, not a flat one.
    assert not any(community == "c2" for community, _ in rows)


def test_time_to_sentiment_summary(measure) -> None:
    rows = {r["community_id"]: r for r in measure("time_to_sentiment_summary")}
    # S falls to 3/7 <= 0.5 at 1.5 h; 2 of 7 posts never reached (P3, P4).
    assert rows["c1"]["km_median_hours"] == 1.5
    assert rows["c1"]["share_never_reached"] == pytest.approx(2 / 7)
    # c2: its export shows no reply and no timed reaction, so its post is not "never
    # reached" (censored): it is left out, and c2 has no row.
    assert set(rows) == {"c1"}


def test_time_to_sentiment_signals(measure) -> None:
    rows = {r["community_id"]: r for r in measure("time_to_sentiment_signals")}
    # c1: replies (R1-R5, alice's replies to M1-M3...) and timed reactions (P2's 🔥 at
    # 13:00); c2: S1 alone, nothing that could show a positive reaction.
    assert rows["c1"]["signal"] == "replies+reactions"
    assert rows["c1"]["reply_links"] > 0 and rows["c1"]["timed_reactions"] > 0
    assert (rows["c2"]["reply_links"], rows["c2"]["timed_reactions"]) == (0, 0)
    assert rows["c2"]["signal"] == "none"


def test_a_community_without_signal_does_not_change_the_median(measure) -> None:
    """Per channel, c2's channel has no row (no signal) and c1-general's numbers are its own
    four posts', worked by hand below."""
    curve = measure("time_to_sentiment_summary", by="channel_id")
    by_channel = {r["channel_id"]: r for r in curve}
    assert "c2-main" not in by_channel
    general = by_channel["c1-general"]
    assert general["posts"] == 4  # P1-P4
    # P1 1.5 h, P2 3 h observed; P3 censored at 168, P4 at 24: S(1.5) = 3/4, S(3) = 2/4
    assert general["km_median_hours"] == 3.0
    assert general["share_never_reached"] == pytest.approx(2 / 4)


def test_summary_by_campaign(measure) -> None:
    rows = measure("time_to_sentiment_summary", by="campaign_id")
    # Spring's two posts: 1.5 h and 3 h, both observed: S(1.5) = 1/2 -> median 1.5.
    assert rows == [
        {
            "campaign_id": "spring",
            "posts": 2,
            "observed": 2,
            "km_median_hours": 1.5,
            "share_never_reached": 0.0,
        }
    ]


def test_threshold_setting(measure) -> None:
    rows = {
        r["message_id"]: r for r in measure("time_to_sentiment_per_post", threshold=0.5)
    }
    # At 0.5, R2 (0.5, at 0.5 h) becomes P1's first positive reply.
    assert rows["P1"]["duration_hours"] == 0.5


def test_sentiment_weekly(measure) -> None:
    rows = {(r["channel_id"], r["week"]): r for r in measure("sentiment_weekly")}
    # #general, week of 2 March: P1 0.6, R2 0.5, R1 0.8, BR 0.9, fa4 0.5 -> 3.3 / 5 = 0.66.
    week = rows[("c1-general", date(2026, 3, 2))]
    assert week["messages"] == 5
    assert week["mean_sentiment"] == pytest.approx(0.66)
    # #events, week of 30 March: L4 0.5, L4a 0.5, L4b 0.5, L4c 0.8 (the bot is left out).
    assert rows[("c1-events", date(2026, 3, 30))]["messages"] == 4
    assert rows[("c1-events", date(2026, 3, 30))]["mean_sentiment"] == pytest.approx(
        0.575
    )
