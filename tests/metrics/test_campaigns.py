"""UGC ratio and cost per engagement on the fixture's two campaigns."""

from __future__ import annotations

import pytest

from tribu.metrics.campaigns import campaign_messages


def test_campaign_messages(tables) -> None:
    rows = campaign_messages(tables["messages"], tables["campaigns"]).to_pyarrow()
    pairs = set(
        zip(
            rows["campaign_id"].to_pylist(), rows["message_id"].to_pylist(), strict=True
        )
    )
    # spring (March, '#cafetribu' or 'blend', activation P1): P1 (activation + keyword),
    # R1 and R2 (replies to P1), Q1 ('#CafeTribu', any case), P2 and R3 ('blend'), BOT1.
    # Q2 says 'blend' but on 5 April, after the campaign: not related. BR replies to R1.
    spring = {m for c, m in pairs if c == "spring"}
    assert spring == {"P1", "R1", "R2", "Q1", "P2", "R3", "BOT1"}
    # nospend (April, 'live'): L4 'Live du jeudi', the bot's 'Le live commence', erin's
    # 'super live !'; L1-L3 also say 'Live' but in March.
    assert {m for c, m in pairs if c == "nospend"} == {"L4", "L4bot", "L4c"}


def test_ugc_ratio(measure) -> None:
    rows = {r["campaign_id"]: r for r in measure("ugc_ratio")}
    # spring: 7 related; brand P1, P2 and the bot's BOT1 are not UGC -> 4 / 7.
    assert (rows["spring"]["ugc_messages"], rows["spring"]["campaign_messages"]) == (
        4,
        7,
    )
    assert rows["spring"]["ugc_ratio"] == pytest.approx(4 / 7)
    # nospend: alice (moderator, still a member) and erin; the bot is not -> 2 / 3.
    assert rows["nospend"]["ugc_ratio"] == pytest.approx(2 / 3)


def test_cost_per_engagement(measure) -> None:
    rows = {r["campaign_id"]: r for r in measure("cost_per_engagement")}
    # spring: brand content P1 (5 engagements) and P2 (1) -> 300 EUR / 6 = 50 EUR.
    assert rows["spring"]["engagements"] == 6
    assert rows["spring"]["cost_per_engagement"] == pytest.approx(50.0)
    assert rows["spring"]["currency"] == "EUR"
    # nospend: no spend recorded and no brand content: null, not a division by zero.
    assert rows["nospend"]["spend"] is None
    assert rows["nospend"]["engagements"] == 0
    assert rows["nospend"]["cost_per_engagement"] is None
