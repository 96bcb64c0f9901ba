"""The Discord connector on every real DiscordChatExporter sample, a hand-made file and bad input.

Expected numbers were counted by hand from the files (``jq '.messages[] | .type'`` and
reading each entry), never copied from the connector's output; the working is in comments.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tribu.connectors import discord
from tribu.errors import InputError, UnsafeArchiveError

GENERAL = "Example guild - Text Channels - general [1012224565567721552].json"
CHILL = "Example guild - Text Channels - chill talk [1012224565567125544].json"
THREAD = "Example guild - general - Thomas is Thomas [1060927310439657577].json"


def _summary(kinds: dict[str, list]) -> dict[str, int]:
    messages = kinds.get("Message", [])
    return {
        "messages": len(messages),
        "distinct_messages": len({m.message_key for m in messages}),
        "authors": len({m.author_key for m in messages}),
        "replies": sum(m.reply_to_key is not None for m in messages),
        "reactions": sum(r.count for r in kinds.get("Reaction", [])),
        "joins": sum(e.kind == "join" for e in kinds.get("MemberEvent", [])),
        "notices": len(kinds.get("SystemNotice", [])),
    }


# Each row: the file, then counts worked out by reading it.
REAL_FILES = [
    (
        # 35 entries in messages[]: 31 "Default", 3 "GuildMemberJoin", 1 "ThreadCreated"
        # -> 31 messages. Authors of those 31: Adam, Thomas, Patrick = 3 (the spam account
        # only joined). Replies: 1060926346089476176 -> ...317920538735 and
        # 1060926395313827840 -> ...346089476176 = 2 (ThreadCreated's reference is a
        # notice). Reactions: eyes 1 + pepeheart 1 + kekw 2 + pepefloorcry 1 = 5.
        # Joins: Thomas, Patrick, aLittleSpammyBot = 3. Notices: ThreadCreated = 1.
        GENERAL,
        dict(
            messages=31,
            distinct_messages=31,
            authors=3,
            replies=2,
            reactions=5,
            joins=3,
            notices=1,
        ),
    ),
    (
        # 6 entries: 5 "Default" + 1 "Reply" -> 6 messages, by Adam, Patrick,
        # aLittleSpammyBot and Thomas = 4 authors; 1 reply (Thomas -> the spam); no
        # reactions, no joins.
        CHILL,
        dict(
            messages=6,
            distinct_messages=6,
            authors=4,
            replies=1,
            reactions=0,
            joins=0,
            notices=0,
        ),
    ),
    (
        # A thread: 3 "Default" + 2 "Reply" = 5 messages by Adam, Thomas, Patrick; the two
        # Reply entries reference messages of the thread = 2 replies; one "thisisfine"
        # reaction counted 1.
        THREAD,
        dict(
            messages=5,
            distinct_messages=5,
            authors=3,
            replies=2,
            reactions=1,
            joins=0,
            notices=0,
        ),
    ),
    (
        # 3 entries: 2 "Default" + 1 "Call" -> 2 messages by mlomb and the bot "Someones
        # name" (isBot) = 2 authors; one reaction 👆 counted 42; the call is a notice.
        "DM_2A_2M.json",
        dict(
            messages=2,
            distinct_messages=2,
            authors=2,
            replies=0,
            reactions=42,
            joins=0,
            notices=1,
        ),
    ),
    (
        # 6 entries: ChannelNameChange, ChannelIconChange, Call and 3 "Default" -> 3
        # messages by lombi, theplant and mlomb = 3 authors; mlomb's message references
        # 1064990824305274930 = 1 reply; 3 notices. (Its messageCount says 5: not trusted.)
        "GC_3A_5M.json",
        dict(
            messages=3,
            distinct_messages=3,
            authors=3,
            replies=1,
            reactions=0,
            joins=0,
            notices=3,
        ),
    ),
    (
        # 5 "Default" entries, the first two with the same id 459136077417021488 -> 5
        # message records, 4 distinct (the ingest keeps one of the pair). Authors: the
        # deleted user 555... and mlomb 111... = 2. Reactions: paul 3 + ❤ 2 = 5.
        "SV_5A_5M.json",
        dict(
            messages=5,
            distinct_messages=4,
            authors=2,
            replies=0,
            reactions=5,
            joins=0,
            notices=0,
        ),
    ),
]


@pytest.mark.parametrize(
    ("file_name", "expected"), REAL_FILES, ids=lambda v: str(v)[:20]
)
def test_real_files_give_the_counts_read_by_hand(
    real_data: Path, by_kind, file_name: str, expected: dict[str, int]
) -> None:
    path = real_data / "discord" / file_name
    assert discord.detect(path)
    kinds = by_kind(discord.read(path))
    assert _summary(kinds) == expected
    assert "Quarantined" not in kinds
    assert len(kinds["Community"]) == 1


def test_general_channel_details(real_data: Path, by_kind) -> None:
    kinds = by_kind(discord.read(real_data / "discord" / GENERAL))
    assert kinds["Community"][0].community_key == "748545324524575035"
    assert kinds["Community"][0].name == "Example guild"
    messages = {m.message_key: m for m in kinds["Message"]}
    # 1060927254248558702 "My computer right now": one attachment, kekw reaction count 2.
    computer = messages["1060927254248558702"]
    assert (computer.attachment_count, computer.reaction_count) == (1, 2)
    # 1060926487911485582 was edited at 14:23:25.845 UTC.
    assert messages["1060926487911485582"].edited_at == datetime(
        2023, 1, 6, 14, 23, 25, 845000, tzinfo=UTC
    )
    # 1060927310439657532 mentions Thomas.
    assert messages["1060927310439657532"].mention_keys == ["896568767994532880"]
    # 7 entries carry one attachment each (jq: [.messages[].attachments|length]|add = 7).
    assert sum(m.attachment_count for m in kinds["Message"]) == 7
    assert kinds["SystemNotice"][0].kind == "thread_created"
    # Members: Adam, Thomas, Patrick and the spam account who joined = 4, none a bot.
    assert len(kinds["Member"]) == 4
    assert not any(m.is_bot for m in kinds["Member"])


def test_thread_file_is_a_thread_channel_under_its_parent(
    real_data: Path, by_kind
) -> None:
    kinds = by_kind(discord.read(real_data / "discord" / THREAD))
    # Read alone, the parent "general" (categoryId 1012224565567721552) comes first, named
    # after the file's "category".
    parent, thread = kinds["Channel"]
    assert (parent.channel_key, parent.name) == ("1012224565567721552", "general")
    assert thread.kind == "thread"
    assert thread.parent_channel_key == "1012224565567721552"
    assert {m.thread_key for m in kinds["Message"]} == {"1060927310439657577"}


def test_direct_messages_bot_and_nickname(real_data: Path, by_kind) -> None:
    kinds = by_kind(discord.read(real_data / "discord" / "DM_2A_2M.json"))
    assert kinds["Channel"][0].kind == "dm"
    bots = {m.member_key for m in kinds["Member"] if m.is_bot}
    assert bots == {"444444444444444444"}
    assert [m.author_is_bot for m in kinds["Message"]] == [False, True]
    # "nickname" wins over "name".
    assert kinds["Message"][1].author_name == "Someones nickname"
    # The reaction lists no users: one anonymous reaction with the count.
    (reaction,) = kinds["Reaction"]
    assert (reaction.emoji, reaction.count, reaction.member_key) == ("👆", 42, None)


def test_missing_nickname_falls_back_to_name(real_data: Path, by_kind) -> None:
    kinds = by_kind(discord.read(real_data / "discord" / "SV_5A_5M.json"))
    # 447793085255123004 has "nickname": null and "name": "mlomb".
    message = next(m for m in kinds["Message"] if m.message_key == "447793085255123004")
    assert message.author_name == "mlomb"


def test_folder_reads_every_file_channels_before_threads(
    real_data: Path, by_kind
) -> None:
    folder = real_data / "discord"
    assert discord.detect(folder)
    records = list(discord.read(folder))
    kinds = by_kind(records)
    # 31 + 6 + 5 + 2 + 3 + 5 = 52 message records; guilds 748545..., "0" (DMs and the
    # group), 253601... = 3 communities; 6 files = 6 channels (the thread's parent is the
    # general file, read before it, so no placeholder).
    assert len(kinds["Message"]) == 52
    assert len(kinds["Community"]) == 3
    assert len(kinds["Channel"]) == 6
    order = [r.channel_key for r in records if type(r).__name__ == "Channel"]
    assert order.index("1012224565567721552") < order.index("1060927310439657577")
    # Each person once per community: guild 748...: Adam, Thomas, Patrick, spam = 4;
    # "0": mlomb, the bot 444..., lombi, theplant = 4; 253...: deleted user, mlomb = 2.
    assert len(kinds["Member"]) == 10


HANDMADE = "handmade_roles_reactors.json"


def test_handmade_roles_reactors_and_notices(test_data: Path, by_kind) -> None:
    kinds = by_kind(discord.read(test_data / "discord" / HANDMADE))
    # 9 entries: 1001 Default, 1002 GuildMemberJoin, 1003 Reply, 1004 ChannelPinnedMessage,
    # 1005 Default (bot), 1006 no author, 1007 bad timestamp, 1008 ChatInputCommand,
    # 1009 GuildBoost -> messages 1001, 1003, 1005, 1008 = 4; quarantined 2; notices: pin
    # and the unknown boost = 2; joins: Dan = 1.
    assert [m.message_key for m in kinds["Message"]] == ["1001", "1003", "1005", "1008"]
    assert [q.locator for q in kinds["Quarantined"]] == ["messages[5]", "messages[6]"]
    assert "author" in kinds["Quarantined"][0].reason
    assert [n.kind for n in kinds["SystemNotice"]] == ["pin", "service"]
    assert [(e.member_key, e.kind) for e in kinds["MemberEvent"]] == [("444", "join")]
    members = {m.member_key: m for m in kinds["Member"]}
    # Alice, Bob, Chloé (who reacted), Dan (joined), BotCo = 5.
    assert set(members) == {"111", "222", "333", "444", "555"}
    assert members["111"].roles == ["Modératrice", "Membre"]
    assert members["111"].display_name == "Alice M"
    assert members["222"].display_name == "bob"  # no nickname
    assert members["555"].is_bot
    first, reply, bot_post, _ = kinds["Message"]
    # 10:00 at +02:00 is 08:00 UTC.
    assert first.ts == datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
    # 👍 counted 3 with users Bob and Chloé: 2 named reactions + 1 anonymous for the rest.
    assert first.reaction_count == 3
    reactions = [
        (r.message_key, r.emoji, r.count, r.member_key) for r in kinds["Reaction"]
    ]
    assert reactions == [
        ("1001", "👍", 1, "222"),
        ("1001", "👍", 1, "333"),
        ("1001", "👍", 1, None),
        ("1005", "sneaker", 1, "444"),
    ]
    assert reply.reply_to_key == "1001"
    assert reply.mention_keys == ["111"]
    assert reply.attachment_count == 1
    assert reply.edited_at == datetime(2024, 3, 1, 8, 11, tzinfo=UTC)
    assert "<script>" in reply.text  # kept as written; surfaces escape it
    assert bot_post.author_is_bot


# --- bad input ---------------------------------------------------------------------------


def test_truncated_file_names_the_place(tmp_path: Path, test_data: Path) -> None:
    data = (test_data / "discord" / HANDMADE).read_bytes()
    cut = tmp_path / "cut.json"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(
        InputError,
        match=r"cut\.json, messages\[\d+\], line \d+, column \d+: .*ends early",
    ):
        list(discord.read(cut))


def test_invalid_json_in_a_message_names_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"guild": {"id": "1", "name": "g"},\n'
        ' "channel": {"id": "2", "type": "GuildTextChat", "name": "c"},\n'
        ' "messages": [\n'
        '  {"id": "3", "author": {"id": "4"}, "timestamp": "2024-01-01T00:00:00+00:00"},\n'
        "  {oops}\n"
        " ]}\n"
    )
    records = discord.read(bad)
    # The first message is read before the fault is met (streaming), then it stops.
    with pytest.raises(
        InputError, match=r"bad\.json, messages\[1\], line 5, column 4: invalid JSON"
    ):
        list(records)


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    assert not discord.detect(empty)
    with pytest.raises(InputError, match="empty"):
        list(discord.read(empty))


def test_binary_garbage(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(bytes(range(256)) * 4)
    assert not discord.detect(garbage)
    with pytest.raises(InputError, match="garbage.json"):
        list(discord.read(garbage))


def test_json_that_is_not_an_export(tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text('{"messages": [], "name": "x"}')
    with pytest.raises(InputError, match="'guild'"):
        list(discord.read(other))


def test_folder_without_exports(tmp_path: Path) -> None:
    (tmp_path / "notes.json").write_text("{}")
    with pytest.raises(InputError, match="no DiscordChatExporter"):
        list(discord.read(tmp_path))


def test_zip_of_exports_is_read_in_memory(
    tmp_path: Path, test_data: Path, make_zip, by_kind
) -> None:
    archive = make_zip(
        tmp_path / "exports.zip",
        {"server/general.json": (test_data / "discord" / HANDMADE).read_bytes()},
    )
    assert discord.detect(archive)
    assert len(by_kind(discord.read(archive))["Message"]) == 4


def test_zip_with_a_path_escape_is_refused(
    tmp_path: Path, test_data: Path, make_zip
) -> None:
    archive = make_zip(
        tmp_path / "evil.zip",
        {
            "general.json": (test_data / "discord" / HANDMADE).read_bytes(),
            "../evil.json": b"{}",
        },
    )
    with pytest.raises(UnsafeArchiveError, match="escapes"):
        list(discord.read(archive))
    assert not (tmp_path.parent / "evil.json").exists()


def test_detect_claims_no_other_platform_s_sample(real_data: Path) -> None:
    others = [
        p
        for p in sorted(real_data.rglob("*"))
        if p.is_file() and p.suffix != ".md" and p.parent.name != "discord"
    ]
    assert len(others) > 20
    assert [p.name for p in others if discord.detect(p)] == []


def test_a_folder_mixing_platforms_is_not_claimed_whole(
    tmp_path: Path, test_data: Path
) -> None:
    (tmp_path / "discord").mkdir()
    (tmp_path / "discord" / "general.json").write_bytes(
        (test_data / "discord" / HANDMADE).read_bytes()
    )
    assert discord.detect(tmp_path)
    (tmp_path / "telegram").mkdir()
    (tmp_path / "telegram" / "result.json").write_text('{"name": "x", "messages": []}')
    # The folder as a whole is not a Discord export any more; its DCE file still is.
    assert not discord.detect(tmp_path)
    assert discord.detect(tmp_path / "discord" / "general.json")
