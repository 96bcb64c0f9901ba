"""Walk a Telegram Desktop ``result.json`` one message at a time, chat by chat.

Why not only :mod:`ijson`: ``ijson.items(f, "messages.item")`` streams a single-chat export at
about 300,000 objects/s with its C backend, but an account export (``chats.list[]``) needs each
message tied to its chat, and ijson can only do that through its Python-level event stream
(``ijson.parse``), measured at about 100,000 messages/s on this machine. This module walks the
few levels of the export's skeleton by hand and hands every message (and every small value
such as ``name`` or ``id``) to the standard library's C JSON decoder (``raw_decode``), so memory
stays bounded by one message and the speed by the C decoder.

The walker understands the two layouts Telegram Desktop writes:

- one chat: ``{"name", "type", "id", "messages": [...]}``;
- a whole account: ``{"personal_information", "chats": {"list": [chat, ...]},
  "left_chats": {"list": [...]}, ...}``.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from tribu.connectors._json_limits import (
    deep_at,
    has_surrogate_escape,
    repair_surrogates,
    too_deep_reason,
)
from tribu.connectors._json_stream import MAX_VALUE_CHARS
from tribu.errors import InputError

__all__ = ["ChatStart", "MessageItem", "walk_export"]

_CHUNK = 1 << 20
_WS = re.compile(r"[ \t\n\r]*")
# The pattern matches the empty string, so ``match`` never returns None: the cast says so.
_match_blanks = cast("Callable[[str, int], re.Match[str]]", _WS.match)
_DECODER = json.JSONDecoder()
_CHAT_LISTS = ("chats", "left_chats")


@dataclass(slots=True)
class ChatStart:
    """A chat whose messages follow; ``meta`` holds the keys seen before ``messages``."""

    path: str  # JSON path of the chat: "" for a single-chat export, "chats.list[2]"
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class MessageItem:
    """One element of a chat's ``messages`` array, decoded."""

    array_path: str  # "messages" or "chats.list[2].messages"
    index: int
    value: Any

    @property
    def path(self) -> str:
        """The JSON path of the element, e.g. ``chats.list[2].messages[5]``."""
        return f"{self.array_path}[{self.index}]"


class _Cursor:
    """A text buffer over a file, refilled on demand, compacted as it is consumed."""

    def __init__(self, path: Path, fh: IO[bytes]) -> None:
        self.path = path
        self._fh = fh
        self._utf8 = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
        self.buf = ""
        self.pos = 0
        self.eof = False

    def _fill(self, at_least: int = 0) -> bool:
        if self.eof:
            return False
        if self.pos > _CHUNK:
            self.buf = self.buf[self.pos :]
            self.pos = 0
        try:
            data = self._fh.read(max(at_least, _CHUNK))
            text = self._utf8.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise InputError(
                self.path,
                None,
                f"is not UTF-8 text ({exc.reason}); not a Telegram export.",
            ) from exc
        if not data:
            self.eof = True
        self.buf += text
        return bool(data)

    def peek(self, where: str) -> str:
        """The next non-blank character, refilling as needed."""
        while True:
            self.pos = _match_blanks(self.buf, self.pos).end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                raise InputError(
                    self.path,
                    where,
                    "the file ends early (truncated JSON); export it again.",
                )

    def expect(self, char: str, where: str) -> None:
        found = self.peek(where)
        if found != char:
            raise InputError(
                self.path,
                where,
                f"expected {char!r} but found {found!r}; the file is not valid JSON.",
            )
        self.pos += 1

    def value(self, where: str) -> Any:
        """Decode one JSON value at the cursor with the C decoder."""
        self.peek(where)
        while True:
            try:
                obj, end = _DECODER.raw_decode(self.buf, self.pos)
            except RecursionError as exc:
                raise InputError(self.path, where, too_deep_reason()) from exc
            except json.JSONDecodeError as exc:
                if len(self.buf) - self.pos > MAX_VALUE_CHARS:
                    raise InputError(
                        self.path,
                        where,
                        f"holds a single JSON value longer than {MAX_VALUE_CHARS} "
                        "characters; refused.",
                    ) from exc
                if self._fill(len(self.buf) - self.pos):
                    continue
                raise InputError(
                    self.path, where, f"invalid or truncated JSON ({exc.msg})."
                ) from exc
            if end == len(self.buf) and self._fill():
                continue  # a number may go on in the next chunk
            obj = self.checked(obj, self.pos, end, where)
            self.pos = end
            return obj

    def checked(self, obj: Any, start: int, end: int, where: str) -> Any:
        """``obj`` decoded from ``buf[start:end]``, within the limits (refused or repaired)."""
        if deep_at(self.buf, start, end) >= 0:
            raise InputError(self.path, where, too_deep_reason())
        if has_surrogate_escape(self.buf, start, end):
            obj = _DECODER.raw_decode(repair_surrogates(self.buf[start:end]))[0]
        return obj

    def key(self, where: str) -> str:
        if self.peek(where) != '"':
            raise InputError(
                self.path, where, "expected an object key; the file is not valid JSON."
            )
        key: str = self.value(
            where
        )  # it starts with '"': a JSON string by construction
        self.expect(":", where)
        return key

    def more(self, close: str, where: str) -> bool:
        """After an element: ``True`` when a comma announces another one."""
        found = self.peek(where)
        self.pos += 1
        if found == ",":
            return True
        if found == close:
            return False
        raise InputError(
            self.path,
            where,
            f"expected ',' or {close!r} but found {found!r}; the file is not valid JSON.",
        )

    def starts_empty(self, close: str, where: str) -> bool:
        """Just after an opening bracket: ``True`` (and consumed) when it closes at once."""
        if self.peek(where) == close:
            self.pos += 1
            return True
        return False


