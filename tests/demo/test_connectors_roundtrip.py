"""The demo read back through the real connectors gives the counts the generator wrote."""

from __future__ import annotations

import importlib
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from tribu.connectors._records import (
    Community,
    MemberEvent,
    Message,
    Quarantined,
    Reaction,
)
from tribu.demo import DemoFiles

PLATFORMS = ("discord", "telegram", "slack", "whatsapp")


def _path(demo: DemoFiles, platform: str) -> Path:
    return {
        "discord": demo.root / "discord",
        "telegram": demo.telegram,
        "slack": demo.slack,
        "whatsapp": demo.whatsapp,
    }[platform]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_connector_reads_what_the_generator_wrote(
    demo: DemoFiles, platform: str
) -> None:
    connector = importlib.import_module(f"tribu.connectors.{platform}")
    path = _path(demo, platform)
    assert connector.detect(path)
    counts: Counter[str] = Counter()
    authors: set[str] = set()
    names = []
    for record in connector.read(path):
        if isinstance(record, Community):
            names.append(record.name)
        elif isinstance(record, Message):
            counts["messages"] += 1
            counts["replies"] += record.reply_to_key is not None
            authors.add(record.author_key)
        elif isinstance(record, MemberEvent):
            counts[record.kind] += 1
        elif isinstance(record, Reaction):
            counts["reactions"] += record.count
        elif isinstance(record, Quarantined):
            counts["quarantined"] += 1
    written = demo.counts[platform]
    assert counts["quarantined"] == 0
    assert counts["messages"] == written.messages
    assert counts["join"] == written.joins
    assert counts["leave"] == written.leaves
    assert counts["reactions"] == written.reactions
    assert counts["replies"] == written.replies
    assert len(authors) == written.authors
    # The community's name is one tribu.toml matches, so brand accounts get flagged.
    config = tomllib.loads(demo.config.read_text(encoding="utf-8"))
    assert names == [written.community]
    assert written.community in [c["match"] for c in config["communities"]]
