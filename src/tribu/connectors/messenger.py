"""Facebook Messenger threads from a Facebook data download (``message_N.json``).

A thread is one community with one channel. ``read`` takes a ``message_N.json`` file, a thread
folder holding ``message_1.json``, ``message_2.json``... (one thread, one channel), or a folder
of thread folders (``messages/inbox``). Messages are streamed with
:mod:`tribu.connectors._json_stream` (bounded depth and size, one-line errors with the line and
column); a message that cannot be read is quarantined.

Facebook writes text as UTF-8 bytes each shown as a Latin-1 character (``Ã©`` for ``é``);
:func:`repair_mojibake` undoes it, and leaves alone any text that does not round-trip.

Choices (documented in ``docs/connectors/messenger.md``):

- ``timestamp_ms`` is Unix time, so exactly UTC;
- a member's key is the sender's name (the download has no ids);
- messages have no id either: a key hashes time, sender and text, plus a counter for repeats;
- ``Call`` messages and ``call_duration`` become call notices; ``Subscribe``/``Unsubscribe``
  become joins/leaves of the people listed in ``users``; photos, videos, gifs, files, audio
  files and stickers count as attachments; a ``share`` counts as one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tribu.connectors._files import safe_files
from tribu.connectors._json_file import open_json
from tribu.connectors._json_stream import iter_object
from tribu.connectors._records import (
    RECORD_FAULTS,
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
from tribu.errors import InputError

__all__ = ["detect", "name", "read", "repair_mojibake"]

name = "messenger"

_SNIFF_BYTES = 4096
_FILE_NAME = re.compile(r"^message_(\d+)\.json$")
_MEDIA_LISTS = ("photos", "videos", "gifs", "files", "audio_files")


def repair_mojibake(text: str) -> str:
    """Undo Facebook's Latin-1 view of UTF-8 bytes (``"CafÃ©"`` -> ``"Café"``)."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def detect(path: Path) -> bool:
    """Whether ``path`` is a Messenger ``message_N.json`` or a folder of them (reads 4 KB)."""
    path = Path(path)
    if path.is_dir():
        first = next(iter(_thread_files(path)), None)
        return first is not None and _looks_like_thread(first)
    return path.suffix.lower() == ".json" and _looks_like_thread(path)


