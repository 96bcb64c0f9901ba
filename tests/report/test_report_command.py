"""`tribu report` on the command line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tribu.cli import app


def test_report_command_writes_the_file(fixture_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "nested" / "report.html"
    result = CliRunner().invoke(
        app, ["report", "--db", str(fixture_db), "--out", str(out), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert f"Report written to {out}" in result.output
    assert '<html lang="en">' in out.read_text(encoding="utf-8")


def test_report_command_rejects_a_bad_language(
    fixture_db: Path, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        app,
        [
            "report",
            "--db",
            str(fixture_db),
            "--out",
            str(tmp_path / "r.html"),
            "--lang",
            "de",
        ],
    )
    assert result.exit_code != 0
    assert "must be one of fr, en. Got 'de'" in str(result.exception)
    assert not (tmp_path / "r.html").exists()
