"""DiscordChatExporter messages of one channel turned into tribu records: the hot loop of
:mod:`tribu.connectors.discord` (messages, replies, reactions, mentions, attachments, member
records of first-seen authors, joins and system notices).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tribu.connectors._polls import discord_poll
from tribu.connectors._records import (
    Member,
    MemberEvent,
    Message,
    Reaction,
    Record,
    SystemNotice,
)
from tribu.connectors._time import iso_to_utc

__all__ = ["ChannelMessages", "display_name"]

_MESSAGE_TYPES = frozenset(
    {
        "Default",
        "Reply",
        "ChatInputCommand",
        "ContextMenuCommand",
        "0",
        "19",
        "20",
        "23",
    }
)
_NOTICE_KINDS = {
    "Call": "call",
    "ChannelNameChange": "rename",
    "ChannelIconChange": "icon",
    "ChannelPinnedMessage": "pin",
    "ThreadCreated": "thread_created",
    "ThreadStarterMessage": "thread_starter",
}
_MEMBERSHIP = {
    "GuildMemberJoin": "join",
    "RecipientAdd": "join",
    "RecipientRemove": "leave",
}


class ChannelMessages:
    """Turns the raw messages of one channel into records (the hot loop)."""

    __slots__ = ("community_key", "channel_key", "thread_key", "members")

    def __init__(
        self,
        community_key: str,
        channel_key: str,
        thread_key: str | None,
        members: set[str],
    ) -> None:
        self.community_key = community_key
        self.channel_key = channel_key
        self.thread_key = thread_key
        self.members = members

    def records(self, raw: dict[str, Any]) -> list[Record]:
        """The records one raw DCE message becomes (raises on an unreadable one).

        Built whole before any is yielded, so an unreadable message leaves nothing behind
        but its quarantine record; the people first seen in it are remembered only once it
        has been read. This is the hot loop: keep the work per message small.
        """
        author = raw["author"]
        author_key = str(author["id"])
        ts = iso_to_utc(raw["timestamp"])
        message_key = str(raw["id"])
        get = raw.get
        kind = get("type", "Default")
        people = [author]
        if kind in _MESSAGE_TYPES:
            edited = get("timestampEdited")
            reference = get("reference")
            reply_to = reference.get("messageId") if reference else None
            mentions = get("mentions")
            reactions = get("reactions")
            out: list[Record] = [
                Message(
                    self.community_key,
                    self.channel_key,
                    message_key,
                    author_key,
                    ts,
                    get("content") or "",
                    str(author.get("nickname") or author.get("name") or author_key),
                    bool(author.get("isBot")),
                    str(reply_to) if reply_to else None,
                    self.thread_key,
                    sum(int(r.get("count") or 0) for r in reactions)
                    if reactions
                    else 0,
                    len(get("attachments") or ()),
                    [str(p["id"]) for p in mentions] if mentions else [],
                    iso_to_utc(edited) if edited else None,
                )
            ]
            if mentions:
                people.extend(mentions)
            poll = get("poll")
            if poll:
                out.append(discord_poll(out[0], poll))  # type: ignore[arg-type]
            if reactions:
                for reaction in reactions:
                    self._reactions(message_key, reaction, out, people)
        else:
            out = self._not_a_message(raw, str(kind), author, ts, people)
        if len(people) == 1 and author_key in self.members:
            return out
        members = self._new_members(people)
        return members + out if members else out

    def _reactions(
        self,
        message_key: str,
        reaction: dict[str, Any],
        out: list[Record],
        people: list[dict[str, Any]],
    ) -> None:
        emoji = reaction["emoji"]
        label = str(emoji.get("name") or emoji.get("code") or emoji.get("id"))
        count = int(reaction.get("count") or 0)
        users = reaction.get("users") or ()
        for person in users:
            people.append(person)
            out.append(
                Reaction(self.community_key, message_key, label, 1, str(person["id"]))
            )
        if count > len(users):
            out.append(
                Reaction(self.community_key, message_key, label, count - len(users))
            )

    def _not_a_message(
        self,
        raw: dict[str, Any],
        kind: str,
        author: dict[str, Any],
        ts: datetime,
        people: list[dict[str, Any]],
    ) -> list[Record]:
        membership = _MEMBERSHIP.get(kind)
        if membership is None:
            notice = _NOTICE_KINDS.get(kind, "service")
            text = str(raw.get("content") or kind)
            return [
                SystemNotice(self.community_key, self.channel_key, notice, ts, text)
            ]
        person = author
        if kind != "GuildMemberJoin" and raw.get("mentions"):
            person = raw["mentions"][0]  # the one added to or removed from the group
            people.append(person)
        return [
            MemberEvent(
                self.community_key,
                str(person["id"]),
                membership,
                ts,
                None,
                display_name(person),
            )
        ]

    def _new_members(self, people: list[dict[str, Any]]) -> list[Record]:
        """Member records for the people not yet seen in this read."""
        fresh: dict[str, dict[str, Any]] = {}
        community_key = self.community_key
        for person in people:
            key = str(person["id"])
            if key not in self.members and key not in fresh:
                fresh[key] = person
        out: list[Record] = []
        for key, person in fresh.items():
            roles = person.get("roles") or ()
            out.append(
                Member(
                    community_key,
                    key,
                    display_name(person),
                    bool(person.get("isBot")),
                    [str(r["name"]) if isinstance(r, dict) else str(r) for r in roles],
                )
            )
            self.members.add(key)
        return out


def display_name(person: dict[str, Any]) -> str:
    return str(person.get("nickname") or person.get("name") or person["id"])
