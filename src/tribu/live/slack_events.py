"""Slack Events API deliveries (``POST /hooks/slack/events``) read into live operations.

The envelope is ``{"type": "event_callback", "team_id", "event_id", "event_time",
"event": {...}}``; a ``url_verification`` request is answered with its ``challenge``. Slack
retries a delivery it thinks failed (``X-Slack-Retry-Num``) with the same ``event_id``: the
queue stores one copy per ``event_id``.

Keys are those of the Slack export connector (:mod:`tribu.connectors.slack`): the community key
is the ``team_id`` (an export's users carry the same), a message key is ``"<channel>:<ts>"``;
a ``message`` event is the same object as an export's day-file entry, so it is read by the
connector's own :func:`tribu.connectors._slack_messages.message_records` (thread replies,
mentions, files, bot messages, ``channel_join``...).

Events read: ``message`` (new, ``message_changed`` = edit, ``message_deleted`` = deletion),
``reaction_added``/``reaction_removed`` on messages (with their ``event_ts``, which exports
lose), ``member_joined_channel``/``member_left_channel`` (joins and leaves at ``event_ts``;
the ``channel_join`` message Slack also posts gives the join at the message's ``ts``, as in an
export, so both forms may appear). Anything else is ignored and counted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tribu.connectors._records import RECORD_FAULTS, MemberEvent, Message
from tribu.connectors._slack_messages import ReadState, message_records
from tribu.connectors._time import epoch_to_utc
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

__all__ = ["SOURCE", "read_slack"]

SOURCE = "slack"
_KINDS = {"channel": "text", "group": "private", "im": "dm", "mpim": "group"}
_IGNORED_SUBTYPES = frozenset({"message_replied", "ekm_access_denied"})


def _time(text: str, where: str) -> datetime:
    try:
        return epoch_to_utc(text)
    except (ValueError, TypeError, OverflowError, OSError):
        raise PayloadError(
            SOURCE, where, f"'{where}' is not a Slack timestamp"
        ) from None


def read_slack(body: bytes) -> Reading:
    """Read one delivery; raises :class:`~tribu.live.ops.PayloadError` on a malformed one."""
    envelope = parse_json(SOURCE, body)
    kind = field_of(SOURCE, envelope, "type", "", str)
    if kind == "url_verification":
        challenge = field_of(SOURCE, envelope, "challenge", "", str)
        return Reading(None, reply={"challenge": challenge})
    if kind != "event_callback":
        return Reading(None, ignored=1)
    event_id = field_of(SOURCE, envelope, "event_id", "", str)
    team = text_field(SOURCE, envelope, "team_id", "")
    event = field_of(SOURCE, envelope, "event", "", dict)
    event_type = field_of(SOURCE, event, "type", "event", str)
    base = Where("slack", team)
    if event_type == "message":
        ops, ignored = _message(event, base)
    elif event_type in ("reaction_added", "reaction_removed"):
        ops, ignored = _reaction(event, base, added=event_type == "reaction_added")
    elif event_type in ("member_joined_channel", "member_left_channel"):
        user = text_field(SOURCE, event, "user", "event")
        channel = text_field(SOURCE, event, "channel", "event")
        moment = event.get("event_ts") or envelope.get("event_time")
        if moment is None:
            raise PayloadError(SOURCE, "event.event_ts", "'event.event_ts' is missing")
        kind_ = "join" if event_type == "member_joined_channel" else "leave"
        where = Where("slack", team, channel_key=channel)
        ops = [
            MemberSeen(
                where,
                MemberEvent(team, user, kind_, _time(str(moment), "event.event_ts")),
            )
        ]
        ignored = 0
    else:
        return Reading(event_id, ignored=1)
    return Reading(event_id, ops, ignored)


def _message(event: dict[str, Any], base: Where) -> tuple[list[Op], int]:
    channel = text_field(SOURCE, event, "channel", "event")
    where = Where(
        base.platform,
        base.community_key,
        channel_key=channel,
        channel_kind=_KINDS.get(str(event.get("channel_type")), "text"),
    )
    subtype = event.get("subtype")
    if subtype == "message_changed":
        inner = field_of(SOURCE, event, "message", "event", dict)
        ts = text_field(SOURCE, inner, "ts", "event.message")
        text = inner.get("text") or ""
        if not isinstance(text, str):
            raise PayloadError(
                SOURCE, "event.message.text", "'event.message.text' should be str"
            )
        edited = (
            (inner.get("edited") or {}).get("ts")
            if isinstance(inner.get("edited"), dict)
            else None
        )
        edited_at = _time(str(edited), "event.message.edited.ts") if edited else None
        records = _records(inner, channel, base.community_key, "event.message")
        mentions = next((r.mention_keys for r in records if isinstance(r, Message)), [])
        text = next((r.text for r in records if isinstance(r, Message)), text)
        return [Edit(where, f"{channel}:{ts}", text, edited_at, mentions)], 0
    if subtype == "message_deleted":
        deleted = text_field(SOURCE, event, "deleted_ts", "event")
        _time(deleted, "event.deleted_ts")
        return [Delete(where, f"{channel}:{deleted}")], 0
    if subtype in _IGNORED_SUBTYPES:
        return [], 1
    ops: list[Op] = []
    ignored = 0
    for record in _records(event, channel, base.community_key, "event"):
        if isinstance(record, Message):
            ops.append(Post(where, record))
        elif isinstance(record, MemberEvent):
            ops.append(MemberSeen(where, record))
        else:
            ignored += type(record).__name__ == "SystemNotice"
    return ops, ignored


def _records(raw: dict[str, Any], channel: str, team: str, path: str) -> list[Any]:
    if "ts" not in raw:
        raise PayloadError(SOURCE, f"{path}.ts", f"'{path}.ts' is missing")
    try:
        return message_records(raw, channel, ReadState(team, set()))
    except KeyError as exc:
        name = f"{path}.{exc.args[0]}"
        raise PayloadError(SOURCE, name, f"'{name}' is missing") from None
    except RECORD_FAULTS as exc:
        raise PayloadError(SOURCE, path, f"'{path}' cannot be read ({exc})") from None


def _reaction(
    event: dict[str, Any], base: Where, *, added: bool
) -> tuple[list[Op], int]:
    item = field_of(SOURCE, event, "item", "event", dict)
    if item.get("type") != "message":
        return [], 1  # a reaction on a file: not a message
    channel = text_field(SOURCE, item, "channel", "event.item")
    ts = text_field(SOURCE, item, "ts", "event.item")
    user = text_field(SOURCE, event, "user", "event")
    emoji = field_of(SOURCE, event, "reaction", "event", str)
    where = Where(base.platform, base.community_key, channel_key=channel)
    key = f"{channel}:{ts}"
    if not added:
        return [Unreact(where, key, emoji, user)], 0
    moment = _time(text_field(SOURCE, event, "event_ts", "event"), "event.event_ts")
    return [React(where, key, emoji, user, moment)], 0