def _looks_like_thread(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return False
    return '"messages"' in head and (
        '"sender_name"' in head
        or ('"participants"' in head and '"timestamp_ms"' in head)
    )


def _thread_files(folder: Path) -> list[Path]:
    """``message_N.json`` files under ``folder``, in thread then number order."""
    numbered: list[tuple[Path, int]] = []
    for p in safe_files(folder, "message_*.json"):
        match = _FILE_NAME.match(p.name)
        if match:
            numbered.append((p, int(match[1])))
    numbered.sort(key=lambda pn: (str(pn[0].parent), pn[1]))
    return [p for p, _ in numbered]


def read(path: Path) -> Iterator[Record]:
    """Yield the records of one thread file, a thread folder, or a folder of threads.

    Raises
    ------
    InputError
        When a file is empty, not JSON, truncated, or a folder holds no ``message_N.json``.
    """
    path = Path(path)
    files = _thread_files(path) if path.is_dir() else [path]
    if not files:
        raise InputError(
            path, None, "holds no message_N.json file of a Facebook download."
        )
    threads: dict[Path, list[Path]] = {}
    for file in files:
        threads.setdefault(file.parent if path.is_dir() else file, []).append(file)
    for thread_files in threads.values():
        yield from _read_thread(thread_files)


def _top_level(path: Path) -> dict[str, Any]:
    """The top-level values of a thread file other than ``messages`` (a streaming pass)."""
    found: dict[str, Any] = {}
    with open_json(path) as fh:
        for key, value in iter_object(fh, path, {"messages"}):
            if key != "messages":
                found.setdefault(key, value)
    return found


def _read_thread(files: list[Path]) -> Iterator[Record]:
    first = files[0]
    if first.stat().st_size == 0:
        raise InputError(first, None, "is empty; export the Messenger thread again.")
    head = _top_level(first)
    thread_path = head.get("thread_path")
    title = head.get("title")
    if isinstance(thread_path, str) and thread_path:
        key = thread_path
    elif len(files) > 1 or _FILE_NAME.match(first.name):
        key = first.parent.name
    else:
        key = first.stem
    title = repair_mojibake(title) if isinstance(title, str) and title else key
    yield Community(key, name, title)
    yield Channel(key, key, title, "group")
    thread = _Thread(key)
    for file in files:
        participants = (head if file is first else _top_level(file)).get(
            "participants"
        ) or []
        for person in participants if isinstance(participants, list) else []:
            if isinstance(person, dict) and isinstance(person.get("name"), str):
                member = thread.member(repair_mojibake(person["name"]))
                if member is not None:
                    yield member
        yield from _read_messages(file, thread)


def _read_messages(path: Path, thread: _Thread) -> Iterator[Record]:
    with open_json(path) as fh:
        for key, items in iter_object(fh, path, {"messages"}):
            if key != "messages":
                continue
            for index, raw in items:
                locator = f"{path.name}: messages[{index}]"
                try:
                    out = list(thread.records(raw, locator))
                except RECORD_FAULTS as exc:
                    out = [Quarantined.from_error(locator, exc, raw, what="message")]
                yield from out


class _Thread:
    """Turns raw messages into records; remembers members and same-millisecond keys."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.members: set[str] = set()
        self.instant: int | None = None
        self.instant_keys: dict[str, int] = {}

    def member(self, person: str) -> Member | None:
        if person in self.members:
            return None
        self.members.add(person)
        return Member(self.key, person, person)

    def message_key(self, ms: int, sender: str, text: str) -> str:
        if ms != self.instant:
            self.instant = ms
            self.instant_keys = {}
        digest = hashlib.blake2b(f"{ms}\x1f{sender}\x1f{text}".encode(), digest_size=10)
        key = digest.hexdigest()
        seen = self.instant_keys.get(key, 0)
        self.instant_keys[key] = seen + 1
        return key if seen == 0 else f"{key}-{seen}"

    def records(self, raw: Any, locator: str) -> Iterator[Record]:
        if not isinstance(raw, dict):
            yield Quarantined(
                locator, "message is not a JSON object.", repr(raw)[:4096]
            )
            return
        sender = raw.get("sender_name")
        ms = raw.get("timestamp_ms")
        if not isinstance(sender, str) or not isinstance(ms, int | float):
            yield Quarantined(
                locator,
                "message has no 'sender_name' or 'timestamp_ms'.",
                repr(raw)[:4096],
            )
            return
        sender = repair_mojibake(sender)
        ts = datetime.fromtimestamp(ms / 1000, UTC)
        text = raw.get("content")
        text = repair_mojibake(text) if isinstance(text, str) else ""
        kind = raw.get("type", "Generic")
        if kind in ("Subscribe", "Unsubscribe"):
            event = "join" if kind == "Subscribe" else "leave"
            listed = raw.get("users")
            users = listed if isinstance(listed, list) else []
            for user in users:
                person = user.get("name") if isinstance(user, dict) else None
                if isinstance(person, str):
                    person = repair_mojibake(person)
                    yield MemberEvent(self.key, person, event, ts, member_name=person)
            if not users:
                yield SystemNotice(self.key, self.key, "service", ts, text)
            return
        if kind == "Call" or "call_duration" in raw:
            yield SystemNotice(self.key, self.key, "call", ts, text)
            return
        member = self.member(sender)
        if member is not None:
            yield member
        attachments = (
            sum(len(raw[k]) for k in _MEDIA_LISTS if isinstance(raw.get(k), list))
            + (1 if raw.get("sticker") else 0)
            + (1 if raw.get("share") else 0)
        )
        key = self.message_key(int(ms), sender, text)
        listed_reactions = raw.get("reactions")
        reactions = listed_reactions if isinstance(listed_reactions, list) else []
        reaction_records = [
            Reaction(
                self.key,
                key,
                repair_mojibake(str(r.get("reaction", "?"))),
                1,
                member_key=repair_mojibake(r["actor"])
                if isinstance(r.get("actor"), str)
                else None,
            )
            for r in reactions
            if isinstance(r, dict)
        ]
        yield Message(
            self.key,
            self.key,
            key,
            sender,
            ts,
            text,
            author_name=sender,
            reaction_count=len(reaction_records),
            attachment_count=attachments,
        )
        yield from reaction_records
