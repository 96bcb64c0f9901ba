"""Telegram single chats are read by the streaming reader alone: records, and one-line errors
naming the message, its line and column (the ijson fallback is gone: see _json_limits)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tribu.connectors import telegram
from tribu.connectors._records import Member, Message
from tribu.errors import InputError


def _chat(path: Path, tail: str = "") -> Path:
    # Three messages by user1 and user2, indented by one space as Telegram Desktop writes.
    chat = {
        "name": "Semelle",
        "type": "private_group",
        "id": 7,
        "messages": [
            {
                "id": i,
                "type": "message",
                "date": f"2026-01-01T10:00:0{i}",
                "from": f"U{i % 2 + 1}",
                "from_id": f"user{i % 2 + 1}",
                "text": f"m{i}",
            }
            for i in range(1, 4)
        ],
    }
    path.write_text(json.dumps(chat, indent=1) + tail, "utf-8")
    return path


def test_indented_chat_reads_every_message(tmp_path: Path) -> None:
    records = list(telegram.read(_chat(tmp_path / "result.json")))
    # 1 community + 1 channel + 2 members + 3 messages.
    assert len(records) == 7
    assert [m.text for m in records if isinstance(m, Message)] == ["m1", "m2", "m3"]
    assert {m.member_key for m in records if isinstance(m, Member)} == {"1", "2"}


def test_trailing_bytes_are_refused_with_their_place(tmp_path: Path) -> None:
    # After the chat object: junk on the last line (json.dumps writes 31 lines here).
    path = _chat(tmp_path / "result.json", tail="\n]")
    with pytest.raises(InputError, match=r"line 32, column 1: unexpected '\]'") as err:
        list(telegram.read(path))
    assert "\n" not in str(err.value)


def test_truncated_file_names_the_message_line_and_column(tmp_path: Path) -> None:
    path = _chat(tmp_path / "result.json")
    path.write_bytes(path.read_bytes()[:-40])  # cut inside the last message
    with pytest.raises(
        InputError, match=r"messages\[2\], line \d+, column \d+: "
    ) as err:
        list(telegram.read(path))
    assert "ends early" in str(err.value) and "\n" not in str(err.value)
