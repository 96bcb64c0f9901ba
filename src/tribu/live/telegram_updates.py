"""Telegram Bot API updates (``POST /hooks/telegram``) read into live operations.

The bot receives the updates of the chats it is in (set its webhook with a ``secret_token``,
sent back in ``X-Telegram-Bot-Api-Secret-Token``). ``update_id`` de-duplicates redeliveries.

Keys are those of the Telegram Desktop export connector (:mod:`tribu.connectors.telegram`):

- the chat (community and its single channel) is keyed by the id an export writes: the Bot API
  writes a supergroup or channel as ``-100<id>`` and a basic group as ``-<id>``, an export
  writes ``<id>``; so ``-100`` or ``-`` is taken off (a private chat's id is kept);
- a member key is the user id (an export's ``"user123"`` is ``"123"`` too); a post a chat
  makes in its own name (``sender_chat``, channel posts) is ``"channel<id>"``, as exports key it;
- a message key is its ``message_id`` (unique in the chat), a reply points at the replied
  ``message_id``.

Updates read: ``message``/``channel_post`` (new; ``new_chat_members`` and
``left_chat_member`` service messages are joins and leaves at the message's ``date``, as an
export's ``invite_members``/``remove_members``), ``edited_message``/``edited_channel_post``
(edit at ``edit_date``), ``message_reaction`` (the difference between ``old_reaction`` and
``new_reaction``, at ``date``), ``chat_member`` (status change to or from ``member``).
The Bot API sends no deletions: a deleted message stays until the next export. Anything else
(anonymous ``message_reaction_count``, polls, callbacks...) is ignored and counted.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tribu.connectors._records import MemberEvent, Message
from tribu.connectors.telegram import plain_text
from tribu.live.ops import (
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

__all__ = ["SOURCE", "chat_key", "read_telegram"]

SOURCE = "telegram"
_KINDS = {
    "private": "dm",
    "group": "group",
    "supergroup": "group",
    "channel": "channel",
}
_IN = frozenset({"member", "administrator", "creator", "restricted"})
_MEDIA = (
    "photo",
    "document",
    "video",
    "audio",
    "voice",
    "sticker",
    "animation",
    "contact",
    "location",
)


def chat_key(chat_id: int | str) -> str:
    """The export's key of a Bot API chat id (``-1001234`` -> ``"1234"``, ``-55`` -> ``"55"``)."""
    text = str(chat_id)
    if text.startswith("-100"):
        return text[4:]
    return text.lstrip("-")


def _date(obj: dict[str, Any], name: str, path: str) -> datetime:
    value = field_of(SOURCE, obj, name, path, int)
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        where = f"{path}.{name}"
        raise PayloadError(SOURCE, where, f"'{where}' is not a time") from None


def _where(chat: dict[str, Any], path: str) -> Where:
    key = chat_key(text_field(SOURCE, chat, "id", path))
    title = chat.get("title") or chat.get("username") or chat.get("first_name")
    title = title if isinstance(title, str) else None
    return Where(
        "telegram", key, title, key, title, _KINDS.get(str(chat.get("type")), "group")
    )


def _user_key(user: dict[str, Any], path: str) -> str:
    return text_field(SOURCE, user, "id", path)


def _name(user: dict[str, Any]) -> str | None:
    parts = [user.get("first_name"), user.get("last_name")]
    name = " ".join(p for p in parts if isinstance(p, str) and p)
    return name or None


def read_telegram(body: bytes, bot: str = "") -> Reading:
    """Read one update; ``bot`` scopes ``update_id`` (each bot counts its own)."""
    update = parse_json(SOURCE, body)
    update_id = text_field(SOURCE, update, "update_id", "")
    dedup = f"{bot}:{update_id}" if bot else update_id
    for name in ("message", "channel_post"):
        if name in update:
            return Reading(
                dedup, *_message(field_of(SOURCE, update, name, "", dict), name)
            )
    for name in ("edited_message", "edited_channel_post"):
        if name in update:
            return Reading(
                dedup, [_edit(field_of(SOURCE, update, name, "", dict), name)]
            )
    if "message_reaction" in update:
        return Reading(
            dedup, _reaction(field_of(SOURCE, update, "message_reaction", "", dict))
        )
    if "chat_member" in update:
        return Reading(
            dedup, *_chat_member(field_of(SOURCE, update, "chat_member", "", dict))
        )
    return Reading(dedup, ignored=1)


def _author(msg: dict[str, Any], path: str) -> tuple[str, str | None, bool]:
    sender = msg.get("sender_chat")
    if isinstance(sender, dict):
        return (
            "channel"
            + chat_key(text_field(SOURCE, sender, "id", f"{path}.sender_chat")),
            (sender.get("title") if isinstance(sender.get("title"), str) else None),
            False,
        )
    user = field_of(SOURCE, msg, "from", path, dict)
    return _user_key(user, f"{path}.from"), _name(user), bool(user.get("is_bot"))


def _text(msg: dict[str, Any], path: str) -> str:
    text = msg.get("text", msg.get("caption", ""))
    if not isinstance(text, str):
        raise PayloadError(SOURCE, f"{path}.text", f"'{path}.text' should be str")
    return plain_text(text)


