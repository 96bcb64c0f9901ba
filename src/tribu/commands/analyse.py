"""`tribu analyse EXPORT... --out report.html`: from exports to the report in one command.

Thin: parse the options, call :func:`tribu.analyse.analyse` with one progress display of its
stages, render what was done.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from tribu.commands.ingest import (
    ConfigOption,
    ExportZoneOption,
    KeepNamesOption,
    PlatformOption,
)

__all__ = ["register"]


def analyse(
    paths: Annotated[
        list[Path], typer.Argument(help="Export files, zips or folders to analyse.")
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="HTML report to write.")
    ] = Path("report.html"),
    db: Annotated[
        Path | None,
        typer.Option(
            "--db", help="Warehouse file (default: next to the report, REPORT.duckdb)."
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(help="fr or en (default: French when most messages are French)."),
    ] = None,
    platform: PlatformOption = None,
    keep_names: KeepNamesOption = False,
    config: ConfigOption = None,
    local_zone: ExportZoneOption = None,
    workers: Annotated[
        int, typer.Option(min=0, help="Enrichment worker processes (one per core).")
    ] = 2,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print what was done as JSON.")
    ] = False,
) -> None:
    """Ingest exports, enrich them and write the HTML report, in one go."""
    from tribu.analyse import STAGES
    from tribu.analyse import analyse as run
    from tribu.report.labels import check_lang

    if lang is not None:
        check_lang(lang)
    console = Console(stderr=True)
    show = not as_json and console.is_terminal
    status = console.status("Starting...") if show else None
    if status is not None:
        status.start()

    def on_stage(name: str) -> None:
        if status is not None:
            step = STAGES.index(name) + 1
            status.update(f"[{step}/{len(STAGES)}] {name}...")

    try:
        summary = run(
            paths,
            out,
            db=db,
            lang=lang,
            platform=platform,
            keep_names=keep_names,
            config=config,
            local_zone=local_zone,
            workers=workers,
            on_stage=on_stage,
        )
    finally:
        if status is not None:
            status.stop()
    if as_json:
        typer.echo(json.dumps(summary.to_dict(), ensure_ascii=False))
        return
    times = ", ".join(
        f"{name} {seconds:.1f} s" for name, seconds in summary.seconds.items()
    )
    Console(highlight=False).print(
        f"Analysed {summary.messages:,} message(s) ({times}).\n"
        f"Report written to {summary.report} "
        f"(warehouse {summary.db}).",
        markup=False,
    )


def register(app: typer.Typer) -> None:
    """Add `tribu analyse` to `app`."""
    app.command("analyse")(analyse)
