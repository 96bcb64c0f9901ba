"""Stage one big export on both cores: its ``messages`` array cut in two shards.

Reading a DiscordChatExporter file or a Telegram single-chat ``result.json`` is CPU work in
Python (JSON decoding, records, Arrow batches), so a single big file would use one core. Both
exporters write indented JSON: each element of the top-level ``messages`` array closes on a
line holding only its indentation and ``}``, followed by ``,`` and the next element's ``{``
(JSON strings cannot hold a raw newline, nested values are indented deeper). :func:`plan_split`
finds such a boundary near the middle of the file; the first shard (header + first half +
``]}``) is staged here while a worker process (multiprocessing, ``spawn``: the parent holds
DuckDB threads) stages the second (header + second half) into its own folder, with the
warehouse's secret to pseudonymise. Each shard is read by the connector itself, through an
``opener`` that splices byte ranges of the file, so records are exactly those of a plain read.

What makes the result equal to a sequential read:

- the worker's sequence numbers start past the first shard's, so "the later copy wins";
- a person is staged once per read, at first sight: the worker's member rows for people the
  first shard already staged are dropped (the first shard saw them first);
- the header records (community, channel) read again by the worker are not counted twice;
- anything unusual hands the file back to the sequential path, which then gives the exact
  result or error: an exception on either side, or a record the worker had to quarantine (its
  place, ``messages[i]``, would be counted from the shard's start).

Nothing here writes to the warehouse: shards are staging files, merged in the run's
transaction like any other.

The worker dies with its parent: should ``tribu ingest`` be killed (``kill -9``, the OOM
killer), the kernel kills the worker too (Linux ``prctl(PR_SET_PDEATHSIG, SIGKILL)``, set in
the worker's initializer), and elsewhere a watchdog thread in the worker exits when its parent
is gone. No orphan is left waiting on a pipe.
"""

from __future__ import annotations

import concurrent.futures as cf
import ctypes
import io
import multiprocessing as mp
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from tribu.config import TribuConfig
from tribu.connectors._records import Quarantined, Record
from tribu.warehouse._people import People
from tribu.warehouse._staging import FileCounts, Stage

__all__ = [
    "SHARD_MIN_BYTES",
    "ShardWorker",
    "Split",
    "die_with_parent",
    "plan_split",
    "stage_in_shards",
]

SHARD_MIN_BYTES = 64 << 20
"""Files smaller than this are read by one process (a worker costs about a second to start)."""

_HEAD_BYTES = 1 << 16  # the top-level "messages" key must start within this
_MARKERS = {"discord": b"\n  ", "telegram": b"\n "}  # top-level key indentation


@dataclass(frozen=True)
class Split:
    """Byte ranges of one file: ``[0, head_end)`` is everything up to the array's ``[``;
    the first shard's elements end at ``first_end``, the second's start at ``second_start``."""

    path: Path
    platform: str
    head_end: int
    first_end: int
    second_start: int
    size: int
    closing: bytes  # what closes the first shard's array and object


