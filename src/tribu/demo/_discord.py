"""Write a demo community as DiscordChatExporter JSON: one file per channel, threads apart.

The layout mimics DCE 2.4x output (``guild``, ``channel``, ``dateRange``, ``exportedAt``,
``messages``, ``messageCount``; authors with ``roles``; reactions with ``users``; replies as
``type: "Reply"`` with a ``reference``), as seen in ``shared/data/real/discord``. Ids are
Discord snowflakes computed from each message's time, so they sort like real ones.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tribu.demo._counts import PlatformCounts
from tribu.demo._model import Person, Post
from tribu.demo._simulate import Community

__all__ = ["snowflake", "write_discord"]

_DISCORD_EPOCH_MS = 1420070400000
_EXPORTED_AT = "2026-11-01T08:00:00.000+00:00"
_CREATED = datetime(2025, 11, 3, 9, 0, tzinfo=UTC)

# channel name -> (category, topic)
CATEGORIES = {
    "annonces": ("Infos", "Les annonces officielles de Semelle"),
    "général": ("Communauté", "On parle de tout, en français"),
    "entraide": (
        "Communauté",
        "Vos questions sur les tailles, les commandes, l'entretien",
    ),
    "lives": ("Événements", "Le live du vendredi, 18h"),
    "photos-ugc": ("Communauté", "Vos photos avec nos hashtags"),
    "english-corner": ("Communauté", "For our English-speaking members"),
}
_ROLES = {
    "brand": ("Équipe Semelle", "#2ECC71", 5),
    "bot": ("Bots", "#95A5A6", 4),
    "moderator": ("Modérateur", "#E67E22", 3),
    "power": ("Ambassadeur", "#9B59B6", 2),
    "relay": ("Ambassadeur", "#9B59B6", 2),
}
_EMOJI_CODES = {
    "❤️": ("heart", "2764"),
    "🔥": ("fire", "1f525"),
    "😍": ("heart_eyes", "1f60d"),
    "👍": ("thumbsup", "1f44d"),
    "👏": ("clap", "1f44f"),
    "👀": ("eyes", "1f440"),
    "🤔": ("thinking", "1f914"),
    "😢": ("cry", "1f622"),
    "👎": ("thumbsdown", "1f44e"),
    "😡": ("rage", "1f621"),
}


def snowflake(when: datetime, sequence: int) -> str:
    """A Discord snowflake for `when`; `sequence` (< 2**22) keeps ids unique."""
    ms = int(when.timestamp() * 1000) - _DISCORD_EPOCH_MS
    return str((ms << 22) | (sequence & 0x3FFFFF))


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="milliseconds")


class _Ids:
    def __init__(self, community: Community) -> None:
        self.guild = snowflake(_CREATED, 1)
        self.channels = {
            spec.name: snowflake(_CREATED, 10 + i)
            for i, spec in enumerate(community.channels)
        }
        self.roles = {
            name: snowflake(_CREATED, 100 + pos) for name, _, pos in _ROLES.values()
        }

    def member(self, person: Person) -> str:
        # Accounts made between 2018 and 2025, one per person.
        made = datetime(2018, 1, 1, tzinfo=UTC).timestamp() + person.key * 97_001
        return snowflake(datetime.fromtimestamp(made, UTC), person.key)


def _author(person: Person, ids: _Ids) -> dict[str, object]:
    role = _ROLES.get(person.persona)
    roles = (
        [
            {
                "id": ids.roles[role[0]],
                "name": role[0],
                "color": role[1],
                "position": role[2],
            }
        ]
        if role
        else []
    )
    return {
        "id": ids.member(person),
        "name": person.handle,
        "discriminator": "0000",
        "nickname": person.name,
        "color": role[1] if role else None,
        "isBot": person.persona == "bot",
        "roles": roles,
        "avatarUrl": f"https://cdn.discordapp.com/embed/avatars/{person.key % 6}.png",
    }


def _user(person: Person, ids: _Ids) -> dict[str, object]:
    return {
        "id": ids.member(person),
        "name": person.handle,
        "discriminator": "0000",
        "nickname": person.name,
        "isBot": person.persona == "bot",
        "avatarUrl": f"https://cdn.discordapp.com/embed/avatars/{person.key % 6}.png",
    }


def message_instant(post: Post) -> datetime:
    """The post's time with milliseconds, as Discord keeps them."""
    return post.ts.replace(microsecond=(post.seq * 389 % 1000) * 1000)


