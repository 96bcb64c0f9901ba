"""WhatsApp chat exports: the ``.txt`` file, or the ``.zip`` WhatsApp shares.

One chat is one community with one channel. The file is read twice, as a stream both times:
the first pass only counts evidence about the date layout
(:class:`~tribu.connectors._whatsapp_dates.LayoutVotes`, a few integers), the second yields the
records. Nothing else is kept between lines but the message being assembled (a line without a
header continues the previous message) and the keys of the same minute, so memory stays flat.

Plain regular expressions do the work: the date layouts and system lines of WhatsApp are a
small closed set, and no maintained, permissively licensed parser covers French (the GPL
``whatstk`` cannot be a runtime dependency of an Apache-2.0 tool).

Choices (documented in ``docs/connectors/whatsapp.md``):

- times are local without a zone: they are read in the zone given to :func:`read`
  (``tribu ingest --tz Europe/Paris``) and stored in UTC; without one they are stored as if
  UTC. The message key hashes the local time as written, so it does not depend on the zone;
- a member's key is the name as written (WhatsApp has no ids): the contact name, or the phone
  number of an unsaved contact; the exporter is ``you`` in system lines;
- a message key hashes its time, author and text, plus a counter for repeats in the same
  minute, so a later, overlapping export gives the same keys;
- the community key comes from the file name (``WhatsApp Chat with X.txt`` -> ``X``).
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from tribu.connectors._archive import SafeZip
from tribu.connectors._polls import whatsapp_poll
from tribu.connectors._records import (
    Channel,
    Community,
    Member,
    MemberEvent,
    Message,
    Quarantined,
    Record,
    SystemNotice,
)
from tribu.connectors._whatsapp_dates import (
    HEADER,
    Layout,
    LayoutVotes,
    header_timestamp,
)
from tribu.connectors._whatsapp_system import (
    invisible_free,
    is_encryption_notice,
    is_media_placeholder,
    system_line,
)
from tribu.errors import InputError

# Its times are local and carry no zone: the ingest passes ``local_zone`` (``--tz``).
LOCAL_TIMES = True

__all__ = ["LOCAL_TIMES", "chat_name", "detect", "name", "read"]

name = "whatsapp"

_SNIFF_BYTES = 4096
_CHAT_MEMBER = re.compile(
    r"^(?:WhatsApp Chat (?:with|-) .+|Discussion WhatsApp avec .+|_chat)\.txt$", re.I
)
_AUTHOR = re.compile(r"^([^:]{1,80}?)\s?: ?")
_FILE_NAME = re.compile(
    r"^(?:WhatsApp Chat (?:with|-) |Discussion WhatsApp avec |Chat de WhatsApp con )(.+)$",
    re.I,
)
_MAX_RAW = 4096
_CHUNK = 1 << 20
_MAX_MESSAGE_CHARS = (
    4 * 1024 * 1024
)  # far above WhatsApp's own limit; bounds memory on junk


def detect(path: Path) -> bool:
    """Whether ``path`` is a WhatsApp ``.txt`` export or a zip holding one (reads 4 KB)."""
    path = Path(path)
    if not path.is_file():
        return False
    suffix = path.suffix.lower()
    try:
        if suffix == ".zip":
            with SafeZip(path) as archive:
                return _chat_member(archive) is not None
        if suffix != ".txt":
            return False
        with path.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES)
    except (OSError, InputError):
        return False
    if b"\x00" in head:
        return False
    lines = head.decode("utf-8", errors="replace").splitlines()[:10]
    return any(HEADER.match(line) for line in lines)


def chat_name(path: Path) -> str:
    """The chat's name from its file name (``WhatsApp Chat with Les Amis.txt`` -> ``Les Amis``)."""
    stem = Path(path).stem
    found = _FILE_NAME.match(stem)
    return found.group(1).strip() if found else stem


