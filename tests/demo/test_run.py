"""``tribu demo`` and :func:`run_demo`: generate once, then the listed stages."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from tribu.cli import app
from tribu.demo import DEMO_STEPS, DemoFiles, DemoRun
from tribu.demo._run import generate_step


def test_steps_run_the_whole_job_in_order() -> None:
    assert [name for name, _ in DEMO_STEPS] == [
        "generate",
        "ingest",
        "first-party",
        "people",
        "enrich",
        "kpis",
        "business",
        "listen",
        "triage",
        "report",
        "serve",
    ]


def test_generate_step_reuses_files_of_the_same_seed(demo: DemoFiles) -> None:
    before = demo.telegram.stat().st_mtime_ns
    output = io.StringIO()
    run = DemoRun(demo.root, demo.root / "demo.duckdb", console=Console(file=output))
    generate_step(run)
    assert "already" in output.getvalue()
    assert run.files is not None and run.files.counts == demo.counts
    assert demo.telegram.stat().st_mtime_ns == before


def test_generate_step_writes_when_the_seed_differs(
    demo: DemoFiles, tmp_path: Path
) -> None:
    output = io.StringIO()
    (tmp_path / "demo").mkdir()
    run = DemoRun(
        tmp_path / "demo",
        tmp_path / "demo.duckdb",
        seed=3,
        console=Console(file=output),
    )
    generate_step(run)
    assert run.files is not None and run.files.seed == 3
    assert "Wrote" in output.getvalue()
    assert (tmp_path / "demo" / "manifest.json").is_file()
    # Another seed tells another story.
    assert run.files.telegram.read_bytes() != demo.telegram.read_bytes()


def test_demo_command_lists_its_options() -> None:
    result = CliRunner().invoke(app, ["demo", "--help"])
    assert result.exit_code == 0
    for option in ("--dir", "--db", "--seed", "--regenerate", "--no-serve"):
        assert option in result.output


def test_run_demo_runs_every_stage_but_serve(demo: DemoFiles, tmp_path: Path) -> None:
    """The whole demo job, end to end, as `make demo` runs it (without the server)."""
    from tribu.demo import run_demo

    output = io.StringIO()
    run = run_demo(
        demo.root,
        tmp_path / "demo.duckdb",
        serve=False,
        report=tmp_path / "report.html",
        console=Console(file=output, width=120),
    )
    assert (tmp_path / "demo.duckdb").is_file()
    total = sum(c.messages for c in demo.counts.values())
    assert sum(c.messages for c in run.results["ingest"].communities) == total
    # Every message got a language and a sentiment.
    assert run.results["enrich"].enriched == total
    # 8 first-party kinds loaded, orders among them.
    assert len(run.results["first_party"]) == 8
    assert run.results["first_party"]["orders"] > 0
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Semelle" in html and "<script" in html
    # The questionnaire sent to the WhatsApp group: 60 rows, row 19 (NPS 11) quarantined.
    survey = run.results["survey"]
    assert survey.responses == 59
    assert [where for where, _ in survey.quarantined] == ["row 19"]
    # The report shows the demo's polls and questionnaire in its "Sondages" section.
    section = html[html.index('id="sondages"') :]
    assert "Quelle couleur pour le prochain drop" in section
    assert "Le live du vendredi : quelle heure vous arrange ?" in section
    assert "live-du-vendredi" in section
