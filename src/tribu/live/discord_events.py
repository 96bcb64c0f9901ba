"""Discord gateway dispatches (as :mod:`tribu.live.discord_gateway` queues them) read into
live operations.

A queued body is ``{"t": <event name>, "s": <sequence>, "d": <event data>}``, as the gateway
sends it. Keys are those of the Discord export connector (:mod:`tribu.connectors.discord`):
community = ``guild_id``, channel = ``channel_id``, message = its ``id``, member = the user id;
a reaction's emoji is its ``name`` (a custom emoji's name, as DiscordChatExporter writes it).

Events read: ``MESSAGE_CREATE`` (a reply points at ``message_reference.message_id``),
``MESSAGE_UPDATE`` (edit, when it carries ``content``), ``MESSAGE_DELETE``,
``MESSAGE_REACTION_ADD`` (at the time it arrives: Discord gives none),
``MESSAGE_REACTION_REMOVE``, ``GUILD_MEMBER_ADD`` (join at ``joined_at``),
``GUILD_MEMBER_REMOVE`` (leave, at arrival). Direct messages (no ``guild_id``) are keyed under
guild ``"0"`` as exports file them. Others are ignored and counted.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from tribu.connectors._records import MemberEvent, Message
from tribu.connectors._time import iso_to_utc
from tribu.live.ops import (
    Delete,
    Edit,
    MemberSeen,
    Op,
    PayloadError,
    Post,
    React,
    Unreact,
    Where,
)
from tribu.live.reading import Reading, field_of, parse_json, text_field

__all__ = ["EVENTS", "SOURCE", "dedup_key", "read_discord"]

SOURCE = "discord"
EVENTS = frozenset(
    {
        "MESSAGE_CREATE",
        "MESSAGE_UPDATE",
        "MESSAGE_DELETE",
        "MESSAGE_REACTION_ADD",
        "MESSAGE_REACTION_REMOVE",
        "GUILD_MEMBER_ADD",
        "GUILD_MEMBER_REMOVE",
    }
)


def dedup_key(kind: str, data: dict[str, Any], session: str, seq: int | None) -> str:
    """What makes a dispatch unique: a message's id for creations and deletions (a resumed
    session replays them), its edit time for edits, the session and sequence otherwise."""
    if kind in ("MESSAGE_CREATE", "MESSAGE_DELETE"):
        return f"{kind}:{data.get('id')}"
    if kind == "MESSAGE_UPDATE":
        return f"{kind}:{data.get('id')}:{data.get('edited_timestamp')}"
    return f"{kind}:{session}:{seq}"


def _ts(data: dict[str, Any], name: str, path: str) -> datetime:
    text = field_of(SOURCE, data, name, path, str)
    try:
        return iso_to_utc(text)
    except ValueError:
        raise PayloadError(
            SOURCE, f"{path}.{name}", f"'{path}.{name}' is not ISO 8601"
        ) from None


def read_discord(body: bytes) -> Reading:
    """Read one queued dispatch."""
    payload = parse_json(SOURCE, body)
    kind = field_of(SOURCE, payload, "t", "", str)
    data = field_of(SOURCE, payload, "d", "", dict)
    arrived = payload.get("received_at")
    at = (
        datetime.fromtimestamp(float(arrived), UTC)
        if isinstance(arrived, int | float)
        else datetime.now(UTC)
    )
    dedup = str(payload.get("dedup") or f"{kind}:{payload.get('s')}")
    if kind not in EVENTS:
        return Reading(dedup, ignored=1)
    guild = str(data.get("guild_id") or "0")
    channel = data.get("channel_id")
    where = Where("discord", guild, channel_key=str(channel) if channel else None)
    ops: list[Op]
    if kind == "MESSAGE_CREATE":
        author = field_of(SOURCE, data, "author", "d", dict)
        content = field_of(SOURCE, data, "content", "d", str)
        reference = data.get("message_reference")
        reply = reference.get("message_id") if isinstance(reference, dict) else None
        edited = data.get("edited_timestamp")
        message = Message(
            guild,
            text_field(SOURCE, data, "channel_id", "d"),
            text_field(SOURCE, data, "id", "d"),
            text_field(SOURCE, author, "id", "d.author"),
            _ts(data, "timestamp", "d"),
            content,
            str(author.get("global_name") or author.get("username") or "") or None,
            author.get("bot") is True,
            str(reply) if reply else None,
            None,
            0,
            len(data.get("attachments") or ()),
            [
                str(u["id"])
                for u in data.get("mentions") or ()
                if isinstance(u, dict) and "id" in u
            ],
            iso_to_utc(edited) if isinstance(edited, str) else None,
        )
        ops = [Post(where, message)]
    elif kind == "MESSAGE_UPDATE":
        if "content" not in data:
            return Reading(
                dedup, ignored=1
            )  # an embed resolved: nothing a member wrote
        content = field_of(SOURCE, data, "content", "d", str)
        edited = data.get("edited_timestamp")
        ops = [
            Edit(
                where,
                text_field(SOURCE, data, "id", "d"),
                content,
                iso_to_utc(edited) if isinstance(edited, str) else None,
                [
                    str(u["id"])
                    for u in data.get("mentions") or ()
                    if isinstance(u, dict) and "id" in u
                ],
            )
        ]
    elif kind == "MESSAGE_DELETE":
        ops = [Delete(where, text_field(SOURCE, data, "id", "d"))]
    elif kind in ("MESSAGE_REACTION_ADD", "MESSAGE_REACTION_REMOVE"):
        emoji = field_of(SOURCE, data, "emoji", "d", dict)
        label = str(emoji.get("name") or emoji.get("id"))
        message_id = text_field(SOURCE, data, "message_id", "d")
        user = text_field(SOURCE, data, "user_id", "d")
        ops = [
            React(where, message_id, label, user, at)
            if kind == "MESSAGE_REACTION_ADD"
            else Unreact(where, message_id, label, user)
        ]
    else:
        user = field_of(SOURCE, data, "user", "d", dict)
        key = text_field(SOURCE, user, "id", "d.user")
        name = user.get("global_name") or user.get("username")
        joined = kind == "GUILD_MEMBER_ADD"
        ts = _ts(data, "joined_at", "d") if joined else at
        ops = [
            MemberSeen(
                where,
                MemberEvent(
                    guild,
                    key,
                    "join" if joined else "leave",
                    ts,
                    member_name=str(name) if name else None,
                ),
                user.get("bot") is True,
            )
        ]
    return Reading(dedup, ops)


def queued_body(
    kind: str, seq: int | None, data: dict[str, Any], dedup: str, at: float
) -> bytes:
    """The body the gateway client stores for one dispatch."""
    return json.dumps(
        {"t": kind, "s": seq, "d": data, "dedup": dedup, "received_at": at}
    ).encode()
