"""Slack connector: a workspace export, as the ``.zip`` Slack gives or the folder it unpacks to.

An export holds ``users.json``, ``channels.json`` (public channels), optionally ``groups.json``
(private channels), ``mpims.json`` (group DMs) and ``dms.json``, and one folder per channel
(named after the channel, or after the DM's id) with one file per day, ``<YYYY-MM-DD>.json``,
each a list of messages. The zip is read member by member in memory through
:class:`tribu.connectors._archive.SafeZip` (path escapes and zip bombs are refused); nothing is
unpacked to disk.

What becomes what:

- the workspace is the :class:`Community`: key = the ``team_id`` of the users (else the export's
  file name), name = the export's file name (Slack writes no workspace name);
- each channel is a :class:`Channel` of kind ``text`` (public), ``private``, ``group`` (group
  DM) or ``dm``; a folder no listing describes is still read, as a ``text`` channel;
- each user is a :class:`Member` (display name, else real name, else handle; ``is_bot``;
  roles ``owner``/``admin`` from the flags); a bot that posts without a user (``bot_id``) is
  a bot Member keyed by its ``bot_id``;
- a message's key is ``"<channel id>:<ts>"`` (Slack's ``ts`` is unique only per channel);
  replies in a thread (``thread_ts`` ≠ ``ts``) reply to the thread's root and carry
  ``thread_key`` = the root's key (the root carries it too); ``edited.ts`` is the edit time;
  ``files`` (and the old single ``file``) count as attachments (not the file an old
  ``file_comment`` comments on); ``<@U123>`` are mentions;
  Slack's ``&lt;``, ``&gt;``, ``&amp;`` escapes are undone in the text;
- reactions: one :class:`Reaction` per listed user (count 1), and one anonymous reaction for
  the rest when ``count`` is larger than the list (Slack truncates long lists);
- ``channel_join``/``group_join`` and ``channel_leave``/``group_leave`` are join/leave
  :class:`MemberEvent`; topic, purpose, rename, pins, archive, integrations added and deleted
  thread roots (``tombstone``) are :class:`SystemNotice`; so is any subtype tribu does not
  know, rather than being counted as a message.

An unreadable message is :class:`Quarantined` as ``"<folder>/<day>.json: [i]"``; a day file
that is not valid JSON is quarantined whole (its locator is the file) and the others still
load. A broken ``users.json`` or ``channels.json`` (the export's index) stops the read with an
:class:`~tribu.errors.InputError`.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

from tribu.connectors._archive import ZIP_FAULTS, SafeZip
from tribu.connectors._json_stream import iter_array, load
from tribu.connectors._records import (
    RECORD_FAULTS,
    Channel,
    Community,
    Member,
    Quarantined,
    Record,
)
from tribu.connectors._slack_messages import ReadState, message_records
from tribu.errors import InputError

__all__ = ["detect", "name", "read"]

name = "slack"

_LISTINGS = (
    ("channels.json", "text"),
    ("groups.json", "private"),
    ("mpims.json", "group"),
    ("dms.json", "dm"),
)
_DAY_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")


def detect(path: Path) -> bool:
    """True when ``path`` is a Slack export: a zip with ``channels.json`` or ``users.json``
    (at its top or one folder down), or a folder with one at its top, next to channel
    folders of day files.

    Reads a zip's central directory only, or a folder's listing.
    """
    path = Path(path)
    try:
        if path.is_dir():
            if not (
                (path / "channels.json").is_file() or (path / "users.json").is_file()
            ):
                return False  # a folder holding an export is not the export
            names = [p.relative_to(path).as_posix() for p in _walk(path, depth=2)]
        elif zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        else:
            return False
    except ZIP_FAULTS:
        return False
    return _root_prefix(names) is not None and any(
        _DAY_FILE.match(PurePosixPath(n).name) for n in names
    )


def _walk(folder: Path, depth: int) -> Iterator[Path]:
    """Files up to ``depth`` folders down; symbolic links are never followed nor read."""
    for entry in sorted(folder.iterdir()):
        if entry.is_symlink():
            continue
        if entry.is_dir() and depth > 1:
            yield from _walk(entry, depth - 1)
        elif entry.is_file():
            yield entry


def _root_prefix(names: list[str]) -> str | None:
    """The folder (``""`` or ``"export/"``) holding ``channels.json``/``users.json``."""
    best: str | None = None
    for member in names:
        pure = PurePosixPath(member)
        if pure.name in ("channels.json", "users.json") and len(pure.parts) <= 2:
            prefix = "" if len(pure.parts) == 1 else pure.parts[0] + "/"
            if best is None or len(prefix) < len(best):
                best = prefix
    return best


class _Files:
    """The files of an export, from a zip (in memory, checked) or a folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: SafeZip | None = None
        if path.is_dir():
            self.names = [p.relative_to(path).as_posix() for p in _walk(path, depth=4)]
        else:
            self._zip = SafeZip(path)
            self.names = self._zip.names()

    def open(self, member: str) -> IO[bytes]:
        if self._zip is not None:
            return self._zip.open(member)
        # O_NOFOLLOW: should a file become a link after the listing, it is still not read.
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
        return os.fdopen(os.open(self.path / member, flags), "rb")

    def label(self, member: str) -> str:
        return (
            f"{self.path}!{member}"
            if self._zip is not None
            else str(self.path / member)
        )

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


