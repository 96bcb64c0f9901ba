"""`tribu report`: write the self-contained HTML report of a warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]


def report(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="HTML file to write.")
    ] = Path("report.html"),
    db: Annotated[
        Path | None,
        typer.Option(help="Warehouse file (default: $TRIBU_DB or ./tribu.duckdb)."),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(help="fr or en (default: French when most messages are French)."),
    ] = None,
    community: Annotated[
        str | None, typer.Option(help="Only this community_id.")
    ] = None,
    channel: Annotated[str | None, typer.Option(help="Only this channel_id.")] = None,
    campaign: Annotated[str | None, typer.Option(help="Only this campaign_id.")] = None,
    since: Annotated[str | None, typer.Option(help="First day, ISO date.")] = None,
    until: Annotated[str | None, typer.Option(help="Last day, ISO date.")] = None,
) -> None:
    """Write one self-contained HTML report (charts work offline) of the warehouse."""
    from tribu.report import Filters, write_report
    from tribu.report.labels import check_lang
    from tribu.warehouse.store import resolve_db_path

    if lang is not None:
        check_lang(lang)
    filters = Filters.from_strings(community, channel, campaign, since, until)
    written = write_report(resolve_db_path(db), out, lang=lang, filters=filters)
    typer.echo(f"Report written to {written}")


def register(app: typer.Typer) -> None:
    """Add `tribu report` to `app`."""
    app.command("report")(report)
