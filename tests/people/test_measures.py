"""``active_people``: the worked example of docs/metrics.md, by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import ibis

from tribu.metrics.people import active_people


def test_active_people_worked_example() -> None:
    ts = datetime(2026, 10, 1, tzinfo=UTC)
    members = ibis.memtable(
        {
            "member_id": ["d1", "s1", "w1", "bot"],
            "community_id": ["discord:x", "slack:x", "whatsapp:x", "slack:x"],
            "is_brand": [False, False, False, False],
            "is_bot": [False, False, False, True],
        }
    )
    messages = ibis.memtable(
        {
            "message_id": ["1", "2", "3", "4", "5"],
            "community_id": [
                "discord:x",
                "discord:x",
                "slack:x",
                "whatsapp:x",
                "slack:x",
            ],
            "author_id": ["d1", "d1", "s1", "w1", "bot"],
            "ts": [ts] * 5,
        }
    )
    links = ibis.memtable(
        {
            "member_id": ["d1", "s1"],
            "person_id": ["p1", "p1"],
            "decision_id": ["x", "x"],
        }
    )
    row = active_people(messages, members, links).to_pyarrow().to_pylist()
    # d1, s1, w1 wrote (the bot does not count): 3 accounts; d1 and s1 are p1: 2 people.
    assert row == [{"active_members": 3, "active_people": 2}]
