"""The demo's people step: the people in several communities are found, the count falls."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console

from tribu.demo import DemoFiles, DemoRun
from tribu.demo._run import ingest_step, people_step


def test_people_step_finds_the_people_in_several_communities(
    demo: DemoFiles, tmp_path: Path
) -> None:
    output = io.StringIO()
    run = DemoRun(
        demo.root, tmp_path / "demo.duckdb", console=Console(file=output, width=200)
    )
    run.files = demo
    ingest_step(run)
    people_step(run)
    got = run.results["people"]
    truth = json.loads(demo.manifest.read_text(encoding="utf-8"))["people"]
    # The generator's own count of active accounts is the warehouse's, before merging.
    assert got["active_members"] == truth["active_accounts"]
    assert truth["in_several_communities"] > 100
    # Found: the community-wide active count falls by at least 85 % of the duplicates the
    # generator made, and never below the truth (that would be strangers glued together).
    # Seed 7 has 125 duplicate active accounts; the fall varies with the warehouse's random
    # pseudonym secret (suggestions of equal confidence are accepted in member-id order, and
    # one veto can block the next pair): 111, 112, 112, 114, 117 measured on five warehouses, so
    # 0.85 x 125 = 106.25 is the bound, not 0.9 (112.5), which failed one run in three.
    fell = got["active_members"] - got["active_people"]
    assert 0.85 * truth["duplicate_active_accounts"] <= fell
    assert got["active_people"] >= truth["active_people"]
    text = output.getvalue()
    assert "member accounts ->" in text and "several communities" in text
