"""Erasure that really erases: after ``tribu forget`` no file tribu wrote holds the person.

A warehouse is filled (through the fake connector) with one distinctive person among 40
others: their raw platform id, their real name, three messages of distinctive text, a
reaction, a join event, a system notice naming them, a quarantined record holding their id,
and another member's message that mentions them by id and by name. Then every path that
writes derived files runs: ``tribu report`` (an HTML file), the server's snapshot copy
(:class:`~tribu.web.snapshot.SnapshotManager`) and the Spark engine's Parquet export (written
without starting Spark). ``tribu forget --name <raw id>`` runs, the server looks at the
warehouse once, and every byte of every file tribu wrote (warehouse, WAL, snapshots, Parquet,
spill and scratch folders) is searched for the person's name, raw id, pseudonym and message
text, as ``grep -a`` would: nothing is found. The report written earlier is not erased (tribu
cannot know where it went since), so ``forget`` must name it for the user to delete.

The ingest writes strings uncompressed (``force_compression``) so that a row left in a freed
block of the file would be found by a byte search: with DuckDB's default compression a left
string could hide in a compressed block and the test would pass for the wrong reason.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tribu import cli
from tribu.connectors._records import (
    Channel,
    Community,
    Member,
    MemberEvent,
    Message,
    Quarantined,
    Reaction,
    SystemNotice,
)
from tribu.warehouse.engines import export_parquet
from tribu.warehouse.forget import member_ids_for
from tribu.warehouse.ingest import ingest_paths
from tribu.warehouse.store import open_warehouse
from tribu.web.snapshot import SnapshotManager

CID = "fakechat:g"
RAW_ID = "zq48151623"
NAME = "Zéphyrine Quenouille"
TEXTS = (
    "Le grimoire turquoise de Vaucresson chante à minuit",
    "mon code promo secret est PAMPLEMOUSSE-7731",
    "je quitte la tribu, adieu les ornithorynques",
)
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def records() -> list[object]:
    """The person among 40 others who write 2,000 ordinary messages."""
    out: list[object] = [
        Community("g", "fakechat", "Tribu des jardins"),
        Channel("g", "c", "général"),
        Member("g", RAW_ID, NAME),
        MemberEvent("g", RAW_ID, "join", T0, member_name=NAME),
        SystemNotice("g", "c", "service", T0, f"{NAME} a rejoint le groupe"),
    ]
    for k in range(40):
        out.append(Member("g", f"other{k}", f"Membre {k}"))
    for i in range(2000):
        out.append(
            Message(
                "g",
                "c",
                f"o{i}",
                f"other{i % 40}",
                T0 + timedelta(minutes=i),
                f"message ordinaire numéro {i} sur les semis de printemps",
            )
        )
    for j, text in enumerate(TEXTS):
        out.append(
            Message("g", "c", f"p{j}", RAW_ID, T0 + timedelta(hours=j, seconds=7), text)
        )
    out += [
        Message(
            "g",
            "c",
            "thanks",
            "other1",
            T0 + timedelta(days=1),
            f"merci <@{RAW_ID}> et bravo {NAME} !",
            mention_keys=[RAW_ID],
        ),
        Reaction("g", "o5", "👍", 1, member_key=RAW_ID),
        Reaction("g", "p0", "❤️", 1, member_key="other3"),
        Quarantined("messages[2041]", "bad time", f'{{"author": "{RAW_ID}", "ts": 0}}'),
    ]
    return out


def run_cli(args: list[str], capsys, monkeypatch) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sys, "argv", ["tribu", *args])
    code = 0
    try:
        cli.main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out + err


def files_under(*folders: Path) -> list[Path]:
    return sorted(p for f in folders for p in f.rglob("*") if p.is_file())


def traces(files: list[Path], needles: list[str]) -> list[tuple[str, str]]:
    """(file, needle) for every needle found in a file's bytes, as ``grep -a -F`` would."""
    found = []
    for path in files:
        body = path.read_bytes()
        for needle in needles:
            if needle.encode("utf-8") in body:
                found.append((str(path), needle))
    return found


@pytest.mark.parametrize("keep_names", [False, True], ids=["pseudonyms", "keep-names"])
def test_forget_leaves_no_trace_in_any_file(
    tmp_path, fake, capsys, monkeypatch, keep_names
):
    monkeypatch.delenv("TRIBU_CONFIG", raising=False)
    monkeypatch.delenv("TRIBU_DB", raising=False)
    inputs, home, snaps = tmp_path / "in", tmp_path / "home", tmp_path / "snapshots"
    inputs.mkdir(), home.mkdir()
    db = home / "w.duckdb"
    monkeypatch.chdir(home)
    con = open_warehouse(db)
    con.execute("SET force_compression = 'uncompressed'")
    ingest_paths([fake.write(inputs, "x", records())], db=con, keep_names=keep_names)
    con.close()
    con = open_warehouse(db, read_only=True)
    (member_id,) = member_ids_for(con, RAW_ID, CID)
    names = con.execute(
        "SELECT display_name FROM members WHERE member_id = ?", [member_id]
    ).fetchall()
    quarantined = con.execute("SELECT count(*) FROM quarantine").fetchall()
    con.close()
    # The fixture really holds the person (else the test proves nothing).
    assert names == [(NAME if keep_names else f"member-{member_id[2:8]}",)]
    assert quarantined == [(1,)]
    needles = [NAME, "Quenouille", RAW_ID, member_id, *TEXTS]
    assert traces([db], needles), "the byte search finds nothing even before forget"

    # The report (slow: every measure) runs in the keep-names case only.
    report = home / "reports" / "mars.html"
    if keep_names:
        code, out = run_cli(
            ["report", "--db", str(db), "--out", str(report)], capsys, monkeypatch
        )
        assert code == 0, out
    manager = SnapshotManager(db, folder=snaps)
    first = manager.current
    export = export_parquet(db)
    assert first.path.is_file() and (export / "messages" / "part-0.parquet").is_file()
    assert traces([first.path], [member_id]), "the snapshot holds the person"
    assert traces(files_under(export), [member_id]), "the export holds the person"

    # A pseudonymised warehouse does not know the real name: the user gives it. A
    # --keep-names one finds it in the members table.
    redact = [] if keep_names else ["--redact", NAME]
    code, out = run_cli(
        ["forget", "--name", RAW_ID, "--community", CID, "--db", str(db), *redact],
        capsys,
        monkeypatch,
    )
    assert code == 0, out
    assert f"Erased member {member_id}" in out
    # The report written before is named, for the user to delete.
    assert (str(report) in out) is keep_names
    manager.refresh()
    try:
        assert not first.path.exists()
        written = [p for p in files_under(home, snaps) if p != report]
        assert db in written
        assert not export.exists()
        assert traces(written, needles) == []
        # Erased, not merely hidden: every other row is still there.
        con = open_warehouse(db, read_only=True)
        counts = con.execute(
            "SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM members), "
            "(SELECT count(*) FROM reactions), (SELECT count(*) FROM quarantine), "
            "(SELECT text FROM messages WHERE message_id LIKE '%thanks')"
        ).fetchone()
        con.close()
        assert counts == (2001, 40, 0, 0, "merci <@[erased]> et bravo [erased] !")
    finally:
        manager.close()