def read(path: Path, local_zone: ZoneInfo | None = None) -> Iterator[Record]:
    """Yield the records of a WhatsApp export (``.txt``, or ``.zip`` holding one).

    ``local_zone`` is the zone the phone that exported the chat was set to; its local times
    are converted to UTC. Without it they are taken as UTC.

    Raises
    ------
    InputError
        When the file is empty, binary, a zip without a chat, or has no line dated in a
        known layout.
    """
    path = Path(path)
    if path.suffix.lower() == ".zip":
        with SafeZip(path) as archive:
            member = _chat_member(archive)
            if member is None:
                raise InputError(
                    path,
                    None,
                    "holds no WhatsApp chat (_chat.txt or 'WhatsApp Chat with ...txt'); "
                    "give the zip WhatsApp exported.",
                )
            title = (
                chat_name(path)
                if member.rsplit("/", 1)[-1] == "_chat.txt"
                else (chat_name(Path(member)))
            )
            with archive.open(member) as fh:
                layout = _settle_layout(path, _lines(path, fh))
            with archive.open(member) as fh:
                yield from _records(path, title, _lines(path, fh), layout, local_zone)
        return
    with path.open("rb") as fh:
        layout = _settle_layout(path, _lines(path, fh))
    with path.open("rb") as fh:
        yield from _records(path, chat_name(path), _lines(path, fh), layout, local_zone)


def _chat_member(archive: SafeZip) -> str | None:
    texts = [n for n in archive.names() if n.lower().endswith(".txt")]
    for member in texts:
        if _CHAT_MEMBER.match(member.rsplit("/", 1)[-1]):
            return member
    return texts[0] if len(texts) == 1 else None


def _lines(path: Path, fh: IO[bytes]) -> Iterator[str]:
    """Decode a byte stream into lines without their line ends; refuse binary files."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
    tail = ""
    first = True
    while True:
        chunk = fh.read(_CHUNK)
        if first and b"\x00" in chunk[:_SNIFF_BYTES]:
            raise InputError(path, "byte 0", "is binary, not a WhatsApp text export.")
        first = False
        text = tail + decoder.decode(chunk, final=not chunk)
        if not chunk:
            if text:
                yield text.rstrip("\r")
            return
        # Split on "\n" only (str.splitlines would also split on U+2028 and friends inside
        # messages, and shift line numbers); the part after the last "\n" waits for more.
        lines = text.split("\n")
        tail = lines.pop()
        if len(tail) > _MAX_MESSAGE_CHARS:
            raise InputError(
                path, None, "holds a line longer than 4 MB; not a WhatsApp text export."
            )
        for line in lines:
            yield line[:-1] if line.endswith("\r") else line


def _settle_layout(path: Path, lines: Iterator[str]) -> Layout:
    """First pass: count the evidence of every header, then decide the date layout."""
    votes = LayoutVotes()
    for line in lines:
        found = HEADER.match(line)
        if found:
            votes.add(found)
    if votes.headers == 0:
        raise InputError(
            path,
            "line 1",
            "no line starts with a date in a known WhatsApp layout "
            "(e.g. '31/12/2023 23:59 - Name: text'); is this a WhatsApp export?",
        )
    return votes.layout()


@dataclass(slots=True)
class _Pending:
    """A message or system line being assembled from its header and continuation lines."""

    line_no: int
    ts: datetime
    author: str | None
    parts: list[str]
    size: int = 0


class _ChatState:
    """What the second pass remembers: members already yielded, keys of the current minute."""

    def __init__(self, community_key: str, local_zone: ZoneInfo | None = None) -> None:
        self.community_key = community_key
        self.local_zone = local_zone
        self.members: set[str] = set()
        self.minute: datetime | None = None
        self.minute_keys: dict[str, int] = {}

    def utc(self, ts: datetime) -> datetime:
        """The UTC instant of a header's wall-clock time (read as UTC by the parser)."""
        if self.local_zone is None:
            return ts
        return ts.replace(tzinfo=self.local_zone).astimezone(UTC)

    def message_key(self, ts: datetime, author: str, text: str) -> str:
        if ts != self.minute:
            self.minute = ts
            self.minute_keys = {}
        digest = hashlib.blake2b(
            f"{ts.isoformat()}\x1f{author}\x1f{text}".encode(), digest_size=10
        ).hexdigest()
        seen = self.minute_keys.get(digest, 0)
        self.minute_keys[digest] = seen + 1
        return digest if seen == 0 else f"{digest}-{seen}"


