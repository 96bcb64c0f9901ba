"""``tribu demo``: generate the demo once, then run each stage of tribu on it, in order.

The stages are a plain list, :data:`DEMO_STEPS`: adding one (enrich, kpis, report, serve...) is
one function taking the :class:`DemoRun` and one line in the list. Each stage reads what the
earlier ones left in :attr:`DemoRun.results`.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from tribu.demo._generate import DemoFiles, generate
from tribu.errors import TribuError

__all__ = ["DEMO_ACCEPT", "DEMO_STEPS", "DemoRun", "run_demo"]

DEMO_ACCEPT = 0.6
"""Confidence from which the demo, playing the reviewer, accepts a suggestion."""


@dataclass
class DemoRun:
    """What the demo's stages share: options, the generated files, each stage's result."""

    out_dir: Path
    db: Path
    seed: int = 7
    regenerate: bool = False
    serve: bool = True
    report: Path = Path("demo-report.html")
    console: Console = field(default_factory=Console)
    files: DemoFiles | None = None
    results: dict[str, Any] = field(default_factory=dict)


def generate_step(run: DemoRun) -> None:
    """Write the demo exports, unless the same seed's files are already there."""
    existing = None if run.regenerate else DemoFiles.from_manifest(run.out_dir)
    if existing is not None and existing.seed == run.seed:
        run.console.print(
            f"Demo data already in {run.out_dir} (use --regenerate to rewrite it)."
        )
        run.files = existing
        return
    with run.console.status("Writing the Semelle demo community..."):
        run.files = generate(run.out_dir, seed=run.seed)
    for counts in run.files.counts.values():
        run.console.print(
            f"  {counts.platform:<9} {counts.community:<22} {counts.messages:>6} messages, "
            f"{counts.joins:>4} joins, {counts.reactions:>6} reactions"
        )
    run.console.print(f"Wrote {run.files.messages} messages into {run.out_dir}.")


def ingest_step(run: DemoRun) -> None:
    """Load the four exports into the demo warehouse and print the ingest summary.

    The WhatsApp export is written in Paris local time, as a phone in France writes it.
    """
    from tribu.warehouse.ingest import ingest_paths

    assert run.files is not None
    run.db.parent.mkdir(parents=True, exist_ok=True)
    summary = ingest_paths(
        run.files.inputs,
        db=run.db,
        config=run.files.config,
        progress=True,
        local_zone="Europe/Paris",
    )
    run.results["ingest"] = summary
    render = getattr(summary, "render", None)
    run.console.print(render() if callable(render) else summary)


def first_party_step(run: DemoRun) -> None:
    """Write the brand's first-party files and load them, linking customers to members."""
    from tribu.demo.first_party import write_first_party
    from tribu.firstparty import load_files
    from tribu.warehouse.store import open_warehouse

    con = open_warehouse(run.db)
    try:
        member_ids = [
            row[0]
            for row in con.execute(
                "SELECT member_id FROM members WHERE NOT is_brand AND NOT is_bot "
                "ORDER BY member_id"
            ).fetchall()
        ]
        paths = write_first_party(
            run.out_dir / "first-party", seed=run.seed, member_ids=member_ids
        )
        loaded = {
            kind: load_files(con, kind, [path]).rows for kind, path in paths.items()
        }
    finally:
        con.close()
    run.results["first_party"] = loaded
    run.console.print(
        "First-party files loaded: "
        + ", ".join(f"{rows} {kind}" for kind, rows in loaded.items())
    )
    survey_step(run)


