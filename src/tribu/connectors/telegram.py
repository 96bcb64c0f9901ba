"""Telegram Desktop JSON exports (``result.json``): one chat, or a whole account.

Each chat is one community with one channel. Layouts read:

- one chat: ``{"name", "type", "id", "messages": [...]}``;
- an account: ``{"chats": {"list": [chat, ...]}, "left_chats": {"list": [...]}}``;
- old exports (2020-2021: ``from_id`` an integer, ``text`` a string or a list of strings and
  entity dicts, no ``date_unixtime``) and new ones (``from_id`` ``"user123"`` /
  ``"channel123"``, ``text_entities``, ``date_unixtime``, ``reactions``).

A single-chat export is streamed with :mod:`ijson` (its C backend, yajl2), the fastest reader
measured here; an account export is walked by :mod:`tribu.connectors._telegram_stream`, which
keeps each message tied to its chat without building whole chats in memory.

Choices (documented in ``docs/connectors/telegram.md``):

- time: ``date_unixtime`` when present (exact UTC); otherwise ``date``, a local time without
  zone, read as UTC;
- member keys: ``"user123"`` and the old integer ``123`` both become ``"123"`` so an old and a
  new export of the same chat agree; other prefixes (``"channel123"``) are kept whole; an author
  with no id is keyed by name (``"name:Alice"``);
- service messages never become messages: ``invite_members``, ``join_group_by_link`` and
  ``join_group_by_request`` are joins, ``remove_members`` leaves, everything else (pins, calls,
  creation, migration, renames) a :class:`~tribu.connectors._records.SystemNotice`;
- in a ``bot_chat`` the chat's own id is the bot.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ijson

from tribu.connectors._json_file import open_json
from tribu.connectors._records import (
    Channel,
    Community,
    Member,
    MemberEvent,
    Message,
    Quarantined,
    Reaction,
    Record,
    SystemNotice,
)
from tribu.connectors._telegram_stream import ChatStart, MessageItem, walk_export
from tribu.errors import InputError

__all__ = ["detect", "member_key", "name", "plain_text", "read"]

name = "telegram"

_SNIFF_BYTES = 4096
_CHAT_TYPE = re.compile(
    r'"type"\s*:\s*"(?:message|service|personal_chat|bot_chat|private_group|'
    r"private_supergroup|public_supergroup|private_channel|public_channel|"
    r'saved_messages|replies)"'
)
_TELEGRAM_KEYS = re.compile(
    r'"(?:date_unixtime|from_id|text_entities|personal_information)"'
)
_OTHER_FORMATS = re.compile(
    r'"(?:sender_name|timestamp_ms|guild|post_stream|participants)"'
)
_CHANNEL_KIND = {
    "personal_chat": "dm",
    "bot_chat": "dm",
    "saved_messages": "dm",
    "private_group": "group",
    "private_supergroup": "group",
    "public_supergroup": "group",
    "private_channel": "channel",
    "public_channel": "channel",
}
_JOIN_ACTIONS = frozenset({"join_group_by_link", "join_group_by_request"})
_NOTICE_KIND = {
    "pin_message": "pin",
    "phone_call": "call",
    "group_call": "call",
    "invite_to_group_call": "call",
    "edit_group_title": "rename",
    "create_group": "created",
    "create_channel": "created",
    "migrate_to_supergroup": "migrated",
    "migrate_from_group": "migrated",
}
_AUTHOR_CACHE = 100_000  # distinct from_id values remembered, to bound memory
_fromtimestamp = datetime.fromtimestamp


def detect(path: Path) -> bool:
    """Whether ``path`` looks like a Telegram Desktop JSON export (reads 4 KB at most)."""
    path = Path(path)
    if not path.is_file() or path.suffix.lower() != ".json":
        return False
    try:
        with path.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return False
    if not head.lstrip("\ufeff \t\r\n").startswith("{") or _OTHER_FORMATS.search(head):
        return False
    has_messages = '"messages"' in head or re.search(r'"chats"\s*:\s*\{', head)
    return bool(
        has_messages and (_CHAT_TYPE.search(head) or _TELEGRAM_KEYS.search(head))
    )


def read(path: Path) -> Iterator[Record]:
    """Yield the records of a Telegram Desktop export, chat after chat.

    Raises
    ------
    InputError
        When the file is empty, not JSON, truncated, or holds neither ``messages`` nor
        ``chats.list``.
    """
    path = Path(path)
    with path.open("rb") as fh:
        walker = walk_export(path, fh)
        first = next(walker, None)
        if first is None:
            raise InputError(
                path,
                None,
                "holds neither a 'messages' array nor 'chats.list'; "
                "not a Telegram Desktop export (export the chat as JSON).",
            )
        assert isinstance(first, ChatStart)
        if first.path == "":
            walker.close()
            single = _Chat(path, first.meta, fallback_key=path.stem)
        else:
            yield from _read_account(path, first, walker)
            return
    yield from single.head()
    yield from _read_single(path, single)


def _read_single(path: Path, chat: _Chat) -> Iterator[Record]:
    """Stream ``messages.item`` with ijson's C backend."""
    index = -1
    with open_json(path) as fh:
        items = ijson.items(fh, "messages.item", use_float=True)
        try:
            records = chat.records
            for index, raw in enumerate(items):  # noqa: B007 - index is read after the loop
                yield from records(raw, "messages", index)
        except ijson.JSONError as exc:
            raise InputError(
                path,
                f"messages[{index + 1}]",
                f"invalid or truncated JSON ({exc}); export the chat again.",
            ) from exc


