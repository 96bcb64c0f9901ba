"""Messenger connector: exact counts on the real samples and our thread folder, bad input.

Counts were worked out by reading each file (``grep -c sender_name``), not from the parser.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.connectors._tally import tally
from tribu.connectors import messenger
from tribu.connectors._records import (
    Community,
    Member,
    Message,
    Reaction,
)
from tribu.errors import InputError

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data" / "messenger"
SHARED = HERE.parents[2] / "shared" / "data" / "real" / "messenger"
THREAD = DATA / "inbox" / "clubsneakers_abc123"

REAL_FILES = [
    # 7 messages (Alice x2, Bob x5) = 2 authors; attachments: files (1), audio_files (1),
    # sticker (1), photos (1) = 4. Starts with a UTF-8 BOM.
    (SHARED / "2A_7M.json", {"messages": 7, "authors": 2, "attachments": 4}),
    # 2 Generic messages, Allan Smith and John Doe.
    (DATA / "testlog.json", {"messages": 2, "authors": 2}),
    # Our thread folder, one channel over two files. message_1: Marc (2 reactions), Léa
    # (2 photos), a Subscribe of Noah (join), Léa's Share (1 attachment). message_2: an
    # Unsubscribe of Marc (leave), a Call (notice), Marc "salut", one without sender_name
    # (quarantined). Messages 4, authors Marc and Léa = 2, attachments 2 + 1 = 3.
    (
        THREAD,
        {
            "messages": 4,
            "authors": 2,
            "reactions": 2,
            "joins": 1,
            "leaves": 1,
            "notices": 1,
            "attachments": 3,
            "quarantined": 1,
        },
    ),
]


@pytest.mark.parametrize(
    ("path", "expected"), REAL_FILES, ids=lambda v: getattr(v, "name", "")
)
def test_counts_match_the_file(path: Path, expected: dict[str, int]) -> None:
    assert messenger.detect(path)
    counts = tally(messenger.read(path))
    assert counts == {key: 0 for key in counts} | {"communities": 1} | expected


def test_mojibake_is_repaired_everywhere() -> None:
    records = list(messenger.read(THREAD))
    assert records[0] == Community(
        "inbox/clubsneakers_abc123", "messenger", "Club Sneakers 👟"
    )
    members = sorted(m.member_key for m in records if isinstance(m, Member))
    assert members == ["Léa", "Marc"]
    texts = [m.text for m in records if isinstance(m, Message)]
    assert "Trop bien, j'adore 👟" in texts
    reactions = sorted(
        (r.emoji, r.member_key or "") for r in records if isinstance(r, Reaction)
    )
    assert reactions == [("❤", "Léa"), ("😆", "Noah")]


def test_repair_leaves_proper_text_alone() -> None:
    assert messenger.repair_mojibake("CafÃ©") == "Café"
    assert messenger.repair_mojibake("Café déjà") == "Café déjà"  # not mojibake: kept
    assert messenger.repair_mojibake("日本") == "日本"  # not Latin-1: kept


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b'{"participants": [], "messages": [{"sender_name": "A", "timestamp',
        b"\x00\xff\xfe",
    ],
    ids=["empty", "truncated", "garbage"],
)
def test_bad_files_raise_input_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "message_1.json"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        list(messenger.read(path))
    assert str(path) in str(caught.value)


def test_folder_without_threads_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="message_N.json"):
        list(messenger.read(tmp_path))


def test_inbox_folder_gives_one_community_per_thread(tmp_path: Path) -> None:
    # Two thread folders: our two-file thread, and testlog.json renamed message_1.json.
    inbox = tmp_path / "inbox"
    shutil.copytree(THREAD, inbox / "clubsneakers_abc123")
    (inbox / "other_1").mkdir()
    shutil.copy(DATA / "testlog.json", inbox / "other_1" / "message_1.json")
    assert messenger.detect(inbox)
    records = list(messenger.read(inbox))
    communities = sorted(c.community_key for c in records if isinstance(c, Community))
    # testlog has no thread_path: its key is its folder's name.
    assert communities == ["inbox/clubsneakers_abc123", "other_1"]
    # 4 messages in the thread folder + 2 in testlog.
    assert tally(records)["messages"] == 6