def survey_step(run: DemoRun) -> None:
    """The questionnaire sent to the WhatsApp group: written as Typeform CSV, loaded."""
    from tribu.connectors import whatsapp
    from tribu.connectors._records import Member
    from tribu.demo._generate import COMMUNITY_NAMES
    from tribu.demo._polls import SURVEY_ID, write_survey
    from tribu.firstparty import load_survey
    from tribu.warehouse.store import open_warehouse

    assert run.files is not None
    handles = sorted(
        {
            r.member_key
            for r in whatsapp.read(run.files.whatsapp)
            if isinstance(r, Member) and not r.member_key.startswith("Semelle")
        }
    )
    path = write_survey(
        run.out_dir / "first-party" / "typeform_live.csv", handles, run.seed
    )
    con = open_warehouse(run.db)
    try:
        result = load_survey(
            con,
            path,
            survey_id=SURVEY_ID,
            community_id=f"whatsapp:{COMMUNITY_NAMES['whatsapp']}",
            kinds={"Un mot pour l'équipe ?": "text"},
        )
    finally:
        con.close()
    run.results["survey"] = result
    where = "; ".join(f"{w}: {why}" for w, why in result.quarantined)
    run.console.print(
        f"Questionnaire {SURVEY_ID} loaded: {result.responses} responses"
        + (f", {len(result.quarantined)} row(s) quarantined ({where})" if where else "")
        + " — see `tribu polls`."
    )


def people_step(run: DemoRun) -> None:
    """Find the people who are in several communities; say how the active count falls.

    ``tribu people suggest`` merges the sure pairs; the demo then plays the reviewer and
    accepts the suggestions at :data:`DEMO_ACCEPT` or more (a name and initial alike on two
    platforms: in the demo's invented pool one name is one person), and compares the
    community-wide active count with what the generator knows (``manifest.json``,
    ``people``).
    """
    import json

    from tribu.people.store import accept_many, active_counts, suggest, suggestions
    from tribu.warehouse.store import open_warehouse

    assert run.files is not None
    truth = json.loads(run.files.manifest.read_text(encoding="utf-8")).get("people", {})
    con = open_warehouse(run.db)
    try:
        members_before, _ = active_counts(con)
        report = suggest(con)
        sure = [
            (s["member_a"], s["member_b"])
            for s in suggestions(con)
            if s["confidence"] >= DEMO_ACCEPT
        ]
        accepted = accept_many(
            con, sure, actor="tribu demo", reason="demo: the reviewer accepts"
        )
        members, people = active_counts(con)
    finally:
        con.close()
    run.results["people"] = {
        "auto_merged": len(report.auto_merged),
        "suggestions": report.suggestions,
        "accepted": len(accepted.decisions),
        "active_members": members,
        "active_people": people,
        "truth": truth,
    }
    run.console.print(
        f"People: {report.suggestions} merge suggestions over {report.members} members "
        f"({len(report.auto_merged)} merged automatically); the demo accepts the "
        f"{len(accepted.decisions)} at {DEMO_ACCEPT:.0%} or more."
    )
    if not report.auto_merged:
        run.console.print(
            "  (No e-mail or phone is shared across the demo's exports, so no pair is sure "
            "enough to merge unreviewed: review them with 'tribu people suggest' or /people.)"
        )
    if truth:
        run.console.print(
            f"  The generator put {truth['in_several_communities']} people in several "
            f"communities ({truth['active_in_several_communities']} wrote in several)."
        )
    run.console.print(
        f"  Community-wide active: {members_before} member accounts -> {people} people "
        f"(-{members_before - people}"
        + (
            f"; the generator's truth: {truth['active_people']} people, "
            f"-{truth['duplicate_active_accounts']})."
            if truth
            else ")."
        )
    )


def enrich_step(run: DemoRun) -> None:
    """Add language and sentiment to every message not enriched yet."""
    from tribu.enrich.pipeline import enrich_warehouse

    summary = enrich_warehouse(run.db, progress=True)
    run.results["enrich"] = summary
    run.console.print(
        f"Enriched {summary.enriched} messages "
        f"({summary.messages_per_second:,.0f} messages/s)."
    )