def plan_split(path: Path, platform: str, min_bytes: int | None = None) -> Split | None:
    """Where to cut ``path`` in two, or None when it is not a big indented single-array file.

    ``min_bytes`` defaults to :data:`SHARD_MIN_BYTES`.
    """
    indent = _MARKERS.get(platform)
    if indent is None or not path.is_file():
        return None
    size = path.stat().st_size
    if size < (SHARD_MIN_BYTES if min_bytes is None else min_bytes):
        return None
    with path.open("rb") as fh:
        head = fh.read(_HEAD_BYTES)
        key = head.find(indent + b'"messages": [')
        # Not a zip or anything else that merely holds the marker; no BOM (a text start).
        if key < 0 or not head.startswith(b"{"):
            return None
        head_end = key + len(indent) + len(b'"messages": [')
        element = indent + indent[1:]  # one level deeper
        boundary = element + b"},\n" + element[1:] + b"{"
        fh.seek(max(head_end, size // 2))
        window = fh.read(4 << 20)
    found = window.find(boundary)
    if found < 0:
        return None
    first_end = max(head_end, size // 2) + found + len(element) + 1
    return Split(
        path,
        platform,
        head_end,
        first_end,
        first_end + 1,  # past the ","
        size,
        indent + b"]" + b"\n}\n",
    )


class _Spliced(io.RawIOBase):
    """A read-only stream over byte ranges of a file and literal bytes, in order."""

    def __init__(self, path: Path, pieces: list[tuple[int, int] | bytes]) -> None:
        self._fh = path.open("rb")
        self._pieces = list(pieces)
        self._at = 0  # bytes served from the current piece

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        while self._pieces:
            piece = self._pieces[0]
            if isinstance(piece, bytes):
                data = piece[self._at : self._at + len(view)]
            else:
                start, end = piece
                self._fh.seek(start + self._at)
                data = self._fh.read(min(len(view), end - start - self._at))
            if data:
                view[: len(data)] = data
                self._at += len(data)
                return len(data)
            self._pieces.pop(0)
            self._at = 0
        return 0

    def close(self) -> None:
        self._fh.close()
        super().close()


def _opener(split: Split, shard: int) -> Callable[[], IO[bytes]]:
    if shard == 0:
        pieces: list[tuple[int, int] | bytes] = [(0, split.first_end), split.closing]
    elif shard == 1:
        pieces = [(0, split.head_end), (split.second_start, split.size)]
    else:  # the header alone, with an empty array: counts the header records
        pieces = [(0, split.head_end), split.closing]
    return lambda: io.BufferedReader(_Spliced(split.path, pieces), 1 << 20)


def _records(split: Split, shard: int) -> Iterator[Record]:
    if split.platform == "discord":
        from tribu.connectors import discord as connector
    else:
        from tribu.connectors import telegram as connector  # type: ignore[no-redef]
    return connector.read(split.path, _opener(split, shard))


class _NeedsSequential(Exception):
    """The worker met a record whose place would be wrong in a shard."""


def _no_quarantine(records: Iterator[Record]) -> Iterator[Record]:
    for record in records:
        if type(record) is Quarantined:
            raise _NeedsSequential(record.locator)
        yield record


@dataclass
class _Job:
    split: Split
    directory: Path
    secret: bytes
    keep_names: bool
    config: TribuConfig
    batch_rows: int
    file_no: int
    seq_base: int
    staged: dict[str, set[str]]
    communities: dict[str, tuple[str, str, str]]
    channels: dict[str, tuple[str, str, str, str | None]]


def _stage_second_shard(job: _Job) -> tuple[FileCounts, Stage]:
    """Worker process: stage the second shard into ``job.directory``."""
    people = People(job.secret, keep_names=job.keep_names, config=job.config)
    stage = _substage(job.directory, people, job.batch_rows, job, job.seq_base)
    counts = stage.consume(
        _no_quarantine(_records(job.split, 1)),
        file_no=job.file_no,
        platform=job.split.platform,
        source=str(job.split.path),
    )
    stage.close()
    stage.people = None  # type: ignore[assignment]  # not sent back
    stage.writers = {}
    return counts, stage


def _substage(
    directory: Path, people: People, batch_rows: int, job: _Job, seq: int
) -> Stage:
    """A fresh stage in ``directory`` carrying the run's state so far (copied)."""
    directory.mkdir(parents=True, exist_ok=True)
    stage = Stage(directory, people, batch_rows=batch_rows)
    stage._seq = seq
    stage._staged = {cid: set(keys) for cid, keys in job.staged.items()}
    stage.communities = dict(job.communities)
    stage.channels = dict(job.channels)
    return stage


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Worker initializer: end this process when process ``parent`` ends.

    On Linux the kernel sends SIGKILL the moment the parent dies; the check of the parent's
    id right after closes the race of a parent dying before the call. Elsewhere (or should
    ``prctl`` be unavailable) a daemon thread checks the parent every half second.
    """
    armed = False
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent:
        os._exit(1)  # the parent is already gone
    if not armed:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _warm_up() -> None:
    """Worker process: import what staging needs, while the parent hashes the files."""
    from tribu.connectors import discord, telegram  # noqa: F401


class ShardWorker:
    """The worker process of a run, started early (its imports take about a second)."""

    def __init__(self) -> None:
        self._pool: cf.ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Start the process now, if it is not running."""
        if self._pool is None:
            self._pool = cf.ProcessPoolExecutor(
                1,
                mp_context=mp.get_context("spawn"),
                initializer=die_with_parent,
                initargs=(os.getpid(),),
            )
            self._pool.submit(_warm_up)

    def submit(self, job: _Job) -> cf.Future[tuple[FileCounts, Stage]]:
        self.start()
        assert self._pool is not None
        return self._pool.submit(_stage_second_shard, job)

    def close(self) -> None:
        """Stop the process (at once: what it may still be doing is not wanted)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
            pool.shutdown(wait=True, cancel_futures=True)


def stage_in_shards(
    stage: Stage,
    split: Split,
    worker: ShardWorker,
    *,
    file_no: int,
    keep_names: bool,
    on_progress: Callable[[int], None] | None = None,
) -> FileCounts | None:
    """Stage ``split``'s file on two processes; None (nothing changed) to go sequential.

    On success ``stage`` holds the run's state as if it had read the file itself, and its
    :attr:`~tribu.warehouse._staging.Stage.extra_directories` name the shards' folders.
    """
    people = stage.people
    base = stage.directory / f"shard-{file_no}"
    job = _Job(
        split,
        base / "b",
        people.secret,
        keep_names,
        people.config,
        stage.batch_rows,
        file_no,
        stage._seq + (1 << 40),
        stage._staged,
        stage.communities,
        stage.channels,
    )
    try:
        future = worker.submit(job)
        first = _substage(base / "a", people, stage.batch_rows, job, stage._seq)
        first_counts = first.consume(
            _records(split, 0),
            file_no=file_no,
            platform=split.platform,
            source=str(split.path),
            on_progress=on_progress,
        )
        first.close()
        second_counts, second = future.result()
        header = sum(1 for _ in _records(split, 2))
    except Exception:  # one read gives the exact answer (or error)
        worker.close()  # a fresh process next time
        shutil.rmtree(base, ignore_errors=True)
        return None
    repeated = _drop_seen_members(base, first, people)
    for cid, keys in second._staged.items():
        first._staged.setdefault(cid, set()).update(keys)
    stage._staged = first._staged
    stage._seq = second._seq
    stage.communities = {**first.communities, **second.communities}
    stage.channels = {**first.channels, **second.channels}
    stage.extra_directories += [base / "a", base / "b"]
    return FileCounts(
        first_counts.records + second_counts.records - header - repeated,
        first_counts.quarantined + second_counts.quarantined,
        first_counts.communities | second_counts.communities,
    )


def _drop_seen_members(base: Path, first: Stage, people: People) -> int:
    """Keep only the worker's member rows for people the first shard had not staged.

    Returns how many Member records the worker read again (the connector yields a person
    once per read; the first shard's read had yielded them already).
    """
    seen = pa.array(
        [people.member_id(cid, k) for cid, keys in first._staged.items() for k in keys],
        pa.string(),
    )
    path = base / "b" / "members.parquet"
    table = pq.read_table(path)
    ours = pq.read_table(base / "a" / "members.parquet")
    read_first = ours.filter(ours["from_record"])["member_id"]
    repeated: int = table.filter(  # pyarrow is untyped: num_rows is an int
        pc.and_(
            table["from_record"], pc.is_in(table["member_id"], value_set=read_first)
        )
    ).num_rows
    os.replace(path, path.with_suffix(".all"))
    pq.write_table(
        table.filter(pc.invert(pc.is_in(table["member_id"], value_set=seen))), path
    )
    return repeated
