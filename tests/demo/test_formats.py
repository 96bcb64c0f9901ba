"""Each export has its platform's real layout, checked with plain json/zipfile/re.

The counts the generator reports are recounted here from the raw files, independently of the
generator's own bookkeeping.
"""

from __future__ import annotations

import json
import re
import tomllib
import zipfile
from datetime import UTC, datetime

from tribu.demo import DemoFiles

DCE_MESSAGE_KEYS = {
    "id", "type", "timestamp", "timestampEdited", "callEndedTimestamp", "isPinned", "content",
    "author", "attachments", "embeds", "stickers", "reactions", "mentions",
}  # fmt: skip
DCE_TYPES = {
    "Default",
    "Reply",
    "GuildMemberJoin",
    "ThreadCreated",
    "ChannelPinnedMessage",
}
WHATSAPP_LINE = re.compile(r"^(\d{2})/(\d{2})/(\d{4}) (\d{2}):(\d{2}) - (.*)$")


def _discord(demo: DemoFiles) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in demo.discord]


def test_discord_files_have_the_dce_layout(demo: DemoFiles) -> None:
    documents = _discord(demo)
    names = sorted(d["channel"]["name"] for d in documents)
    assert names == sorted(
        ["annonces", "général", "entraide", "lives", "photos-ugc", "english-corner",
         "AMA avec l'équipe Semelle"]
    )  # fmt: skip
    for document in documents:
        assert list(document) == [
            "guild", "channel", "dateRange", "exportedAt", "messages", "messageCount",
        ]  # fmt: skip
        assert document["guild"]["name"] == "Semelle — Le Club"
        assert document["messageCount"] == len(document["messages"])
        kind = document["channel"]["type"]
        assert kind in ("GuildTextChat", "GuildPublicThread")
        for message in document["messages"]:
            assert set(message) >= DCE_MESSAGE_KEYS
            assert message["type"] in DCE_TYPES
            assert message["timestamp"].endswith("+00:00")
            assert message["author"]["discriminator"] == "0000"
            for reaction in message["reactions"]:
                assert reaction["count"] == len(reaction["users"])
            if message["type"] == "Reply":
                assert message["reference"]["messageId"]


def test_discord_counts_match_the_manifest(demo: DemoFiles) -> None:
    messages = joins = reactions = replies = 0
    ids: list[str] = []
    for document in _discord(demo):
        for message in document["messages"]:
            ids.append(message["id"])
            if message["type"] == "GuildMemberJoin":
                joins += 1
            elif message["type"] in ("Default", "Reply"):
                messages += 1
                replies += message["type"] == "Reply"
                reactions += sum(r["count"] for r in message["reactions"])
    counts = demo.counts["discord"]
    assert (messages, joins, reactions, replies) == (
        counts.messages, counts.joins, counts.reactions, counts.replies,
    )  # fmt: skip
    assert len(ids) == len(set(ids))  # snowflakes are unique


def test_discord_has_moderators_and_a_welcome_bot(demo: DemoFiles) -> None:
    roles, bots = set(), set()
    for document in _discord(demo):
        for message in document["messages"]:
            author = message["author"]
            roles.update(r["name"] for r in author["roles"])
            if author["isBot"]:
                bots.add(author["nickname"])
    assert {"Modérateur", "Équipe Semelle", "Ambassadeur"} <= roles
    assert bots == {"Bienvenue Bot"}


def test_telegram_has_the_newer_desktop_layout(demo: DemoFiles) -> None:
    document = json.loads(demo.telegram.read_text(encoding="utf-8"))
    assert document["name"] == "Semelle Officiel"
    assert document["type"] == "public_supergroup"
    messages = joins = leaves = reactions = 0
    ids = [m["id"] for m in document["messages"]]
    assert ids == sorted(ids)
    for item in document["messages"]:
        unix = int(item["date_unixtime"])
        local = datetime.fromisoformat(item["date"])
        # date is Paris local time: UTC+2 in summer, UTC+1 after 25 October.
        assert (
            local - datetime.fromtimestamp(unix, UTC).replace(tzinfo=None)
        ).total_seconds() in (3600, 7200)
        if item["type"] == "service":
            if item["action"] in ("join_group_by_link", "invite_members"):
                joins += (
                    len(item["members"]) if item["action"] == "invite_members" else 1
                )
            elif item["action"] == "remove_members":
                assert item["members"] == [item["actor"]]
                leaves += 1
            continue
        messages += 1
        assert item["from_id"].startswith("user")
        assert isinstance(item["text"], str | list)
        assert isinstance(item["text_entities"], list)
        for reaction in item.get("reactions", []):
            assert reaction["type"] == "emoji"
            assert len(reaction["recent"]) <= min(reaction["count"], 3)
            reactions += reaction["count"]
    counts = demo.counts["telegram"]
    assert (messages, joins, leaves, reactions) == (
        counts.messages, counts.joins, counts.leaves, counts.reactions,
    )  # fmt: skip


