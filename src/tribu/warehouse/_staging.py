"""Buffer connector records into columnar batches and write them to staging Parquet files.

Why staging files rather than inserting straight into the warehouse: a run is one DuckDB
transaction, and DuckDB keeps a transaction's many small appends in memory until commit, so
memory would grow with the file. Instead, records are buffered (at most ``batch_rows`` of a
kind at a time), turned into a :mod:`pyarrow` table with a few list comprehensions per batch
(not per record), and appended to one Parquet file per record kind in a scratch folder. The
merge (:mod:`tribu.warehouse._merge`) then reads those files in one bulk, spill-able SQL
statement per table. Memory is flat in file size: one batch, plus one cache entry per member.

Canonical ids of communities and people are made here (people need the HMAC of
:mod:`tribu.warehouse._people`); message, channel, reply and thread ids are concatenated in SQL at
merge, from the raw keys staged here.

Records are checked by batch, at no cost to the common case: a batch that breaks a limit of
:mod:`tribu.warehouse._field_limits` is written again record by record, and the records that
still fail are quarantined with the reason. A community or channel id past its limit stops the
file (:class:`~tribu.errors.InputError`): every row of the file would carry it.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from tribu.connectors._records import (
    Channel,
    Community,
    Member,
    MemberEvent,
    Message,
    Poll,
    Quarantined,
    Reaction,
    SystemNotice,
)
from tribu.errors import InputError
from tribu.warehouse._field_limits import (
    MAX_FIELD_BYTES,
    STAGE_FAULTS,
    FieldTooLong,
    check_sizes,
    too_long,
)
from tribu.warehouse._people import People
from tribu.warehouse._stage_schemas import STAGE_SCHEMAS
from tribu.warehouse._stage_schemas import STR as _STR
from tribu.warehouse._stage_schemas import TS as _TS

__all__ = [
    "BATCH_ROWS",
    "STAGE_SCHEMAS",
    "FileCounts",
    "Stage",
]

BATCH_ROWS = 50_000
RAW_LIMIT = 4096  # characters of a quarantined record kept
PROGRESS_EVERY = 0x3FFF  # report progress every 16,384 records


@dataclass
class FileCounts:
    """What one file yielded: records read, quarantined, and the communities it fed."""

    records: int = 0
    quarantined: int = 0
    communities: set[str] = field(default_factory=set)


def _micros(values: list[datetime]) -> pa.Array:
    """UTC datetimes -> timestamp array; ``datetime.timestamp`` is the fastest route."""
    seconds = np.fromiter((v.timestamp() for v in values), np.float64, len(values))
    return pa.array(np.rint(seconds * 1e6).astype(np.int64), _TS)


class Stage:
    """Staging Parquet files of one ingest run, and the run's in-memory small tables.

    Parameters
    ----------
    directory
        A scratch folder, removed by the caller after the merge.
    people
        Makes member ids and pseudonyms.
    batch_rows
        Records of one kind buffered before they are written.
    """

    def __init__(self, directory: Path, people: People, batch_rows: int = BATCH_ROWS):
        self.directory = directory
        self.people = people
        self.batch_rows = batch_rows
        self.writers = {
            kind: pq.ParquetWriter(directory / f"{kind}.parquet", schema)
            for kind, schema in STAGE_SCHEMAS.items()
        }
        # community_id -> (platform, name, source file)
        self.communities: dict[str, tuple[str, str, str]] = {}
        # channel_id -> (community_id, name, kind, parent_channel_id)
        self.channels: dict[str, tuple[str, str, str, str | None]] = {}
        self._staged: dict[str, set[str]] = {}  # community_id -> member keys with a row
        self._members: list[tuple[Any, ...]] = []
        self._seq = 0
        self._file_no = 0
        self._platform = ""
        self._source = ""
        self._cids: dict[str, str] = {}  # community_key -> community_id, per file
        self._counts = FileCounts()
        self._buffers: dict[type, list[Any]] = {}
        self.extra_directories: list[
            Path
        ] = []  # shards' folders (tribu.warehouse._shards)

    # -- records in ------------------------------------------------------------------

    def consume(
        self,
        records: Iterable[Any],
        *,
        file_no: int,
        platform: str,
        source: str,
        on_progress: Callable[[int], None] | None = None,
    ) -> FileCounts:
        """Stage every record of one file; return what it held."""
        self._file_no, self._platform, self._source = file_no, platform, source
        self._cids = {}
        self._counts = counts = FileCounts()
        buffers = self._buffers = {
            kind: []
            for kind in (
                Message,
                Reaction,
                MemberEvent,
                SystemNotice,
                Poll,
                Quarantined,
            )
        }
        messages, limit = buffers[Message], self.batch_rows
        flushers = {
            Message: self._flush_messages,
            Reaction: self._flush_reactions,
            MemberEvent: self._flush_events,
            SystemNotice: self._flush_notices,
            Poll: self._flush_polls,
            Quarantined: self._flush_quarantine,
        }
        n = 0
        # Records hold no reference cycles; the cyclic collector would mostly rescan the
        # growing buffers (about 7% of the time). Young garbage is collected at each batch;
        # the collector is back on when the file is read.
        collecting = gc.isenabled()
        gc.disable()
        try:
            for record in records:
                n += 1
                kind = type(record)
                if kind is Message:
                    messages.append(record)
                    if len(messages) >= limit:
                        self._flush_messages()
                        if collecting:
                            gc.collect(1)  # young garbage only: cheap, and bounded
                elif kind in buffers:
                    buffer = buffers[kind]
                    buffer.append(record)
                    if len(buffer) >= limit:
                        flushers[kind]()
                elif kind is Member:
                    self._add_safely(self._add_member, record)
                elif kind is Channel:
                    self._add_safely(self._add_channel, record)
                elif kind is Community:
                    self._add_safely(self._add_community, record)
                else:
                    raise TypeError(
                        f"a connector yielded {kind.__name__}, not a record"
                    )
                if on_progress is not None and not n & PROGRESS_EVERY:
                    on_progress(n)
        finally:
            if collecting:
                gc.enable()
        # Messages first: reactions and events may name their authors.
        for flush in flushers.values():
            flush()
        self._flush_members()
        self._flush_quarantine()  # members that could not be stored, if any
        counts.records = n
        if on_progress is not None:
            on_progress(n)
        return counts

    def close(self) -> None:
        """Write what is left and close the staging files."""
        self._flush_members()
        if Quarantined in self._buffers:
            self._flush_quarantine()
        for writer in self.writers.values():
            writer.close()

    # -- small tables, kept in memory -----------------------------------------------

    def _add_safely(self, add: Callable[[Any], None], record: Any) -> None:
        try:
            add(record)
        except STAGE_FAULTS as exc:
            self._quarantine_record(record, exc)

    def _quarantine_record(self, record: Any, exc: Exception) -> None:
        """Quarantine a record the warehouse cannot store, with the reason."""
        key = next(
            (
                getattr(record, name)
                for name in ("message_key", "member_key", "channel_key")
                if isinstance(getattr(record, name, None), str)
            ),
            "?",
        )
        what = type(record).__name__.lower()
        self._quarantine_now(
            f"{what} {key[:200]!r}",
            f"the {what} cannot be stored ({type(exc).__name__}: {exc}); "
            "it was left out.",
            repr(record)[:RAW_LIMIT],
        )

    def _check_key(self, what: str, key: str) -> None:
        """Stop the file on a community or channel id past the limit (every row holds it)."""
        if not isinstance(key, str):
            raise InputError(self._source, None, f"a {what} id is not text: {key!r}.")
        if too_long(key):
            raise InputError(
                self._source,
                None,
                f"a {what} id is {len(key)} characters long, past the limit of "
                f"{MAX_FIELD_BYTES} bytes; the export is damaged.",
            )

    def community_id(self, community_key: str) -> str:
        """Canonical id of a community key of the current file (made on first sight)."""
        found = self._cids.get(community_key)
        if found is None:
            self._check_key("community", community_key)
            found = f"{self._platform}:{community_key}"
            self._cids[community_key] = found
            if found not in self.communities:
                self.communities[found] = (self._platform, community_key, self._source)
                self.people.set_community_name(found, community_key)
            self._counts.communities.add(found)
        return found

    def _add_community(self, record: Community) -> None:
        self._check_key("community", record.community_key)
        platform = record.platform or self._platform
        cid = f"{platform}:{record.community_key}"
        self._cids[record.community_key] = cid
        self.communities[cid] = (platform, record.name, self._source)
        self.people.set_community_name(cid, record.name)
        self._counts.communities.add(cid)

    def _add_channel(self, record: Channel) -> None:
        cid = self.community_id(record.community_key)
        self._check_key("channel", record.channel_key)
        parent = (
            f"{cid}/{record.parent_channel_key}" if record.parent_channel_key else None
        )
        self.channels[f"{cid}/{record.channel_key}"] = (
            cid,
            record.name,
            record.kind,
            parent,
        )

    def _add_member(self, record: Member) -> None:
        cid = self.community_id(record.community_key)
        member_id = self._stage_member(
            cid,
            record.member_key,
            record.display_name,
            is_bot=record.is_bot,
            roles=list(record.roles),
            joined_at=record.joined_at,
            from_record=True,
        )
        self.people.note_contact(member_id, record.email, record.phone)

    def _stage_member(
        self,
        cid: str,
        member_key: str,
        raw_name: str | None,
        *,
        is_bot: bool = False,
        roles: list[str] | None = None,
        joined_at: datetime | None = None,
        from_record: bool = False,
    ) -> str:
        if not isinstance(member_key, str):
            raise TypeError(f"a member key is not text: {member_key!r:.100}")
        if too_long(member_key):
            raise FieldTooLong(
                f"a member key is {len(member_key)} characters long, past the "
                f"limit of {MAX_FIELD_BYTES} bytes"
            )
        person = self.people.person(cid, member_key, raw_name)
        self._staged.setdefault(cid, set()).add(member_key)
        self._seq += 1
        self._members.append(
            (
                self._seq,
                person.member_id,
                cid,
                person.display_name,
                person.is_brand,
                is_bot,
                roles,
                joined_at,
                from_record,
            )
        )
        if len(self._members) >= self.batch_rows:
            self._flush_members()
        return person.member_id

    def _member_id(self, cid: str, member_key: str, raw_name: str | None) -> str:
        """Id of a member met in an event or reaction, staging a row on first sight."""
        if member_key in self._staged.get(cid, ()):
            member_id = self.people.member_id(cid, member_key)
            if (
                raw_name
            ):  # first met without a name (a reaction): keep it for identity keys
                known = self.people.traits.get(member_id)
                if known is None or not known[1]:
                    self.people.note_name(member_id, member_key, raw_name)
            return member_id
        return self._stage_member(cid, member_key, raw_name)

    # -- batches out ------------------------------------------------------------------

    def _write(self, kind: str, columns: dict[str, Any]) -> None:
        table = pa.table(columns, schema=STAGE_SCHEMAS[kind])
        check_sizes(table)
        self.writers[kind].write_table(table)

    def _flush(self, kind: type, write: Callable[[list[Any]], None]) -> None:
        """Write a buffer's batch; on a bad field, record by record, quarantining the bad."""
        batch = self._take(kind)
        if not batch:
            return
        try:
            write(batch)
        except STAGE_FAULTS:
            for record in batch:
                try:
                    write([record])
                except STAGE_FAULTS as exc:
                    self._quarantine_record(record, exc)

    def _take(self, kind: type) -> list[Any]:
        """Empty a buffer in place (the read loop holds a reference to it)."""
        buffer = self._buffers[kind]
        batch = buffer[:]
        buffer.clear()
        return batch

    def _flush_messages(self) -> None:
        buffer = self._buffers[Message]
        if any(not isinstance(m.ts, datetime) for m in buffer):
            for m in buffer:
                if not isinstance(m.ts, datetime):
                    self._quarantine_now(
                        f"message {m.message_key!r}", "message without a timestamp"
                    )
            buffer[:] = [m for m in buffer if isinstance(m.ts, datetime)]
        self._flush(Message, self._write_messages)

    def _write_messages(self, batch: list[Message]) -> None:
        n = len(batch)
        keys = [m.community_key for m in batch]
        distinct = set(keys)
        people = self.people
        if len(distinct) == 1:
            cid = self.community_id(keys[0])
            community_ids: Any = pa.array([cid] * n, _STR)
            cids = None
            authors = [m.author_key for m in batch]
            staged = self._staged.setdefault(cid, set())
            new = set(authors).difference(staged)
            if new:
                for m in batch:
                    if m.author_key in new:
                        new.discard(m.author_key)
                        self._stage_member(
                            cid, m.author_key, m.author_name, is_bot=m.author_is_bot
                        )
            cache = people.community_ids(cid)
            author_ids = [cache[a] for a in authors]
        else:
            cids = [self.community_id(k) for k in keys]
            community_ids = cids
            author_ids = []
            for cid, m in zip(cids, batch, strict=True):
                if m.author_key not in self._staged.get(cid, ()):
                    self._stage_member(
                        cid, m.author_key, m.author_name, is_bot=m.author_is_bot
                    )
                author_ids.append(people.member_id(cid, m.author_key))
        mention_keys = [m.mention_keys for m in batch]
        mentions: list[Any] | None = None
        if any(mention_keys):
            mentions = [
                [people.member_id(cids[i] if cids else cid, k) for k in keys_]
                if keys_
                else None
                for i, keys_ in enumerate(mention_keys)
            ]
        start = self._seq + 1
        self._seq += n
        self._write(
            "messages",
            {
                "seq": pa.array(np.arange(start, start + n, dtype=np.int64)),
                "file_no": pa.array(np.full(n, self._file_no, dtype=np.int32)),
                "community_id": community_ids,
                "channel_key": [m.channel_key for m in batch],
                "message_key": [m.message_key for m in batch],
                "author_id": author_ids,
                "ts": _micros([m.ts for m in batch]),
                "text": [m.text for m in batch],
                "reply_to_key": [m.reply_to_key for m in batch],
                "thread_key": [m.thread_key for m in batch],
                "reaction_count": [m.reaction_count for m in batch],
                "attachment_count": [m.attachment_count for m in batch],
                "mentions": mentions
                if mentions is not None
                else pa.nulls(n, pa.list_(_STR)),
                "edited_at": pa.array([m.edited_at for m in batch], _TS),
            },
        )

    def _flush_reactions(self) -> None:
        self._flush(Reaction, self._write_reactions)

    def _write_reactions(self, batch: list[Reaction]) -> None:
        cids = [self.community_id(r.community_key) for r in batch]
        member_ids = [
            None if r.member_key is None else self._member_id(cid, r.member_key, None)
            for cid, r in zip(cids, batch, strict=True)
        ]
        self._write(
            "reactions",
            {
                "file_no": [self._file_no] * len(batch),
                "community_id": cids,
                "message_key": [r.message_key for r in batch],
                "member_id": member_ids,
                "emoji": [r.emoji for r in batch],
                "count": [r.count for r in batch],
                "ts": pa.array([r.ts for r in batch], _TS),
            },
        )

    def _flush_events(self) -> None:
        self._flush(MemberEvent, self._write_events)

    def _write_events(self, batch: list[MemberEvent]) -> None:
        cids = [self.community_id(e.community_key) for e in batch]
        self._write(
            "member_events",
            {
                "member_id": [
                    self._member_id(cid, e.member_key, e.member_name)
                    for cid, e in zip(cids, batch, strict=True)
                ],
                "community_id": cids,
                "kind": [e.kind for e in batch],
                "ts": pa.array([e.ts for e in batch], _TS),
                "detail": [e.detail for e in batch],
            },
        )

    def _flush_notices(self) -> None:
        self._flush(SystemNotice, self._write_notices)

    def _write_notices(self, batch: list[SystemNotice]) -> None:
        self._write(
            "system_notices",
            {
                "community_id": [self.community_id(s.community_key) for s in batch],
                "channel_key": [s.channel_key for s in batch],
                "kind": [s.kind for s in batch],
                "ts": pa.array([s.ts for s in batch], _TS),
                "text": [s.text for s in batch],
            },
        )

    def _flush_polls(self) -> None:
        self._flush(Poll, self._write_polls)

    def _write_polls(self, batch: list[Poll]) -> None:
        """Stage polls, their options and their named voters (pseudonymised here)."""
        polls: dict[str, list[Any]] = {n: [] for n in STAGE_SCHEMAS["polls"].names}
        options: dict[str, list[Any]] = {
            n: [] for n in STAGE_SCHEMAS["poll_options"].names
        }
        votes: dict[str, list[Any]] = {n: [] for n in STAGE_SCHEMAS["poll_votes"].names}
        for poll in batch:
            cid = self.community_id(poll.community_key)
            self._seq += 1
            seq = self._seq
            author = (
                None
                if poll.author_key is None
                else self._member_id(cid, poll.author_key, None)
            )
            for name, value in (
                ("seq", seq),
                ("file_no", self._file_no),
                ("community_id", cid),
                ("channel_key", poll.channel_key),
                ("message_key", poll.message_key),
                ("author_id", author),
                ("question", poll.question),
                ("total_voters", poll.total_voters),
                ("multiple", bool(poll.multiple)),
                ("closed", poll.closed),
                ("ends_at", poll.ends_at),
                ("source", poll.source or self._platform),
            ):
                polls[name].append(value)
            for position, option in enumerate(poll.options, start=1):
                for name, value in (
                    ("seq", seq),
                    ("community_id", cid),
                    ("message_key", poll.message_key),
                    ("position", position),
                    ("text", option.text),
                    ("votes", option.votes),
                ):
                    options[name].append(value)
                for key in option.voter_keys:
                    for name, value in (
                        ("seq", seq),
                        ("community_id", cid),
                        ("message_key", poll.message_key),
                        ("position", position),
                        ("member_id", self._member_id(cid, key, None)),
                    ):
                        votes[name].append(value)
        polls["ends_at"] = pa.array(polls["ends_at"], _TS)
        tables = {
            kind: pa.table(columns, schema=STAGE_SCHEMAS[kind])
            for kind, columns in (
                ("polls", polls),
                ("poll_options", options),
                ("poll_votes", votes),
            )
        }
        for table in tables.values():  # all checked before any is written
            check_sizes(table)
        for kind, table in tables.items():
            self.writers[kind].write_table(table)

    def _quarantine_now(self, locator: str, reason: str, raw: str = "") -> None:
        self._buffers[Quarantined].append(Quarantined(locator, reason, raw))

    def _flush_quarantine(self) -> None:
        batch = self._take(Quarantined)
        if not batch:
            return
        self._counts.quarantined += len(batch)
        self._write(
            "quarantine",
            {
                "file_no": [self._file_no] * len(batch),
                "locator": [_clean(q.locator)[: MAX_FIELD_BYTES // 4] for q in batch],
                "reason": [_clean(q.reason)[: MAX_FIELD_BYTES // 4] for q in batch],
                "raw": [_clean(q.raw[:RAW_LIMIT]) if q.raw else q.raw for q in batch],
            },
        )

    def _flush_members(self) -> None:
        rows, self._members = self._members, []
        if not rows:
            return
        try:
            self._write_members(rows)
        except STAGE_FAULTS:
            # A bad name or role must not lose the person (messages point at them): the
            # row is written again with its name and roles made safe text.
            for row in rows:
                try:
                    self._write_members([row])
                except STAGE_FAULTS:
                    self._write_member_safely(row)

    def _write_member_safely(self, row: tuple[Any, ...]) -> None:
        """Write a member row with its name and roles made safe, else quarantine it."""
        seq, member_id, cid, name, brand, bot, roles, joined, rec = row
        safe_roles = [_clean(str(r))[:200] for r in roles or []][:50]
        try:
            self._write_members(
                [
                    (
                        seq,
                        member_id,
                        cid,
                        _clean(str(name))[:200] if name is not None else None,
                        bool(brand),
                        bool(bot),
                        safe_roles,
                        joined if isinstance(joined, datetime) else None,
                        bool(rec),
                    )
                ]
            )
        except STAGE_FAULTS as exc:
            self._quarantine_now(
                f"member {_clean(str(member_id))[:200]!r}",
                f"the member cannot be stored ({type(exc).__name__}: {exc}); "
                "it was left out.",
            )

    def _write_members(self, rows: list[tuple[Any, ...]]) -> None:
        names = STAGE_SCHEMAS["members"].names
        self._write(
            "members",
            {
                name: list(col)
                for name, col in zip(names, zip(*rows, strict=True), strict=True)
            },
        )


def _clean(text: str) -> str:
    """``text`` as valid UTF-8 (a lone surrogate escaped)."""
    if not isinstance(text, str):
        text = str(text)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
