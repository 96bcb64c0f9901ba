"""The demo's polls: a colour vote before each of the 3 drops (Discord, Telegram, Slack) and a
live-time vote (Discord, WhatsApp), read back by the real connectors."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from tribu.connectors._records import Message, Poll
from tribu.demo import DemoFiles

EXPECTED = {"discord": (3, 1), "telegram": (3, 0), "slack": (3, 0), "whatsapp": (0, 1)}


def _path(demo: DemoFiles, platform: str) -> Path:
    return {
        "discord": demo.root / "discord",
        "telegram": demo.telegram,
        "slack": demo.slack,
        "whatsapp": demo.whatsapp,
    }[platform]


@pytest.mark.parametrize("platform", sorted(EXPECTED))
def test_demo_polls_are_read(demo: DemoFiles, platform: str) -> None:
    connector = importlib.import_module(f"tribu.connectors.{platform}")
    records = list(connector.read(_path(demo, platform)))
    polls = [r for r in records if isinstance(r, Poll)]
    colour = [p for p in polls if p.question.startswith("Quelle couleur")]
    live = [p for p in polls if p.question.startswith("Le live du vendredi")]
    assert (len(colour), len(live)) == EXPECTED[platform]
    for poll in colour:
        assert [o.text for o in poll.options] == [
            "Vert sauge",
            "Terracotta",
            "Sable",
            "Noir",
        ]
    for poll in polls:
        assert all(o.votes is not None and o.votes >= 0 for o in poll.options)
        assert sum(o.votes or 0 for o in poll.options) > 0
    if platform == "slack":  # Simple Poll names its voters, and the brand asked
        for poll in polls:
            assert all(len(o.voter_keys) == o.votes for o in poll.options)
            assert poll.author_key is not None
    # Every poll is a message of the brand's account (so a brand post).
    messages = {r.message_key: r for r in records if isinstance(r, Message)}
    authors = {messages[p.message_key].author_key for p in polls}
    assert len(authors) == 1
