"""Hostile copies of the real sample exports, for the fuzz tests and ``make fuzz``.

Each connector has its samples (``tests/data/*`` and ``../shared/data/real/*``, read in place);
a *case* is one sample, one mutation and one seed, and :func:`build_case` writes the mutated
copy into a folder, deterministically. Mutations, as an attacker would try them:

- bytes: truncate, flip, insert, delete or duplicate bytes; a byte-order mark; invalid UTF-8;
- JSON values (a random string or number token of the file is replaced, the layout kept):
  a wrong type, a huge or non-finite number, a lone surrogate escape, nesting 600 to 200,000
  deep, a field of several megabytes;
- archives (Slack, WhatsApp zips): a member mutated as above and the zip rebuilt; the zip's
  own bytes flipped or cut; a header that lies about a member's size; an unknown compression
  method; the encryption flag; an honest zip bomb;
- folders (a Slack export unpacked, a Messenger inbox): a file mutated, and a symbolic link to
  a file outside the export holding :data:`OUTSIDE_MARKER`, which must never be ingested.
"""

from __future__ import annotations

import io
import random
import re
import shutil
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CONNECTORS",
    "MUTATIONS",
    "OUTSIDE_MARKER",
    "Case",
    "build_case",
    "samples",
]

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
REAL = ROOT.parent / "shared" / "data" / "real"
if not REAL.is_dir():  # a worktree one level deeper than the main checkout
    REAL = Path("/work/shared/data/real")

OUTSIDE_MARKER = "OUTSIDE-THE-EXPORT-7f3a"
"""Text of a file outside the export that a symbolic link points at."""

GENERIC_CSV = (
    "author,author_name,ts,text,channel,reactions,mentions\n"
    "u1,Alice,2026-01-05T10:00:00Z,Nouvelle collection ce soir !,général,3,u2\n"
    'u2,Bob,2026-01-05T10:05:00+01:00,"Trop bien, j\'ai hâte",général,0,\n'
    "u3,Chloé,1767607500,Where can I buy it?,english,1,u1;u2\n"
)
GENERIC_JSONL = (
    '{"author": "u1", "ts": "2026-01-05T10:00:00Z", "text": "Salut", "reactions": 2}\n'
    '{"author": "u2", "ts": 1767607500000, "text": "Hello \\u00e9", "mentions": ["u1"]}\n'
)

CONNECTORS = (
    "discord",
    "slack",
    "telegram",
    "whatsapp",
    "messenger",
    "discourse",
    "reddit",
    "generic",
)


@dataclass(frozen=True)
class Case:
    """One hostile input: a connector's sample, a mutation and its seed."""

    connector: str
    sample: str  # a path, or "generic.csv" / "generic.jsonl" (generated)
    mutation: str
    seed: int

    def label(self) -> str:
        return f"{self.connector}:{Path(self.sample).name}:{self.mutation}:{self.seed}"


def samples(connector: str) -> list[str]:
    """The sample exports of ``connector`` (files, zips, or folders)."""
    if connector == "generic":
        return ["generic.csv", "generic.jsonl"]
    found: list[Path] = []
    for base in (DATA / connector, REAL / connector):
        if not base.is_dir():
            continue
        for path in sorted(base.iterdir()):
            if path.name in ("SOURCES.md", "header_format_support.json"):
                continue
            if path.name == "forum.example" or path.suffix == ".md":
                continue
            found.append(path)
    if connector == "slack":
        found.append(DATA / "slack" / "testarchive.zip#folder")  # unpacked to a folder
    return [str(p) for p in found]


# --- byte mutations -------------------------------------------------------------------------


def _truncate(data: bytes, rnd: random.Random) -> bytes:
    return data[: rnd.randrange(len(data) + 1)]


def _flip(data: bytes, rnd: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rnd.randint(1, 8)):
        if out:
            out[rnd.randrange(len(out))] ^= rnd.randint(1, 255)
    return bytes(out)


def _insert(data: bytes, rnd: random.Random) -> bytes:
    at = rnd.randrange(len(data) + 1)
    junk = rnd.choice(
        [
            bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 16))),
            b"\x00",
            b"\n",
            b'"',
            b"{",
            b"]",
            b",",
            b"\r\n12/31/99, 25:61 - ",
        ]
    )
    return data[:at] + junk + data[at:]


def _delete(data: bytes, rnd: random.Random) -> bytes:
    at = rnd.randrange(len(data) + 1)
    return data[:at] + data[at + rnd.randint(1, 64) :]


def _duplicate(data: bytes, rnd: random.Random) -> bytes:
    at = rnd.randrange(len(data) + 1)
    piece = data[at : at + rnd.randint(1, 512)]
    return data[:at] + piece + data[at:]


