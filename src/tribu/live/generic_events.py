"""tribu's generic signed JSON events (``POST /hooks/generic``), for any other platform.

Sign the raw body as :mod:`tribu.live.signing` says (``X-Tribu-Timestamp``,
``X-Tribu-Signature``). The body is one event, or ``{"events": [...]}`` (at most
:data:`MAX_EVENTS`), each:

.. code-block:: json

    {"id": "evt-42", "type": "message.created", "platform": "discourse",
     "community": "forum", "channel": "general", "message": "1234",
     "author": "alice", "ts": "2026-12-05T10:00:00Z", "text": "Hello",
     "reply_to": "1200", "thread": null}

Fields by ``type`` (docs/live.md has the table): ``message.created`` needs ``channel``,
``message``, ``author``, ``ts``, ``text``; ``message.edited`` needs ``message``, ``text``,
``ts`` (the edit time); ``message.deleted`` needs ``message``; ``reaction.added`` needs
``message``, ``member``, ``emoji``, ``ts``; ``reaction.removed`` needs ``message``, ``member``,
``emoji``; ``member.joined`` / ``member.left`` need ``member``, ``ts``. Every event needs
``id`` (unique per sender: replays are stored once), ``type``, ``platform`` and
``community``. ``ts`` is ISO 8601 (UTC when it has no offset) or Unix seconds. Keys are the
platform's own, as that platform's connector makes them, so events and exports agree.
Unknown types are ignored and counted.
"""

from __future__ import annotations

import hashlib
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

__all__ = ["EVENT_TYPES", "MAX_EVENTS", "SOURCE", "read_generic"]

SOURCE = "generic"
MAX_EVENTS = 1000
EVENT_TYPES = (
    "message.created",
    "message.edited",
    "message.deleted",
    "reaction.added",
    "reaction.removed",
    "member.joined",
    "member.left",
)


def _ts(event: dict[str, Any], path: str) -> datetime:
    value = field_of(SOURCE, event, "ts", path, (str, int, float))
    where = f"{path}.ts" if path else "ts"
    try:
        if isinstance(value, str):
            return iso_to_utc(value)
        return datetime.fromtimestamp(float(value), UTC)
    except (ValueError, OverflowError, OSError):
        raise PayloadError(
            SOURCE, where, f"'{where}' is not ISO 8601 nor Unix seconds"
        ) from None


def read_generic(body: bytes) -> Reading:
    """Read one delivery (one event or a batch); the de-duplication key is the ids'."""
    payload = parse_json(SOURCE, body)
    if "events" in payload:
        events = field_of(SOURCE, payload, "events", "", list)
        if len(events) > MAX_EVENTS:
            raise PayloadError(
                SOURCE, "events", f"more than {MAX_EVENTS} events in one request"
            )
        items = []
        for i, e in enumerate(events):
            if not isinstance(e, dict):
                raise PayloadError(
                    SOURCE, f"events[{i}]", f"'events[{i}]' is not an object"
                )
            items.append((f"events[{i}]", e))
    else:
        items = [("", payload)]
    ops: list[Op] = []
    ids = []
    ignored = 0
    for path, event in items:
        ids.append(text_field(SOURCE, event, "id", path))
        found = _event(event, path)
        if found is None:
            ignored += 1
        else:
            ops.append(found)
    dedup = (
        ids[0]
        if len(ids) == 1
        else "batch:" + hashlib.sha256("\0".join(ids).encode()).hexdigest()
    )
    return Reading(dedup if ids else None, ops, ignored)


def _event(event: dict[str, Any], path: str) -> Op | None:
    kind = field_of(SOURCE, event, "type", path, str)
    if kind not in EVENT_TYPES:
        return None

    def text(name: str) -> str:
        return text_field(SOURCE, event, name, path)

    channel = event.get("channel")
    where = Where(
        text("platform"),
        text("community"),
        event.get("community_name")
        if isinstance(event.get("community_name"), str)
        else None,
        str(channel) if channel is not None else None,
        event.get("channel_name")
        if isinstance(event.get("channel_name"), str)
        else None,
    )
    if kind == "message.created":
        body = field_of(SOURCE, event, "text", path, str)
        author_name = event.get("author_name")
        message = Message(
            where.community_key,
            text("channel"),
            text("message"),
            text("author"),
            _ts(event, path),
            body,
            author_name if isinstance(author_name, str) else None,
            event.get("author_is_bot") is True,
            str(event["reply_to"]) if event.get("reply_to") is not None else None,
            str(event["thread"]) if event.get("thread") is not None else None,
            0,
            int(event["attachments"])
            if isinstance(event.get("attachments"), int)
            else 0,
            [str(k) for k in event.get("mentions") or () if isinstance(k, str | int)],
        )
        return Post(where, message)
    if kind == "message.edited":
        return Edit(
            where,
            text("message"),
            field_of(SOURCE, event, "text", path, str),
            _ts(event, path),
        )
    if kind == "message.deleted":
        return Delete(where, text("message"))
    if kind == "reaction.added":
        return React(
            where, text("message"), text("emoji"), text("member"), _ts(event, path)
        )
    if kind == "reaction.removed":
        return Unreact(where, text("message"), text("emoji"), text("member"))
    name = event.get("member_name")
    return MemberSeen(
        where,
        MemberEvent(
            where.community_key,
            text("member"),
            "join" if kind == "member.joined" else "leave",
            _ts(event, path),
            member_name=name if isinstance(name, str) else None,
        ),
    )
