"""The Parquet lake: layout, pseudonym key outside, idempotence, quarantine, atomic commit.

Two real samples: ``discord/handmade_roles_reactors.json`` (community discord:900, 4 messages
all on 2024-03-01, 2 unreadable records quarantined: see its SOURCES.md) and
``slack/testarchive.zip`` (community slack:T0BMHLSRH, 147 messages, January to March 2016).
The reference for "same rows" is the DuckDB warehouse ingested from the same files with the
same pseudonym key.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from tribu import cli
from tribu.errors import ConfigError, InputError, WarehouseError
from tribu.warehouse import lake
from tribu.warehouse.engines import ibis_tables
from tribu.warehouse.ingest import ingest_paths, source_sha256
from tribu.warehouse.lake import (
    MANIFEST,
    SECRET_ENV,
    connect_lake,
    export_lake,
    ingest_lake,
    is_lake,
    is_uri,
    lake_secret_path,
    lake_uri,
    read_manifest,
)
from tribu.warehouse.store import open_warehouse, pseudonym_secret

DATA = Path(__file__).resolve().parents[1] / "data"
DISCORD = DATA / "discord" / "handmade_roles_reactors.json"
SLACK = DATA / "slack" / "testarchive.zip"


@pytest.fixture(autouse=True)
def _no_key_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SECRET_ENV, raising=False)
    monkeypatch.delenv("TRIBU_DB", raising=False)


def _rows(
    con: duckdb.DuckDBPyConnection, table: str, drop: tuple[str, ...] = ()
) -> list:
    columns = [
        c
        for (c,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "ORDER BY ordinal_position",
            [table],
        ).fetchall()
        if c not in drop
    ]
    quoted = ", ".join(f'"{c}"' for c in columns)
    return con.execute(f"SELECT {quoted} FROM {table} ORDER BY ALL").fetchall()


def _count(root: Path, table: str) -> int:
    con = connect_lake(root)
    try:
        row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        return int(row[0]) if row else -1
    finally:
        con.close()


def test_layout_partitions_and_the_key_stays_outside(tmp_path: Path) -> None:
    root = tmp_path / "lake"
    summary = ingest_lake([DISCORD, SLACK], root)
    assert summary.db == root
    assert [f.status for f in summary.files] == ["ingested", "ingested"]
    manifest = read_manifest(root)
    assert manifest is not None and manifest.version == 1
    assert is_lake(root) and not is_lake(tmp_path)
    # The four discord messages are all of March 2024: one partition.
    assert (
        f"{manifest.data}/messages/community=discord_900/month=2024-03/data_0.parquet"
        in manifest.tables["messages"]
    )
    # Every file holds the true community_id and only rows of its folder's community and
    # month (the folder names are derived; the rows are the truth).
    for rel in manifest.tables["messages"]:
        table = pq.read_table(root / rel)
        if rel.endswith("empty.parquet"):
            assert table.num_rows == 0 and "community_id" in table.column_names
            continue
        parts = dict(p.split("=", 1) for p in Path(rel).parts[2:-1])
        ids = set(table.column("community_id").to_pylist())
        assert {i.replace(":", "_") for i in ids} == {parts["community"]}
        months = {ts.strftime("%Y-%m") for ts in table.column("ts").to_pylist()}
        assert months == {parts["month"]}
    assert _count(root, "messages") == 4 + 147
    # The key: beside the lake, owner-only, and in no file of the lake.
    key_file = lake_secret_path(root)
    assert key_file == tmp_path / "lake.secret"
    assert key_file.stat().st_mode & 0o777 == 0o600
    key_hex = key_file.read_text().strip()
    for path in root.rglob("*"):
        if path.is_file():
            blob = path.read_bytes()
            assert (
                key_hex.encode() not in blob and bytes.fromhex(key_hex) not in blob
            ), path


def test_same_rows_as_a_warehouse_with_the_same_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "w.duckdb"
    ingest_paths([DISCORD, SLACK], db=db)
    con = open_warehouse(db, read_only=True)
    key_file = tmp_path / "key"
    key_file.write_text(pseudonym_secret(con).hex())
    monkeypatch.setenv(SECRET_ENV, str(key_file))
    root = tmp_path / "lake"
    ingest_lake([DISCORD, SLACK], root)
    lake_con = connect_lake(root)
    try:
        for table, drop in [
            ("messages", ()),
            ("members", ()),
            ("channels", ()),
            ("reactions", ()),
            ("member_events", ()),
            ("system_notices", ()),
            ("communities", ("ingested_at",)),
            ("quarantine", ("run_id",)),
            ("ingest_runs", ("run_id", "started_at", "finished_at")),
        ]:
            assert _rows(lake_con, table, drop) == _rows(con, table, drop), table
        # Quarantine: the discord sample's 2 unreadable records, as in the warehouse.
        assert len(_rows(lake_con, "quarantine")) == 2
    finally:
        lake_con.close()
        con.close()


def test_idempotent_by_source_sha256(tmp_path: Path) -> None:
    root = tmp_path / "lake"
    ingest_lake([DISCORD], root)
    first = read_manifest(root)
    assert first is not None
    assert first.sources == [source_sha256(DISCORD)]
    again = ingest_lake([DISCORD], root)
    assert [f.status for f in again.files] == ["skipped"]
    assert read_manifest(root) == first  # nothing committed
    assert (root / first.data).is_dir()
    more = ingest_lake([DISCORD, SLACK], root)
    assert [f.status for f in more.files] == ["skipped", "ingested"]
    second = read_manifest(root)
    assert second is not None and second.version == 2
    assert second.sources == sorted([source_sha256(DISCORD), source_sha256(SLACK)])
    assert not (root / first.data).exists()  # the old version is swept after the commit
    assert _count(root, "messages") == 151


def test_a_failed_commit_leaves_the_lake_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "lake"
    ingest_lake([DISCORD], root)
    before = (root / MANIFEST).read_bytes()

    def broken(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(lake, "_commit", broken)
    with pytest.raises(OSError, match="disk full"):
        ingest_lake([SLACK], root)
    assert (root / MANIFEST).read_bytes() == before
    assert _count(root, "messages") == 4
    monkeypatch.undo()
    ingest_lake(
        [SLACK], root
    )  # the half-written version is swept, the run goes through
    manifest = read_manifest(root)
    assert manifest is not None and manifest.version == 2
    assert [p.name for p in root.iterdir() if p.name.startswith("v")] == [manifest.data]


def test_a_killed_run_leaves_the_lake_as_it_was(tmp_path: Path) -> None:
    root = tmp_path / "lake"
    ingest_lake([DISCORD], root)
    before = (root / MANIFEST).read_bytes()
    # The worst moment: every file of the new version written, the manifest not yet
    # replaced. The process dies there (SIGKILL: no cleanup of any kind runs).
    script = (
        "import os, signal, sys\n"
        "from tribu.warehouse import lake\n"
        "lake._commit = lambda *a: os.kill(os.getpid(), signal.SIGKILL)\n"
        "lake.ingest_lake([sys.argv[1]], sys.argv[2])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(SLACK), str(root)],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == -9, done.stderr
    assert (root / MANIFEST).read_bytes() == before
    assert _count(root, "messages") == 4
    leftovers = [p.name for p in root.iterdir() if p.name.startswith(("v", ".ingest-"))]
    assert (
        len(leftovers) == 3
    )  # the committed version, the dead run's version and scratch
    summary = ingest_lake([SLACK], root)
    assert [f.status for f in summary.files] == ["ingested"]
    assert _count(root, "messages") == 151


def test_the_key_must_match(tmp_path: Path) -> None:
    root = tmp_path / "lake"
    ingest_lake([DISCORD], root)
    key_file = lake_secret_path(root)
    key = key_file.read_text()
    key_file.write_text("00" * 32)
    with pytest.raises(ConfigError, match="not the pseudonym key"):
        ingest_lake([SLACK], root)
    key_file.unlink()
    with pytest.raises(ConfigError, match="is missing"):
        ingest_lake([SLACK], root)
    key_file.write_text(key)
    ingest_lake([SLACK], root)


def test_refuses_a_folder_with_other_files_and_writes_through_open(
    tmp_path: Path,
) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError, match="other files"):
        ingest_lake([DISCORD], tmp_path)
    root = tmp_path / "lake"
    ingest_lake([DISCORD], root)
    with pytest.raises(WarehouseError, match="Parquet lake"):
        open_warehouse(root)
    con = open_warehouse(root, read_only=True)  # DuckDB views over the files
    try:
        assert con.execute("SELECT count(*) FROM messages").fetchone() == (4,)
        assert con.execute("SELECT key FROM meta").fetchall() == [("schema_version",)]
    finally:
        con.close()


def test_uris() -> None:
    assert is_uri("s3a://bucket/lake") and is_uri(Path("s3a://bucket/lake"))
    assert lake_uri(Path("gs://bucket/lake")) == "gs://bucket/lake"
    assert not is_uri("/tmp/lake") and not is_uri("lake")
    with pytest.raises(ConfigError, match="--engine spark"):
        ibis_tables("s3a://bucket/lake", engine="duckdb")
    with pytest.raises(ConfigError, match="local or mounted"):
        ingest_lake([DISCORD], "abfss://c@account.dfs.core.windows.net/lake")


def test_export_a_warehouse_keeps_rows_and_key(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    ingest_paths([DISCORD, SLACK], db=db)
    root = tmp_path / "lake"
    manifest = export_lake(db, root)
    assert manifest.version == 1
    con = open_warehouse(db, read_only=True)
    lake_con = connect_lake(root)
    try:
        assert lake_secret_path(root).read_text().strip() == pseudonym_secret(con).hex()
        for table in lake.LAKE_TABLES:
            assert _rows(lake_con, table) == _rows(con, table), table
    finally:
        con.close()
        lake_con.close()
    with pytest.raises(ConfigError, match="already holds a lake"):
        export_lake(db, root)
    # Re-ingesting a source the warehouse had is a no-op on the lake too.
    assert [f.status for f in ingest_lake([SLACK], root).files] == ["skipped"]


def _cli(args: list[str], capsys, monkeypatch) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sys, "argv", ["tribu", *args])
    code = 0
    try:
        cli.main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out + err


def test_commands_read_and_write_a_lake(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "w.duckdb"
    ingest_paths([DISCORD, SLACK], db=db)
    con = open_warehouse(db, read_only=True)
    key_file = tmp_path / "key"
    key_file.write_text(pseudonym_secret(con).hex())
    con.close()
    monkeypatch.setenv(SECRET_ENV, str(key_file))
    root = tmp_path / "lake"
    code, out = _cli(
        ["ingest", "--lake", str(root), str(DISCORD), str(SLACK)], capsys, monkeypatch
    )
    assert code == 0, out
    # Same key, same rows: the scorecard is the same, number for number.
    code, on_lake = _cli(
        ["kpis", "--db", str(root), "--json", "--no-relays"], capsys, monkeypatch
    )
    assert code == 0, on_lake
    code, on_file = _cli(
        ["kpis", "--db", str(db), "--json", "--no-relays"], capsys, monkeypatch
    )
    assert code == 0 and json.loads(on_lake) == json.loads(on_file)
    # First-party rows and enrichment go into new versions of the lake.
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "order_id,customer_id,ts,amount,currency\no1,c1,2024-01-05,50,EUR\n"
        "o2,c1,2024-03-05,70,EUR\n"
    )
    code, out = _cli(
        ["load", "orders", str(orders), "--db", str(root)], capsys, monkeypatch
    )
    assert code == 0, out
    code, out = _cli(
        ["enrich", "--db", str(root), "--workers", "0", "--json"], capsys, monkeypatch
    )
    assert code == 0 and json.loads(out.strip().splitlines()[-1])["enriched"] == 151
    code, out = _cli(["lake", "info", str(root), "--json"], capsys, monkeypatch)
    info = json.loads(out)
    assert info["version"] == 3  # ingest, load, enrich
    assert info["tables"]["orders"]["rows"] == 2
    assert info["tables"]["enrichment"]["rows"] == 151
    assert info["messages"] == 151
    code, out = _cli(["business", "--db", str(root), "--json"], capsys, monkeypatch)
    assert code == 0, out
    # Erasure: a new version without the person; no file of the lake keeps their id.
    con = connect_lake(root)
    row = con.execute(
        "SELECT author_id FROM messages WHERE community_id = 'discord:900' "
        "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
    ).fetchone()
    con.close()
    assert row is not None
    who = row[0]
    code, out = _cli(["forget", who, "--db", str(root)], capsys, monkeypatch)
    assert code == 0 and f"Erased member {who}" in out, out
    assert read_manifest(root).version == 4  # type: ignore[union-attr]
    for path in root.rglob("*"):
        if path.is_file():
            assert who.encode() not in path.read_bytes(), path
    # --name needs the key, which readers of a lake do not have: one line, no traceback.
    code, out = _cli(
        ["forget", "--name", "x", "--community", "discord:900", "--db", str(root)],
        capsys,
        monkeypatch,
    )
    assert code == 1 and "MEMBER id" in out and "Traceback" not in out
    code, out = _cli(["serve", "--db", str(root)], capsys, monkeypatch)
    assert code == 1 and "Parquet lake" in out and "Traceback" not in out


def test_a_corrupt_file_among_others_is_quarantined_and_the_run_finishes(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "exports" / "broken.json"
    broken.parent.mkdir()
    # A DiscordChatExporter file cut in the middle of its messages (a failed download).
    broken.write_bytes(DISCORD.read_bytes()[:1500])
    root = tmp_path / "lake"
    summary = ingest_lake([DISCORD, broken, SLACK], root)
    assert [f.status for f in summary.files] == ["ingested", "ingested"]
    assert any(str(broken) in w and "quarantined whole" in w for w in summary.warnings)
    con = connect_lake(root)
    try:
        assert con.execute("SELECT count(*) FROM messages").fetchone() == (151,)
        rows = con.execute(
            "SELECT source, locator FROM quarantine WHERE locator = 'whole file'"
        ).fetchall()
    finally:
        con.close()
    assert rows == [(str(broken), "whole file")]
    # Not recorded as ingested: once repaired, the file loads.
    assert source_sha256(broken) not in read_manifest(root).sources  # type: ignore[union-attr]
    # Alone, the corrupt file is an error and the lake is unchanged.
    before = (root / MANIFEST).read_bytes()
    with pytest.raises(InputError, match="broken.json"):
        ingest_lake([broken], root)
    assert (root / MANIFEST).read_bytes() == before
