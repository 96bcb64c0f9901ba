"""Polls read from each platform's export, counted by hand from tests/data/polls (SOURCES.md).

Every number below was read off the sample files, not the connectors' output.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tribu.connectors import discord, slack, telegram, whatsapp
from tribu.connectors._polls import slack_poll, whatsapp_poll
from tribu.connectors._records import Message


def _options(poll) -> list[tuple[str, int | None]]:
    return [(o.text, o.votes) for o in poll.options]


def test_telegram_polls(test_data: Path, by_kind) -> None:
    kinds = by_kind(telegram.read(test_data / "polls" / "telegram_polls.json"))
    polls = kinds["Poll"]
    # messages 10 and 12 carry polls; message 13's poll has answers "pas une liste".
    assert [p.message_key for p in polls] == ["10", "12"]
    colour, live = polls
    assert colour.question == "Quelle couleur pour le prochain drop ?"
    assert _options(colour) == [("Vert sauge", 5), ("Terracotta", 3), ("Noir", 1)]
    assert (colour.total_voters, colour.closed) == (9, False)
    assert _options(live) == [("18 h", 3), ("20 h", 2), ("21 h 30", 0)]
    assert (live.total_voters, live.closed) == (4, True)
    # The poll message reads as its question (its text is empty in the export).
    texts = {m.message_key: m.text for m in kinds["Message"]}
    assert texts["10"] == colour.question
    assert [q.locator for q in kinds["Quarantined"]] == ["messages[3]"]
    assert "not a list" in kinds["Quarantined"][0].reason


def test_discord_polls_both_spellings(test_data: Path, by_kind) -> None:
    kinds = by_kind(discord.read(test_data / "polls" / "discord_polls.json"))
    colour, live = kinds["Poll"]
    # API spelling: answer 3 (Black) has no answer_counts entry -> 0 votes.
    assert _options(colour) == [("Sage green", 6), ("Terracotta", 3), ("Black", 0)]
    assert (colour.closed, colour.multiple, colour.total_voters) == (True, False, None)
    assert colour.ends_at == datetime(2024, 5, 7, 18, tzinfo=UTC)
    # camelCase spelling: multi-select, 3 distinct voters, voters named.
    assert _options(live) == [("18:00", 2), ("20:00", 2)]
    assert (live.closed, live.multiple, live.total_voters) == (False, True, 3)
    assert [o.voter_keys for o in live.options] == [["222", "333"], ["222", "444"]]
    texts = {m.message_key: m.text for m in kinds["Message"]}
    assert texts["5001"] == "Which colour for the next drop?"  # empty content
    assert texts["5003"] == "Friday live: pick your slots"  # content kept
    assert [q.locator for q in kinds["Quarantined"]] == ["messages[3]"]


@pytest.mark.parametrize(
    ("name", "question", "options"),
    [
        (
            "WhatsApp Chat with Atelier Crew.txt",
            "What time for the Friday live?",
            [("18:00", 4), ("20:00", 2), ("21:30", 1)],
        ),
        (
            "Discussion WhatsApp avec Club Atelier.txt",
            "Quelle couleur pour le prochain drop ?",
            [("Vert sauge", 5), ("Terracotta", 2), ("Noir", 1)],
        ),
    ],
)
def test_whatsapp_polls_en_fr(test_data: Path, by_kind, name, question, options):
    kinds = by_kind(whatsapp.read(test_data / "polls" / name))
    (poll,) = kinds["Poll"]
    assert poll.question == question
    assert _options(poll) == options
    assert poll.author_key is None  # the message's author asked
    first = kinds["Message"][0]
    assert (first.author_key, first.text) == ("Atelier Brand", question)
    assert first.message_key == poll.message_key
    # The English file's "OPTION B is nice too" stays an ordinary message.
    assert len(kinds["Message"]) == (3 if "Crew" in name else 2)


def test_whatsapp_poll_needs_counts() -> None:
    ts = datetime(2024, 5, 6, tzinfo=UTC)
    message = Message("c", "c", "k", "a", ts, "")
    assert whatsapp_poll(message, "POLL:\nQ?\nOPTION: a\nOPTION: b (2 votes)") is None
    assert whatsapp_poll(message, "Hello\nOPTION: a (1 vote)") is None
    poll = whatsapp_poll(message, "POLL: Q inline?\nOPTION: a (1 vote)")
    assert poll is not None and poll.question == "Q inline?"


def test_slack_simple_poll(test_data: Path, by_kind) -> None:
    kinds = by_kind(slack.read(test_data / "polls" / "slack_simple_poll"))
    (poll,) = kinds["Poll"]
    assert poll.question == "Which colour for the next drop?"
    assert _options(poll) == [("Sage green", 2), ("Terracotta", 1), ("Black", 0)]
    assert [o.voter_keys for o in poll.options] == [
        ["U02INES", "U03MARC"],
        ["U04ZOE"],
        [],
    ]
    assert poll.author_key == "U01BRAND" and not poll.multiple
    message = next(m for m in kinds["Message"] if m.message_key == poll.message_key)
    assert (message.author_key, message.author_is_bot) == ("U01BRAND", False)


def test_slack_blocks_without_a_poll_are_left_alone() -> None:
    ts = datetime(2024, 5, 6, tzinfo=UTC)
    message = Message("c", "ch", "k", "U1", ts, "hi")
    rich = [{"type": "rich_text", "elements": []}]
    one_option = [
        {"type": "section", "text": {"text": "*Q?*"}},
        {"type": "section", "text": {"text": ":one: A `1`"}},
    ]
    assert slack_poll(message, rich) is None
    assert slack_poll(message, one_option) is None
    assert (message.author_key, message.text) == ("U1", "hi")
