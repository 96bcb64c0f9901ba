"""The live commands: apply and status, alerts check and list, digest, and their bad input."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.live.conftest import payload
from tribu.cli import app
from tribu.live.queue import LiveQueue, queue_path
from tribu.warehouse.store import open_warehouse

runner = CliRunner()


def test_apply_status_alerts_and_digest(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    open_warehouse(db).close()
    queue = LiveQueue(queue_path(db))
    queue.put("generic", "batch", payload("generic_batch.json"), ignored=1)
    queue.close()
    status = runner.invoke(app, ["live", "status", "--db", str(db), "--json"])
    assert status.exit_code == 0, status.output
    assert json.loads(status.stdout) == {
        "counters": {"generic.received": 1, "generic.ignored": 1},
        "backlog": 1,
    }
    applied = runner.invoke(app, ["live", "apply", "--db", str(db)])
    assert applied.exit_code == 0 and "1 events applied" in applied.stdout
    check = runner.invoke(
        app, ["alerts", "check", "--db", str(db), "--no-send", "--json"]
    )
    assert check.exit_code == 0, check.output
    # "Is the new flavour vegan?" was answered (reply 102), so no alert
    assert json.loads(check.stdout) == []
    listed = runner.invoke(app, ["alerts", "list", "--db", str(db), "--json"])
    assert listed.exit_code == 0 and json.loads(listed.stdout) == []
    out = tmp_path / "digest"
    digest = runner.invoke(
        app,
        [
            "digest",
            "--db",
            str(db),
            "--since",
            "3000w",
            "--lang",
            "fr",
            "--out",
            str(out),
        ],
    )
    assert digest.exit_code == 0, digest.output
    text = (out / "digest.md").read_text("utf-8")
    assert "Example forum" in text and "Nouveaux membres" in text
    assert (out / "digest.html").read_text("utf-8").startswith("<!doctype html>")


def test_bad_since_is_one_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    db = tmp_path / "w.duckdb"
    open_warehouse(db).close()
    result = subprocess.run(
        [sys.executable, "-m", "tribu", "digest", "--db", str(db), "--since", "soon"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "--since must look like 7d" in result.stderr
    assert "Traceback" not in result.stderr


def test_discord_needs_its_token(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("TRIBU_DISCORD_TOKEN", raising=False)
    result = runner.invoke(app, ["live", "discord", "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code != 0 and "TRIBU_DISCORD_TOKEN" in str(result.exception)


def test_dashboard_loads_the_live_panel(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from tribu.live.settings import LiveSettings
    from tribu.web.app import create_app
    from tribu.web.auth import TokenStore

    db = tmp_path / "w.duckdb"
    open_warehouse(db).close()
    tokens = TokenStore(tmp_path / "t.json")
    _, viewer = tokens.create("viewer", "t")
    application = create_app(
        db, tokens=tokens, watch=False, live=LiveSettings({}, worker=False)
    )
    client = TestClient(application)
    auth = {"Authorization": f"Bearer {viewer}"}
    page = client.get("/", headers=auth)
    assert page.status_code == 200 and 'src="/static/live.js"' in page.text
    script = client.get("/static/live.js", headers=auth)
    assert script.status_code == 200 and "/api/v1/live/activity" in script.text
    assert "innerHTML" not in script.text  # text goes in through textContent only
    application.state.snapshots.close()