def _mentions(msg: dict[str, Any]) -> list[str]:
    found = []
    for entity in msg.get("entities") or ():
        if isinstance(entity, dict) and entity.get("type") == "text_mention":
            user = entity.get("user")
            if isinstance(user, dict) and user.get("id") is not None:
                found.append(str(user["id"]))
    return found


def _message(msg: dict[str, Any], path: str) -> tuple[list[Op], int]:
    where = _where(field_of(SOURCE, msg, "chat", path, dict), f"{path}.chat")
    ts = _date(msg, "date", path)
    message_id = text_field(SOURCE, msg, "message_id", path)
    joined = msg.get("new_chat_members")
    if isinstance(joined, list):
        ops: list[Op] = []
        for i, user in enumerate(joined):
            if not isinstance(user, dict):
                raise PayloadError(
                    SOURCE, f"{path}.new_chat_members[{i}]", "is not an object"
                )
            key = _user_key(user, f"{path}.new_chat_members[{i}]")
            ops.append(
                MemberSeen(
                    where,
                    MemberEvent(
                        where.community_key, key, "join", ts, member_name=_name(user)
                    ),
                    bool(user.get("is_bot")),
                )
            )
        return ops, 0
    left = msg.get("left_chat_member")
    if isinstance(left, dict):
        key = _user_key(left, f"{path}.left_chat_member")
        return [
            MemberSeen(
                where,
                MemberEvent(
                    where.community_key, key, "leave", ts, member_name=_name(left)
                ),
            )
        ], 0
    if "text" not in msg and "caption" not in msg and not any(m in msg for m in _MEDIA):
        return [], 1  # another service message (pin, title change...)
    author, name, is_bot = _author(msg, path)
    reply = msg.get("reply_to_message")
    reply_key = (
        str(reply["message_id"])
        if isinstance(reply, dict) and reply.get("message_id") is not None
        else None
    )
    edited = msg.get("edit_date")
    message = Message(
        community_key=where.community_key,
        channel_key=where.community_key,
        message_key=message_id,
        author_key=author,
        ts=ts,
        text=_text(msg, path),
        author_name=name,
        author_is_bot=is_bot,
        reply_to_key=reply_key,
        attachment_count=1 if any(m in msg for m in _MEDIA) else 0,
        mention_keys=_mentions(msg),
        edited_at=datetime.fromtimestamp(edited, UTC)
        if isinstance(edited, int)
        else None,
    )
    return [Post(where, message)], 0


def _edit(msg: dict[str, Any], path: str) -> Edit:
    where = _where(field_of(SOURCE, msg, "chat", path, dict), f"{path}.chat")
    message_id = text_field(SOURCE, msg, "message_id", path)
    edited = (
        _date(msg, "edit_date", path)
        if "edit_date" in msg
        else _date(msg, "date", path)
    )
    return Edit(where, message_id, _text(msg, path), edited, _mentions(msg))


def _emojis(values: Any, path: str) -> set[str]:
    if not isinstance(values, list):
        raise PayloadError(SOURCE, path, f"'{path}' should be a list")
    found = set()
    for value in values:
        if isinstance(value, dict):
            emoji = value.get("emoji") or value.get("custom_emoji_id")
            if value.get("type") == "paid":
                emoji = "⭐"
            if emoji:
                found.add(str(emoji))
    return found


def _reaction(update: dict[str, Any]) -> list[Op]:
    path = "message_reaction"
    where = _where(field_of(SOURCE, update, "chat", path, dict), f"{path}.chat")
    message_id = text_field(SOURCE, update, "message_id", path)
    user = update.get("user")
    if isinstance(user, dict):
        member = _user_key(user, f"{path}.user")
    else:
        actor = field_of(SOURCE, update, "actor_chat", path, dict)
        member = "channel" + chat_key(
            text_field(SOURCE, actor, "id", f"{path}.actor_chat")
        )
    ts = _date(update, "date", path)
    old = _emojis(update.get("old_reaction", []), f"{path}.old_reaction")
    new = _emojis(update.get("new_reaction", []), f"{path}.new_reaction")
    ops: list[Op] = [Unreact(where, message_id, e, member) for e in sorted(old - new)]
    ops += [React(where, message_id, e, member, ts) for e in sorted(new - old)]
    return ops


def _chat_member(update: dict[str, Any]) -> tuple[list[Op], int]:
    path = "chat_member"
    where = _where(field_of(SOURCE, update, "chat", path, dict), f"{path}.chat")
    ts = _date(update, "date", path)
    old = field_of(SOURCE, update, "old_chat_member", path, dict)
    new = field_of(SOURCE, update, "new_chat_member", path, dict)
    user = field_of(SOURCE, new, "user", f"{path}.new_chat_member", dict)
    key = _user_key(user, f"{path}.new_chat_member.user")
    was, now = old.get("status") in _IN, new.get("status") in _IN
    if was == now:
        return [], 1  # a role or restriction change
    kind = "join" if now else "leave"
    return [
        MemberSeen(
            where,
            MemberEvent(where.community_key, key, kind, ts, member_name=_name(user)),
            bool(user.get("is_bot")),
        )
    ], 0
