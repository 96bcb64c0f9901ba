"""Write a demo community as a Telegram Desktop ``result.json`` (single chat, newer layout).

Newer layout as Telegram Desktop writes it since 2022: ``from_id`` as ``"user123"``, ``date``
in the exporting computer's local time (here Paris) with ``date_unixtime`` beside it, ``text``
as a plain string or a list mixing strings and entity objects, ``text_entities`` always, replies
by ``reply_to_message_id``, and ``reactions`` with their ``recent`` reactors. Joins are service
messages (``join_group_by_link`` or ``invite_members``), leaves are ``remove_members`` by the
member themself.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

from tribu.demo._counts import PlatformCounts
from tribu.demo._model import PARIS, Person, Post
from tribu.demo._simulate import Community

__all__ = ["write_telegram"]

_CHAT_ID = 1987654321
_FIRST_ID = 2041
_ENTITY = re.compile(r"(#\w+|@[\w.]+)")
_NO_FILE = "(File not included. Change data exporting settings to download.)"


def _user_id(person: Person) -> str:
    return f"user{5_100_000_000 + person.key * 7_919}"


def _dates(prefix: str, when: datetime) -> dict[str, str]:
    local = when.astimezone(PARIS).replace(tzinfo=None)
    return {
        prefix: local.isoformat(timespec="seconds"),
        f"{prefix}_unixtime": str(int(when.timestamp())),
    }


def _text(text: str) -> tuple[str | list[object], list[dict[str, str]]]:
    """Telegram's two views of a text: ``text`` (string or mixed list) and ``text_entities``."""
    pieces = [piece for piece in _ENTITY.split(text) if piece]
    entities = []
    for piece in pieces:
        if piece.startswith("#") and len(piece) > 1:
            entities.append({"type": "hashtag", "text": piece})
        elif piece.startswith("@") and len(piece) > 1:
            entities.append({"type": "mention", "text": piece})
        else:
            entities.append({"type": "plain", "text": piece})
    if all(e["type"] == "plain" for e in entities):
        return text, [{"type": "plain", "text": text}] if text else []
    mixed: list[object] = [
        e["text"] if e["type"] == "plain" else dict(e) for e in entities
    ]
    return mixed, entities


def _service(post: Post, message_id: int, inviter: Person) -> dict[str, object]:
    person = post.author
    item: dict[str, object] = {
        "id": message_id,
        "type": "service",
        **_dates("date", post.ts),
    }
    if post.kind == "leave":
        item |= {
            "actor": person.name,
            "actor_id": _user_id(person),
            "action": "remove_members",
            "members": [person.name],
        }
    elif post.seq % 3 == 0:
        item |= {
            "actor": inviter.name,
            "actor_id": _user_id(inviter),
            "action": "invite_members",
            "members": [person.name],
        }
    else:
        item |= {
            "actor": person.name,
            "actor_id": _user_id(person),
            "action": "join_group_by_link",
            "inviter": "Group",
        }
    item |= {"text": "", "text_entities": []}
    return item


def _message(post: Post, message_id: int, ids: dict[int, int]) -> dict[str, object]:
    person = post.author
    item: dict[str, object] = {
        "id": message_id,
        "type": "message",
        **_dates("date", post.ts),
    }
    if post.edited_at:
        item |= _dates("edited", post.edited_at)
    item |= {"from": person.name, "from_id": _user_id(person)}
    if post.reply_to is not None:
        item["reply_to_message_id"] = ids[post.reply_to.seq]
    if post.attachments:
        item |= {
            "photo": _NO_FILE,
            "photo_file_size": 150_000 + post.seq % 90_000,
            "width": 1280,
            "height": 960,
        }
    text = post.text
    if post.mentions:
        text = " ".join(f"@{p.handle}" for p in post.mentions) + " " + text
    item["text"], item["text_entities"] = _text(text)
    if post.poll is not None:  # Telegram Desktop: an empty text and a "poll" object
        item["text"], item["text_entities"] = "", []
        item["poll"] = {
            "question": post.poll.question,
            "closed": True,
            "total_voters": len({p.key for _, ps in post.poll.options for p in ps}),
            "answers": [
                {"text": label, "voters": len(people), "chosen": False}
                for label, people in post.poll.options
            ],
        }
    if post.reactions:
        item["reactions"] = [
            {
                "type": "emoji",
                "count": len(r.reactors),
                "emoji": r.emoji,
                "recent": [
                    {"from": p.name, "from_id": _user_id(p), **_dates("date", when)}
                    for p, when in sorted(
                        r.reactors, key=lambda pw: pw[1], reverse=True
                    )[:3]
                ],
            }
            for r in post.reactions
        ]
    return item


def write_telegram(
    community: Community, folder: Path
) -> tuple[Path, PlatformCounts, dict[int, int]]:
    """Write `community` as ``folder/result.json``; return it, its counts, ids by seq."""
    folder.mkdir(parents=True, exist_ok=True)
    posts = sorted(community.posts, key=lambda p: (p.ts, p.seq))
    ids = {post.seq: _FIRST_ID + i for i, post in enumerate(posts)}
    inviter = community.people[1]
    messages, counts = (
        [],
        {"messages": 0, "joins": 0, "leaves": 0, "reactions": 0, "replies": 0},
    )
    authors: dict[int, None] = {}
    for post in posts:
        if post.kind in ("join", "leave"):
            messages.append(_service(post, ids[post.seq], inviter))
            counts["joins" if post.kind == "join" else "leaves"] += 1
            continue
        messages.append(_message(post, ids[post.seq], ids))
        counts["messages"] += 1
        counts["replies"] += post.reply_to is not None
        counts["reactions"] += post.reaction_total
        authors.setdefault(post.author.key, None)
    document = {
        "name": community.name,
        "type": "public_supergroup",
        "id": _CHAT_ID,
        "messages": messages,
    }
    path = folder / "result.json"
    path.write_text(
        json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    result = PlatformCounts(
        "telegram", community.name, path, authors=len(authors), channels=1, **counts
    )
    return path, result, ids
