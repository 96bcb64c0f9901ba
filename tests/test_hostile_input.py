"""Hostile files found by fuzzing (issue 11), kept as regression cases.

Each case is one fault the fuzzer met as a traceback, a multi-line error or a runaway
process; the expected outcome is one of: ingested, ingested with the bad record quarantined,
or refused with one :class:`~tribu.errors.TribuError` line naming the file and the place,
the warehouse unchanged. Big inputs (deep nesting, megabyte fields) are made in code; small
ones live in ``tests/data/fuzz/``.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tribu.connectors._archive import SafeZip
from tribu.connectors._records import Community, Message
from tribu.errors import InputError, TribuError, UnsafeArchiveError
from tribu.warehouse.ingest import ingest_paths

DATA = Path(__file__).resolve().parent / "data"
FUZZ = DATA / "fuzz"
SLACK = DATA / "slack" / "testarchive.zip"


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def _export(folder: Path, connector: str, message: str) -> Path:
    """A minimal export of ``connector`` whose one message is the JSON text ``message``."""
    folder.mkdir(parents=True, exist_ok=True)
    if connector == "discord":
        path = folder / "chan.json"
        path.write_text(
            '{"guild": {"id": "1", "name": "g"}, "channel": {"id": "2", "name": "c"}, '
            f'"messages": [{message}]}}'
        )
    elif connector == "telegram":
        path = folder / "result.json"
        path.write_text(
            '{"name": "c", "type": "private_group", "id": 5, '
            f'"messages": [{message}]}}'
        )
    elif connector == "messenger":
        path = folder / "message_1.json"
        path.write_text(
            '{"participants": [{"name": "A"}], '
            f'"messages": [{message}], "title": "t", "thread_path": "inbox/t_1"}}'
        )
    elif connector == "discourse":
        path = folder / "topic.json"
        path.write_text(f'{{"post_stream": {{"posts": [{message}]}}, "id": 3}}')
    elif connector == "reddit":
        path = folder / "listing.json"
        path.write_text(f'{{"kind": "Listing", "data": {{"children": [{message}]}}}}')
    else:
        raise AssertionError(connector)
    return path


@pytest.fixture(scope="module")
def _base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("base") / "w.duckdb"
    ingest_paths([DATA / "discord" / "handmade_roles_reactors.json"], db=db)
    return db


@pytest.fixture
def warehouse(_base: Path, tmp_path: Path) -> Path:
    """A copy of a small warehouse (one Discord channel)."""
    db = tmp_path / "w.duckdb"
    shutil.copy(_base, db)
    return db


def _tables(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'main' AND table_type = 'BASE TABLE'"
            ).fetchall()
        ]
        return {
            n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names
        }
    finally:
        con.close()


def _refused(paths: list[Path], db: Path, platform: str | None = None) -> str:
    """Ingest must fail with one TribuError line and leave ``db`` as it was."""
    before = _tables(db)
    with pytest.raises(TribuError) as err:
        ingest_paths(paths, db=db, platform=platform, keep_names=True)
    assert _tables(db) == before
    message = str(err.value)
    assert "\n" not in message
    return message


# --- 1. nesting ------------------------------------------------------------------------------


@pytest.mark.parametrize("connector", ["discord", "telegram", "messenger", "discourse"])
@pytest.mark.parametrize("depth", [1_000, 200_000])
def test_deep_nesting_is_refused_in_one_line(
    connector: str, depth: int, tmp_path: Path, warehouse: Path
) -> None:
    # The message is an array nesting `depth` levels: RecursionError (1,000) or gigabytes
    # of ijson prefixes (200,000) before; now a one-line refusal naming file and place.
    path = _export(tmp_path / "in", connector, _deep(depth))
    message = _refused([path], warehouse, platform=connector)
    assert path.name in message
    assert "nests deeper than 512 levels" in message
    assert "line 1, column" in message


def test_nesting_within_the_limit_still_reads(tmp_path: Path, warehouse: Path) -> None:
    # 500 levels inside a field the connector ignores: the message loads.
    message = (
        '{"id": "9", "type": "Default", "timestamp": "2024-01-01T00:00:00+00:00", '
        '"content": "hi", "author": {"id": "7", "name": "a"}, "extra": '
        f"{_deep(500)}}}"
    )
    path = _export(tmp_path / "in", "discord", message)
    summary = ingest_paths([path], db=warehouse)
    assert summary.files[0].records >= 1 and summary.files[0].quarantined == 0


def test_deep_nesting_memory_stays_bounded(tmp_path: Path) -> None:
    # The case: a 400 KB Discourse file nesting 200,000 arrays grew to 15 GB.
    # In a fresh process (so the peak is this read's): refused, and under 400 MB resident.
    path = _export(tmp_path / "forum", "discourse", _deep(200_000))
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from tribu.connectors import discourse, messenger\n"
        "from tribu.errors import InputError\n"
        "for module, p in ((discourse, sys.argv[1]), (messenger, sys.argv[2])):\n"
        "    try:\n"
        "        list(module.read(Path(p)))\n"
        "    except InputError as exc:\n"
        "        print(exc)\n"
        "status = Path('/proc/self/status').read_text()\n"
        "print([l for l in status.splitlines() if l.startswith('VmHWM')][0])\n"
    )
    thread = _export(tmp_path / "inbox" / "t_1", "messenger", _deep(200_000))
    done = subprocess.run(
        [sys.executable, "-c", script, str(path), str(thread)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = done.stdout.splitlines()
    assert len(lines) == 3, done.stdout + done.stderr
    assert all("nests deeper than 512 levels" in line for line in lines[:2])
    peak_kb = int(lines[2].split()[1])
    assert peak_kb < 400 * 1024, lines[2]


# --- 2. faults of one record -----------------------------------------------------------------


def test_timestamp_1e308_is_quarantined(tmp_path: Path, warehouse: Path) -> None:
    # OverflowError before. Fixture: two messages, the second with timestamp_ms 1e308.
    folder = tmp_path / "inbox" / "t_1"
    folder.mkdir(parents=True)
    (folder / "message_1.json").write_bytes(
        (FUZZ / "messenger_1e308.json").read_bytes()
    )
    summary = ingest_paths([folder], db=warehouse)
    # Records: community, channel, the 2 participants, Bob's entry quarantined, Alice's
    # message.
    assert (summary.files[0].records, summary.files[0].quarantined) == (6, 1)


def test_lone_surrogates_are_read_as_replacement_characters(
    tmp_path: Path, warehouse: Path
) -> None:
    # A Telegram id and text holding "\ud800" (UnicodeEncodeError / RuntimeError before).
    path = tmp_path / "result.json"
    path.write_bytes((FUZZ / "telegram_surrogates.json").read_bytes())
    summary = ingest_paths([path], db=warehouse, keep_names=True)
    assert summary.files[0].quarantined == 0
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        texts = con.execute(
            "SELECT text FROM messages WHERE community_id LIKE 'telegram:%' ORDER BY ts"
        ).fetchall()
        authors = con.execute(
            "SELECT DISTINCT author_id FROM messages WHERE community_id LIKE 'telegram:%'"
        ).fetchall()
    finally:
        con.close()
    assert texts == [("a\ufffdb",), ("emoji \U0001f600 kept",)]
    assert ("telegram:4242/user\ufffd",) in authors


def test_integer_where_text_is_expected_is_quarantined(tmp_path: Path) -> None:
    # A connector handing an int as text made Arrow raise ArrowTypeError for the batch.
    from tribu.config import TribuConfig
    from tribu.warehouse._people import People
    from tribu.warehouse._staging import Stage

    stage = Stage(tmp_path, People(b"k" * 32, keep_names=True, config=TribuConfig()))
    ts = __import__("datetime").datetime(2026, 1, 1, tzinfo=__import__("datetime").UTC)
    good = Message("c", "ch", "m1", "u1", ts, "hello")
    bad = Message("c", "ch", "m2", "u1", ts, 123)  # type: ignore[arg-type]
    long = Message("c", "ch", "m3", "u1", ts, "x" * (2 << 20))  # past MAX_TEXT_BYTES
    counts = stage.consume(
        [Community("c", "generic", "c"), good, bad, long],
        file_no=0,
        platform="generic",
        source="f",
    )
    stage.close()
    assert counts.quarantined == 2
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / "messages.parquet")["message_key"].to_pylist() == [
        "m1"
    ]
    reasons = pq.read_table(tmp_path / "quarantine.parquet")["reason"].to_pylist()
    assert any("ArrowTypeError" in r for r in reasons)
    assert any("'text' is 2097152 bytes long" in r for r in reasons)


def test_8_mb_thread_path_is_refused(tmp_path: Path, warehouse: Path) -> None:
    # Every row carries the community id: 8 MB of it exhausted DuckDB's memory at merge.
    folder = tmp_path / "inbox" / "t_1"
    folder.mkdir(parents=True)
    doc = json.loads((FUZZ / "messenger_1e308.json").read_text())
    doc["thread_path"] = "x" * (8 << 20)
    (folder / "message_1.json").write_text(json.dumps(doc))
    message = _refused([folder], warehouse)
    assert "community id is 8388608 characters long" in message


# --- 3. file faults: one line ------------------------------------------------------------------


@pytest.mark.parametrize("connector", ["discourse", "messenger"])
def test_invalid_utf8_is_one_line(
    connector: str, tmp_path: Path, warehouse: Path
) -> None:
    path = _export(tmp_path / "in", connector, '{"a": "caf\u00e9"}')
    path.write_bytes(path.read_bytes().replace("é".encode(), b"\xe9"))
    message = _refused([path], warehouse, platform=connector)
    assert path.name in message and "is not UTF-8 text" in message


@pytest.mark.parametrize("connector", ["discourse", "messenger", "telegram"])
def test_json_errors_are_one_line_with_the_place(
    connector: str, tmp_path: Path, warehouse: Path
) -> None:
    # ijson's errors carried yajl's position diagram on several lines.
    path = _export(tmp_path / "in", connector, '{"a": 1,, "b": 2}')
    message = _refused([path], warehouse, platform=connector)
    assert "line 1, column" in message and "invalid JSON" in message


# --- 4. archives ------------------------------------------------------------------------------


def _patched(data: bytes, member: str, field: str, value: int) -> bytes:
    """``data`` (a zip) with a header field of ``member`` rewritten."""
    out = bytearray(data)
    offsets = {"method": (10, 8, "<H"), "size": (24, 22, "<I"), "flags": (8, 6, "<H")}
    central, local_at, fmt = offsets[field]
    at = data.index(b"PK\x01\x02" + data[data.index(b"PK\x01\x02") + 4 :][:0])
    while True:
        name_len = struct.unpack_from("<H", out, at + 28)[0]
        extra, comment = struct.unpack_from("<HH", out, at + 30)
        name = bytes(out[at + 46 : at + 46 + name_len]).decode()
        if name == member:
            break
        at += 46 + name_len + extra + comment
    local = struct.unpack_from("<I", out, at + 42)[0]
    struct.pack_into(fmt, out, at + central, value)
    struct.pack_into(fmt, out, local + local_at, value)
    return bytes(out)


def _day_member() -> str:
    with zipfile.ZipFile(SLACK) as archive:
        return next(n for n in archive.namelist() if n.endswith(".json") and "/" in n)


@pytest.mark.parametrize(
    ("field", "value", "fault"),
    [
        ("method", 99, "NotImplementedError"),  # an unknown compression method
        ("flags", 1, "RuntimeError"),  # encrypted: a password is required
        ("size", 10, "BadZipFile"),  # a header that lies about the size (bad CRC)
    ],
)
def test_corrupt_slack_day_member_is_quarantined(
    field: str, value: int, fault: str, tmp_path: Path, warehouse: Path
) -> None:
    member = _day_member()
    path = tmp_path / "slack.zip"
    path.write_bytes(_patched(SLACK.read_bytes(), member, field, value))
    summary = ingest_paths([path], db=warehouse, platform="slack")
    assert summary.files[0].quarantined == 1
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        locator, reason = con.execute(
            "SELECT locator, reason FROM quarantine WHERE locator LIKE '%.json'"
        ).fetchone()
    finally:
        con.close()
    assert locator.endswith(member.split("/", 1)[1]) and fault in reason


def test_corrupt_deflate_stream_is_one_line(tmp_path: Path, warehouse: Path) -> None:
    # zlib.error before: the users.json member's compressed bytes are damaged.
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(SLACK) as src,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
    data = bytearray(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(
            next(n for n in archive.namelist() if n.endswith("users.json"))
        )
    start = info.header_offset + 30 + len(info.filename.encode())
    for i in range(start + 5, start + 25):
        data[i] ^= 0x5A
    path = tmp_path / "slack.zip"
    path.write_bytes(bytes(data))
    message = _refused([path], warehouse, platform="slack")
    assert "users.json" in message and "cannot be decompressed" in message


def test_member_expanding_past_its_declared_size_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", b"x" * 1000)
    with SafeZip(path) as archive:
        reader: Any = archive.open("a.txt")
        reader._declared = 10  # as a lying header whose stream holds more
        with pytest.raises(UnsafeArchiveError, match="expands past the 10 bytes"):
            reader.read()


# --- 5. symbolic links ------------------------------------------------------------------------


def _outside(tmp_path: Path) -> Path:
    outside = tmp_path / "outside" / "secret.json"
    outside.parent.mkdir()
    outside.write_text(
        '[{"type": "message", "user": "U1", "ts": "1500000000.000100", '
        '"text": "SECRET-OUTSIDE"}]'
    )
    return outside


def test_slack_folder_never_follows_a_symlink_out(
    tmp_path: Path, warehouse: Path
) -> None:
    export = tmp_path / "export"
    with zipfile.ZipFile(SLACK) as archive:
        archive.extractall(export)
    channel = next(p for p in sorted(export.rglob("*.json")) if p.parent != export)
    outside = _outside(tmp_path)
    (channel.parent / "2030-01-01.json").symlink_to(outside)
    (export / "linked").symlink_to(outside.parent, target_is_directory=True)
    ingest_paths([export], db=warehouse, platform="slack")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        leaked = con.execute(
            "SELECT count(*) FROM messages WHERE text LIKE '%SECRET-OUTSIDE%'"
        ).fetchone()[0]
        loaded = con.execute(
            "SELECT count(*) FROM messages WHERE community_id LIKE 'slack:%'"
        ).fetchone()[0]
    finally:
        con.close()
    assert leaked == 0 and loaded > 0


def test_messenger_and_discord_folders_skip_symlinks(tmp_path: Path) -> None:
    from tribu.connectors import discord, messenger

    outside = _outside(tmp_path)
    inbox = tmp_path / "inbox" / "t_1"
    _export(
        inbox, "messenger", '{"sender_name": "A", "timestamp_ms": 1, "content": "x"}'
    )
    (inbox / "message_2.json").symlink_to(outside)
    assert messenger._thread_files(tmp_path / "inbox") == [inbox / "message_1.json"]
    channels = tmp_path / "dce"
    _export(channels, "discord", "")
    os.symlink(outside, channels / "other.json")
    assert [r for r in discord.read(channels) if isinstance(r, Message)] == []
    assert len(list(discord.read(channels))) == 2  # community and channel of chan.json


def test_surrogate_free_input_unchanged(tmp_path: Path) -> None:
    # The surrogate repair never touches a valid pair (an emoji written as escapes).
    from tribu.connectors._json_limits import loads

    assert loads('"\\ud83d\\ude00 \\u00e9"', "f", None) == "\U0001f600 é"
    with pytest.raises(InputError, match="nests deeper"):
        loads(_deep(600), "f", "line 3")


def test_megabyte_author_id_is_quarantined_not_a_traceback(
    tmp_path: Path, warehouse: Path
) -> None:
    # Found by `make fuzz`: with --keep-names the member id holds the platform id, and a
    # 1 MB author id made FieldTooLong escape from the member rows.
    messages = ", ".join(
        f'{{"id": "{i}", "type": "Default", "timestamp": "2024-01-01T00:00:0{i}Z", '
        f'"content": "hi", "author": {{"id": "{author}", "name": "a"}}}}'
        for i, author in ((1, "7"), (2, "8" * (1 << 20)))
    )
    path = _export(tmp_path / "in", "discord", messages)
    summary = ingest_paths([path], db=warehouse, keep_names=True)
    # Records: community, channel, 2 authors' Member records, 2 messages. Quarantined: the
    # second author's Member record and their message.
    assert (summary.files[0].records, summary.files[0].quarantined) == (6, 2)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        longest = con.execute("SELECT max(length(member_id)) FROM members").fetchone()[
            0
        ]
    finally:
        con.close()
    assert longest < 100
