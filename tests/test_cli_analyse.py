"""`tribu analyse EXPORT... --out report.html`: ingest, enrich and report in one command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from tribu import cli
from tribu.analyse import default_db

# A hand-written DiscordChatExporter file (tests/data/discord/SOURCES.md) of 9 entries: 4
# messages (two posts, a reply, a slash command), 3 notices (join, pin, boost: events, not
# messages) and 2 unreadable messages (no author; bad timestamp), quarantined.
EXPORT = Path(__file__).parent / "data" / "discord" / "handmade_roles_reactors.json"


@pytest.fixture(scope="module")
def _cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sql-cache")


@pytest.fixture(autouse=True)
def _own_sql_cache(_cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A compiled-SQL cache of these tests (not the user's), shared by them."""
    monkeypatch.setenv("TRIBU_CACHE_DIR", str(_cache_dir))


def test_analyse_writes_the_report_and_keeps_the_warehouse(tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.html"
    result = CliRunner().invoke(
        cli.app,
        [
            "analyse",
            str(EXPORT),
            "--out",
            str(out),
            "--lang",
            "en",
            "--json",
            "--workers",
            "0",
        ],
    )
    assert result.exit_code == 0, result.output
    done = json.loads(result.output)
    assert done["messages"] == 4
    assert done["quarantined"] == 2
    assert done["enriched"] == 4  # every message got its language and sentiment
    assert set(done["seconds"]) == {"ingest", "enrich", "report"}
    assert done["db"] == str(tmp_path / "out" / "report.duckdb")
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") or "<html" in page[:200]
    assert '<html lang="en">' in page
    con = duckdb.connect(done["db"], read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM messages").fetchone() == (4,)
        assert con.execute("SELECT count(*) FROM enrichment").fetchone() == (4,)
    finally:
        con.close()


def test_analyse_twice_gives_the_same_warehouse(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    args = ["analyse", str(EXPORT), "--out", str(out), "--json", "--workers", "0"]
    first = json.loads(CliRunner().invoke(cli.app, args).output)
    second = json.loads(CliRunner().invoke(cli.app, args).output)
    assert first["enriched"] == 4
    assert (
        second["enriched"] == 0
    )  # nothing new: ingest is idempotent, enrich incremental
    con = duckdb.connect(str(default_db(out)), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM messages").fetchone() == (4,)
    finally:
        con.close()


def test_analyse_a_folder_into_its_own_db(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    shutil.copy(EXPORT, folder / "general.json")
    db = tmp_path / "elsewhere" / "w.duckdb"
    out = tmp_path / "r.html"
    result = CliRunner().invoke(
        cli.app,
        ["analyse", str(folder), "--out", str(out), "--db", str(db), "--workers", "0"],
    )
    assert result.exit_code == 0, result.output
    assert "Analysed 4 message(s)" in result.output
    assert db.exists() and out.exists()
    assert not default_db(out).exists()


def test_default_db_sits_next_to_the_report() -> None:
    assert default_db("a/b/report.html") == Path("a/b/report.duckdb")


@pytest.mark.parametrize("bad", ["missing", "not_an_export"])
def test_bad_input_is_one_line_naming_the_file(
    bad: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "export.json"
    if bad == "not_an_export":
        path.write_text('{"hello": "world"}', encoding="utf-8")
    out = tmp_path / "report.html"
    monkeypatch.setattr("sys.argv", ["tribu", "analyse", str(path), "--out", str(out)])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert str(path) in err.replace("\n", "")
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_bad_language_is_refused_before_any_work(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        cli.app, ["analyse", str(EXPORT), "--out", str(out), "--lang", "de"]
    )
    assert result.exit_code != 0
    assert not default_db(out).exists()


def test_help_says_what_it_does() -> None:
    result = CliRunner().invoke(cli.app, ["analyse", "--help"])
    assert result.exit_code == 0
    assert "Ingest exports, enrich them and write the HTML report" in result.output
    for option in ("--out", "--db", "--lang", "--json"):
        assert option in result.output