def _bom(data: bytes, rnd: random.Random) -> bytes:
    if rnd.random() < 0.5:
        return b"\xef\xbb\xbf" + data
    at = rnd.randrange(len(data) + 1)
    return data[:at] + b"\xef\xbb\xbf" + data[at:]


def _invalid_utf8(data: bytes, rnd: random.Random) -> bytes:
    quotes = [m.end() for m in re.finditer(rb'"', data[:2_000_000])] or [0]
    at = rnd.choice(quotes)
    bad = rnd.choice(
        [b"\xff", b"\xc3(", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80"]
    )
    return data[:at] + bad + data[at:]


# --- JSON value mutations (one token replaced, layout kept) --------------------------------

_TOKEN = re.compile(rb'"(?:[^"\\\n]|\\.){0,200}"|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?')


def _replace_token(data: bytes, rnd: random.Random, value: bytes) -> bytes:
    tokens = [m.span() for m in _TOKEN.finditer(data[:4_000_000])]
    if not tokens:
        return data + value
    start, end = rnd.choice(tokens)
    return data[:start] + value + data[end:]


def _wrong_type(data: bytes, rnd: random.Random) -> bytes:
    value = rnd.choice(
        [
            b"123",
            b'"x"',
            b"null",
            b"true",
            b"[]",
            b"{}",
            b"[1, 2]",
            b'{"a": 1}',
            b"-1",
            b'""',
        ]
    )
    return _replace_token(data, rnd, value)


def _huge_number(data: bytes, rnd: random.Random) -> bytes:
    value = rnd.choice(
        [
            b"1e308",
            b"-1e308",
            b"1e999",
            b"NaN",
            b"Infinity",
            b"18446744073709551616",
            b"-9223372036854775809",
            b"99999999999999999999999999999999999999",
            b'"1e308"',
            b'"99999999999999999999"',
        ]
    )
    return _replace_token(data, rnd, value)


def _surrogate(data: bytes, rnd: random.Random) -> bytes:
    value = rnd.choice(
        [b'"\\ud800"', b'"a\\udfffb"', b'"\\ud83d"', b'"x\\ud800\\ud800"']
    )
    return _replace_token(data, rnd, value)


def _deep(data: bytes, rnd: random.Random) -> bytes:
    depth = rnd.choice([600, 1000, 5000, 200_000])
    opening, closing = rnd.choice([(b"[", b"]"), (b'{"a":', b"}")])
    return _replace_token(data, rnd, opening * depth + b"1" + closing * depth)


def _huge_field(data: bytes, rnd: random.Random) -> bytes:
    size = rnd.choice([1 << 20, 8 << 20])
    return _replace_token(data, rnd, b'"' + b"a" * size + b'"')


def _empty(data: bytes, rnd: random.Random) -> bytes:
    return rnd.choice([b"", b" ", b"\n\n", b"{}", b"[]", b"null", b"\xef\xbb\xbf"])


BYTE_MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "truncate": _truncate,
    "flip": _flip,
    "insert": _insert,
    "delete": _delete,
    "duplicate": _duplicate,
    "bom": _bom,
    "invalid_utf8": _invalid_utf8,
    "wrong_type": _wrong_type,
    "huge_number": _huge_number,
    "surrogate": _surrogate,
    "deep": _deep,
    "huge_field": _huge_field,
    "empty": _empty,
}

ARCHIVE_MUTATIONS = (
    "zip_bytes",
    "zip_lying_size",
    "zip_method",
    "zip_encrypted",
    "zip_bomb",
)
FOLDER_MUTATIONS = ("symlink_out",)
MUTATIONS = tuple(BYTE_MUTATIONS) + ARCHIVE_MUTATIONS + FOLDER_MUTATIONS


def mutations_for(sample: str) -> tuple[str, ...]:
    """The mutations that apply to a sample."""
    if sample.endswith(".zip"):
        return tuple(BYTE_MUTATIONS) + ARCHIVE_MUTATIONS
    if sample.endswith("#folder") or Path(sample).is_dir():
        return tuple(BYTE_MUTATIONS) + FOLDER_MUTATIONS
    return tuple(BYTE_MUTATIONS)


# --- archives -------------------------------------------------------------------------------


def _rezip(original: bytes, change: Callable[[str, bytes], bytes], pick: str) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(original)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == pick:
                data = change(info.filename, data)
            dst.writestr(info.filename, data)
    return out.getvalue()


