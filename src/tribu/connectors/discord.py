"""Discord connector: DiscordChatExporter (DCE) JSON: one file per channel, a folder or a zip.

A DCE file holds one channel (or thread) of one guild::

    {"guild": {"id", "name"}, "channel": {"id", "type", "categoryId", "category", "name"},
     "dateRange": {...}, "messages": [{"id", "type", "timestamp", "timestampEdited",
     "content", "author": {"id", "name", "nickname", "isBot", "roles"?}, "attachments",
     "reactions": [{"emoji": {"name"}, "count", "users"?}], "mentions", "reference"?}, ...],
     "messageCount"}

What becomes what:

- the guild is the :class:`Community` (key = guild id; DCE files every direct message under the
  guild ``"0"``, "Direct Messages");
- the channel is a :class:`Channel`; a thread (``GuildPublicThread``, ``GuildPrivateThread``,
  ``GuildNewsThread``) is a channel of kind ``"thread"`` whose parent is its ``parentId`` or,
  in the DCE versions that write none, its ``categoryId`` (DCE files a thread under its parent
  channel there), and its messages carry ``thread_key`` = the thread's id;
- ``Default``, ``Reply`` and slash-command messages are :class:`Message`; ``GuildMemberJoin`` is a
  join :class:`MemberEvent`, ``RecipientAdd``/``RecipientRemove`` (group DMs) join/leave of the
  person added or removed; every other type (calls, pins, renames, icon changes, thread
  creation, boosts...) is a :class:`SystemNotice`, never a message;
- each author, mentioned person and reacting person is a :class:`Member` (display name =
  nickname, else name; roles by name when DCE exported them), yielded once per read;
- reactions: one :class:`Reaction` per reacting user (count 1) when DCE listed ``users``, plus
  one anonymous reaction for any count beyond the listed users; otherwise one anonymous
  reaction with the emoji's count;
- a message that cannot be read (no author, a bad timestamp...) is :class:`Quarantined` with
  its place (``messages[12]``); the rest of the file still loads. The same message id twice is
  yielded twice: the ingest keeps one.

Files are streamed with :mod:`tribu.connectors._json_stream` (the standard library's C JSON
scanner over a sliding buffer; ijson was measured slower, see that module), so memory stays
flat whatever the number of messages.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from tribu.connectors._archive import ZIP_FAULTS, SafeZip
from tribu.connectors._discord_messages import ChannelMessages
from tribu.connectors._files import safe_files
from tribu.connectors._json_stream import iter_object
from tribu.connectors._records import (
    RECORD_FAULTS,
    Channel,
    Community,
    Quarantined,
    Record,
)
from tribu.errors import InputError

__all__ = ["CHANNEL_KINDS", "detect", "name", "read"]

name = "discord"

CHANNEL_KINDS = {
    "GuildTextChat": "text",
    "GuildNews": "announcement",
    "GuildAnnouncement": "announcement",
    "GuildVoiceChat": "voice",
    "GuildStageVoice": "voice",
    "GuildForum": "forum",
    "GuildPublicThread": "thread",
    "GuildPrivateThread": "thread",
    "GuildNewsThread": "thread",
    "DirectTextChat": "dm",
    "DirectGroupTextChat": "group",
}
"""DCE ``channel.type`` to the canonical channel kind (others: the type, lower-cased)."""

_SNIFF_BYTES = 4096


def detect(path: Path) -> bool:
    """True when ``path`` is a DCE JSON file, or a folder or zip of them.

    A folder is claimed whole only when every JSON file in it (the first 100 looked at) is a
    DCE export, so a folder mixing platforms is left to per-file detection. Reads the first
    4 KiB of each file looked at.
    """
    path = Path(path)
    if path.is_dir():
        files = safe_files(path, "*.json")[:100]
        return bool(files) and all(_sniff(_FileSource(p)) for p in files)
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                names = [n for n in archive.namelist() if n.endswith(".json")][:20]
                return any(
                    _sniff_bytes(archive.open(n).read(_SNIFF_BYTES)) for n in names
                )
        except ZIP_FAULTS:
            return False
    return _sniff(_FileSource(path))


class _FileSource:
    """One DCE file on disk, opened as often as needed (through ``opener`` when given)."""

    def __init__(
        self, path: Path, opener: Callable[[], IO[bytes]] | None = None
    ) -> None:
        self.label = str(path)
        self._opener = opener

    def open(self) -> IO[bytes]:
        if self._opener is not None:
            return self._opener()
        return open(self.label, "rb")


class _ZipSource:
    """One DCE file inside a zip (read in memory through SafeZip)."""

    def __init__(self, archive: SafeZip, member: str) -> None:
        self._archive = archive
        self._member = member
        self.label = f"{archive.path}!{member}"

    def open(self) -> IO[bytes]:
        return self._archive.open(self._member)


_Source = _FileSource | _ZipSource


def _sniff(source: _Source) -> bool:
    try:
        with source.open() as fh:
            return _sniff_bytes(fh.read(_SNIFF_BYTES))
    except OSError:
        return False


def _sniff_bytes(head: bytes) -> bool:
    text = head.decode("utf-8", "ignore").lstrip("\ufeff \t\r\n")
    return text.startswith("{") and '"guild"' in text and '"channel"' in text


def read(path: Path, opener: Callable[[], IO[bytes]] | None = None) -> Iterator[Record]:
    """Yield the records of a DCE file, or of every DCE file in a folder or a zip.

    ``opener``, when given, opens the bytes to read in place of the file ``path`` (a
    parallel ingest reads a shard of a big file this way); errors still name ``path``.

    In a folder or zip, channels are read before threads, so a thread's parent channel is
    known first. Files that are not DCE exports (other JSON) are left out. A zip is read in
    memory through :class:`~tribu.connectors._archive.SafeZip` (path escapes refused).

    Raises
    ------
    InputError
        A file is empty, not JSON, truncated or not a DCE export; a folder or zip holds
        none; a zip is unsafe.
    """
    path = Path(path)
    if opener is not None:
        yield from _read_file(_FileSource(path, opener), _ReadState())
        return
    archive: SafeZip | None = None
    try:
        if path.is_dir():
            sources: list[_Source] = [
                _FileSource(p) for p in safe_files(path, "*.json")
            ]
        elif zipfile.is_zipfile(path):
            archive = SafeZip(path)
            sources = [
                _ZipSource(archive, n)
                for n in sorted(archive.names())
                if n.endswith(".json")
            ]
        else:
            sources = [_FileSource(path)]
        if path.is_dir() or archive is not None:
            sources = [s for s in sources if _sniff(s)]
            if not sources:
                raise InputError(
                    path,
                    None,
                    "holds no DiscordChatExporter JSON file (export as JSON).",
                )
            threads = {s.label: _is_thread(_header(s)[1]) for s in sources}
            sources.sort(key=lambda s: threads[s.label])
        state = _ReadState()
        for source in sources:
            yield from _read_file(source, state)
    finally:
        if archive is not None:
            archive.close()


class _ReadState:
    """What one ``read`` has yielded already (communities, channels, members)."""

    def __init__(self) -> None:
        self.communities: set[str] = set()
        self.channels: set[tuple[str, str]] = set()
        self.members: dict[str, set[str]] = {}  # community key -> member keys


def _header(source: _Source) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``guild`` and ``channel`` objects of a file (read past ``messages`` if needed)."""
    guild: Any = None
    channel: Any = None
    with source.open() as fh:
        for key, value in iter_object(fh, source.label, {"messages"}):
            if key == "guild":
                guild = value
            elif key == "channel":
                channel = value
            if guild is not None and channel is not None:
                break
    for what, value in (("guild", guild), ("channel", channel)):
        if not isinstance(value, dict) or not isinstance(value.get("id"), str | int):
            raise InputError(
                source.label,
                what,
                f"is not a DiscordChatExporter export: '{what}' with an 'id' is missing; "
                "export the channel again as JSON.",
            )
    return guild, channel


