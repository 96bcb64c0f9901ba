"""``tribu people``: suggest, merge, show, unmerge, and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from tribu.cli import app

runner = CliRunner()


def test_people_commands_end_to_end(people_db) -> None:
    db = str(people_db)
    done = runner.invoke(app, ["people", "suggest", "--db", db, "--json"])
    assert done.exit_code == 0, done.output
    out = json.loads(done.output)
    assert len(out["auto_merged"]) == 1  # the phone pair (see conftest)
    assert out["suggestions"] == len(out["top"]) == 2
    done = runner.invoke(
        app,
        [
            "people",
            "merge",
            "d-marc",
            "s-marc",
            "--db",
            db,
            "--reason",
            "r",
            "--actor",
            "ana",
        ],
    )
    assert done.exit_code == 0, done.output
    decision = done.output.split("decision ")[1].split(";")[0]
    shown = json.loads(
        runner.invoke(app, ["people", "show", "d-marc", "--db", db, "--json"]).output
    )
    assert [m["member_id"] for m in shown["members"]] == ["d-marc", "s-marc"]
    assert shown["decisions"][0]["actor"] == "ana"
    done = runner.invoke(app, ["people", "unmerge", decision, "--db", db])
    assert done.exit_code == 0, done.output
    summary = json.loads(
        runner.invoke(app, ["people", "show", "--db", db, "--json"]).output
    )
    assert summary["people"] == 8  # 9 members, the phone pair merged
    assert [d["action"] for d in summary["decisions"]] == [
        "auto-merge",
        "merge",
        "unmerge",
    ]


def test_people_errors_are_one_line(people_db) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tribu", "people", "merge", "s-zoe", "s-zoe2"]
        + ["--db", str(people_db)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "one account per community" in done.stderr
    assert "Traceback" not in done.stderr
