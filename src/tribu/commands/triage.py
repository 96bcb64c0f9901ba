"""``tribu triage replay|sync`` and ``tribu eval faq``: estimate and judge the FAQ bot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from tribu.commands._sections_output import DbOption

__all__ = ["register", "triage_app"]

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="tribu.toml with the [triage] thresholds."),
]

triage_app = typer.Typer(
    help="The hybrid FAQ-bot / human triage.", no_args_is_help=True
)


@triage_app.command("replay")
def triage_replay(
    db: DbOption = None,
    community: Annotated[
        str | None, typer.Option(help="Only this community_id.")
    ] = None,
    faq: Annotated[
        Path | None,
        typer.Option(help="Replay against this FAQ file (default: the FAQ in use)."),
    ] = None,
    limit: Annotated[
        int | None, typer.Option(help="At most this many questions, oldest first.")
    ] = None,
    examples: Annotated[int, typer.Option(help="Examples shown per outcome.")] = 3,
    config: ConfigOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Run the community's past questions through the triage: what would the bot do?"""
    import tempfile

    from rich.console import Console
    from rich.markup import escape

    from tribu.errors import ConfigError
    from tribu.triage.faq_file import read_faq_file
    from tribu.triage.replay import replay
    from tribu.triage.service import TriageService
    from tribu.triage.settings import triage_settings
    from tribu.triage.store import TriageStore

    settings = triage_settings(config)
    with tempfile.TemporaryDirectory() as scratch:
        if faq is not None:
            store = TriageStore(Path(scratch) / "replay.sqlite")
            store.load_faq(read_faq_file(faq))
        else:
            store = TriageStore.for_warehouse(db)
            if store.faq_version() is None:
                store.close()
                raise ConfigError(
                    "No FAQ to replay against: pass --faq FILE or load one with "
                    "'tribu faq load FILE'."
                )
        try:
            result = replay(
                db,
                TriageService(store, settings),
                community=community,
                limit=limit,
                examples=examples,
            )
        finally:
            store.close()
    payload = result.as_json()
    if as_json:
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    console = Console(highlight=False)
    console.print(
        f"Replayed {result.questions} past questions (of {result.messages} member "
        f"messages) against FAQ version {result.faq_version}."
    )
    console.print(f"  bot answers      {payload['answered_share']:6.1%}")
    console.print(f"  handed to humans {payload['handoff_share']:6.1%}")
    for reason, share in payload["handoff_by_reason"].items():
        console.print(f"    {reason:<19}{share:6.1%}")
    for outcome, shown in payload["examples"].items():
        console.print(f"\n[bold]{escape(outcome)}[/]")
        for example in shown:
            console.print(
                f"  - {escape(example['text'][:140])}  "
                f"(faq {escape(str(example['faq_id']))}, confidence "
                f"{example['confidence']}, sentiment {example['sentiment']})"
            )


@triage_app.command("sync")
def triage_sync(db: DbOption = None) -> None:
    """Copy the triage journal (FAQ, handoffs, decisions) into the warehouse tables."""
    from tribu.triage.store import TriageStore
    from tribu.triage.warehouse_sync import sync_warehouse

    store = TriageStore.for_warehouse(db)
    try:
        summary = sync_warehouse(db, store)
    finally:
        store.close()
    typer.echo(
        f"Warehouse updated: {summary.faq} faq rows, {summary.handoffs} handoffs, "
        f"{summary.triage_log} decisions."
    )


def eval_faq(
    file: Annotated[
        Path, typer.Argument(help="CSV with text,label and optional lang.")
    ],
    shots: Annotated[
        int, typer.Option(min=1, help="Rows per label that become the FAQ entry.")
    ] = 5,
    threshold: Annotated[
        float | None,
        typer.Option(help="Confidence needed to answer (default: the triage default)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Build an FAQ from the first N rows of each label and ask it the other rows."""
    from tribu.triage.evaluation import evaluate_faq

    result = evaluate_faq(file, shots, threshold)
    if as_json:
        typer.echo(json.dumps(result.as_json(), indent=2))
        return
    typer.echo(
        f"{result.entries} FAQ entries from {shots} rows each; answer threshold "
        f"{result.threshold}."
    )
    typer.echo("lang  questions  top-1  answered  precision")
    for lang, f in result.languages.items():
        typer.echo(
            f"{lang:<5} {f['n']:>9}  {f['top1']:.3f}  {f['answered_share']:>8.3f}  "
            f"{f['answered_precision']:>9.3f}"
        )
    for lang, f in result.off_topic.items():
        typer.echo(
            f"{lang:<5} {f['n']:>9}  off-topic, answered by mistake: "
            f"{f['answered_share']:.3f}"
        )


def register(app: typer.Typer) -> None:
    """Add ``tribu triage ...`` to ``app`` and ``faq`` to the ``eval`` group."""
    from tribu.commands.enrich import eval_app

    app.add_typer(triage_app, name="triage")
    eval_app.command("faq")(eval_faq)
