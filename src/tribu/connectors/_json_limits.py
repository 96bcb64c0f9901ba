"""The limits every JSON value read by a connector obeys: nesting depth and lone surrogates.

Exports are hostile input. Two JSON features break readers far from where they are read:

- **Nesting.** The standard library's C decoder recurses once per level and raises
  ``RecursionError`` near 1,000 levels; orjson refuses past 1,024; ijson accepted any depth
  but built its path prefixes per level, so a 400 KB file nesting 200,000 arrays grew to
  gigabytes. Real exports nest about ten levels (a Reddit comment tree about four per reply
  level), so a value nesting deeper than :data:`MAX_DEPTH` is refused here, in one line,
  with the file and the place.
- **Lone surrogates.** ``"\\ud800"`` is valid JSON but no UTF-8 text can hold it: the first
  encode (a hash, Arrow, DuckDB) raises ``UnicodeEncodeError``. A lone surrogate escape is
  read as U+FFFD, the replacement character, as a UTF-8 decoder does with undecodable bytes.

The checks cost nothing on ordinary values: the depth is only measured when the value holds
more brackets than the limit, and the surrogate repair only runs when the text holds a
``\\ud8``-``\\udf`` escape.

Examples
--------
>>> deep_at("[[1]]", 0, 5)
-1
>>> loads('{"a": "x\\\\ud800y"}', "f.json", "line 1")
{'a': 'x\\ufffdy'}
"""

from __future__ import annotations

import json
import re
from typing import Any, overload

from tribu.errors import InputError

__all__ = [
    "MAX_DEPTH",
    "deep_at",
    "has_surrogate_escape",
    "loads",
    "one_line",
    "repair_surrogates",
    "too_deep_reason",
]

MAX_DEPTH = 512
"""Deepest nesting of arrays and objects accepted in one JSON value."""

_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)
_BTOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
# A high surrogate escape followed by a low one is a valid pair; anything else is lone.
_PAIR_OR_LONE = re.compile(
    r"(\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|\\u[dD][89a-fA-F][0-9a-fA-F]{2}"
)
_decode = json.JSONDecoder().raw_decode


@overload
def deep_at(text: str, start: int, end: int) -> int: ...
@overload
def deep_at(text: bytes, start: int, end: int) -> int: ...
def deep_at(text: str | bytes, start: int, end: int) -> int:
    """Offset where ``text[start:end]`` first nests deeper than :data:`MAX_DEPTH`, or -1.

    Cheap on ordinary values: brackets are counted first (an upper bound on the depth), and
    the exact walk (strings skipped) only runs when there are more than the limit.
    """
    if isinstance(text, bytes):
        if text.count(b"[", start, end) + text.count(b"{", start, end) <= MAX_DEPTH:
            return -1
        tokens: Any = _BTOKENS.finditer(text, start, end)
        opening: Any = (ord("["), ord("{"))
        closing: Any = (ord("]"), ord("}"))
    else:
        if text.count("[", start, end) + text.count("{", start, end) <= MAX_DEPTH:
            return -1
        tokens = _TOKENS.finditer(text, start, end)
        opening, closing = ("[", "{"), ("]", "}")
    depth = 0
    for match in tokens:
        char = text[match.start()]
        if char in opening:
            depth += 1
            if depth > MAX_DEPTH:
                return int(match.start())
        elif char in closing:
            depth -= 1
    return -1


def too_deep_reason() -> str:
    """The reason given when a value nests too deep."""
    return (
        f"a JSON value nests deeper than {MAX_DEPTH} levels (no export does; "
        "a damaged or hostile file?); refused."
    )


def has_surrogate_escape(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether ``text[start:end]`` holds a ``\\ud800``-``\\udfff`` escape (paired or not)."""
    return (
        _SURROGATE_ESCAPE.search(text, start, len(text) if end is None else end)
        is not None
    )


def repair_surrogates(text: str) -> str:
    """``text`` (JSON source) with every lone surrogate escape replaced by ``\\ufffd``."""
    return _PAIR_OR_LONE.sub(lambda m: m[1] or "\\ufffd", text)


def one_line(exc: BaseException) -> str:
    """An exception's message on one line (parsers may print position diagrams)."""
    text = " ".join(str(exc).split())
    return text if len(text) <= 300 else text[:297] + "..."


def loads(text: str | bytes, path: object, where: str | None) -> Any:
    """Decode one whole JSON document (a JSONL line, an embedded body) within the limits.

    Raises
    ------
    InputError
        Invalid JSON, nesting past :data:`MAX_DEPTH`, or bytes that are not UTF-8; the
        message names ``path`` and ``where`` and fits on one line.
    """
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                path, where, f"is not UTF-8 text (byte {exc.start})."
            ) from exc
    if text.startswith("\ufeff"):
        text = text[1:]
    if deep_at(text, 0, len(text)) >= 0:
        raise InputError(path, where, too_deep_reason())
    if has_surrogate_escape(text):
        text = repair_surrogates(text)
    try:
        value, end = _decode(text, len(text) - len(text.lstrip(" \t\r\n")))
    except json.JSONDecodeError as exc:
        raise InputError(
            path,
            where,
            f"invalid JSON ({exc.msg} at character {exc.pos}); "
            "repair the file or export it again.",
        ) from exc
    except RecursionError as exc:  # pragma: no cover - deep_at refuses these first
        raise InputError(path, where, too_deep_reason()) from exc
    if text[end:].strip(" \t\r\n"):
        raise InputError(
            path, where, f"unexpected data after the JSON value (character {end})."
        )
    return value
