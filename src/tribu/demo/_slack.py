"""Write a demo community as a Slack workspace export ``.zip``.

The zip holds ``users.json``, ``channels.json`` and one ``<channel>/<YYYY-MM-DD>.json`` per
channel and UTC day, as Slack's standard export does (see ``shared/data/real/slack``). Replies
live in threads: the parent carries ``thread_ts``, ``reply_count``, ``reply_users`` and
``replies``, each reply carries ``thread_ts`` and ``parent_user_id``. Joins and leaves are
``channel_join``/``channel_leave`` messages in ``#general``; the welcome bot writes
``bot_message``; edits carry ``edited``; reactions carry ``name``, ``users`` and ``count``.
The zip's entries have a fixed date so the same seed gives the same bytes.
"""

from __future__ import annotations

import json
import zipfile
from datetime import UTC
from pathlib import Path

from tribu.demo._counts import PlatformCounts
from tribu.demo._model import Person, Post
from tribu.demo._simulate import Community

__all__ = ["write_slack"]

_TEAM = "T07SEMELLE"
_BOT_ID = "B07WELCOME"
_EMOJI_NAMES = {
    "❤️": "heart", "🔥": "fire", "😍": "heart_eyes", "👍": "+1", "👏": "clap", "👀": "eyes",
    "🤔": "thinking_face", "😢": "cry", "👎": "-1", "😡": "rage",
}  # fmt: skip
_ZIP_DATE = (2026, 11, 1, 8, 0, 0)


def _user_id(person: Person) -> str:
    return f"U07{person.key:06X}"


def _ts(post: Post) -> str:
    return f"{int(post.ts.timestamp())}.{post.seq % 1_000_000:06d}"


def _profile(person: Person) -> dict[str, object]:
    return {
        "real_name": person.name,
        "display_name": person.name,
        "name": person.handle,
        "team": _TEAM,
    }


def _users(community: Community) -> list[dict[str, object]]:
    users = []
    for person in community.people:
        users.append(
            {
                "id": _user_id(person),
                "team_id": _TEAM,
                "name": person.handle,
                "deleted": False,
                "real_name": person.name,
                "tz": "Europe/Paris" if person.lang == "fr" else "Europe/London",
                "profile": {
                    "real_name": person.name,
                    "display_name": person.name,
                    "first_name": person.name.split(" ")[0],
                    **({"bot_id": _BOT_ID} if person.persona == "bot" else {}),
                },
                "is_admin": person.persona in ("moderator", "brand"),
                "is_owner": person.key == 1,
                "is_bot": person.persona == "bot",
                "is_app_user": False,
            }
        )
    return users


def _root(post: Post) -> Post:
    while post.reply_to is not None:
        post = post.reply_to
    return post


_NUMBERS = ("one", "two", "three", "four", "five", "six")


def _simple_poll(post: Post) -> dict[str, object]:
    """A poll as the Simple Poll app posts it: blocks naming each option's voters."""
    assert post.poll is not None
    blocks: list[dict[str, object]] = [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": f"*{post.poll.question}*"},
        }
    ]
    for i, (label, people) in enumerate(post.poll.options):
        lines = [f":{_NUMBERS[i]}: {label} `{len(people)}`"]
        if people:
            lines.append(", ".join(f"<@{_user_id(p)}>" for p in people))
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": "\n".join(lines)},
                "accessory": {
                    "type": "button",
                    "text": {"type": "plain_text", "text": f":{_NUMBERS[i]}:"},
                    "value": str(i + 1),
                },
            }
        )
    blocks.append(
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": f"Created by <@{_user_id(post.author)}> with /poll",
                }
            ],
        }
    )
    item: dict[str, object] = {
        "type": "message",
        "subtype": "bot_message",
        "text": post.poll.question,
        "ts": _ts(post),
        "bot_id": "B0SIMPLEPOLL",
        "username": "Simple Poll",
        "blocks": blocks,
    }
    if post.reactions:
        item["reactions"] = [
            {
                "name": _EMOJI_NAMES[r.emoji],
                "users": [_user_id(p) for p, _ in r.reactors],
                "count": len(r.reactors),
            }
            for r in post.reactions
        ]
    return item