def _is_thread(channel: dict[str, Any]) -> bool:
    return CHANNEL_KINDS.get(str(channel.get("type"))) == "thread"


def _read_file(source: _Source, state: _ReadState) -> Iterator[Record]:
    guild, channel = _header(source)
    community_key = str(guild["id"])
    channel_key = str(channel["id"])
    thread = _is_thread(channel)
    if community_key not in state.communities:
        state.communities.add(community_key)
        yield Community(community_key, name, str(guild.get("name") or community_key))
    parent_key = None
    if thread:
        parent = channel.get("parentId") or channel.get("categoryId")
        parent_key = str(parent) if parent else None
        if parent_key and (community_key, parent_key) not in state.channels:
            state.channels.add((community_key, parent_key))
            yield Channel(
                community_key, parent_key, str(channel.get("category") or parent_key)
            )
    state.channels.add((community_key, channel_key))
    kind_name = str(channel.get("type"))
    yield Channel(
        community_key,
        channel_key,
        str(channel.get("name") or channel_key),
        CHANNEL_KINDS.get(kind_name, kind_name.lower()),
        parent_key,
    )
    context = ChannelMessages(
        community_key,
        channel_key,
        channel_key if thread else None,
        state.members.setdefault(community_key, set()),
    )
    with source.open() as fh:
        for key, value in iter_object(fh, source.label, {"messages"}):
            if key == "messages":
                for index, raw in value:
                    try:
                        records = context.records(raw)
                    except RECORD_FAULTS as exc:
                        yield Quarantined.from_error(
                            f"messages[{index}]", exc, raw, what="message"
                        )
                        continue
                    yield from records