def _message(
    post: Post, ids: _Ids, message_ids: dict[int, str], thread_id: str | None
) -> dict[str, Any]:
    guild = ids.guild
    types = {
        "join": "GuildMemberJoin",
        "thread_created": "ThreadCreated",
        "pin": "ChannelPinnedMessage",
    }
    kind = types.get(post.kind, "Reply" if post.reply_to is not None else "Default")
    content = {
        "GuildMemberJoin": "Joined the server.",
        "ThreadCreated": "Started a thread.",
        "ChannelPinnedMessage": "Pinned a message.",
    }.get(kind, post.text)
    if post.mentions and post.kind == "message" and post.author.persona != "bot":
        content = " ".join(f"@{p.name}" for p in post.mentions) + " " + content
    message: dict[str, object] = {
        "id": message_ids[post.seq],
        "type": kind,
        "timestamp": _iso(message_instant(post)),
        "timestampEdited": _iso(post.edited_at) if post.edited_at else None,
        "callEndedTimestamp": None,
        "isPinned": post.pinned,
        "content": content,
        "author": _author(post.author, ids),
        "attachments": [
            {
                "id": snowflake(message_instant(post), post.seq + i + 1),
                "url": f"https://cdn.discordapp.com/attachments/{ids.channels[post.channel]}/{message_ids[post.seq]}/{name}",
                "fileName": name,
                "fileSizeBytes": 180_000 + (post.seq * 7919 + i) % 2_500_000,
            }
            for i, name in enumerate(post.attachments)
        ],
        "embeds": [],
        "stickers": [],
        "reactions": [
            {
                "emoji": {
                    "id": "",
                    "name": r.emoji,
                    "code": _EMOJI_CODES[r.emoji][0],
                    "isAnimated": False,
                    "imageUrl": f"https://cdn.jsdelivr.net/gh/twitter/twemoji@latest/assets/svg/{_EMOJI_CODES[r.emoji][1]}.svg",
                },
                "count": len(r.reactors),
                "users": [_user(p, ids) for p, _ in r.reactors],
            }
            for r in post.reactions
        ],
        "mentions": [
            {k: v for k, v in _user(p, ids).items() if k != "avatarUrl"}
            for p in post.mentions
        ],
    }
    if post.poll is not None:  # the Discord API's poll object; the content stays empty
        message["content"] = ""
        message["poll"] = {
            "question": {"text": post.poll.question},
            "answers": [
                {"answer_id": i, "poll_media": {"text": label}}
                for i, (label, _) in enumerate(post.poll.options, start=1)
            ],
            "expiry": _iso(post.poll.closes_at) if post.poll.closes_at else None,
            "allow_multiselect": post.poll.multiple,
            "layout_type": 1,
            "results": {
                "is_finalized": True,
                "answer_counts": [
                    {"id": i, "count": len(people), "me_voted": False}
                    for i, (_, people) in enumerate(post.poll.options, start=1)
                    if people
                ],
            },
        }
    if post.kind == "thread_created":
        message["reference"] = {
            "messageId": None,
            "channelId": thread_id,
            "guildId": guild,
        }
    elif post.reply_to is not None:
        target = post.reply_to
        message["reference"] = {
            "messageId": message_ids[target.seq],
            "channelId": ids.channels[target.channel],
            "guildId": guild,
        }
    return message


def write_discord(
    community: Community, folder: Path
) -> tuple[list[Path], PlatformCounts, dict[int, str]]:
    """Write one DCE JSON file per channel of `community` into `folder`.

    Returns the files, the counts, and each post's message id (by ``Post.seq``).
    """
    folder.mkdir(parents=True, exist_ok=True)
    ids = _Ids(community)
    posts = sorted(community.posts, key=lambda p: (message_instant(p), p.seq))
    message_ids = {p.seq: snowflake(message_instant(p), p.seq) for p in posts}
    thread = next((c for c in community.channels if c.role == "thread"), None)
    files: list[Path] = []
    messages, replies, joins, reactions = 0, 0, 0, 0
    authors: dict[int, None] = {}  # the author keys seen, as an ordered set
    for spec in community.channels:
        in_channel = [p for p in posts if p.channel == spec.name]
        if spec.role == "thread":
            parent = next(
                c.name
                for c in community.channels
                if c.role != "thread" and c.name == "général"
            )
            channel = {
                "id": ids.channels[spec.name],
                "type": "GuildPublicThread",
                "categoryId": ids.channels[parent],
                "category": parent,
                "name": spec.name,
                "topic": None,
            }
            filename = f"{community.name} - {parent} - {spec.name} [{ids.channels[spec.name]}].json"
        else:
            category, topic = CATEGORIES[spec.name]
            channel = {
                "id": ids.channels[spec.name],
                "type": "GuildTextChat",
                "categoryId": snowflake(
                    _CREATED,
                    50 + sorted(set(c for c, _ in CATEGORIES.values())).index(category),
                ),
                "category": category,
                "name": spec.name,
                "topic": topic,
            }
            channel_id = ids.channels[spec.name]
            filename = (
                f"{community.name} - {category} - {spec.name} [{channel_id}].json"
            )
        thread_id = ids.channels[thread.name] if thread else None
        document = {
            "guild": {
                "id": ids.guild,
                "name": community.name,
                "iconUrl": f"https://cdn.discordapp.com/icons/{ids.guild}/semelle.png",
            },
            "channel": channel,
            "dateRange": {"after": None, "before": None},
            "exportedAt": _EXPORTED_AT,
            "messages": [_message(p, ids, message_ids, thread_id) for p in in_channel],
            "messageCount": len(in_channel),
        }
        path = folder / filename
        path.write_text(
            json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        files.append(path)
        for post in in_channel:
            if post.kind == "join":
                joins += 1
            elif post.kind == "message":
                messages += 1
                replies += post.reply_to is not None
                reactions += post.reaction_total
                authors.setdefault(post.author.key, None)
    counts = PlatformCounts(
        "discord",
        community.name,
        folder,
        messages,
        joins,
        0,
        reactions,
        replies,
        len(authors),
        len(files),
    )
    return files, counts, message_ids
