"""Generic connector: messages of any platform from a CSV or JSON Lines file.

Each row (CSV) or line (``.jsonl``/``.ndjson``) is one message. A column map says which column
holds which field; give it with ``--map text=body,ts=created_at,author=user``. Fields:

=============== ======================================================= ==================
field           meaning                                                 default column
=============== ======================================================= ==================
text            the message text (required)                             ``text``
ts              when it was written (required): ISO 8601, or Unix       ``ts``
                seconds/milliseconds
author          the author's platform id or handle (required)           ``author``
author_name     the author's display name                               ``author_name``
message_id      the message's id (else one is derived from ts, author   ``message_id``
                and text, so re-exports keep the same id)
channel         the channel name or id                                  ``channel``
community       the community name or id (else the file's name)        ``community``
reply_to        the id of the message replied to                        ``reply_to``
thread          the id of the thread's root message                     ``thread``
reactions       the number of reactions                                 ``reactions``
attachments     the number of attachments                               ``attachments``
mentions        member ids mentioned (a JSON list, or ``,``/``;``       ``mentions``
                separated text)
edited_at       when it was last edited                                 ``edited_at``
is_bot          whether the author is a bot (true/false/1/0/yes/no)     ``is_bot``
platform        not a column: the platform name to record               ``generic``
=============== ======================================================= ==================

A row whose required fields are missing or whose date cannot be read is quarantined, and the
rest loads; if not a single row of the file has a readable date, the file is refused with an
:class:`~tribu.errors.InputError` naming the first bad line. The standard library's :mod:`csv`
and :mod:`json` read the rows: both stream, and neither needs a dependency.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import sys
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tribu.connectors._json_limits import loads
from tribu.connectors._records import (
    RAW_LIMIT,
    RECORD_FAULTS,
    Channel,
    Community,
    Message,
    Quarantined,
    Record,
)
from tribu.errors import ConfigError, InputError

__all__ = ["FIELDS", "detect", "name", "parse_column_map", "parse_timestamp", "read"]

name = "generic"

_ROW_FAULTS: tuple[type[Exception], ...] = (*RECORD_FAULTS, OSError)

FIELDS = (
    "text",
    "ts",
    "author",
    "author_name",
    "message_id",
    "channel",
    "community",
    "reply_to",
    "thread",
    "reactions",
    "attachments",
    "mentions",
    "edited_at",
    "is_bot",
    "platform",
)
REQUIRED = ("text", "ts", "author")
SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f", ""}

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def parse_column_map(text: str | None) -> dict[str, str]:
    """Parse ``"text=body,ts=created_at"`` into ``{"text": "body", "ts": "created_at"}``.

    Examples
    --------
    >>> parse_column_map("text=body, ts=created_at")
    {'text': 'body', 'ts': 'created_at'}
    """
    mapping: dict[str, str] = {}
    if not text:
        return mapping
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not value:
            raise ConfigError(
                f"--map: {part!r} is not FIELD=COLUMN. Example: --map text=body,ts=created_at"
            )
        if key not in FIELDS:
            raise ConfigError(
                f"--map: unknown field {key!r}; known fields: {', '.join(FIELDS)}."
            )
        mapping[key] = value
    return mapping


def _columns(column_map: Mapping[str, str] | None) -> dict[str, str]:
    columns = {f: f for f in FIELDS if f != "platform"}
    columns.update({k: v for k, v in (column_map or {}).items() if k != "platform"})
    return columns


def detect(path: Path, column_map: Mapping[str, str] | None = None) -> bool:
    """A CSV or JSONL file whose header (or first object) holds the required columns."""
    path = Path(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None or not path.is_file():
        return False
    columns = _columns(column_map)
    needed = {columns[f] for f in REQUIRED}
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            head = fh.readline(65536)
    except (OSError, UnicodeDecodeError):
        return False
    if kind == "csv":
        try:
            header = next(csv.reader([head]))
        except (csv.Error, StopIteration):
            return False
        return needed <= set(header)
    try:
        first = json.loads(head)
    except ValueError:
        return False
    return isinstance(first, dict) and needed <= set(first)


def parse_timestamp(value: Any) -> datetime:
    """Read an ISO 8601 text (``Z`` or offset; naive means UTC) or Unix seconds/milliseconds.

    Examples
    --------
    >>> parse_timestamp("2026-03-01T10:00:00Z").isoformat()
    '2026-03-01T10:00:00+00:00'
    >>> parse_timestamp(1772359200).isoformat()
    '2026-03-01T10:00:00+00:00'
    """
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value.strip()):
        value = float(value)
    if isinstance(value, int | float):
        seconds = value / 1000 if abs(value) > 1e11 else value
        return datetime.fromtimestamp(seconds, UTC)
    if not isinstance(value, str):
        raise ValueError(value)
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    return (
        moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    )


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"not a yes/no value: {value!r}")


def _count(value: Any) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, list):
        return len(value)
    count = int(value)
    if count < 0:
        raise ValueError(f"a count cannot be negative: {value!r}")
    return count


def _mentions(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [v for v in re.split(r"[,;\s]+", str(value)) if v]


def _rows(path: Path, kind: str) -> Iterator[tuple[str, dict[str, Any] | None, str]]:
    """Yield (locator, row or None when unreadable, raw text) for each row."""
    line = 0
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            if kind == "csv":
                reader = csv.DictReader(fh)
                if reader.fieldnames is None:
                    return
                for row in reader:
                    line = reader.line_num
                    if None in row:  # more cells than the header
                        yield f"line {line}", None, json.dumps(row, default=str)
                    else:
                        yield f"line {line}", row, ""
            else:
                for line, text in enumerate(fh, start=1):
                    if not text.strip():
                        continue
                    try:
                        row = loads(text, path, f"line {line}")
                    except InputError:  # invalid, or nested past the limit
                        yield f"line {line}", None, text[:RAW_LIMIT]
                        continue
                    yield f"line {line}", row if isinstance(row, dict) else None, text
    except UnicodeDecodeError as exc:
        raise InputError(
            path,
            f"after line {line}",
            f"not UTF-8 text ({exc.reason}); is it a CSV/JSONL file?",
        ) from None
    except csv.Error as exc:
        raise InputError(
            path, f"line {line + 1}", f"not readable as CSV ({exc})."
        ) from None


def read(path: Path, column_map: Mapping[str, str] | None = None) -> Iterator[Record]:
    """Stream one message per row, with the community and channels they belong to."""
    path = Path(path)
    kind = SUFFIXES.get(path.suffix.lower(), "csv")
    columns = _columns(column_map)
    platform = (column_map or {}).get("platform", name)
    communities: set[str] = set()
    channels: set[tuple[str, str]] = set()
    good = 0
    first_bad_date: str | None = None
    for locator, row, raw in _rows(path, kind):
        if row is None:
            yield Quarantined(locator, "not a record of named fields", raw[:4096])
            continue
        get = row.get
        try:
            missing = [f for f in REQUIRED if get(columns[f]) in (None, "")]
            if missing:
                raise ValueError(f"missing {', '.join(columns[f] for f in missing)}")
            try:
                ts = parse_timestamp(get(columns["ts"]))
            except (ValueError, OverflowError, OSError):
                first_bad_date = first_bad_date or locator
                raise ValueError(
                    f"date {get(columns['ts'])!r} is in no known layout "
                    "(ISO 8601 or Unix seconds)"
                ) from None
            community = str(get(columns["community"]) or path.stem)
            channel = str(get(columns["channel"]) or "main")
            author = str(get(columns["author"]))
            text = str(get(columns["text"]))
            key = get(columns["message_id"])
            if key in (None, ""):
                digest = hashlib.sha1(
                    f"{channel}\x1f{ts.isoformat()}\x1f{author}\x1f{text}".encode()
                ).hexdigest()
                key = "h" + digest[:20]
            edited = get(columns["edited_at"])
            message = Message(
                community_key=community,
                channel_key=channel,
                message_key=str(key),
                author_key=author,
                ts=ts,
                text=text,
                author_name=(str(get(columns["author_name"])) or None)
                if get(columns["author_name"]) is not None
                else None,
                author_is_bot=_flag(get(columns["is_bot"], False)),
                reply_to_key=_optional(get(columns["reply_to"])),
                thread_key=_optional(get(columns["thread"])),
                reaction_count=_count(get(columns["reactions"])),
                attachment_count=_count(get(columns["attachments"])),
                mention_keys=_mentions(get(columns["mentions"])),
                edited_at=parse_timestamp(edited) if edited not in (None, "") else None,
            )
        except _ROW_FAULTS as exc:
            yield Quarantined.from_error(locator, exc, raw or row, what="row")
            continue
        if community not in communities:
            communities.add(community)
            yield Community(community, platform, community)
        if (community, channel) not in channels:
            channels.add((community, channel))
            yield Channel(community, channel, channel)
        good += 1
        yield message
    if good == 0 and first_bad_date is not None:
        raise InputError(
            path,
            first_bad_date,
            "no row has a date in a known layout (ISO 8601 such as 2026-03-01T10:00:00Z, "
            "or Unix seconds); map the right column with --map ts=COLUMN.",
        )


def _optional(value: Any) -> str | None:
    return None if value in (None, "") else str(value)
