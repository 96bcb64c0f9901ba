"""The operations a live event becomes, platform-neutral, and the payload fault.

A platform reader (:mod:`tribu.live.slack_events`...) turns one delivery into a list of these;
:mod:`tribu.live.apply` applies them. Keys are the platform's own, exactly as the platform's
export connector makes them (so a live message and the same message from an export get one
canonical id): see each reader's docstring.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tribu.connectors._records import MemberEvent, Message
from tribu.errors import InputError

__all__ = [
    "Delete",
    "Edit",
    "MemberSeen",
    "Op",
    "PayloadError",
    "Post",
    "React",
    "Unreact",
    "Where",
]


class PayloadError(InputError):
    """A payload that cannot be read: ``field`` names the place (a dotted JSON path)."""

    def __init__(self, source: str, field_name: str, reason: str) -> None:
        self.field = field_name
        self.reason = reason
        super().__init__(source, field_name, reason)


@dataclass(frozen=True, slots=True)
class Where:
    """The community an operation belongs to: platform, community key and its name."""

    platform: str
    community_key: str
    community_name: str | None = None
    channel_key: str | None = None
    channel_name: str | None = None
    channel_kind: str = "text"


@dataclass(slots=True)
class Post:
    """A new message (a replay of a known one changes nothing)."""

    where: Where
    message: Message


@dataclass(slots=True)
class Edit:
    where: Where
    message_key: str
    text: str
    edited_at: datetime | None
    mention_keys: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Delete:
    where: Where
    message_key: str


@dataclass(slots=True)
class React:
    """A reaction added by ``member_key`` at ``ts`` (one row, count 1)."""

    where: Where
    message_key: str
    emoji: str
    member_key: str
    ts: datetime


@dataclass(slots=True)
class Unreact:
    where: Where
    message_key: str
    emoji: str
    member_key: str


@dataclass(slots=True)
class MemberSeen:
    """A join or leave (a :class:`MemberEvent`), with the member's shown name when known."""

    where: Where
    event: MemberEvent
    is_bot: bool = False


Op = Post | Edit | Delete | React | Unreact | MemberSeen
