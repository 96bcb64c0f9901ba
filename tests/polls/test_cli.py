"""`tribu polls`: JSON and CSV contracts, an empty warehouse, a bad section."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tribu.cli import app
from tribu.polls.view import SECTIONS
from tribu.warehouse.ingest import ingest_paths
from tribu.warehouse.store import open_warehouse

DATA = Path(__file__).resolve().parents[1] / "data"


def test_json_sections(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    ingest_paths([DATA / "polls" / "telegram_polls.json"], db=db)
    out = CliRunner().invoke(app, ["polls", "--db", str(db), "--json"])
    assert out.exit_code == 0, out.output
    document = json.loads(out.output)
    assert [k for k in document if k in SECTIONS] == list(SECTIONS)
    assert document["confidence"] == 0.95
    (colour,) = [p for p in document["polls"] if p["voters"] == 9]
    # 5 of 9 for Vert sauge leads.
    assert (colour["leader"], round(colour["leader_share"], 4)) == (
        "Vert sauge",
        0.5556,
    )
    assert len(document["poll_results"]) == 6


def test_csv_section_and_errors(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    ingest_paths([DATA / "polls" / "Discussion WhatsApp avec Club Atelier.txt"], db=db)
    runner = CliRunner()
    out = runner.invoke(
        app, ["polls", "--db", str(db), "--csv", "--section", "poll_results"]
    )
    assert out.exit_code == 0, out.output
    lines = out.output.strip().splitlines()
    assert lines[0].startswith("poll_id,community_id,question,")
    assert len(lines) == 4  # header + Vert sauge, Terracotta, Noir
    bad = runner.invoke(app, ["polls", "--db", str(db), "--section", "nope"])
    assert bad.exit_code != 0


def test_empty_warehouse_says_what_to_do(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    open_warehouse(db).close()
    out = CliRunner().invoke(app, ["polls", "--db", str(db)])
    assert out.exit_code == 0
    assert "tribu load survey" in out.output
