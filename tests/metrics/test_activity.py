"""Activity and health measures on the fixture."""

from __future__ import annotations

from datetime import date

import ibis
import pytest

from tribu.metrics.activity import conversations


def test_daily_active_members(measure) -> None:
    rows = {
        (r["community_id"], r["day"]): r["active_members"]
        for r in measure("daily_active_members")
    }
    # 5 March: alice (R2), bob (R1); the brand (P1, BR) is not a member "person".
    assert rows[("c1", date(2026, 3, 5))] == 2
    # 19 March: bob, dave in #general; alice, bob, carol, dave in #events -> 4 distinct.
    assert rows[("c1", date(2026, 3, 19))] == 4
    # 2 April: alice, bob, carol, erin; the bot's message does not count.
    assert rows[("c1", date(2026, 4, 2))] == 4
    # c2 has only its brand: no active person at all.
    assert not any(c == "c2" for c, _ in rows)


def test_weekly_active_members(measure) -> None:
    rows = {
        (r["community_id"], r["week"]): r["active_members"]
        for r in measure("weekly_active_members")
    }
    # Week of 9 March: carol, alice (10th), bob (12th); the bot's 15th not counted -> 3.
    assert rows[("c1", date(2026, 3, 9))] == 3
    # Week of 2 March: alice (3rd, 5th), bob (5th), fanny (Sunday 8th) -> 3.
    assert rows[("c1", date(2026, 3, 2))] == 3


def test_daily_activity(measure) -> None:
    rows = {
        (r["channel_id"], r["day"]): r["messages"] for r in measure("daily_activity")
    }
    # 10 March in #general: Q1, Q1b, Q1R; the bot's Q1bot is not counted.
    assert rows[("c1-general", date(2026, 3, 10))] == 3
    # 5 March: P1, R2, R1, BR (brand messages are activity too).
    assert rows[("c1-general", date(2026, 3, 5))] == 4


def test_new_members(measure) -> None:
    rows = {
        (r["community_id"], r["week"]): r["new_members"] for r in measure("new_members")
    }
    # People only: alice (01-05), fanny (01-10, week of 01-05), bob, carol, dave, erin.
    assert rows == {
        ("c1", date(2026, 1, 5)): 2,
        ("c1", date(2026, 3, 2)): 1,
        ("c1", date(2026, 3, 9)): 1,
        ("c1", date(2026, 3, 16)): 1,
        ("c1", date(2026, 3, 30)): 1,
    }


def test_retention_by_cohort(measure) -> None:
    rows = {
        (r["cohort_month"], r["months_since_join"]): r
        for r in measure("retention_by_cohort")
    }
    # Cohort Jan: alice (writes Jan-Apr), fanny (Feb, Mar) -> size 2; 1, 2, 2, 1 retained.
    jan = date(2026, 1, 1)
    assert [rows[(jan, m)]["retained"] for m in range(4)] == [1, 2, 2, 1]
    assert rows[(jan, 0)]["retention"] == pytest.approx(0.5)
    # Cohort Mar: bob, carol, dave; all write in March, bob and carol in April -> 2/3.
    mar = date(2026, 3, 1)
    assert rows[(mar, 0)]["cohort_size"] == 3
    assert rows[(mar, 1)]["retention"] == pytest.approx(2 / 3)
    # Cohort Apr: erin alone, writes in April.
    assert rows[(date(2026, 4, 1), 0)]["retention"] == 1.0


def test_time_to_first_response(measure) -> None:
    rows = {r["message_id"]: r for r in measure("time_to_first_response")}
    # Member questions only (P1 and P3 are brand posts; R5 'Les deux ?' is a reply).
    assert set(rows) == {"Q1", "Q2"}
    # Q1 14:00: bot at 14:05 and carol herself at 14:10 do not count; alice at 15:00.
    assert rows["Q1"]["hours_to_first_response"] == 1.0
    # Q2 never answered.
    assert rows["Q2"]["hours_to_first_response"] is None


def test_conversations(measure) -> None:
    rows = {r["channel_id"]: r for r in measure("conversations")}
    # #general (bots out), new conversation when > 30 min of silence:
    # fa1, fa2, fa3 (3) | 03-05 10:00+10:30, 11:30, 12:30 (3) | fa4 (1) |
    # 03-10 14:00+14:10, 15:00 (2) | P2 (1) | 03-19 10:00+10:30, 11:45 (2) | R3, fa5, Q2, P4,
    # LAST (5) -> 17.
    assert rows["c1-general"]["conversations"] == 17
    # #events: M1, M1r, M2, M2r, M3, M3r (6, an hour apart) | live 03-12 (1) | 03-19 (1) |
    # 03-26 17:00..17:40 (1), 18:30 (1) | 04-02 (1) -> 11.
    assert rows["c1-events"]["conversations"] == 11
    assert rows["c2-main"]["conversations"] == 1
    # With a 60-minute gap, 03-05 becomes one conversation, 03-10 one, 01-06/02-03/03-03
    # pairs one each, 03-26 one: 17 - 2 - 1 - 0 ... counted directly: general 12, events 8.
    wide = {
        r["channel_id"]: r["conversations"]
        for r in measure("conversations", gap_minutes=60)
    }
    assert (wide["c1-general"], wide["c1-events"]) == (14, 7)


def test_conversations_follow_threads(tables) -> None:
    # Thread messages (thread_id = another message) never split or start a conversation.
    con = tables["messages"]._find_backend()
    msgs = ibis.memtable(
        {
            "message_id": ["a", "b", "c"],
            "community_id": ["k"] * 3,
            "channel_id": ["ch"] * 3,
            "author_id": ["u1", "u2", "u1"],
            "ts": ["2026-01-01 10:00:00", "2026-01-01 13:00:00", "2026-01-01 10:20:00"],
            "thread_id": [None, "a", None],
        }
    ).mutate(
        ts=ibis._.ts.cast("timestamp('UTC')"), thread_id=ibis._.thread_id.cast("string")
    )
    members = tables["members"].filter(ibis.literal(False))
    out = con.to_pyarrow(conversations(msgs, members)).to_pylist()
    # a (10:00) and c (10:20) form one conversation; b, in a's thread 3 h later, adds none.
    assert out[0]["conversations"] == 1
