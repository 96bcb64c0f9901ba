"""Read zip archives safely, without unpacking them to disk.

Exports arrive as zips (Slack workspaces, WhatsApp chats). Members are read in memory, one at a
time, and the archive is refused when a member's name would escape its folder (absolute paths,
``..``), when it holds too many members, or when the uncompressed size declared or actually
read passes a limit (a zip bomb). Nothing is ever written to disk, so no path can escape.

A member that cannot be decompressed (a corrupt deflate stream, a bad CRC, an unknown or
encrypted method, a header that lies about the size: :data:`ZIP_FAULTS`) raises
:class:`~tribu.errors.InputError` naming the archive and the member, on one line; the bytes
actually decompressed are counted (never the sizes the headers declare) and capped both per
member (its declared size) and in all (``max_total_bytes``).
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, cast

from tribu.connectors._json_limits import one_line
from tribu.errors import InputError, UnsafeArchiveError

__all__ = ["MAX_MEMBERS", "MAX_TOTAL_BYTES", "ZIP_FAULTS", "SafeZip"]

ZIP_FAULTS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,  # bad CRC, bad magic number, truncated member
    zlib.error,  # a corrupt deflate stream
    NotImplementedError,  # an unknown compression method
    RuntimeError,  # an encrypted member ("password required")
    EOFError,  # the archive ends inside a member
    OSError,
    ValueError,  # a header field out of range
    OverflowError,
    LookupError,  # a member name in an unknown encoding
)
"""What :mod:`zipfile` raises on a damaged or hostile archive."""

MAX_TOTAL_BYTES = 4 * 1024**3  # 4 GiB uncompressed in all
MAX_MEMBERS = 200_000
MAX_RATIO = 200  # uncompressed / compressed, per member above 1 MiB


class SafeZip:
    """A zip archive whose member names and sizes have been checked.

    Parameters
    ----------
    path
        The archive.
    max_total_bytes
        Refuse archives whose members add up to more than this, uncompressed.
    """

    def __init__(self, path: Path, *, max_total_bytes: int = MAX_TOTAL_BYTES) -> None:
        self.path = Path(path)
        try:
            self._zip = zipfile.ZipFile(self.path)
        except ZIP_FAULTS as exc:
            raise InputError(
                self.path, None, f"not a readable zip archive ({one_line(exc)})."
            ) from exc
        infos = self._zip.infolist()
        if len(infos) > MAX_MEMBERS:
            raise UnsafeArchiveError(
                self.path, None, f"holds {len(infos)} members, more than {MAX_MEMBERS}."
            )
        total = 0
        for info in infos:
            _check_name(self.path, info.filename)
            total += info.file_size
            if (
                info.file_size > 1024**2
                and info.compress_size
                and info.file_size / info.compress_size > MAX_RATIO
            ):
                raise UnsafeArchiveError(
                    self.path,
                    f"member {info.filename!r}",
                    "compression ratio is implausibly high (zip bomb?).",
                )
        if total > max_total_bytes:
            raise UnsafeArchiveError(
                self.path,
                None,
                f"expands to {total} bytes, past the limit of {max_total_bytes}.",
            )
        self._max_total = max_total_bytes
        self._read_so_far = 0

    def names(self) -> list[str]:
        """Member names that are files (not folders), in archive order."""
        return [i.filename for i in self._zip.infolist() if not i.is_dir()]

    def open(self, name: str) -> IO[bytes]:
        """Open one member for streaming reads, enforcing the size limit as it is read."""
        try:
            raw = self._zip.open(name)
        except ZIP_FAULTS as exc:
            raise _corrupt(self.path, name, exc) from exc
        reader = _LimitedReader(self, raw, name)
        # A duck-typed stream: it wraps the member's IO[bytes] and gives the reading part of
        # that interface (read, readline, iteration, ``with``), all the connectors use.
        return cast(IO[bytes], reader)

    def read(self, name: str) -> bytes:
        """Read one whole member (for small members such as ``users.json``)."""
        with self.open(name) as fh:
            return fh.read()

    def iter_members(self) -> Iterator[tuple[str, IO[bytes]]]:
        """Yield each file member's name and an open stream on it."""
        for name in self.names():
            with self.open(name) as fh:
                yield name, fh

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_name(path: Path, name: str) -> None:
    pure = PurePosixPath(name.replace("\\", "/"))
    if (
        pure.is_absolute()
        or ".." in pure.parts
        or (pure.parts and ":" in pure.parts[0])
    ):
        raise UnsafeArchiveError(
            path, f"member {name!r}", "path escapes the archive's folder; refused."
        )


def _corrupt(path: Path, name: str, exc: Exception) -> InputError:
    return InputError(
        path,
        f"member {name!r}",
        f"cannot be decompressed ({type(exc).__name__}: {one_line(exc)}); "
        "the archive is damaged: export it again.",
    )


class _LimitedReader:
    """A stream over a zip member that stops the archive expanding past its limit."""

    def __init__(self, archive: SafeZip, raw: IO[bytes], name: str) -> None:
        self._archive = archive
        self._raw = raw
        self._name = name
        info = archive._zip.getinfo(name)
        self._declared = info.file_size
        self._member_read = 0

    def _count(self, data: bytes) -> bytes:
        self._archive._read_so_far += len(data)
        self._member_read += len(data)
        if self._member_read > self._declared:
            raise UnsafeArchiveError(
                self._archive.path,
                f"member {self._name!r}",
                f"expands past the {self._declared} bytes its header declares "
                "(zip bomb?).",
            )
        if self._archive._read_so_far > self._archive._max_total:
            raise UnsafeArchiveError(
                self._archive.path,
                f"member {self._name!r}",
                f"expands past the limit of {self._archive._max_total} bytes.",
            )
        return data

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            # Never one unbounded read: the member is decompressed a chunk at a time, and
            # counted as it goes.
            parts = []
            while chunk := self.read(1 << 20):
                parts.append(chunk)
            return b"".join(parts)
        try:
            data = self._raw.read(size)
        except ZIP_FAULTS as exc:
            raise _corrupt(self._archive.path, self._name, exc) from exc
        return self._count(data)

    def readable(self) -> bool:
        return True

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.readline, b"")

    def readline(self, size: int = -1) -> bytes:
        try:
            data = self._raw.readline(size)
        except ZIP_FAULTS as exc:
            raise _corrupt(self._archive.path, self._name, exc) from exc
        return self._count(data)

    def close(self) -> None:
        self._raw.close()

    def __enter__(self) -> _LimitedReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