def _message(post: Post, threads: dict[int, list[Post]]) -> dict[str, object]:
    person = post.author
    uid = _user_id(person)
    if post.kind == "join":
        return {
            "type": "message",
            "subtype": "channel_join",
            "ts": _ts(post),
            "user": uid,
            "text": f"<@{uid}> has joined the channel",
        }
    if post.kind == "leave":
        return {
            "type": "message",
            "subtype": "channel_leave",
            "ts": _ts(post),
            "user": uid,
            "text": f"<@{uid}> has left the channel",
        }
    if post.poll is not None:
        return _simple_poll(post)
    text = post.text
    if post.mentions:
        text = " ".join(f"<@{_user_id(p)}>" for p in post.mentions) + " " + text
    if person.persona == "bot":
        item: dict[str, object] = {
            "type": "message",
            "subtype": "bot_message",
            "text": text,
            "ts": _ts(post),
            "bot_id": _BOT_ID,
            "username": person.name,
        }
    else:
        item = {
            "client_msg_id": f"{post.seq:08x}-5e11-4e0a-9d3c-{post.seq * 7919 % 16**12:012x}",
            "type": "message",
            "text": text,
            "user": uid,
            "ts": _ts(post),
            "team": _TEAM,
            "user_team": _TEAM,
            "source_team": _TEAM,
            "user_profile": _profile(person),
        }
    if post.edited_at:
        item["edited"] = {
            "user": uid,
            "ts": f"{int(post.edited_at.timestamp())}.000000",
        }
    replies = threads.get(post.seq)
    if replies:
        users = list(dict.fromkeys(_user_id(r.author) for r in replies))
        item |= {
            "thread_ts": _ts(post),
            "reply_count": len(replies),
            "reply_users_count": len(users),
            "latest_reply": _ts(replies[-1]),
            "reply_users": users,
            "replies": [{"user": _user_id(r.author), "ts": _ts(r)} for r in replies],
        }
    elif post.reply_to is not None:
        root = _root(post)
        item |= {"thread_ts": _ts(root), "parent_user_id": _user_id(root.author)}
    if post.attachments:
        item["files"] = [
            {
                "id": f"F07{post.seq:05X}{i}",
                "name": name,
                "title": name,
                "mimetype": "image/jpeg",
                "filetype": "jpg",
                "size": 200_000 + post.seq % 99_999,
            }
            for i, name in enumerate(post.attachments)
        ]
        item["upload"] = True
    if post.reactions:
        item["reactions"] = [
            {
                "name": _EMOJI_NAMES[r.emoji],
                "users": [_user_id(p) for p, _ in r.reactors],
                "count": len(r.reactors),
            }
            for r in post.reactions
        ]
    return item


def write_slack(
    community: Community, path: Path
) -> tuple[Path, PlatformCounts, dict[int, str]]:
    """Write `community` as the Slack export zip `path`; return it, its counts, keys by seq."""
    path.parent.mkdir(parents=True, exist_ok=True)
    posts = sorted(community.posts, key=lambda p: (p.ts, p.seq))
    threads: dict[int, list[Post]] = {}
    for post in posts:
        if post.kind == "message" and post.reply_to is not None:
            threads.setdefault(_root(post).seq, []).append(post)
    members = [_user_id(p) for p in community.people]
    channels = [
        {
            "id": f"C07{i:07X}",
            "name": spec.name,
            "created": "1767225600",
            "creator": _user_id(community.people[1]),
            "is_archived": False,
            "is_general": spec.name == "general",
            "members": members,
            "topic": {"value": "", "creator": "", "last_set": "0"},
            "purpose": {
                "value": f"Semelle ambassadeurs — #{spec.name}",
                "creator": _user_id(community.people[1]),
                "last_set": "1767225600",
            },
        }
        for i, spec in enumerate(community.channels)
    ]
    counts = {"messages": 0, "joins": 0, "leaves": 0, "reactions": 0, "replies": 0}
    authors: dict[int, None] = {}
    days: dict[tuple[str, str], list[dict[str, object]]] = {}
    for post in posts:
        day = post.ts.astimezone(UTC).strftime("%Y-%m-%d")
        days.setdefault((post.channel, day), []).append(_message(post, threads))
        if post.kind in ("join", "leave"):
            counts["joins" if post.kind == "join" else "leaves"] += 1
        else:
            counts["messages"] += 1
            counts["replies"] += post.reply_to is not None
            counts["reactions"] += post.reaction_total
            authors.setdefault(post.author.key, None)

    def entry(name: str, data: object) -> tuple[zipfile.ZipInfo, bytes]:
        info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        return info, json.dumps(data, ensure_ascii=False, indent=4).encode("utf-8")

    with zipfile.ZipFile(path, "w") as archive:
        for name, data in (
            ("channels.json", channels),
            ("users.json", _users(community)),
        ):
            archive.writestr(*entry(name, data))
        for (channel, day), items in sorted(days.items()):
            archive.writestr(*entry(f"{channel}/{day}.json", items))
    # The message key tribu's Slack connector gives: "<channel id>:<ts>".
    channel_ids = {
        spec.name: c["id"] for spec, c in zip(community.channels, channels, strict=True)
    }
    ts_by_seq = {p.seq: f"{channel_ids[p.channel]}:{_ts(p)}" for p in posts}
    result = PlatformCounts(
        "slack",
        community.name,
        path,
        authors=len(authors),
        channels=len(channels),
        **counts,
    )
    return path, result, ts_by_seq
