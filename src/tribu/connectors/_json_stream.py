"""Stream large JSON files value by value, with exact error places.

Exports such as DiscordChatExporter's hold one JSON object whose ``messages`` array can hold
millions of entries. Loading it whole would take gigabytes, so this module walks the top-level
object (or array) itself and hands each array element over as soon as it is decoded.

How, and why not ijson? ijson (yajl2_c backend) was measured first: on a DiscordChatExporter
file of 200,000 indented messages (about 690 bytes each), ``ijson.items(f, "messages.item")``
decoded about 127,000 messages per CPU second. The standard library's C scanner
(``json.JSONDecoder.raw_decode``) over a 1 MiB sliding buffer decoded about 170,000 and
reports the exact offset of a fault. Faster still, for the pretty-printed arrays exporters
write: each element closes on a line holding only the array's indentation and ``}`` (JSON
strings cannot hold a raw newline, nested values are indented deeper), so the bytes are cut
there and each piece decoded by orjson (a maintained Rust decoder, Apache-2.0/MIT): about
245,000 messages per CPU second. A piece that does not decode hands over to the standard
library path at that element, which decodes it or reports the fault's line and column, so the
fast path never changes a result or an error.

Memory is bounded by the chunk size plus the largest single value (refused past
``max_value_chars``), whatever the file size. Every value obeys the limits of
:mod:`tribu.connectors._json_limits`: nesting past ``MAX_DEPTH`` is refused, lone surrogate
escapes are read as U+FFFD.

Faults raise :class:`tribu.errors.InputError` naming the file and the ``line L, column C`` of
the fault, on one line: the file is empty, is not UTF-8, is not JSON, nests too deep, or
ends early.

Examples
--------
>>> import io
>>> data = io.BytesIO(b'{"guild": {"id": "1"}, "messages": [{"id": "a"}, {"id": "b"}]}')
>>> for key, value in iter_object(data, "x.json", stream_keys={"messages"}):
...     if key == "messages":
...         print([item["id"] for _, item in value])
...     else:
...         print(key, value)
guild {'id': '1'}
['a', 'b']
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Generator, Iterator
from types import ModuleType
from typing import IO, Any, NoReturn, cast

from tribu.connectors._json_limits import (
    deep_at,
    has_surrogate_escape,
    repair_surrogates,
    too_deep_reason,
)
from tribu.errors import InputError

__all__ = ["CHUNK_CHARS", "iter_array", "iter_object", "load"]

CHUNK_CHARS = 1 << 20
"""Bytes read from the file at a time."""

MAX_VALUE_CHARS = 256 << 20
"""A single value (one message, one header) larger than this is refused."""

_orjson: ModuleType | None
try:  # orjson is pinned; without it the standard library path does everything
    import orjson as _orjson
except ImportError:  # pragma: no cover
    _orjson = None

_WHITESPACE = re.compile(r"[ \t\n\r]*")
# The pattern matches the empty string, so ``match`` never returns None: the cast says so
# without an extra check (or Python frame) in the hot loop.
_match_blanks = cast("Callable[[str, int], re.Match[str]]", _WHITESPACE.match)
_decode = json.JSONDecoder().raw_decode
# raw_decode without its Python frame. typeshed omits ``scan_once``, the attribute
# JSONDecoder.__init__ sets (json.scanner.make_scanner): a fault in the stdlib stubs.
_scan: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
_MARGIN = 8  # an error this close to the buffer's end may just need more text


class _Reader:
    """A sliding text buffer over a binary stream, remembering lines for error places."""

    __slots__ = (
        "buf",
        "pos",
        "eof",
        "_fh",
        "_path",
        "_decoder",
        "_chunk",
        "_max",
        "_lines_before",
        "_column_base",
        "_bytes_read",
        "array",
        "index",
    )

    def __init__(self, fh: IO[bytes], path: object, chunk: int, max_chars: int) -> None:
        self._fh = fh
        self._path = path
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._chunk = chunk
        self._max = max_chars
        self._lines_before = 0
        self._column_base = 0
        self._bytes_read = 0
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.array = ""  # the streamed array being read ("messages"), for error places
        self.index = -1
        self._fill()
        if self.buf.startswith("\ufeff"):
            self.pos = 1

    def _fill(self) -> bool:
        """Drop what was consumed, append one more chunk; False at the end of the file."""
        if self.eof:
            return False
        if self.pos:
            self._consume_text(self.pos)
            self.buf = self.buf[self.pos :]
            self.pos = 0
        data = self._fh.read(self._chunk)
        try:
            if not data:
                self._decoder.decode(b"", final=True)
                self.eof = True
                return False
            text = self._decoder.decode(data)
        except UnicodeDecodeError as exc:
            self.fault(
                None,
                f"is not UTF-8 text (byte {self._bytes_read + exc.start}); "
                "give tribu the export file itself, not a binary file.",
            )
        self._bytes_read += len(data)
        self.buf += text
        if len(self.buf) > self._max:
            self.fault(
                0,
                f"holds a single JSON value longer than {self._max} characters; refused.",
            )
        return True

    def place(self, at: int) -> str:
        """``line L, column C`` (1-based) of offset ``at`` in the buffer."""
        line = self._lines_before + self.buf.count("\n", 0, at) + 1
        newline = self.buf.rfind("\n", 0, at)
        column = at - newline if newline >= 0 else self._column_base + at + 1
        return f"line {line}, column {column}"

    def fault(self, at: int | None, reason: str) -> NoReturn:
        place = None if at is None else self.place(at)
        if self.index >= 0:
            element = f"{self.array}[{self.index}]"
            place = f"{element}, {place}" if place else element
        raise InputError(self._path, place, reason)

    def ended_early(self) -> NoReturn:
        self.fault(
            len(self.buf),
            "the JSON ends early (a truncated or interrupted export?); export it again.",
        )

    def next_char(self) -> str:
        """Skip whitespace; the next character, or "" at the end of the file."""
        while True:
            self.pos = _match_blanks(self.buf, self.pos).end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return ""

    def value(self) -> Any:
        """Decode the JSON value starting at the next non-blank character."""
        if not self.next_char():
            self.ended_early()
        while True:
            try:
                obj, end = _decode(self.buf, self.pos)
            except RecursionError:
                deep = deep_at(self.buf, self.pos, len(self.buf))
                self.fault(deep if deep >= 0 else self.pos, too_deep_reason())
            except json.JSONDecodeError as exc:
                near_end = exc.pos >= len(self.buf) - _MARGIN or exc.msg.startswith(
                    "Unterminated string"
                )
                if near_end and self._fill():
                    continue
                if near_end:
                    self.ended_early()
                self.fault(
                    exc.pos,
                    f"invalid JSON ({exc.msg}); repair the file or export it again.",
                )
            if end >= len(self.buf) and self._fill():
                continue  # a number at the buffer's end may go on in the next chunk
            obj = self.checked(obj, self.pos, end)
            self.pos = end
            return obj

    def checked(self, obj: Any, start: int, end: int) -> Any:
        """``obj`` decoded from ``buf[start:end]``, within the limits (refused or repaired)."""
        deep = deep_at(self.buf, start, end)
        if deep >= 0:
            self.fault(deep, too_deep_reason())
        if has_surrogate_escape(self.buf, start, end):
            obj = _decode(repair_surrogates(self.buf[start:end]))[0]
        return obj

    def expect(self, allowed: str, what: str) -> str:
        char = self.next_char()
        if not char:
            self.ended_early()
        if char not in allowed:
            self.fault(self.pos, f"invalid JSON: expected {what}, found {char!r}.")
        self.pos += 1
        return char

    def array_items(self) -> Iterator[tuple[int, Any]]:
        """Yield ``(index, element)`` of the array whose ``[`` was just consumed.

        Pretty-printed arrays go through :meth:`_indented_items` (orjson on each element's
        bytes); the loop below decodes straight from the text buffer while an element and
        the separator after it are whole in it, and falls back to the careful path (refill,
        error places) at the buffer's end or on a fault: this is the hot loop of every
        large export.
        """
        if self.next_char() == "]":
            self.pos += 1
            return
        index = 0
        if _orjson is not None:
            index = yield from self._indented_items()
            if index < 0:
                return
        match = _match_blanks
        scan = _scan
        while True:
            buf = self.buf
            end = len(buf)
            try:
                start = match(buf, self.pos).end()
                obj, after = scan(buf, start)
                sep = match(buf, after).end()
            except (StopIteration, json.JSONDecodeError, RecursionError):
                sep = end
            if sep < end:
                char = buf[sep]
                if char == ",":
                    self.index = index
                    obj = self.checked(obj, start, after)
                    self.pos = sep + 1
                    yield index, obj
                    index += 1
                    continue
                if char == "]":
                    self.index = index
                    obj = self.checked(obj, start, after)
                    self.pos = sep + 1
                    yield index, obj
                    return
            self.index = index
            yield index, self.value()
            index += 1
            self.index = index
            if self.expect(",]", "',' or ']' after an array element") == "]":
                self.index = -1
                return

    def _indented_items(self) -> Generator[tuple[int, Any], None, int]:
        """Yield the elements of a pretty-printed array, cut at its own indentation.

        In an indented array each element closes on a line holding only its indentation
        and ``}``; JSON strings cannot hold a raw newline, and nested values are indented
        deeper, so those lines are the element boundaries. Each piece is decoded with
        orjson straight from the bytes (about 2.5 times the standard library's speed). A
        piece that does not decode, or anything unexpected, hands over to the careful path
        at that element, which then decodes (or reports) it exactly. Returns how many
        elements were yielded, or -1 when the whole array (and its ``]``) was consumed.
        """
        line_start = self.buf.rfind("\n", 0, self.pos) + 1
        indent = self.buf[line_start : self.pos]
        if (
            _orjson is None
            or not line_start
            or not indent
            or indent.strip(" \t")
            or self.buf[self.pos] != "{"
        ):
            return 0
        close = ("\n" + indent + "}").encode()
        # Move from the text buffer to a byte buffer: what was consumed is counted for
        # error places, what was read ahead is encoded back (plus the decoder's pending
        # bytes of an unfinished character).
        self._consume_text(self.pos)
        data = self.buf[self.pos :].encode() + self._decoder.getstate()[0]
        self._decoder.reset()
        self.buf, self.pos = "", 0
        loads, decode_error = _orjson.loads, _orjson.JSONDecodeError
        index = start = 0
        while True:
            found = data.find(close, start)
            after = found + len(close)
            while found >= 0 and after < len(data) and data[after] in b" \t\r\n":
                after += 1
            if found < 0 or after >= len(data):
                if len(data) - start > 4 * self._chunk:
                    break  # no boundary in sight: not this layout after all
                more = self._fh.read(self._chunk)
                if not more:
                    break
                self._bytes_read += len(more)
                self._consume_bytes(data, start)
                data, start = data[start:] + more, 0
                continue
            separator = data[after]
            if separator not in b",]":
                break
            piece_end = found + len(close)
            try:
                value = loads(data[start:piece_end])
            except decode_error:
                break  # the careful path decodes it, or says where it is wrong
            if deep_at(data, start, piece_end) >= 0:
                break  # the careful path refuses it with its line and column
            yield index, value
            index += 1
            start = after + 1
            if separator == 93:  # "]": the array is over, back to text after it
                index = -1
                break
        self._consume_bytes(data, start)
        try:
            self.buf = self._decoder.decode(data[start:])
        except UnicodeDecodeError as exc:
            self.fault(
                None, f"is not UTF-8 text (near byte {self._bytes_read}): {exc}."
            )
        return index

    def _consume_text(self, end: int) -> None:
        """Count the lines of ``buf[:end]`` as read (for error places)."""
        last = self.buf.rfind("\n", 0, end)
        if last >= 0:
            self._lines_before += self.buf.count("\n", 0, end)
            self._column_base = end - last - 1
        else:
            self._column_base += end

    def _consume_bytes(self, data: bytes, end: int) -> None:
        """Count the lines of ``data[:end]`` as read (for error places)."""
        last = data.rfind(b"\n", 0, end)
        if last >= 0:
            self._lines_before += data.count(b"\n", 0, end)
            self._column_base = len(data[last + 1 : end].decode("utf-8", "replace"))
        else:
            self._column_base += len(data[:end].decode("utf-8", "replace"))

    def finish(self) -> None:
        char = self.next_char()
        if char:
            self.fault(
                self.pos, f"unexpected {char!r} after the end of the JSON value."
            )


def _start(fh: IO[bytes], path: object, chunk: int, max_chars: int) -> _Reader:
    reader = _Reader(fh, path, chunk, max_chars)
    if not reader.next_char():
        raise InputError(path, None, "the file is empty; export it again.")
    return reader


def iter_object(
    fh: IO[bytes],
    path: object,
    stream_keys: frozenset[str] | set[str] = frozenset(),
    *,
    chunk: int = CHUNK_CHARS,
    max_value_chars: int = MAX_VALUE_CHARS,
) -> Iterator[tuple[str, Any]]:
    """Yield the top-level ``(key, value)`` pairs of a JSON object, streaming some arrays.

    Parameters
    ----------
    fh
        The file, opened in binary mode.
    path
        The file's name, for error messages.
    stream_keys
        Keys whose value is a (possibly huge) array: for them the value yielded is an
        iterator of ``(index, element)``, to be consumed before asking for the next pair
        (what is left unconsumed is skipped).

    Raises
    ------
    InputError
        The file is empty, not UTF-8, not a JSON object, invalid or truncated; the error
        names the line and column.
    """
    reader = _start(fh, path, chunk, max_value_chars)
    reader.expect("{", "a JSON object at the top of the file")
    if reader.next_char() == "}":
        reader.pos += 1
        reader.finish()
        return
    while True:
        if reader.next_char() != '"':
            reader.expect('"', "a key in double quotes")
        key = reader.value()
        reader.expect(":", "':' after a key")
        if key in stream_keys:
            reader.expect("[", f"a list as the value of {key!r}")
            reader.array = key
            items = reader.array_items()
            yield key, items
            for _ in items:
                pass
            reader.array, reader.index = "", -1
        else:
            yield key, reader.value()
        if reader.expect(",}", "',' or '}' after a value") == "}":
            break
    reader.finish()


def iter_array(
    fh: IO[bytes],
    path: object,
    *,
    chunk: int = CHUNK_CHARS,
    max_value_chars: int = MAX_VALUE_CHARS,
) -> Iterator[tuple[int, Any]]:
    """Yield ``(index, element)`` of a file whose top level is a JSON array.

    Raises
    ------
    InputError
        As :func:`iter_object`.
    """
    reader = _start(fh, path, chunk, max_value_chars)
    reader.expect("[", "a JSON list at the top of the file")
    yield from reader.array_items()
    reader.finish()


def load(
    fh: IO[bytes],
    path: object,
    *,
    max_value_chars: int = MAX_VALUE_CHARS,
) -> Any:
    """Decode a whole (small) JSON file, with the same error places as the streaming readers.

    Raises
    ------
    InputError
        As :func:`iter_object`.
    """
    reader = _start(fh, path, CHUNK_CHARS, max_value_chars)
    value = reader.value()
    reader.finish()
    return value
