"""How the server and the CLI share the DuckDB file: the server reads a private snapshot.

DuckDB lets one process write a database file, and a process that has the file open for writing
keeps every other process out, readers included (and a reader keeps writers out). A server that
opened the warehouse itself would therefore either fail while ``tribu ingest`` runs, or make the
ingest fail. So the server never opens the user's warehouse with DuckDB. Instead:

1. It **copies the file** to a private folder (``snapshot-<n>.duckdb``) and answers every
   request from that copy, which no other process knows about.
2. It copies only a **quiet** file: no process holds a DuckDB write lock on it (asked with
   ``fcntl(F_GETLK)``, which *queries* the lock table without taking a lock, so a writer is never
   kept out), no write-ahead log (``.wal``) is pending, and its size and modification time are
   the same before and after the copy. A copy that fails these checks is thrown away and tried
   again later. The copy is then opened and checked by DuckDB before it is used.
3. A background thread looks at the file's size and modification time every few seconds; when
   they change and the file is quiet, it makes a new snapshot, computes the dashboard's
   measures on it (so nobody waits for a cold cache) and swaps it in. Requests in flight finish
   on the snapshot they started on; the previous snapshot is deleted one refresh later.

While an ingest runs, the server keeps answering from the last snapshot: the numbers are at most
one ingest old, and neither side ever sees a lock error.

4. **Erasure.** ``tribu forget`` rewrites the warehouse with a new *erasure generation* in
   ``meta`` (:mod:`tribu.warehouse.derived`). A snapshot of a newer generation does not keep
   the previous one for requests in flight: every older copy is deleted at once (a request
   still reading one fails rather than answer with an erased person), so the server's folder
   holds no copy of the erased person after its next look (``interval`` seconds).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import struct
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from tribu.errors import WarehouseError
from tribu.report.data import MeasureData, open_tables
from tribu.warehouse.derived import erasure_generation
from tribu.warehouse.store import resolve_db_path

__all__ = ["Snapshot", "SnapshotManager", "file_signature", "writer_holds_lock"]

log = logging.getLogger(__name__)

_FLOCK = "@hhqqi"  # struct flock on Linux: type, whence, start, len, pid (+ padding)
_FLOCK_SIZE = 32


def writer_holds_lock(path: Path) -> bool:
    """Whether another process holds a write lock on ``path`` (a DuckDB writer).

    Uses ``fcntl(F_GETLK)``: it only asks, it takes no lock. On systems where that query is not
    available, answers ``False`` and the size/time checks alone protect the copy.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        request = struct.pack(_FLOCK, fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
        request += b"\0" * (_FLOCK_SIZE - len(request))
        answer = fcntl.fcntl(fd, fcntl.F_GETLK, request)
        lock_type = struct.unpack(_FLOCK, answer[: struct.calcsize(_FLOCK)])[0]
        return bool(lock_type != fcntl.F_UNLCK)
    except OSError:
        return False
    finally:
        os.close(fd)


def file_signature(path: Path) -> tuple[int, int, int, bool]:
    """What changes when a file is written: size, mtime, ctime (ns), and a pending WAL."""
    stat = path.stat()
    wal = path.with_name(path.name + ".wal")
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, wal.exists())


@dataclass
class Snapshot:
    """One private copy of the warehouse and the measures computed on it."""

    number: int
    path: Path
    signature: tuple[int, int, int, bool]
    data: MeasureData
    generation: int = 0
    """The warehouse's erasure generation when the copy was made."""

    def close(self) -> None:
        """Close the copy's connection and delete the file."""
        with contextlib.suppress(Exception):
            table = next(iter(self.data.tables.values()))
            table.get_backend().disconnect()
        for leftover in (self.path, self.path.with_name(self.path.name + ".wal")):
            with contextlib.suppress(OSError):
                leftover.unlink()