def _read_account(
    path: Path, first: ChatStart, walker: Iterator[ChatStart | MessageItem]
) -> Iterator[Record]:
    """Walk every chat of an account export; each chat is its own community."""
    chat = _account_chat(path, first)
    if chat is not None:
        yield from chat.head()
    for item in walker:
        if isinstance(item, ChatStart):
            chat = _account_chat(path, item)
            if chat is None:
                yield Quarantined(item.path, "not a chat object; skipped.", "")
            else:
                yield from chat.head()
        elif chat is not None:
            yield from chat.records(item.value, item.array_path, item.index)


def _account_chat(path: Path, start: ChatStart) -> _Chat | None:
    if start.meta.get("__not_a_chat__"):
        return None
    return _Chat(path, start.meta, fallback_key=start.path)


def member_key(from_id: Any) -> str | None:
    """The member key of a ``from_id``/``actor_id``: ``"user12"`` and ``12`` give ``"12"``."""
    if from_id is None or isinstance(from_id, bool):
        return None
    if isinstance(from_id, int):
        return str(from_id)
    text = str(from_id)
    if text.startswith("user") and text[4:].isdigit():
        return text[4:]
    return text or None


def plain_text(text: Any) -> str:
    """Join Telegram's ``text`` (a string, or a list of strings and entity dicts)."""
    if isinstance(text, str):
        return text
    if isinstance(text, list):
        return "".join(
            part if isinstance(part, str) else str(part.get("text", ""))
            for part in text
            if isinstance(part, str | dict)
        )
    return ""


def _timestamp(unixtime: Any, iso: Any) -> datetime | None:
    """UTC time from ``date_unixtime`` (preferred) or the zone-less ``date`` read as UTC."""
    if unixtime is not None:
        try:
            return datetime.fromtimestamp(int(unixtime), UTC)
        except (TypeError, ValueError, OverflowError):
            pass
    if isinstance(iso, str):
        try:
            moment = datetime.fromisoformat(iso)
        except ValueError:
            return None
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    return None