def read(path: Path) -> Iterator[Record]:
    """Yield the records of a Slack workspace export (zip or folder).

    Raises
    ------
    InputError
        The zip is unreadable or unsafe, the export has no ``users.json``/``channels.json``,
        or one of the listings is not valid JSON.
    """
    path = Path(path)
    files = _Files(path)
    try:
        yield from _read_export(path, files)
    finally:
        files.close()


def _read_export(path: Path, files: _Files) -> Iterator[Record]:
    prefix = _root_prefix(files.names)
    if prefix is None:
        raise InputError(
            path,
            None,
            "is not a Slack workspace export: no channels.json or users.json found; "
            "give the export zip as Slack delivered it.",
        )
    present = set(files.names)
    users = (
        _users(files, prefix + "users.json") if prefix + "users.json" in present else []
    )
    team = next(
        (u["team_id"] for u in users if isinstance(u, dict) and u.get("team_id")), None
    )
    community_key = str(team or path.stem)
    yield Community(community_key, name, path.stem)
    bots: set[str] = set()
    for index, user in enumerate(users):
        try:
            member = _member(community_key, user)
        except RECORD_FAULTS as exc:
            yield Quarantined.from_error(f"users.json[{index}]", exc, user)
            continue
        if member.is_bot:
            bots.add(member.member_key)
        yield member
    folders: dict[str, tuple[str, str, str]] = {}  # folder -> (channel key, name, kind)
    for listing, kind in _LISTINGS:
        if prefix + listing not in present:
            continue
        with files.open(prefix + listing) as fh:
            entries = load(fh, files.label(prefix + listing))
        for entry in entries if isinstance(entries, list) else ():
            if isinstance(entry, dict) and entry.get("id"):
                key = str(entry["id"])
                label = str(entry.get("name") or key)
                folders[label] = (key, label, kind)
                folders.setdefault(key, (key, label, kind))
    days: dict[str, list[str]] = {}
    for member_path in files.names:
        pure = PurePosixPath(member_path[len(prefix) :])
        if (
            member_path.startswith(prefix)
            and len(pure.parts) == 2
            and _DAY_FILE.match(pure.name)
        ):
            days.setdefault(pure.parts[0], []).append(member_path)
    state = ReadState(community_key, bots)
    for folder in sorted(days):
        channel_key, channel_name, kind = folders.get(folder, (folder, folder, "text"))
        yield Channel(community_key, channel_key, channel_name, kind)
        for day_path in sorted(days[folder]):
            yield from _read_day(
                files,
                day_path,
                f"{folder}/{PurePosixPath(day_path).name}",
                channel_key,
                state,
            )


def _users(files: _Files, member: str) -> list[dict[str, Any]]:
    with files.open(member) as fh:
        return [user for _, user in iter_array(fh, files.label(member))]


def _member(community_key: str, user: dict[str, Any]) -> Member:
    profile = user.get("profile") or {}
    key = str(user["id"])
    roles = [role for role in ("owner", "admin") if user.get(f"is_{role}")]
    return Member(
        community_key,
        key,
        str(
            profile.get("display_name")
            or profile.get("real_name")
            or user.get("real_name")
            or user.get("name")
            or key
        ),
        bool(user.get("is_bot")) or key == "USLACKBOT",
        roles,
        email=str(profile["email"]) if profile.get("email") else None,
        phone=str(profile["phone"]) if profile.get("phone") else None,
    )


def _read_day(
    files: _Files, member: str, where: str, channel_key: str, state: ReadState
) -> Iterator[Record]:
    try:
        with files.open(member) as fh:
            entries = load(fh, files.label(member))
    except InputError as exc:
        if type(exc) is not InputError:
            raise  # an unsafe archive stops everything
        yield Quarantined(where, f"the day file cannot be read: {exc}", "")
        return
    if not isinstance(entries, list):
        yield Quarantined(where, "the day file is not a list of messages.", "")
        return
    for index, raw in enumerate(entries):
        try:
            records = message_records(raw, channel_key, state)
        except RECORD_FAULTS as exc:
            yield Quarantined.from_error(f"{where}: [{index}]", exc, raw)
            continue
        yield from records
