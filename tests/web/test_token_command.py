"""`tribu token create|list|revoke` on the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tribu.cli import app
from tribu.web.auth import TokenStore


def test_create_list_revoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRIBU_TOKENS", raising=False)
    db = tmp_path / "w.duckdb"
    runner = CliRunner()
    created = runner.invoke(
        app,
        ["token", "create", "--role", "viewer", "--name", "laptop", "--db", str(db)],
    )
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip().splitlines()[0]
    store = TokenStore(tmp_path / "w.duckdb.tokens.json")  # next to the warehouse
    record = store.verify(secret)
    assert record is not None and record.role == "viewer" and record.name == "laptop"

    listed = runner.invoke(app, ["token", "list", "--db", str(db)])
    assert (
        f"{record.token_id}\tviewer\tlaptop" in listed.stdout
        and "active" in listed.stdout
    )
    assert secret not in listed.stdout

    revoked = runner.invoke(app, ["token", "revoke", record.token_id, "--db", str(db)])
    assert revoked.exit_code == 0 and store.verify(secret) is None


def test_create_rejects_an_unknown_role(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["token", "create", "--role", "root", "--db", str(tmp_path / "w.duckdb")]
    )
    assert result.exit_code != 0
    assert "Got 'root'" in str(result.exception)