def _patch_headers(data: bytes, rnd: random.Random, what: str) -> bytes:
    """Rewrite fields of one member's local and central headers."""
    out = bytearray(data)
    central = [m.start() for m in re.finditer(rb"PK\x01\x02", data)]
    if not central:
        return data
    at = rnd.choice(central)
    local = struct.unpack_from("<I", out, at + 42)[0]
    if what == "size":
        # A zip bomb that lies: the headers say a few bytes, the stream holds more.
        lie = rnd.choice([1, 10, 100])
        struct.pack_into("<I", out, at + 24, lie)
        if local + 30 <= len(out) and out[local : local + 4] == b"PK\x03\x04":
            struct.pack_into("<I", out, local + 22, lie)
    elif what == "method":
        method = rnd.choice([99, 12, 14, 93])  # unknown, bzip2-declared, lzma, zstd
        struct.pack_into("<H", out, at + 10, method)
        if local + 30 <= len(out) and out[local : local + 4] == b"PK\x03\x04":
            struct.pack_into("<H", out, local + 8, method)
    elif what == "encrypted":
        flags = struct.unpack_from("<H", out, at + 8)[0] | 1
        struct.pack_into("<H", out, at + 8, flags)
        if local + 30 <= len(out) and out[local : local + 4] == b"PK\x03\x04":
            struct.pack_into("<H", out, local + 6, flags)
    return bytes(out)


def _zip_bomb(original: bytes, rnd: random.Random) -> bytes:
    out = io.BytesIO(original)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as dst:
        names = dst.namelist()
        folder = next((n.split("/")[0] for n in names if n.count("/") == 1), "general")
        dst.writestr(f"{folder}/2030-01-01.json", b" " * (rnd.choice([20, 60]) << 20))
    return out.getvalue()


def _mutate_zip(original: bytes, mutation: str, rnd: random.Random) -> bytes:
    if mutation == "zip_bytes":
        return rnd.choice([_flip, _truncate, _insert, _delete])(original, rnd)
    if mutation == "zip_lying_size":
        return _patch_headers(original, rnd, "size")
    if mutation == "zip_method":
        return _patch_headers(original, rnd, "method")
    if mutation == "zip_encrypted":
        return _patch_headers(original, rnd, "encrypted")
    if mutation == "zip_bomb":
        return _zip_bomb(original, rnd)
    with zipfile.ZipFile(io.BytesIO(original)) as src:
        names = [i.filename for i in src.infolist() if not i.is_dir()]
    pick = rnd.choice(names)
    return _rezip(original, lambda _, data: BYTE_MUTATIONS[mutation](data, rnd), pick)


# --- building a case -------------------------------------------------------------------------


def build_case(case: Case, folder: Path) -> Path:
    """Write the hostile copy of ``case`` under ``folder``; return the path to ingest."""
    rnd = random.Random(f"{case.label()}")
    folder.mkdir(parents=True, exist_ok=True)
    if case.sample in ("generic.csv", "generic.jsonl"):
        original = (
            GENERIC_CSV if case.sample.endswith("csv") else GENERIC_JSONL
        ).encode()
        target = folder / case.sample
        target.write_bytes(BYTE_MUTATIONS[case.mutation](original, rnd))
        return target
    if case.sample.endswith("#folder"):
        source = Path(case.sample[: -len("#folder")])
        target = folder / source.stem
        with zipfile.ZipFile(source) as archive:
            archive.extractall(target)
        return _mutate_folder(target, case.mutation, rnd, folder)
    source = Path(case.sample)
    if source.is_dir():
        target = folder / source.name
        shutil.copytree(source, target)
        return _mutate_folder(target, case.mutation, rnd, folder)
    target = folder / source.name
    original = source.read_bytes()
    if source.suffix == ".zip":
        target.write_bytes(_mutate_zip(original, case.mutation, rnd))
    elif source.suffix == ".zst":
        import zstandard

        plain = zstandard.ZstdDecompressor().decompressobj().decompress(original)
        mutated = BYTE_MUTATIONS[case.mutation](plain, rnd)
        if rnd.random() < 0.2:
            target.write_bytes(_flip(original, rnd))  # a corrupt frame
        else:
            target.write_bytes(zstandard.ZstdCompressor().compress(mutated))
    else:
        target.write_bytes(BYTE_MUTATIONS[case.mutation](original, rnd))
    return target


def _mutate_folder(target: Path, mutation: str, rnd: random.Random, work: Path) -> Path:
    files = sorted(p for p in target.rglob("*") if p.is_file())
    if mutation == "symlink_out":
        outside = work / "outside.json"
        outside.write_text(
            '[{"type": "message", "user": "U1", "ts": "1500000000.000100", '
            f'"text": "{OUTSIDE_MARKER}", "sender_name": "X", "timestamp_ms": 1500000000000, '
            f'"content": "{OUTSIDE_MARKER}"}}]',
            "utf-8",
        )
        anchor = rnd.choice(files)
        name = "2030-01-01.json" if anchor.name[:2] == "20" else "message_9.json"
        link = anchor.parent / name
        if link.exists():
            link.unlink()
        link.symlink_to(outside)
        if rnd.random() < 0.5:  # a linked folder too
            (target / "linked").symlink_to(work, target_is_directory=True)
        return target
    victim = rnd.choice(files)
    victim.write_bytes(BYTE_MUTATIONS[mutation](victim.read_bytes(), rnd))
    return target
