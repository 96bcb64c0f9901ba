"""The records every connector yields: the one envelope between a platform and the warehouse.

A connector reads a platform's export and yields these records; it never touches the
warehouse. Identifiers here are the platform's own (``*_key``): the warehouse turns them into
stable canonical ids (``community_id``, ``channel_id``, ``message_id``) and pseudonymises the
people (``member_key`` -> ``member_id``) at ingest.

Keys are strings, unique within the record's community (a message key is unique within its
community, not only its channel). Timestamps are timezone-aware ``datetime`` in UTC.

Record kinds, in the order a connector should yield them when it can (a community before its
channels, a channel before its messages; members may come at any time, and a member seen only as
an author is created from the message):

- :class:`Community` — one chat, server, workspace or group.
- :class:`Channel` — a channel, thread, or the single room of a group chat.
- :class:`Member` — a person or bot, as the export describes them.
- :class:`Message` — what a person or bot wrote. Never a system notice.
- :class:`Reaction` — an emoji on a message, with its count, and who reacted when known.
- :class:`MemberEvent` — join, leave or role change.
- :class:`SystemNotice` — a system line kept apart (pin, call, rename, thread creation...).
- :class:`Poll` — a poll posted in a message: its question and :class:`PollOption` answers, with
  vote counts and, where the export names them, the voters. Yielded after its message.
- :class:`Quarantined` — a record that could not be read: where it is and why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

__all__ = [
    "RAW_LIMIT",
    "RECORD_FAULTS",
    "Channel",
    "Community",
    "Member",
    "MemberEvent",
    "Message",
    "Poll",
    "PollOption",
    "Quarantined",
    "Reaction",
    "Record",
    "SystemNotice",
]


@dataclass(slots=True)
class Community:
    community_key: str
    platform: str  # "discord", "slack", "telegram", "whatsapp", "reddit", ...
    name: str


@dataclass(slots=True)
class Channel:
    community_key: str
    channel_key: str
    name: str
    kind: str = "text"  # text, thread, dm, group, channel, forum, voice...
    parent_channel_key: str | None = None  # a thread's parent channel


@dataclass(slots=True)
class Member:
    community_key: str
    member_key: str
    display_name: str
    is_bot: bool = False
    roles: list[str] = field(default_factory=list)
    joined_at: datetime | None = None
    email: str | None = None  # where the export carries it (Slack users.json)
    phone: str | None = None


@dataclass(slots=True)
class Message:
    community_key: str
    channel_key: str
    message_key: str
    author_key: str
    ts: datetime
    text: str
    author_name: str | None = None  # display name when the author has no Member record
    author_is_bot: bool = False
    reply_to_key: str | None = None
    thread_key: str | None = None  # key of the thread's root message or thread channel
    reaction_count: int = 0  # total reactions of every emoji
    attachment_count: int = 0
    mention_keys: list[str] = field(default_factory=list)  # member keys mentioned
    edited_at: datetime | None = None


@dataclass(slots=True)
class Reaction:
    community_key: str
    message_key: str
    emoji: str
    count: int = 1
    member_key: str | None = None  # who reacted, when the export says; then count == 1
    ts: datetime | None = None


@dataclass(slots=True)
class MemberEvent:
    community_key: str
    member_key: str
    kind: str  # "join", "leave" or "role"
    ts: datetime
    detail: str | None = None  # the role for "role" events
    member_name: str | None = None


@dataclass(slots=True)
class SystemNotice:
    community_key: str
    channel_key: str | None
    kind: str  # "pin", "call", "rename", "thread_created", "encryption", "service"...
    ts: datetime | None
    text: str = ""


@dataclass(slots=True)
class PollOption:
    text: str
    votes: int | None = None  # None when the export does not say
    voter_keys: list[str] = field(default_factory=list)  # member keys, when named


@dataclass(slots=True)
class Poll:
    community_key: str
    channel_key: str
    message_key: str  # the message that carries the poll (its poll_id at merge)
    question: str
    options: list[PollOption]
    author_key: str | None = None  # who asked; None: the message's author
    total_voters: int | None = None  # distinct voters, when the export says
    multiple: bool = False  # several answers allowed
    closed: bool | None = None
    ends_at: datetime | None = None
    source: str = ""  # "telegram", "discord", "whatsapp", "slack:simple-poll"...


RAW_LIMIT = 4096  # characters of an unreadable record kept in quarantine

RECORD_FAULTS: tuple[type[Exception], ...] = (
    LookupError,  # KeyError, IndexError: a field is missing
    TypeError,  # a field has the wrong type
    ValueError,  # a value cannot be read (UnicodeError among them)
    AttributeError,  # a list where an object was expected...
    ArithmeticError,  # OverflowError: a timestamp of 1e308, a count past any integer
    RuntimeError,  # RecursionError: a value nesting past the interpreter's stack
)
"""What building the records of ONE entry (a message, a user) may raise on hostile data.

Every connector catches exactly these around each entry and yields
:meth:`Quarantined.from_error` instead: the one policy for "this record cannot be read".
Anything else is a bug, or a fault of the whole file (:class:`~tribu.errors.InputError`).
"""


def _clean(text: str) -> str:
    """``text`` as valid UTF-8 (lone surrogates escaped), on one line."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return " ".join(text.splitlines()) if "\n" in text or "\r" in text else text


@dataclass(slots=True)
class Quarantined:
    locator: str  # where in the file: "line 12" or a JSON path "messages[3]"
    reason: str
    raw: str = ""  # the offending text, truncated to RAW_LIMIT characters

    @classmethod
    def from_error(
        cls, locator: str, exc: Exception, raw: object, *, what: str = "entry"
    ) -> Quarantined:
        """Quarantine ``raw`` (a decoded JSON value) that failed with ``exc``."""
        if isinstance(exc, KeyError):
            reason = f"the {what} has no {exc.args[0]!r}; it was left out."
        else:
            detail = str(exc) or type(exc).__name__
            reason = f"the {what} cannot be read ({detail}); it was left out."
        try:
            text = json.dumps(raw, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):
            text = repr(raw)[:RAW_LIMIT]
        return cls(
            _clean(locator), _clean(reason)[:RAW_LIMIT], _clean(text[:RAW_LIMIT])
        )


Record = (
    Community
    | Channel
    | Member
    | Message
    | Reaction
    | MemberEvent
    | SystemNotice
    | Poll
    | Quarantined
)
