"""Telegram Desktop connector: exact counts on every real sample, and bad input.

Counts were worked out by reading each file (and checked with jq on the raw files, e.g.
``jq '[.messages[] | select(.type=="service")] | length'``), never from the parser's output.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.connectors._tally import tally
from tribu.connectors import telegram
from tribu.connectors._records import (
    Community,
    Member,
    MemberEvent,
    Message,
    Quarantined,
    Reaction,
)
from tribu.errors import InputError

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data" / "telegram"
SHARED = HERE.parents[2] / "shared" / "data" / "real" / "telegram"

# (file, expected counts). Keys not listed are 0.
REAL_FILES = [
    # 8 entries; 2 type service (joined_telegram, phone_call: notices) = 6 messages;
    # authors user700000000 (Bob), user300000000 (Alice); 2 photos.
    (
        SHARED / "DM_2A_7M.json",
        {"messages": 6, "authors": 2, "notices": 2, "attachments": 2},
    ),
    # 2 chats: "Chat One" 2 messages (Alice, Bob); "Chat Two" 4 entries, 1 service
    # (phone_call) = 3 messages (Charlie, David, Eve; Eve's is a photo).
    (
        SHARED / "MultiChat_2C_6M.json",
        {"communities": 2, "messages": 5, "authors": 5, "notices": 1, "attachments": 1},
    ),
    # 2 messages: "Bot User" (8888888888) and "Real User" (9999999999).
    (DATA / "bot.json", {"messages": 2, "authors": 2}),
    # empty messages array: one community, nothing else.
    (DATA / "personal.json", {}),
    # 7 entries, 2 service (create_channel, pin_message) = 5; one author; 3->2 and 7->6 reply.
    (
        DATA / "private_channel.json",
        {"messages": 5, "authors": 1, "replies": 2, "notices": 2},
    ),
    (
        DATA / "public_channel.json",
        {"messages": 5, "authors": 1, "replies": 2, "notices": 2},
    ),
    # 2 entries, 1 service (create_group: a notice, not joins) = 1 message.
    (DATA / "private_group.json", {"messages": 1, "authors": 1, "notices": 1}),
    # 4 entries, 3 service (create_group, migrate_to_supergroup, migrate_from_group) = 1.
    (DATA / "public_supergroup.json", {"messages": 1, "authors": 1, "notices": 3}),
    # 21 entries, 1 service (pin_message) = 20; authors Ben (9999999999) and test
    # (10036995664); 1 reply (7->6); media: photo 173429, files 207958, 217584, 226106,
    # 278329 (sticker), 318170 = 6.
    (
        DATA / "saved.json",
        {"messages": 20, "authors": 2, "replies": 1, "notices": 1, "attachments": 6},
    ),
    # 2 messages without ids, authors by name only ("Author 1", "Author 2").
    (DATA / "test_single_export.json", {"messages": 2, "authors": 2}),
    (DATA / "test_batch_export.json", {"messages": 2, "authors": 2}),
    # Our own file: 11 entries. Service: create_group, pin (2 notices); invite_members of
    # Marc and Zoé + join_group_by_link of Paul = 3 joins; remove_members Marc (himself) and
    # Zoé = 2 leaves. Messages ids 4, 5, 6, 9 = 4 by Léa, Marc, Paul = 3 authors; 5 replies
    # to 4; reactions on 4: ❤ x3 + custom x1 = 4; photo (6) + animation (9) = 2; id 11 has
    # no date: quarantined.
    (
        DATA / "reactions_and_service.json",
        {
            "messages": 4,
            "authors": 3,
            "replies": 1,
            "reactions": 4,
            "joins": 3,
            "leaves": 2,
            "notices": 2,
            "attachments": 2,
            "quarantined": 1,
        },
    ),
    # Our own account export: chats.list has 2 chats (2 messages by Léa 11 and Noé 15, one
    # reply; 1 service create_channel + 1 channel post), left_chats.list 1 chat (1 message
    # by Léa again, but another community) = 3 communities, 4 messages, 4 authors
    # (community, author) pairs.
    (
        DATA / "account_with_left_chats.json",
        {"communities": 3, "messages": 4, "authors": 4, "replies": 1, "notices": 1},
    ),
]


@pytest.mark.parametrize(
    ("path", "expected"), REAL_FILES, ids=lambda v: getattr(v, "name", "")
)
def test_counts_match_the_file(path: Path, expected: dict[str, int]) -> None:
    assert telegram.detect(path)
    counts = tally(telegram.read(path))
    wanted = {key: 0 for key in counts} | {"communities": 1} | expected
    assert counts == wanted


def test_dates_prefer_unixtime_and_read_local_dates_as_utc() -> None:
    records = list(telegram.read(SHARED / "DM_2A_7M.json"))
    stamps = {m.message_key: m.ts for m in records if isinstance(m, Message)}
    # 3645 has only "date": 2022-03-08T13:07:42, read as UTC.
    assert stamps["3645"] == datetime(2022, 3, 8, 13, 7, 42, tzinfo=UTC)
    # 3662 has only date_unixtime 1652135033 = 2022-05-09 22:23:53 UTC.
    assert stamps["3662"] == datetime(2022, 5, 9, 22, 23, 53, tzinfo=UTC)


def test_text_lists_are_joined_and_member_ids_normalised() -> None:
    records = list(telegram.read(DATA / "reactions_and_service.json"))
    by_key = {r.message_key: r for r in records if isinstance(r, Message)}
    reply = by_key["5"]
    assert reply.text == "Merci Léa !"
    assert reply.reply_to_key == "4"
    assert reply.mention_keys == ["11"]  # mention_name user_id 11
    assert reply.edited_at == datetime(2024, 3, 1, 9, 8, tzinfo=UTC)  # 1709284080
    assert by_key["4"].reaction_count == 4
    reactions = [r for r in records if isinstance(r, Reaction)]
    # ❤: Marc (12) and Paul (13) known, 1 anonymous; the custom emoji 1 anonymous.
    assert sorted((r.emoji, r.member_key or "-", r.count) for r in reactions) == [
        ("custom:doc123", "-", 1),
        ("❤", "-", 1),
        ("❤", "12", 1),
        ("❤", "13", 1),
    ]
    events = sorted(
        (e.kind, e.member_key) for e in records if isinstance(e, MemberEvent)
    )
    assert events == [
        ("join", "13"),
        ("join", "name:Marc"),
        ("join", "name:Zoé"),
        ("leave", "12"),
        ("leave", "name:Zoé"),
    ]
    quarantined = [r for r in records if isinstance(r, Quarantined)]
    assert [q.locator for q in quarantined] == ["messages[10]"]


def test_account_export_keeps_chats_apart_and_old_ids_match_new() -> None:
    records = list(telegram.read(DATA / "account_with_left_chats.json"))
    communities = [r.community_key for r in records if isinstance(r, Community)]
    # the left chat's keys come after its messages, so its key is its JSON path.
    assert communities == ["2001", "2002", "left_chats.list[0]"]
    authors = sorted(
        (m.community_key, m.author_key) for m in records if isinstance(m, Message)
    )
    assert authors == [
        ("2001", "11"),
        ("2001", "15"),
        ("2002", "channel2002"),
        ("left_chats.list[0]", "11"),
    ]


def test_bot_chat_marks_the_chat_peer_as_bot() -> None:
    records = list(telegram.read(DATA / "bot.json"))
    bots = [m.member_key for m in records if isinstance(m, Member) and m.is_bot]
    assert bots == ["9999999999"]  # the chat's own id


@pytest.mark.parametrize(
    ("content", "place"),
    [
        (b"", "the start"),
        (b'{"name": "x", "id": 1, "messages": [{"id": 1, "type": "message", "da', None),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", None),
        (b'{"name": "x", "id": 1}', None),
        (b'{"chats": {"list": [{"id": 1, "messages": [{"id": 1}, ', None),
    ],
    ids=["empty", "truncated", "garbage", "no-messages", "truncated-account"],
)
def test_bad_files_raise_input_error(
    tmp_path: Path, content: bytes, place: str | None
) -> None:
    path = tmp_path / "result.json"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        list(telegram.read(path))
    assert str(path) in str(caught.value)
    if place:
        assert caught.value.place == place


def test_truncated_single_chat_names_the_message(tmp_path: Path) -> None:
    text = (DATA / "saved.json").read_text(encoding="utf-8")
    path = tmp_path / "result.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(InputError, match=r"messages\[\d+\]"):
        list(telegram.read(path))


def test_detect_refuses_other_formats() -> None:
    assert not telegram.detect(DATA.parent / "discourse" / "topic.json")
    assert not telegram.detect(DATA.parent / "messenger" / "testlog.json")
    assert not telegram.detect(DATA.parent / "whatsapp" / "test_ddmmyy_24hrs.txt")


OTHER_PLATFORMS = sorted(
    p
    for folder in ("discord", "slack", "reddit")
    for p in (SHARED.parent / folder).glob("*")
    if p.suffix in (".json", ".zip")
)


@pytest.mark.parametrize("path", OTHER_PLATFORMS, ids=lambda p: p.name[:30])
def test_no_connector_of_ours_claims_other_platforms(path: Path) -> None:
    from tribu.connectors import discourse, messenger, whatsapp

    claimed = [
        m.name for m in (telegram, whatsapp, messenger, discourse) if m.detect(path)
    ]
    assert claimed == []


@pytest.mark.parametrize("chunk", [1, 7, 64])
def test_account_walker_survives_any_chunk_boundary(
    monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    # Reading the account export a few bytes at a time splits numbers, strings and
    # multi-byte UTF-8 characters ("Léa", "Réunion") across refills: the records must not
    # change.
    from tribu.connectors import _telegram_stream

    path = DATA / "account_with_left_chats.json"
    whole = list(telegram.read(path))
    monkeypatch.setattr(_telegram_stream, "_CHUNK", chunk)
    assert list(telegram.read(path)) == whole
    assert tally(whole)["messages"] == 4


def test_account_export_with_long_contacts_is_detected(tmp_path: Path) -> None:
    # A real account export lists contacts (and more) before "chats": past the 4 KB sniff.
    contacts = [
        {
            "first_name": f"Contact {i}",
            "phone_number": "+33 600000000",
            "date": "2024-01-01T00:00:00",
        }
        for i in range(200)
    ]
    export = {
        "about": "Here is the data you requested.",
        "personal_information": {"user_id": 11, "first_name": "Léa"},
        "contacts": {"about": "contacts", "list": contacts},
        "chats": {
            "about": "chats",
            "list": [
                {
                    "name": "A",
                    "type": "private_group",
                    "id": 5,
                    "messages": [
                        {
                            "id": 1,
                            "type": "message",
                            "date": "2024-01-05T10:00:00",
                            "from": "Léa",
                            "from_id": "user11",
                            "text": "salut",
                        }
                    ],
                }
            ],
        },
    }
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export, indent=1), encoding="utf-8")
    assert path.stat().st_size > 4096
    assert telegram.detect(path)
    assert tally(telegram.read(path))["messages"] == 1