def _records(
    path: Path,
    title: str,
    lines: Iterator[str],
    layout: Layout,
    local_zone: ZoneInfo | None = None,
) -> Iterator[Record]:
    key = title
    yield Community(key, name, title)
    yield Channel(key, key, title, "group")
    state = _ChatState(key, local_zone)
    pending: _Pending | None = None
    dated = 0  # headers whose date fits the layout
    first_undated: tuple[int, str] | None = None
    for line_no, line in enumerate(lines, start=1):
        found = HEADER.match(line)
        if found is None:
            if pending is not None:
                pending.parts.append(line)
                pending.size += len(line)
                if pending.size > _MAX_MESSAGE_CHARS:
                    raise InputError(
                        path,
                        f"line {pending.line_no}",
                        "a message runs past 4 MB; not a WhatsApp text export.",
                    )
            elif line.strip():
                yield Quarantined(
                    f"line {line_no}",
                    "text before the first dated line.",
                    line[:_MAX_RAW],
                )
            continue
        try:
            ts = header_timestamp(found, layout)
        except ValueError as exc:
            if pending is not None:
                yield from _finish(pending, state)
                pending = None
            if first_undated is None:
                first_undated = (line_no, str(exc))
            yield Quarantined(
                f"line {line_no}",
                f"date does not fit the file's layout ({layout.describe()}): {exc}.",
                line[:_MAX_RAW],
            )
            continue
        dated += 1
        if pending is not None:
            yield from _finish(pending, state)
        rest = line[found.end() :]
        author_match = _AUTHOR.match(rest)
        if author_match and '"' not in author_match.group(1):
            author = invisible_free(author_match.group(1)).strip()
            pending = _Pending(line_no, ts, author, [rest[author_match.end() :]])
        else:
            pending = _Pending(line_no, ts, None, [rest])
    if pending is not None:
        yield from _finish(pending, state)
    if dated == 0 and first_undated is not None:
        # Every header failed: the file's dates are in no layout tribu knows.
        line_no, reason = first_undated
        raise InputError(
            path, f"line {line_no}", f"dates in no known WhatsApp layout ({reason})."
        )


def _finish(pending: _Pending, state: _ChatState) -> Iterator[Record]:
    """Turn an assembled line into its records."""
    text = "\n".join(pending.parts).rstrip("\n")
    community = state.community_key
    if pending.author is None or is_encryption_notice(text):
        yield from _system(pending, text, state)
        return
    if text.startswith("\u200e") and not is_media_placeholder(text):
        # iOS writes system lines under the group's name, their text opening with U+200E.
        meaning = system_line(text)
        if meaning.kind != "service":
            yield from _system(pending, text, state)
            return
    author = pending.author
    if not author:
        yield Quarantined(
            f"line {pending.line_no}", "message without an author.", text[:_MAX_RAW]
        )
        return
    if author not in state.members:
        state.members.add(author)
        yield Member(community, author, author)
    attachments = 0
    if is_media_placeholder(text):
        attachments = 1
        text = ""
    message = Message(
        community,
        community,
        state.message_key(pending.ts, author, text),
        author,
        state.utc(pending.ts),
        invisible_free(text),
        author_name=author,
        attachment_count=attachments,
    )
    poll = whatsapp_poll(message, message.text) if "OPTION" in text else None
    yield message
    if poll is not None:
        yield poll


def _system(pending: _Pending, text: str, state: _ChatState) -> Iterator[Record]:
    community = state.community_key
    meaning = system_line(text)
    ts = state.utc(pending.ts)
    for person in meaning.joined:
        yield MemberEvent(community, person, "join", ts, member_name=person)
    for person in meaning.left:
        yield MemberEvent(community, person, "leave", ts, member_name=person)
    if not meaning.joined and not meaning.left:
        yield SystemNotice(community, community, meaning.kind, ts, invisible_free(text))
