"""Telegram Desktop JSON exports (``result.json``): one chat, or a whole account.

Each chat is one community with one channel. Layouts read:

- one chat: ``{"name", "type", "id", "messages": [...]}``;
- an account: ``{"chats": {"list": [chat, ...]}, "left_chats": {"list": [...]}}``;
- old exports (2020-2021: ``from_id`` an integer, ``text`` a string or a list of strings and
  entity dicts, no ``date_unixtime``) and new ones (``from_id`` ``"user123"`` /
  ``"channel123"``, ``text_entities``, ``date_unixtime``, ``reactions``).

A single-chat export is streamed by :mod:`tribu.connectors._json_stream` (orjson on each
indented message; the whole connector then takes about a fifth less CPU than with ijson on
200,000 messages; ijson is no longer used: its path prefixes grow with the nesting depth, so
a hostile file nesting 200,000 arrays took gigabytes); an account export is walked by
:mod:`tribu.connectors._telegram_stream`, which keeps each message tied to its chat without
building whole chats in memory.

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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from tribu.connectors._json_file import open_json
from tribu.connectors._json_stream import iter_object
from tribu.connectors._records import RECORD_FAULTS, Quarantined, Record
from tribu.connectors._telegram_chat import Chat as _Chat
from tribu.connectors._telegram_chat import member_key, plain_text
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
    if re.search(r'"personal_information"\s*:\s*\{', head):
        return True  # an account export: its chats may start far past the first 4 KB
    has_messages = '"messages"' in head or re.search(r'"chats"\s*:\s*\{', head)
    return bool(
        has_messages and (_CHAT_TYPE.search(head) or _TELEGRAM_KEYS.search(head))
    )


def read(path: Path, opener: Callable[[], IO[bytes]] | None = None) -> Iterator[Record]:
    """Yield the records of a Telegram Desktop export, chat after chat.

    ``opener``, when given, opens the bytes to read in place of the file ``path`` (a
    parallel ingest reads a shard of a big file this way); errors still name ``path``.

    Raises
    ------
    InputError
        When the file is empty, not JSON, truncated, or holds neither ``messages`` nor
        ``chats.list``.
    """
    path = Path(path)
    with opener() if opener is not None else path.open("rb") as fh:
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
    yield from _read_single(path, single, opener)


def _read_single(
    path: Path, chat: _Chat, opener: Callable[[], IO[bytes]] | None = None
) -> Iterator[Record]:
    """Stream the ``messages`` array (orjson on its indented elements, else the C decoder).

    Telegram Desktop indents its JSON, so :func:`tribu.connectors._json_stream.iter_object`
    cuts each message at its closing line and decodes it with orjson; any fault is reported
    with its line and column, on one line.
    """
    records = chat.records
    with opener() if opener is not None else open_json(path) as fh:
        for key, value in iter_object(fh, path, {"messages"}):
            if key == "messages":
                for index, raw in value:
                    try:
                        out = records(raw, "messages", index)
                    except RECORD_FAULTS as exc:
                        out = [
                            Quarantined.from_error(
                                f"messages[{index}]", exc, raw, what="message"
                            )
                        ]
                    yield from out


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
            try:
                out = chat.records(item.value, item.array_path, item.index)
            except RECORD_FAULTS as exc:
                out = [
                    Quarantined.from_error(item.path, exc, item.value, what="message")
                ]
            yield from out


def _account_chat(path: Path, start: ChatStart) -> _Chat | None:
    if start.meta.get("__not_a_chat__"):
        return None
    return _Chat(path, start.meta, fallback_key=start.path)
