"""The Slack connector on both real workspace exports, a hand-made export and bad input.

Expected numbers were counted from the files with jq (``jq -s '[.[][]] | ...'`` over the day
files, grouping by ``subtype``), never copied from the connector's output.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tribu.connectors import slack
from tribu.errors import InputError, UnsafeArchiveError


def _summary(kinds: dict[str, list]) -> dict[str, int]:
    messages = kinds.get("Message", [])
    return {
        "messages": len(messages),
        "authors": len({m.author_key for m in messages}),
        "replies": sum(m.reply_to_key is not None for m in messages),
        "reactions": sum(r.count for r in kinds.get("Reaction", [])),
        "joins": sum(e.kind == "join" for e in kinds.get("MemberEvent", [])),
        "notices": len(kinds.get("SystemNotice", [])),
    }


def test_testarchive_counts(test_data: Path, by_kind) -> None:
    path = test_data / "slack" / "testarchive.zip"
    assert slack.detect(path)
    kinds = by_kind(slack.read(path))
    # 158 entries over the 17 day files, by subtype: none 49, bot_message 94,
    # channel_join 8, bot_add 3, file_share 3, file_comment 1. Messages = 49 + 94 + 3 + 1
    # = 147 (enrique 102 entries - 4 joins - 2 bot_add = 96; traveling-sailor 56 - 4 - 1
    # = 51). Authors: users U0BMM2FEH, U0BMQB6JE, U0BMS113R, U0BMYT2FL and bot ids
    # B0JL6RASU, B0JL6UFSL, B0VJZKVHC = 7. No thread_ts: 0 replies. One reaction
    # ("botman", users [U0BMYT2FL], count 1). Joins 8, notices (bot_add) 3.
    assert _summary(kinds) == dict(
        messages=147, authors=7, replies=0, reactions=1, joins=8, notices=3
    )
    assert "Quarantined" not in kinds
    (community,) = kinds["Community"]
    assert community.community_key == "T0BMHLSRH"  # users' team_id
    assert [c.name for c in kinds["Channel"]] == ["enrique", "traveling-sailor"]
    assert [c.channel_key for c in kinds["Channel"]] == ["C0JGLMMNX", "C0JL6CGQ2"]
    messages = kinds["Message"]
    per_channel = {
        key: sum(m.channel_key == key for m in messages)
        for key in ("C0JGLMMNX", "C0JL6CGQ2")
    }
    assert per_channel == {"C0JGLMMNX": 96, "C0JL6CGQ2": 51}
    # 94 bot_message entries, none with a user.
    assert sum(m.author_is_bot for m in messages) == 94
    # Mentions: 19 "<@U...>" in message texts (jq scan); 1 edited; 3 file_share uploads.
    assert sum(len(m.mention_keys) for m in messages) == 19
    assert sum(m.edited_at is not None for m in messages) == 1
    assert sum(m.attachment_count for m in messages) == 3
    # Members: 4 users + 3 bot ids that post without a user = 7.
    assert len(kinds["Member"]) == 7
    (reaction,) = kinds["Reaction"]
    assert (reaction.message_key, reaction.member_key) == (
        "C0JGLMMNX:1459154014.000018",
        "U0BMYT2FL",
    )
    edited = next(m for m in messages if m.edited_at)
    assert edited.message_key == "C0JL6CGQ2:1458972985.000010"
    assert edited.edited_at == datetime.fromtimestamp(1458981134, UTC)
    # The file_comment is written by the comment's user.
    comment = next(m for m in messages if m.message_key.endswith("1459106048.000018"))
    assert comment.author_key == "U0BMS113R"


def test_slackdump_export_threads(real_data: Path, by_kind) -> None:
    path = real_data / "slack" / "source_export.zip"
    assert slack.detect(path)
    kinds = by_kind(slack.read(path))
    # 16 entries in B75B4C7/: 1 channel_join, 1 tombstone (a deleted thread root), 14
    # messages by UOF82F39AE, UOB5F987BF17, UO0EC43A4792 = 3 authors. Replies: entries
    # whose thread_ts differs from ts: 1736554746 and 1736554783 (root 1736478630),
    # 1736554819 (root 1736554801), 1736554838 (root: the tombstone 1736554828) = 4.
    assert _summary(kinds) == dict(
        messages=14, authors=3, replies=4, reactions=0, joins=1, notices=1
    )
    assert kinds["SystemNotice"][0].kind == "deleted"
    messages = {m.message_key: m for m in kinds["Message"]}
    reply = messages["CO69735E8A:1736554746.482349"]
    assert reply.reply_to_key == "CO69735E8A:1736478630.905399"
    assert reply.thread_key == "CO69735E8A:1736478630.905399"
    root = messages["CO69735E8A:1736478630.905399"]
    assert (root.reply_to_key, root.thread_key) == (None, root.message_key)
    # In threads: the 2 live roots and the 4 replies = 6.
    assert sum(m.thread_key is not None for m in messages.values()) == 6
    # One message with bot_id B089LPE68BB (its user UO0EC43A4792 is_bot), edited.
    bot_posts = [m for m in messages.values() if m.author_is_bot]
    assert [m.author_key for m in bot_posts] == ["UO0EC43A4792"]
    assert bot_posts[0].edited_at == datetime.fromtimestamp(1737160371, UTC)
    # Two messages carry one file each; one has "text": null.
    assert sum(m.attachment_count for m in messages.values()) == 2
    # users.json: 10 users, 6 with is_bot true.
    assert len(kinds["Member"]) == 10
    assert sum(m.is_bot for m in kinds["Member"]) == 6


# --- a hand-made export ------------------------------------------------------------------

USERS = [
    {
        "id": "U1",
        "team_id": "T9",
        "name": "alice",
        "is_admin": True,
        "profile": {"display_name": "Alice", "real_name": "Alice Martin"},
    },
    {"id": "U2", "team_id": "T9", "name": "bob", "profile": {"real_name": "Bob"}},
    {"id": "U3", "team_id": "T9", "name": "chloe", "profile": {}},
    {"name": "no id"},
]
GENERAL_DAY = [
    {"type": "message", "user": "U1", "ts": "1709280000.000100", "text": "Salut &lt;3",
     "thread_ts": "1709280000.000100", "reply_count": 1,
     "reactions": [{"name": "heart", "users": ["U2", "U3"], "count": 5}]},
    {"type": "message", "user": "U2", "ts": "1709280060.000200", "text": "<@U1> merci",
     "thread_ts": "1709280000.000100", "parent_user_id": "U1"},
    {"type": "message", "user": "U3", "text": "no ts"},
    {"type": "message", "subtype": "channel_leave", "user": "U3", "ts": "1709280120.0"},
    {"type": "message", "subtype": "channel_topic", "user": "U1", "ts": "1709280180.0",
     "text": "set the topic"},
    {"type": "message", "subtype": "some_future_subtype", "user": "U1",
     "ts": "1709280240.0", "text": "?"},
    {"type": "message", "subtype": "bot_message", "bot_id": "B7", "username": "drops",
     "ts": "1709280300.0", "text": "Nouveau drop", "files": [{"id": "F1"}, {"id": "F2"}]},
]  # fmt: skip


def _export(tmp_path: Path, make_zip, **overrides: bytes) -> Path:
    members: dict[str, bytes | str] = {
        "users.json": json.dumps(USERS),
        "channels.json": json.dumps([{"id": "C1", "name": "general"}]),
        "groups.json": json.dumps([{"id": "G1", "name": "equipe"}]),
        "dms.json": json.dumps([{"id": "D1", "members": ["U1", "U2"]}]),
        "general/2024-03-01.json": json.dumps(GENERAL_DAY),
        "general/2024-03-02.json": json.dumps(
            [{"type": "message", "user": "U2", "ts": "1709366400.0", "text": "jour 2"}]
        ),
        "equipe/2024-03-01.json": json.dumps(
            [{"type": "message", "user": "U1", "ts": "1709280000.000100", "text": "x"}]
        ),
        "D1/2024-03-01.json": json.dumps(
            [{"type": "message", "user": "U2", "ts": "1709280001.0", "text": "dm"}]
        ),
    }
    members.update(overrides)
    return make_zip(tmp_path / "Atelier Slack export.zip", members)


def test_handmade_export(tmp_path: Path, make_zip, by_kind) -> None:
    kinds = by_kind(slack.read(_export(tmp_path, make_zip)))
    (community,) = kinds["Community"]
    assert (community.community_key, community.name) == ("T9", "Atelier Slack export")
    # Folders in name order: D1 (dm), equipe (private), general (text).
    assert [(c.channel_key, c.kind) for c in kinds["Channel"]] == [
        ("D1", "dm"),
        ("G1", "private"),
        ("C1", "text"),
    ]
    # users.json: U1, U2, U3 and an entry without id (quarantined); then the bot B7.
    members = {m.member_key: m for m in kinds["Member"]}
    assert set(members) == {"U1", "U2", "U3", "B7"}
    assert members["U1"].display_name == "Alice"
    assert members["U1"].roles == ["admin"]
    assert members["U2"].display_name == "Bob"
    assert members["U3"].display_name == "chloe"
    assert members["B7"].is_bot
    # general day 1: entries 0, 1, 6 are messages; 2 has no ts (quarantined); 3 a leave;
    # 4 the topic and 5 an unknown subtype are notices. Plus day 2, equipe and D1: 1 each
    # -> 3 + 3 = 6 messages.
    assert len(kinds["Message"]) == 6
    assert [q.locator for q in kinds["Quarantined"]] == [
        "users.json[3]",
        "general/2024-03-01.json: [2]",
    ]
    assert [(e.member_key, e.kind) for e in kinds["MemberEvent"]] == [("U3", "leave")]
    assert [n.kind for n in kinds["SystemNotice"]] == ["topic", "service"]
    messages = {m.message_key: m for m in kinds["Message"]}
    # The same ts in two channels gives two keys.
    assert "G1:1709280000.000100" in messages and "C1:1709280000.000100" in messages
    root = messages["C1:1709280000.000100"]
    assert root.text == "Salut <3"
    assert root.ts == datetime(2024, 3, 1, 8, 0, 0, 100, tzinfo=UTC)
    # heart: count 5, users U2 and U3 -> 2 named + 1 anonymous of count 3.
    assert root.reaction_count == 5
    assert [(r.member_key, r.count) for r in kinds["Reaction"]] == [
        ("U2", 1),
        ("U3", 1),
        (None, 3),
    ]
    reply = messages["C1:1709280060.000200"]
    assert reply.reply_to_key == reply.thread_key == "C1:1709280000.000100"
    assert reply.mention_keys == ["U1"]
    bot = messages["C1:1709280300.0"]
    assert (bot.author_key, bot.author_is_bot, bot.attachment_count) == ("B7", True, 2)
    assert bot.author_name == "drops"


def test_folder_export_reads_like_the_zip(tmp_path: Path, make_zip, by_kind) -> None:
    folder = tmp_path / "unzipped"
    for name, data in {
        "users.json": json.dumps(USERS[:2]),
        "channels.json": json.dumps([{"id": "C1", "name": "general"}]),
        "general/2024-03-01.json": json.dumps(GENERAL_DAY[:2]),
    }.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(data)
    assert slack.detect(folder)
    kinds = by_kind(slack.read(folder))
    assert len(kinds["Message"]) == 2
    assert kinds["Community"][0].name == "unzipped"


# --- bad input ---------------------------------------------------------------------------


def test_broken_day_file_is_quarantined_and_the_rest_loads(
    tmp_path: Path, make_zip, by_kind
) -> None:
    cut = json.dumps(GENERAL_DAY)[:100].encode()
    kinds = by_kind(
        slack.read(_export(tmp_path, make_zip, **{"general/2024-03-01.json": cut}))
    )
    (quarantined,) = kinds["Quarantined"][1:]
    assert quarantined.locator == "general/2024-03-01.json"
    assert "ends early" in quarantined.reason
    # Day 2 of general, equipe and D1 still load: 3 messages.
    assert len(kinds["Message"]) == 3


def test_truncated_channels_json_stops_with_its_place(tmp_path: Path, make_zip) -> None:
    archive = _export(tmp_path, make_zip, **{"channels.json": b'[{"id": "C1", "na'})
    with pytest.raises(
        InputError, match=r"!channels\.json, line 1, column \d+: .*ends"
    ):
        list(slack.read(archive))


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "export.zip"
    empty.write_bytes(b"")
    assert not slack.detect(empty)
    with pytest.raises(InputError, match="not a readable zip"):
        list(slack.read(empty))


def test_binary_garbage(tmp_path: Path) -> None:
    garbage = tmp_path / "export.zip"
    garbage.write_bytes(bytes(range(256)) * 8)
    assert not slack.detect(garbage)
    with pytest.raises(InputError, match="export.zip"):
        list(slack.read(garbage))


def test_zip_that_is_not_a_slack_export(tmp_path: Path, make_zip) -> None:
    archive = make_zip(tmp_path / "photos.zip", {"a.jpg": b"\xff\xd8"})
    assert not slack.detect(archive)
    with pytest.raises(InputError, match="not a Slack workspace export"):
        list(slack.read(archive))


def test_zip_with_a_path_escape_is_refused(tmp_path: Path, make_zip) -> None:
    archive = _export(tmp_path, make_zip, **{"../evil/2024-01-01.json": b"[]"})
    with pytest.raises(UnsafeArchiveError, match="escapes"):
        list(slack.read(archive))
    assert not (tmp_path.parent / "evil").exists()


def test_detect_claims_no_other_platform_s_sample(real_data: Path) -> None:
    others = [
        p
        for p in sorted(real_data.rglob("*"))
        if p.is_file() and p.suffix != ".md" and p.parent.name != "slack"
    ]
    assert len(others) > 20
    assert [p.name for p in others if slack.detect(p)] == []


def test_a_folder_holding_an_export_is_not_the_export(tmp_path: Path) -> None:
    export = tmp_path / "exports" / "slack"
    (export / "general").mkdir(parents=True)
    (export / "users.json").write_text(json.dumps(USERS[:1]))
    (export / "general" / "2024-03-01.json").write_text(json.dumps(GENERAL_DAY[:1]))
    assert slack.detect(export)
    # Its parent may hold other platforms' files: per-file detection takes over there.
    assert not slack.detect(tmp_path / "exports")
