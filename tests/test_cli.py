"""The ``tribu`` entry point: every command is listed and helped, exit codes survive."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from tribu import cli

EXPECTED_COMMANDS = {
    "analyse",
    "ingest",
    "forget",
    "enrich",
    "eval",
    "sentiment",
    "kpis",
    "roles",
    "rituals",
    "load",
    "business",
    "creators",
    "report",
    "serve",
    "token",
    "demo",
    "version",
}


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli.app, ["--help"])
    assert result.exit_code == 0
    listed = {c.name for c in typer.main.get_command(cli.app).commands.values()}
    assert listed >= EXPECTED_COMMANDS


@pytest.mark.parametrize("command", sorted(EXPECTED_COMMANDS))
def test_every_command_has_help(command: str) -> None:
    group = typer.main.get_command(cli.app)
    assert group.commands[command].get_short_help_str().strip(), command


def test_exit_code_of_a_command_reaches_the_shell(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = typer.Typer()

    @app.command()
    def fails() -> None:
        raise typer.Exit(3)

    @app.command()
    def other() -> None:
        """A second command so that Typer keeps a group."""

    monkeypatch.setattr(cli, "app", app)
    monkeypatch.setattr("sys.argv", ["tribu", "fails"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 3


def test_expected_fault_is_one_line_without_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.argv", ["tribu", "ingest", "/no/such/export.json"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "/no/such/export.json" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_usage_error_is_clicks_message_without_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.argv", ["tribu", "kpis", "--no-such-option"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "No such option" in err
    assert "Traceback" not in err
