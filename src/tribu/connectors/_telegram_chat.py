"""Turn one Telegram chat's raw messages into canonical records (the connector's hot path).

Split from :mod:`tribu.connectors.telegram`, which finds the chats and streams their
messages; this module knows what a message, a service message and a reaction mean. The choices
it makes are listed in that module's docstring.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tribu.connectors._polls import telegram_poll
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

__all__ = ["Chat", "member_key", "plain_text"]

PLATFORM = "telegram"

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


class Chat:
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
        yield Community(self.key, PLATFORM, self.title)
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
        poll = get("poll")
        if type(poll) is dict:
            out.append(telegram_poll(out[-1], poll))  # type: ignore[arg-type]
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