def walk_export(
    path: Path, fh: IO[bytes]
) -> Generator[ChatStart | MessageItem, None, None]:
    """Yield each chat's start, then its messages, for either export layout.

    Raises
    ------
    InputError
        When the file is empty, not JSON, truncated, or not a JSON object.
    """
    cur = _Cursor(path, fh)
    if cur.peek("the start") != "{":
        raise InputError(
            path,
            "the start",
            "is not a JSON object; a Telegram export starts with '{'.",
        )
    cur.pos += 1
    yield from _chat_object(cur, "", top=True)
    while True:
        cur.pos = _match_blanks(cur.buf, cur.pos).end()
        if cur.pos < len(cur.buf):
            raise InputError(path, "the end", "holds data after the JSON object.")
        if not cur._fill():
            return


def _chat_object(
    cur: _Cursor, path: str, *, top: bool
) -> Iterator[ChatStart | MessageItem]:
    """Walk a chat object (or the top object) whose ``{`` is already consumed."""
    meta: dict[str, Any] = {}
    here = path or "the top object"
    if cur.starts_empty("}", here):
        return
    while True:
        key = cur.key(here)
        if key == "messages":
            yield ChatStart(path, dict(meta))
            yield from _messages(cur, f"{path}.messages" if path else "messages")
        elif top and key in _CHAT_LISTS and cur.peek(key) == "{":
            cur.pos += 1
            yield from _chat_lists(cur, key)
        else:
            meta[key] = cur.value(f"{path}.{key}" if path else key)
        if not cur.more("}", here):
            return


def _chat_lists(cur: _Cursor, name: str) -> Iterator[ChatStart | MessageItem]:
    """Walk ``{"about": ..., "list": [chat, ...]}`` whose ``{`` is consumed."""
    if cur.starts_empty("}", name):
        return
    while True:
        key = cur.key(name)
        where = f"{name}.{key}"
        if key == "list" and cur.peek(where) == "[":
            cur.pos += 1
            if not cur.starts_empty("]", where):
                index = 0
                while True:
                    chat_path = f"{name}.list[{index}]"
                    if cur.peek(chat_path) == "{":
                        cur.pos += 1
                        yield from _chat_object(cur, chat_path, top=False)
                    else:
                        cur.value(chat_path)  # not a chat: skipped, the reader says so
                        yield ChatStart(chat_path, {"__not_a_chat__": True})
                    index += 1
                    if not cur.more("]", where):
                        break
        else:
            cur.value(where)
        if not cur.more("}", name):
            return


def _messages(cur: _Cursor, where: str) -> Iterator[MessageItem]:
    """Yield each element of a ``messages`` array; the cursor is on its ``[``."""
    if cur.peek(where) != "[":
        cur.value(where)
        return
    cur.pos += 1
    if cur.starts_empty("]", where):
        return
    index = 0
    decode = _DECODER.raw_decode
    while True:
        # Fast path: the whole element and its comma sit in the buffer.
        cur.pos = _match_blanks(cur.buf, cur.pos).end()
        try:
            obj, end = decode(cur.buf, cur.pos)
        except (json.JSONDecodeError, RecursionError):
            obj = None
            end = -1
        if end < 0 or end >= len(cur.buf):
            obj = cur.value(f"{where}[{index}]")
        else:
            obj = cur.checked(obj, cur.pos, end, f"{where}[{index}]")
            cur.pos = end
        yield MessageItem(where, index, obj)
        index += 1
        if not cur.more("]", where):
            return