def test_slack_zip_has_the_workspace_export_layout(demo: DemoFiles) -> None:
    with zipfile.ZipFile(demo.slack) as archive:
        names = archive.namelist()
        users = json.loads(archive.read("users.json"))
        channels = json.loads(archive.read("channels.json"))
        days = [n for n in names if n.count("/") == 1]
        assert {c["name"] for c in channels} == {
            "general", "ambassadeurs", "ugc-drops", "english-ambassadors", "annonces",
        }  # fmt: skip
        assert all(re.fullmatch(r"[a-z-]+/\d{4}-\d{2}-\d{2}\.json", n) for n in days)
        assert any(u["is_admin"] for u in users) and any(u["is_bot"] for u in users)
        messages = joins = leaves = reactions = bots = 0
        parents: dict[str, int] = {}
        replies: dict[str, int] = {}
        for name in days:
            for item in json.loads(archive.read(name)):
                assert re.fullmatch(r"\d{10}\.\d{6}", item["ts"])
                subtype = item.get("subtype")
                if subtype == "channel_join":
                    joins += 1
                    continue
                if subtype == "channel_leave":
                    leaves += 1
                    continue
                messages += 1
                # the Simple Poll app's polls are bot messages too; the welcome bot's
                # greetings are the others
                bots += (
                    subtype == "bot_message" and item.get("bot_id") != "B0SIMPLEPOLL"
                )
                reactions += sum(r["count"] for r in item.get("reactions", []))
                if item.get("thread_ts") == item["ts"]:
                    parents[item["ts"]] = item["reply_count"]
                elif "thread_ts" in item:
                    replies[item["thread_ts"]] = replies.get(item["thread_ts"], 0) + 1
    counts = demo.counts["slack"]
    assert (messages, joins, leaves, reactions) == (
        counts.messages, counts.joins, counts.leaves, counts.reactions,
    )  # fmt: skip
    assert bots == counts.joins  # the welcome bot greets every newcomer
    assert parents == replies  # every parent's reply_count is its replies in the export


def test_whatsapp_is_french_android_and_day_first_is_decidable(demo: DemoFiles) -> None:
    lines = demo.whatsapp.read_text(encoding="utf-8").splitlines()
    assert "chiffrés de bout en bout" in lines[0]
    messages = joins = leaves = continuations = media = 0
    days_over_12 = 0
    for line in lines[1:]:
        match = WHATSAPP_LINE.match(line)
        if match is None:
            continuations += 1  # the second line of a multi-line message
            continue
        day, month = int(match[1]), int(match[2])
        assert 1 <= month <= 12
        days_over_12 += day > 12
        body = match[6]
        if ": " in body:
            messages += 1
            media += body.endswith(": <Médias omis>")
        elif body.endswith(" a rejoint via le lien d'invitation"):
            joins += 1
        elif body.endswith(" est parti"):
            leaves += 1
        else:
            raise AssertionError(f"unexpected system line: {line}")
    counts = demo.counts["whatsapp"]
    assert (messages, joins, leaves) == (counts.messages, counts.joins, counts.leaves)
    assert continuations > 0 and media > 0 and days_over_12 > 0


def test_activation_messages_are_brand_posts_with_the_hashtag(demo: DemoFiles) -> None:
    config = tomllib.loads(demo.config.read_text(encoding="utf-8"))
    by_id = {m["id"]: m for d in _discord(demo) for m in d["messages"]}
    for campaign in config["campaigns"]:
        discord_id = campaign["activation_messages"][0]
        post = by_id[discord_id]
        assert post["author"]["nickname"] == "Semelle"
        assert campaign["keywords"][0] in post["content"]
        assert post["timestamp"][:10] == campaign["starts"]
