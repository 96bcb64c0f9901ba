"""Slack export messages turned into tribu records: one day-file entry at a time (messages,
thread replies, reactions, mentions, files, joins and leaves, system notices).
The per-entry half of :mod:`tribu.connectors.slack`.
"""

from __future__ import annotations

import re
from typing import Any

from tribu.connectors._polls import slack_poll
from tribu.connectors._records import (
    Member,
    MemberEvent,
    Message,
    Reaction,
    Record,
    SystemNotice,
)
from tribu.connectors._time import epoch_to_utc

__all__ = ["ReadState", "message_records"]

_MESSAGE_SUBTYPES = frozenset(
    {
        None,
        "bot_message",
        "file_share",
        "file_comment",
        "file_mention",
        "thread_broadcast",
        "reply_broadcast",
        "me_message",
        "slackbot_response",
    }
)
_MEMBERSHIP = {
    "channel_join": "join",
    "group_join": "join",
    "channel_leave": "leave",
    "group_leave": "leave",
}
_NOTICE_KINDS = {
    "channel_topic": "topic",
    "group_topic": "topic",
    "channel_purpose": "purpose",
    "group_purpose": "purpose",
    "channel_name": "rename",
    "group_name": "rename",
    "pinned_item": "pin",
    "unpinned_item": "unpin",
    "channel_archive": "archive",
    "group_archive": "archive",
    "channel_unarchive": "unarchive",
    "group_unarchive": "unarchive",
    "bot_add": "integration",
    "bot_remove": "integration",
    "bot_enable": "integration",
    "bot_disable": "integration",
    "tombstone": "deleted",
    "huddle_thread": "call",
    "sh_room_created": "call",
}
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


class ReadState:
    """What one read has learned: the community, its bots, the bot members yielded."""

    def __init__(self, community_key: str, bots: set[str]) -> None:
        self.community_key = community_key
        self.bots = bots
        self.bot_members: set[str] = set()


def message_records(
    raw: dict[str, Any], channel_key: str, state: ReadState
) -> list[Record]:
    """The records one Slack message entry becomes (raises on an unreadable one)."""
    community_key = state.community_key
    ts_text = str(raw["ts"])
    ts = epoch_to_utc(ts_text)
    subtype = raw.get("subtype")
    membership = _MEMBERSHIP.get(subtype) if subtype else None
    if membership:
        return [MemberEvent(community_key, str(raw["user"]), membership, ts)]
    if subtype not in _MESSAGE_SUBTYPES:
        # Past the check above, subtype is not None; a non-text one is no known notice.
        kind = (
            _NOTICE_KINDS.get(subtype, "service")
            if isinstance(subtype, str)
            else "service"
        )
        return [SystemNotice(community_key, channel_key, kind, ts, _text(raw))]
    out: list[Record] = []
    author = raw.get("user") or (raw.get("comment") or {}).get("user")
    bot_id = raw.get("bot_id")
    is_bot = subtype == "bot_message" or bool(bot_id) or author in state.bots
    author_name = _author_name(raw)
    if not author:
        if not bot_id:
            raise KeyError("user")
        author = str(bot_id)
        if author not in state.bot_members:
            state.bot_members.add(author)
            out.append(Member(community_key, author, author_name or author, True))
    message_key = f"{channel_key}:{ts_text}"
    thread_ts = raw.get("thread_ts")
    thread_key = f"{channel_key}:{thread_ts}" if thread_ts else None
    reply_to = thread_key if thread_ts and str(thread_ts) != ts_text else None
    text = _text(raw)
    reactions = raw.get("reactions") or ()
    edited = (raw.get("edited") or {}).get("ts")
    message = Message(
        community_key,
        channel_key,
        message_key,
        str(author),
        ts,
        text,
        author_name,
        is_bot,
        reply_to,
        thread_key,
        sum(int(r.get("count") or len(r.get("users") or ())) for r in reactions),
        _attachment_count(raw, subtype),
        _MENTION.findall(text),
        epoch_to_utc(edited) if edited else None,
    )
    out.append(message)
    blocks = raw.get("blocks")
    if blocks:
        poll = slack_poll(message, blocks)
        if poll is not None:
            out.append(poll)
    for reaction in reactions:
        emoji = str(reaction["name"])
        users = reaction.get("users") or ()
        count = int(reaction.get("count") or len(users))
        for user in users:
            out.append(Reaction(community_key, message_key, emoji, 1, str(user)))
        if count > len(users):
            out.append(Reaction(community_key, message_key, emoji, count - len(users)))
    return out


def _attachment_count(raw: dict[str, Any], subtype: str | None) -> int:
    # An old "file_comment" carries the file it comments on: not an attachment of its own.
    if subtype == "file_comment":
        return 0
    return len(raw.get("files") or ()) + (1 if raw.get("file") else 0)


def _author_name(raw: dict[str, Any]) -> str | None:
    profile = raw.get("user_profile") or {}
    bot = raw.get("bot_profile") or {}
    found = (
        profile.get("display_name")
        or profile.get("real_name")
        or raw.get("username")
        or bot.get("name")
    )
    return str(found) if found else None


def _text(raw: dict[str, Any]) -> str:
    text = raw.get("text") or ""
    if not isinstance(text, str):
        raise ValueError(f"'text' is not a string: {text!r}")
    if "&" not in text:
        return text
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
