"""``tribu faq load FILE`` and ``tribu faq list``: the FAQ the triage answers from."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from tribu.commands._sections_output import DbOption

__all__ = ["faq_app", "register"]


faq_app = typer.Typer(
    help="The FAQ the triage bot answers from (versioned).", no_args_is_help=True
)


@faq_app.command("load")
def faq_load(
    file: Annotated[
        Path, typer.Argument(help="A CSV (id,lang,question,answer) or Markdown FAQ.")
    ],
    db: DbOption = None,
) -> None:
    """Check an FAQ file and make it the FAQ in use, as a new version (all or nothing)."""
    from tribu.errors import WarehouseError
    from tribu.triage.faq_file import read_faq_file
    from tribu.triage.store import TriageStore
    from tribu.triage.warehouse_sync import sync_warehouse

    faq = read_faq_file(file)  # a bad file stops here: nothing is written
    store = TriageStore.for_warehouse(db)
    try:
        version = store.load_faq(faq)
        typer.echo(
            f"FAQ version {version} loaded from {file}: {len(faq.entries)} entries, "
            f"{len(faq.phrasings())} phrasings ({store.path})."
        )
        try:
            sync_warehouse(db, store)
        except WarehouseError as exc:
            typer.echo(
                f"Warning: the warehouse copy was not updated ({exc}); run "
                "'tribu triage sync' later.",
                err=True,
            )
    finally:
        store.close()


@faq_app.command("list")
def faq_list(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the entries of the FAQ in use: id, language, phrasings, question."""
    from tribu.errors import ConfigError
    from tribu.triage.store import TriageStore

    store = TriageStore.for_warehouse(db)
    try:
        version = store.faq_version()
        if version is None:
            raise ConfigError(
                f"No FAQ loaded for this warehouse ({store.path}); load one with "
                "'tribu faq load FILE'."
            )
        entries = store.faq_entries(version)
        loaded = store.faq_versions()[0]
    finally:
        store.close()
    if as_json:
        typer.echo(
            json.dumps(
                {"version": version, "source": loaded["source"], "entries": entries},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    typer.echo(
        f"FAQ version {version} ({loaded['source']}, loaded {loaded['loaded_at']}): "
        f"{loaded['entries']} entries"
    )
    for entry in entries:
        typer.echo(
            f"{entry['faq_id']}\t{entry['lang']}\t{entry['phrasings']}\t{entry['question']}"
        )


def register(app: typer.Typer) -> None:
    """Add ``tribu faq ...`` to ``app``."""
    app.add_typer(faq_app, name="faq")