class SnapshotManager:
    """Keep a fresh private snapshot of warehouse ``db`` for the server.

    Parameters
    ----------
    db
        The user's warehouse file (written by ``tribu ingest`` and friends).
    folder
        Where snapshots go; a new temporary folder when None.
    interval
        Seconds between two looks at the warehouse file.
    warm
        Called with a new snapshot's :class:`MeasureData` before it is swapped in (to compute the
        dashboard's measures ahead of the first request).
    """

    def __init__(
        self,
        db: str | os.PathLike[str],
        *,
        folder: str | os.PathLike[str] | None = None,
        interval: float = 2.0,
        warm: Callable[[MeasureData], None] | None = None,
    ) -> None:
        self.db = resolve_db_path(db)
        if not self.db.exists():
            raise WarehouseError(
                f"No warehouse at {self.db}. Run 'tribu ingest' first, or pass --db PATH."
            )
        self._own_folder = folder is None
        self.folder = Path(folder or tempfile.mkdtemp(prefix="tribu-snapshots-"))
        self.folder.mkdir(parents=True, exist_ok=True)
        self.interval = interval
        self.warm = warm
        self._lock = threading.Lock()
        self._current: Snapshot | None = None
        self._retired: list[Snapshot] = []
        self._number = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- reading --------------------------------------------------------------------------

    @property
    def current(self) -> Snapshot:
        """The snapshot requests should read (made on first use, waiting for a quiet file)."""
        snapshot = self._current
        if snapshot is None:
            self.refresh(wait=30.0, warm=False)
            snapshot = self._current
            assert snapshot is not None
        return snapshot

    @property
    def data(self) -> MeasureData:
        """The measures of the current snapshot."""
        return self.current.data

    # -- refreshing -----------------------------------------------------------------------

    def refresh(self, *, wait: float = 0.0, warm: bool = True) -> bool:
        """Make a new snapshot if the warehouse changed and is quiet; True if one was made.

        With ``wait`` > 0, keep trying that many seconds while a writer is busy; if there is
        still no snapshot at all after that, raise :class:`WarehouseError`.
        """
        deadline = time.monotonic() + wait
        with self._lock:
            while True:
                if self._try_snapshot(warm=warm) is not None:
                    return True
                if self._current is not None and (not wait or self._unchanged()):
                    return False
                if time.monotonic() >= deadline:
                    if self._current is None:
                        raise WarehouseError(
                            f"{self.db}: the warehouse stayed busy (another process is "
                            f"writing it) for {wait:.0f} s; try again when the ingest ends."
                        )
                    return False
                time.sleep(0.2)

    def _unchanged(self) -> bool:
        try:
            return (
                self._current is not None
                and file_signature(self.db) == self._current.signature
            )
        except OSError:
            return True

    def _try_snapshot(self, *, warm: bool) -> Snapshot | None:
        try:
            before = file_signature(self.db)
        except OSError:
            return None
        if self._current is not None and before == self._current.signature:
            return None
        if before[3] or writer_holds_lock(self.db):
            return None  # a writer is busy: keep serving the previous snapshot
        number = self._number + 1
        target = self.folder / f"snapshot-{number}.duckdb"
        try:
            shutil.copyfile(self.db, target)
        except OSError as exc:
            log.warning("cannot copy %s to %s: %s", self.db, target, exc)
            target.unlink(missing_ok=True)
            return None
        try:
            after = file_signature(self.db)
        except OSError:
            after = None
        if after != before or writer_holds_lock(self.db):
            target.unlink(missing_ok=True)
            return None  # written while we copied: try again on the next look
        try:
            data = MeasureData(open_tables(target))
        except Exception as exc:  # a torn copy DuckDB refuses: try again later
            log.warning("snapshot %s of %s is unusable: %s", target, self.db, exc)
            target.unlink(missing_ok=True)
            return None
        try:
            backend = next(iter(data.tables.values())).get_backend()
            generation = erasure_generation(backend.con)
        except Exception as exc:
            log.warning("snapshot %s of %s is unusable: %s", target, self.db, exc)
            Snapshot(number, target, before, data).close()
            return None
        snapshot = Snapshot(number, target, before, data, generation)
        if warm and self.warm is not None:
            try:
                self.warm(data)
            except (
                Exception
            ):  # warming is an optimisation; requests will say what fails
                log.exception("warming snapshot %s failed", number)
        self._number = number
        older = [*self._retired, *filter(None, [self._current])]
        if any(old.generation != generation for old in older):
            # Someone was erased: no copy of the older file may outlive this look.
            for old in older:
                old.close()
            self._retired = []
        else:
            for old in self._retired:
                old.close()
            self._retired = [self._current] if self._current is not None else []
        self._current = snapshot
        log.info("serving snapshot %s of %s", number, self.db)
        return snapshot

    # -- background thread -----------------------------------------------------------------

    def start(self) -> None:
        """Start looking at the warehouse every ``interval`` seconds, in a daemon thread."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._watch, name="tribu-snapshots", daemon=True
        )
        self._thread.start()

    def _watch(self) -> None:
        if self._current is not None and self.warm is not None:
            with contextlib.suppress(Exception):
                self.warm(self._current.data)
        while not self._stop.wait(self.interval):
            try:
                self.refresh()
            except Exception:  # keep watching: the next look may succeed
                log.exception("refreshing the snapshot of %s failed", self.db)

    def close(self) -> None:
        """Stop the thread and delete every snapshot."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        snapshots: Iterable[Snapshot] = [*self._retired, *filter(None, [self._current])]
        for snapshot in snapshots:
            snapshot.close()
        self._retired, self._current = [], None
        if self._own_folder:
            shutil.rmtree(self.folder, ignore_errors=True)
