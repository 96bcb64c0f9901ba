"""Lines of a Reddit dump file (Pushshift / Arctic Shift ``.ndjson``, ``.jsonl`` or ``.zst``):
the byte layer of :mod:`tribu.connectors.reddit`, streamed in 1 MB chunks.

zstd frames are decompressed one after another with Pushshift's 2 GiB window; a corrupt
stream, or a file that ends inside a frame (a truncated download), is a one-line
:class:`~tribu.errors.InputError` naming the last whole line read.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO

import zstandard

from tribu.errors import InputError

__all__ = ["dump_head", "dump_lines"]

_CHUNK = 1 << 20
_ZSTD_WINDOW = 2**31  # Pushshift dumps are compressed with a 2 GiB window


def dump_head(path: Path, size: int) -> bytes:
    """The first ``size`` bytes of the file, decompressed from its first MiB for ``.zst``.

    Raises ``OSError`` or ``zstandard.ZstdError`` (detection treats both as "not a dump").
    """
    with open(path, "rb") as fh:
        if path.suffix.lower() != ".zst":
            return fh.read(size)
        reader = zstandard.ZstdDecompressor(max_window_size=_ZSTD_WINDOW)
        head: bytes = reader.decompressobj().decompress(fh.read(_CHUNK))
        return head[:size]


def dump_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """Yield ``(line number, line)`` of a plain or zstd-compressed file, skipping blanks."""
    number = 0
    pending = b""
    with open(path, "rb") as raw:
        chunks = (
            _zstd_chunks(raw, path) if path.suffix.lower() == ".zst" else _chunks(raw)
        )
        try:
            for chunk in chunks:
                lines = (pending + chunk).split(b"\n")
                pending = lines.pop()
                for line in lines:
                    number += 1
                    if line.strip():
                        yield number, line
        except zstandard.ZstdError as exc:
            raise InputError(
                path,
                f"after line {number}",
                f"the zstd stream is corrupt ({exc}); download the dump again.",
            ) from exc
        except _Truncated as exc:
            raise InputError(
                path,
                f"after line {number}",
                "the zstd stream ends early (a truncated download?); download it again.",
            ) from exc
    if pending.strip():
        yield number + 1, pending


class _Truncated(Exception):
    """A zstd frame that the file ends in the middle of."""


def _chunks(raw: IO[bytes]) -> Iterator[bytes]:
    while chunk := raw.read(_CHUNK):
        yield chunk


def _zstd_chunks(raw: IO[bytes], path: Path) -> Iterator[bytes]:
    """Decompressed chunks of every zstd frame in ``raw``; raise if the last one is cut."""
    decompressor = zstandard.ZstdDecompressor(max_window_size=_ZSTD_WINDOW)
    frame = decompressor.decompressobj()
    in_frame = False
    while data := raw.read(_CHUNK):
        while data:
            in_frame = True
            out = frame.decompress(data)
            if out:
                yield out
            if frame.eof:
                data = frame.unused_data
                frame = decompressor.decompressobj()
                in_frame = False
            else:
                data = b""
    if in_frame:
        raise _Truncated(str(path))
