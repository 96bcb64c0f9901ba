"""Telegram single chats read by orjson give what ijson gives, records and errors alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tribu.connectors import telegram
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


def _by_ijson(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[object]:
    """What the reader gives when the orjson path refuses the file at once."""

    def refuse(*args: object, **kwargs: object) -> object:
        raise InputError(path, None, "refused")

    with monkeypatch.context() as patch:
        patch.setattr(telegram, "iter_object", refuse)
        return list(telegram.read(path))


def test_same_records_as_ijson(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _chat(tmp_path / "result.json")
    keys: list[str] = []
    stream = telegram.iter_object

    def spy(*args: object, **kwargs: object) -> object:
        for key, value in stream(*args, **kwargs):  # type: ignore[arg-type]
            keys.append(key)
            yield key, value

    monkeypatch.setattr(telegram, "iter_object", spy)
    fast = list(telegram.read(path))
    assert "messages" in keys  # the fast path read the file (no fallback)
    assert fast == _by_ijson(monkeypatch, path)
    # 1 community + 1 channel + 2 members + 3 messages.
    assert len(fast) == 7


def test_trailing_bytes_refused_by_orjson_path_give_ijsons_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # After the chat object: junk. The orjson path refuses it only at the end (all three
    # messages yielded); ijson then reads the file again past them and decides as always.
    path = _chat(tmp_path / "result.json", tail="\n]")
    try:
        expected: object = _by_ijson(monkeypatch, path)
    except InputError as exc:
        expected = str(exc)
    try:
        got: object = list(telegram.read(path))
    except InputError as exc:
        got = str(exc)
    assert got == expected


def test_truncated_file_gives_ijsons_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _chat(tmp_path / "result.json")
    path.write_bytes(path.read_bytes()[:-40])  # cut inside the last message
    with pytest.raises(InputError) as slow:
        _by_ijson(monkeypatch, path)
    with pytest.raises(InputError) as fast:
        list(telegram.read(path))
    assert str(fast.value) == str(slow.value)
    assert "messages[" in str(fast.value)