class _Chat:
    """Turns one chat's raw messages into records; remembers the members already yielded."""

    def __init__(self, path: Path, meta: dict[str, Any], *, fallback_key: str) -> None:
        self.path = path
        chat_id = meta.get("id")
        title = meta.get("name")
        self.type = str(meta.get("type") or "")
        if chat_id is not None and not isinstance(chat_id, bool):
            self.key = str(chat_id)
        elif isinstance(title, str) and title:
            self.key = f"name:{title}"
        else:
            self.key = fallback_key or "chat"
        if isinstance(title, str) and title:
            self.title = title
        elif self.type == "saved_messages":
            self.title = "Saved Messages"
        else:
            self.title = fallback_key or self.key
        self.bot_key = member_key(chat_id) if self.type == "bot_chat" else None
        self.seen: set[str] = set()
        self.authors: dict[Any, str] = {}

    def head(self) -> Iterator[Record]:
        yield Community(self.key, name, self.title)
        yield Channel(
            self.key, self.key, self.title, _CHANNEL_KIND.get(self.type, "group")
        )

    def records(self, raw: Any, array_path: str, index: int) -> list[Record]:
        """The records of one element of ``messages``.

        The hot path of the connector: it returns a list (cheaper than a generator) and reads
        the common fields through one bound ``get``.
        """
        if type(raw) is not dict:
            return [_quarantine(array_path, index, "is not a JSON object.", raw)]
        get = raw.get
        unixtime = get("date_unixtime")
        ts = None
        if unixtime is not None:
            try:
                ts = _fromtimestamp(int(unixtime), UTC)
            except (TypeError, ValueError, OverflowError, OSError):
                ts = None
        if ts is None:
            ts = _timestamp(None, get("date"))
            if ts is None:
                return [_quarantine(array_path, index, "has no readable 'date'.", raw)]
        kind = get("type", "message")
        if kind != "message":
            if kind == "service":
                return list(self._service(raw, ts))
            return [
                _quarantine(array_path, index, f"has an unknown type {kind!r}.", raw)
            ]
        display = get("from")
        author = self._author_key(get("from_id"), display)
        if author is None:
            return [
                _quarantine(
                    array_path, index, "has no author ('from_id', 'from').", raw
                )
            ]
        if type(display) is not str:
            display = "Deleted Account"
        out: list[Record] = []
        if author not in self.seen:
            self.seen.add(author)
            out.append(Member(self.key, author, display, is_bot=author == self.bot_key))
        message_id = get("id")
        message_key = (
            f"{array_path}[{index}]" if message_id is None else str(message_id)
        )
        text = get("text")
        if text is None:
            text = get("text_entities")
        mentions: list[str] = []
        if type(text) is str:
            body = text
        else:
            body = plain_text(text)
            if type(text) is list:
                mentions = _mentions(text)
            if not body and isinstance(get("poll"), dict):
                body = str(raw["poll"].get("question") or "")
        reply = get("reply_to_message_id")
        reactions = get("reactions")
        reaction_records = (
            list(self._reactions(reactions, message_key)) if reactions else []
        )
        edited = None
        if "edited_unixtime" in raw or "edited" in raw:
            edited = _timestamp(get("edited_unixtime"), get("edited"))
        out.append(
            Message(
                self.key,
                self.key,
                message_key,
                author,
                ts,
                body,
                display,
                author == self.bot_key,
                None if reply is None else str(reply),
                None,
                sum(r.count for r in reaction_records) if reaction_records else 0,
                1
                if "photo" in raw
                or "file" in raw
                or "contact_information" in raw
                or "location_information" in raw
                else 0,
                mentions,
                edited,
            )
        )
        if reaction_records:
            out.extend(reaction_records)
        return out

    def _author_key(self, from_id: Any, display: Any) -> str | None:
        """The author's member key; keys of raw ids are remembered (bounded) for speed."""
        if from_id is not None:
            try:
                return self.authors[from_id]
            except KeyError:
                pass
            except TypeError:  # an unhashable from_id: a malformed entry
                return None
            author = member_key(from_id)
            if author is not None and len(self.authors) < _AUTHOR_CACHE:
                self.authors[from_id] = author
            if author is not None:
                return author
        if type(display) is str and display:
            return f"name:{display}"
        return None

    def _reactions(self, reactions: Any, message_key: str) -> Iterator[Reaction]:
        """One record per known reactor, plus one for the anonymous rest of each emoji."""
        if not isinstance(reactions, list):
            return
        for reaction in reactions:
            if not isinstance(reaction, dict):
                continue
            emoji = reaction.get("emoji")
            if not emoji:
                document = reaction.get("document_id")
                emoji = (
                    f"custom:{document}" if document else str(reaction.get("type", "?"))
                )
            try:
                count = int(reaction.get("count", 1))
            except (TypeError, ValueError):
                count = 1
            recent = reaction.get("recent") or []
            known = 0
            for who in recent if isinstance(recent, list) else []:
                if not isinstance(who, dict):
                    continue
                key = member_key(who.get("from_id"))
                if key is None:
                    continue
                known += 1
                yield Reaction(
                    self.key,
                    message_key,
                    str(emoji),
                    1,
                    member_key=key,
                    ts=_timestamp(who.get("date_unixtime"), who.get("date")),
                )
            if count > known:
                yield Reaction(self.key, message_key, str(emoji), count - known)

    def _service(self, raw: dict[str, Any], ts: datetime) -> Iterator[Record]:
        action = str(raw.get("action") or "")
        actor_name = raw.get("actor") if isinstance(raw.get("actor"), str) else None
        actor = member_key(raw.get("actor_id"))
        if actor is None and actor_name:
            actor = f"name:{actor_name}"
        members = raw.get("members") if isinstance(raw.get("members"), list) else []
        if action in _JOIN_ACTIONS and actor is not None:
            yield MemberEvent(self.key, actor, "join", ts, member_name=actor_name)
        elif action in ("invite_members", "remove_members") and members:
            kind = "join" if action == "invite_members" else "leave"
            for person in members:
                person_name = str(person) if person is not None else "Deleted Account"
                key = (
                    actor
                    if person_name == actor_name and actor
                    else f"name:{person_name}"
                )
                yield MemberEvent(self.key, key, kind, ts, member_name=person_name)
        else:
            words = [actor_name or "", action.replace("_", " ")]
            title = raw.get("title")
            if isinstance(title, str) and title:
                words.append(f"«{title}»")
            text = plain_text(raw.get("text"))
            if text:
                words.append(text)
            yield SystemNotice(
                self.key,
                self.key,
                _NOTICE_KIND.get(action, "service"),
                ts,
                " ".join(w for w in words if w),
            )


def _mentions(text: list[Any]) -> list[str]:
    """Member keys of ``mention_name`` entities (the ones that carry a user id)."""
    keys = []
    for part in text:
        if isinstance(part, dict) and part.get("type") == "mention_name":
            key = member_key(part.get("user_id"))
            if key is not None:
                keys.append(key)
    return keys


def _quarantine(array_path: str, index: int, reason: str, raw: Any) -> Quarantined:
    return Quarantined(f"{array_path}[{index}]", f"message {reason}", repr(raw)[:4096])
