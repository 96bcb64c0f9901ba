"""`tribu ingest` and `tribu forget` through the command line, bad input above all.

Each bad input must give a one-line error naming the file (and the place when there is one),
exit non-zero, print no traceback, and leave the warehouse exactly as it was.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tribu import cli
from tribu.warehouse.schema import TABLES

REPO_ROOT = Path(__file__).resolve().parents[1]
REAL = REPO_ROOT.parent / "shared" / "data" / "real"
TRIBU = str(REPO_ROOT / ".venv" / "bin" / "tribu")
GOOD_CSV = (
    "text,ts,author\nBonjour,2026-03-01T10:00:00Z,u1\nSalut,2026-03-01T10:05:00Z,u2\n"
)


def run(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch
) -> tuple[int, str, str]:
    """Run the real entry point in-process; return exit code, stdout, stderr."""
    monkeypatch.setattr(sys, "argv", ["tribu", *args])
    code = 0
    try:
        cli.main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def tables(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
            for t in TABLES
        }
    finally:
        con.close()


@pytest.fixture
def warehouse(tmp_path, capsys, monkeypatch) -> Path:
    """A warehouse already holding one small generic CSV."""
    monkeypatch.delenv("TRIBU_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "w.duckdb"
    csv = tmp_path / "good.csv"
    csv.write_text(GOOD_CSV, encoding="utf-8")
    code, out, err = run(["ingest", "--db", str(db), str(csv)], capsys, monkeypatch)
    assert code == 0, err
    return db


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _truncated_dce(tmp_path: Path) -> Path:
    source = (
        REAL
        / "discord"
        / "Example guild - Text Channels - general [1012224565567721552].json"
    )
    path = tmp_path / "general [1012224565567721552].json"
    path.write_bytes(source.read_bytes()[:15000])
    return path


BAD_INPUTS = {
    "truncated JSON": (
        _truncated_dce,
        r"general \[1012224565567721552\]\.json, messages\[17\], line \d+",
    ),
    "invalid JSON": (
        lambda d: _write(
            d / "inval.json",
            b'{"guild": {"id": "1"}, "channel": {"id": "2"}, "messages": [{"id": 3, oops}]}',
        ),
        r"inval\.json, messages\[0\], line 1",
    ),
    "empty file": (
        lambda d: _write(d / "empty.json", b""),
        r"empty\.json: the file is empty",
    ),
    "binary garbage": (
        lambda d: _write(d / "garbage.json", bytes(range(256)) * 20),
        r"garbage\.json: no connector recognises",
    ),
    "unknown format": (
        lambda d: _write(d / "notes.txt", b"Liste de courses : pain, lait.\n"),
        r"notes\.txt: no connector recognises",
    ),
    "zip escaping its folder": (
        lambda d: _zip(d / "evil.zip", {"channels.json": b"[]", "../evil.json": b"[]"}),
        r"evil\.zip, member '\.\./evil\.json': path escapes",
    ),
    "zip bomb": (
        lambda d: _zip(
            d / "bomb.zip",
            {
                "channels.json": b"[]",
                "users.json": b"[]",
                "general/2020-01-01.json": b" " * 20_000_000,
            },
        ),
        r"bomb\.zip, member 'general/2020-01-01\.json': compression ratio",
    ),
    "dates in no known layout": (
        lambda d: _write(d / "dates.csv", b"text,ts,author\nsalut,31/02/2026 25h,u1\n"),
        r"dates\.csv, line 2: no row has a date in a known layout",
    ),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_and_changes_nothing(
    case, warehouse, tmp_path, capsys, monkeypatch
):
    make, pattern = BAD_INPUTS[case]
    bad = make(tmp_path)
    before = tables(warehouse)
    code, out, err = run(
        ["ingest", "--db", str(warehouse), str(bad)], capsys, monkeypatch
    )
    assert code != 0
    assert "Traceback" not in err + out
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("Error: ")

    assert re.search(pattern, lines[0]), lines[0]
    assert tables(warehouse) == before


@pytest.mark.parametrize("case", ["truncated JSON", "no readable date"])
def test_a_failed_first_ingest_leaves_no_warehouse_file(
    case, tmp_path, capsys, monkeypatch
):
    monkeypatch.delenv("TRIBU_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    if case == "truncated JSON":
        bad = _truncated_dce(tmp_path)
    else:
        bad = _write(tmp_path / "nodate.csv", b"text,ts,author\nhello,notadate,u1\n")
    db = tmp_path / "new.duckdb"
    code, _, err = run(["ingest", "--db", str(db), str(bad)], capsys, monkeypatch)
    assert code == 1 and err.startswith("Error: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == [bad.name]


def test_a_bad_file_among_good_ones_loads_none(
    warehouse, tmp_path, capsys, monkeypatch
):
    good = tmp_path / "more.csv"
    good.write_text(
        "text,ts,author\nNouveau,2026-03-02T10:00:00Z,u3\n", encoding="utf-8"
    )
    bad = _truncated_dce(tmp_path)
    before = tables(warehouse)
    code, _, err = run(
        ["ingest", "--db", str(warehouse), str(good), str(bad)], capsys, monkeypatch
    )
    assert code == 1 and "ends early" in err
    assert tables(warehouse) == before


def test_summary_and_skip_on_second_run(warehouse, tmp_path, capsys, monkeypatch):
    csv = tmp_path / "good.csv"
    code, out, _ = run(
        ["ingest", "--db", str(warehouse), "--json", str(csv)], capsys, monkeypatch
    )
    assert code == 0
    data = json.loads(out)
    assert data["skipped"] == [str(csv)] and data["communities"] == []


def test_summary_counts_in_json(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    csv = tmp_path / "forum.csv"
    csv.write_text(
        "body,when,who\nA,2026-03-01T10:00:00Z,u1\nB,2026-03-01T11:00:00Z,u1\n"
    )
    db = tmp_path / "x.duckdb"
    code, out, err = run(
        ["ingest", "--db", str(db), "--map", "text=body,ts=when,author=who,platform=forum",
         "--json", str(csv)],
        capsys, monkeypatch,
    )  # fmt: skip
    assert code == 0, err
    [community] = json.loads(out)["communities"]
    # Two messages by one author in one channel ("main"), an hour apart.
    assert community["community_id"] == "forum:forum"
    assert (community["messages"], community["members"], community["channels"]) == (
        2,
        1,
        1,
    )
    assert (community["first_ts"], community["last_ts"]) == (
        "2026-03-01T10:00:00+00:00",
        "2026-03-01T11:00:00+00:00",
    )


def test_folder_of_exports_and_ignored_files(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "exports"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.csv").write_text(GOOD_CSV)
    (folder / "sub" / "b.csv").write_text(GOOD_CSV.replace("Bonjour", "Hello"))
    (folder / "README.md").write_text("notes")
    code, out, err = run(
        ["ingest", "--db", "f.duckdb", "--json", str(folder)], capsys, monkeypatch
    )
    assert code == 0, err
    data = json.loads(out)
    assert sorted(Path(f["path"]).name for f in data["files"]) == ["a.csv", "b.csv"]
    assert [Path(p).name for p in data["ignored"]] == ["README.md"]


def test_enrich_when_unavailable_says_so(tmp_path, capsys, monkeypatch):
    # None in sys.modules makes the import fail as if the module were not there.
    monkeypatch.setitem(sys.modules, "tribu.enrich.pipeline", None)
    csv = tmp_path / "good.csv"
    csv.write_text(GOOD_CSV)
    code, out, _ = run(
        ["ingest", "--db", str(tmp_path / "e.duckdb"), "--enrich", str(csv)],
        capsys,
        monkeypatch,
    )
    assert code == 0 and "Enrichment is not available" in out


def test_unknown_platform_is_refused(tmp_path, capsys, monkeypatch):
    csv = tmp_path / "good.csv"
    csv.write_text(GOOD_CSV)
    code, _, err = run(
        ["ingest", "--platform", "myspace", str(csv)], capsys, monkeypatch
    )
    assert code == 1 and "--platform 'myspace' is not a known connector" in err


def test_tz_reads_whatsapp_local_times(tmp_path, capsys, monkeypatch):
    chat = tmp_path / "WhatsApp Chat with Run Club.txt"
    chat.write_text(
        "15/07/2026 18:00 - Solène: On court dimanche ?\n", encoding="utf-8"
    )
    db = tmp_path / "w.duckdb"
    code, out, err = run(
        ["ingest", "--db", str(db), "--tz", "Europe/Paris", "--json", str(chat)],
        capsys, monkeypatch,
    )  # fmt: skip
    assert code == 0, err
    # 18:00 in Paris in July (UTC+2) is 16:00 UTC.
    [community] = json.loads(out)["communities"]
    assert community["first_ts"] == "2026-07-15T16:00:00+00:00"


def test_unknown_tz_is_refused(tmp_path, capsys, monkeypatch):
    csv = tmp_path / "good.csv"
    csv.write_text(GOOD_CSV)
    db = tmp_path / "t.duckdb"
    code, _, err = run(
        ["ingest", "--db", str(db), "--tz", "Paris", str(csv)], capsys, monkeypatch
    )
    assert code == 1 and "IANA name" in err and "'Paris'" in err
    assert len(err.strip().splitlines()) == 1 and not db.exists()


def test_forget_by_platform_id(warehouse, capsys, monkeypatch):
    # good.csv: u1 wrote "Bonjour", u2 wrote "Salut", in community generic:good.
    code, out, err = run(
        ["forget", "--db", str(warehouse), "--name", "u1", "--community", "generic:good"],
        capsys, monkeypatch,
    )  # fmt: skip
    assert code == 0, err
    assert "messages: 1 row(s)" in out and "members: 1 row(s)" in out
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("SELECT text FROM messages").fetchall() == [("Salut",)]
    con.close()
    before = tables(warehouse)
    code, _, err = run(
        ["forget", "--db", str(warehouse), "m_0000000000000000"], capsys, monkeypatch
    )
    assert (
        code == 1 and "No member m_0000000000000000" in err and "nothing erased" in err
    )
    assert tables(warehouse) == before


def test_installed_script_prints_no_traceback(tmp_path):
    bad = tmp_path / "garbage.json"
    bad.write_bytes(bytes(range(256)) * 8)
    result = subprocess.run(
        [TRIBU, "ingest", "--db", str(tmp_path / "s.duckdb"), str(bad)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0 and "garbage.json" in result.stderr


def test_every_option_field_and_setting_is_documented():
    import typer.main

    from tribu.config import CampaignConfig, CommunityConfig
    from tribu.connectors.generic import FIELDS

    ingest_doc = (REPO_ROOT / "docs" / "ingest.md").read_text(encoding="utf-8")
    config_doc = (REPO_ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    group = typer.main.get_group(cli.app)
    for name in ("ingest", "forget"):
        for param in group.commands[name].params:
            for option in param.opts:
                if option.startswith("--"):
                    assert f"`{option}" in ingest_doc, (
                        f"{name} {option} is not documented"
                    )
    for field in FIELDS:
        assert f"| `{field}` |" in ingest_doc, (
            f"generic field {field} is not documented"
        )
    for setting in (CommunityConfig, CampaignConfig):
        for key in setting.__dataclass_fields__:
            assert f"| `{key}` |" in config_doc, (
                f"tribu.toml key {key} is not documented"
            )


def test_enrich_after_ingest(tmp_path, capsys, monkeypatch):
    csv = tmp_path / "good.csv"
    csv.write_text(GOOD_CSV)
    db = tmp_path / "e.duckdb"
    code, out, err = run(
        ["ingest", "--db", str(db), "--enrich", str(csv)], capsys, monkeypatch
    )
    assert code == 0, err
    # good.csv holds two messages, both enriched.
    assert "Enriched 2 message(s)" in out
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM enrichment").fetchone() == (2,)
    con.close()