def _tribu(run: DemoRun, *args: str) -> None:
    """Run one ``tribu`` command on the demo warehouse, as a user would type it."""
    command = [sys.executable, "-m", "tribu", *args, "--db", str(run.db)]
    run.console.print(f"\n[bold]$ tribu {' '.join(args)}[/]")
    run.console.file.flush()
    done = subprocess.run(command, check=False)
    if done.returncode:
        raise TribuError(f"tribu demo: 'tribu {' '.join(args)}' failed.")


def kpis_step(run: DemoRun) -> None:
    """Print the community scorecard, the roles and the rituals."""
    for command in ("kpis", "roles", "rituals"):
        _tribu(run, command)


def business_step(run: DemoRun) -> None:
    """Print the business measures and the creators' table."""
    _tribu(run, "business")
    _tribu(run, "creators")


def listen_step(run: DemoRun) -> None:
    """Embed the messages, then show the conversations emerging in the last week."""
    _tribu(run, "enrich", "--embeddings")
    _tribu(run, "listen", "--limit", "8")


def triage_step(run: DemoRun) -> None:
    """Load the Semelle FAQ and print what the bot would do with the community's questions."""
    from importlib import resources

    faq = resources.files("tribu.demo").joinpath("semelle_faq.md")
    with resources.as_file(faq) as path:
        _tribu(run, "faq", "load", str(path))
    _tribu(run, "triage", "replay", "--examples", "2")


def report_step(run: DemoRun) -> None:
    """Write the self-contained HTML report next to the demo folder's parent."""
    from tribu.report import write_report

    with run.console.status("Writing the HTML report..."):
        path = write_report(run.db, run.report)
    run.results["report"] = path
    run.console.print(f"\nReport written: [bold]{path}[/] (opens offline).")


def serve_step(run: DemoRun) -> None:
    """Make a viewer token, print the address, and serve the dashboard until Ctrl-C."""
    if not run.serve:
        return
    from tribu.web import serve
    from tribu.web.auth import TokenStore

    _record, token = TokenStore.for_warehouse(run.db).create("viewer", "demo")
    run.console.print(
        "\n[bold]Dashboard:[/] http://127.0.0.1:8000/  (stop with Ctrl-C)\n"
        f"[bold]Viewer token:[/] {token}"
    )
    serve(run.db, host="127.0.0.1", port=8000)


DEMO_STEPS: tuple[tuple[str, Callable[[DemoRun], None]], ...] = (
    ("generate", generate_step),
    ("ingest", ingest_step),
    ("first-party", first_party_step),
    ("people", people_step),
    ("enrich", enrich_step),
    ("kpis", kpis_step),
    ("business", business_step),
    ("listen", listen_step),
    ("triage", triage_step),
    ("report", report_step),
    ("serve", serve_step),
)
"""The demo's stages, in order: (name, function of the :class:`DemoRun`)."""


def run_demo(
    out_dir: Path = Path("build/demo"),
    db: Path | None = None,
    *,
    seed: int = 7,
    regenerate: bool = False,
    serve: bool = True,
    report: Path = Path("demo-report.html"),
    console: Console | None = None,
) -> DemoRun:
    """Generate the demo (once) and run every stage of :data:`DEMO_STEPS` on it.

    Parameters
    ----------
    out_dir : where the exports, ``tribu.toml`` and ``manifest.json`` go.
    db : the demo warehouse; default ``<out_dir>/demo.duckdb``.
    seed : the story's seed; a different seed than the files on disk regenerates them.
    regenerate : rewrite the files even if they are there.
    serve : whether the last stage starts the dashboard (it then runs until Ctrl-C).
    report : where the HTML report goes.
    """
    run = DemoRun(
        Path(out_dir),
        Path(db) if db else Path(out_dir) / "demo.duckdb",
        seed,
        regenerate,
        serve,
        Path(report),
    )
    if console is not None:
        run.console = console
    for _name, step in DEMO_STEPS:
        step(run)
    return run
