"""`tribu ingest` (load exports into the warehouse) and `tribu forget` (erase a person).

Thin: parse the options, call :func:`tribu.warehouse.ingest.ingest_paths` or
:func:`tribu.warehouse.forget.forget_member`, render the result.
"""

from __future__ import annotations

import functools
import importlib
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from tribu.errors import ConfigError

__all__ = [
    "ConfigOption",
    "ExportZoneOption",
    "KeepNamesOption",
    "PlatformOption",
    "register",
]

# Options that every command loading exports takes (`ingest`, `analyse`).
PlatformOption = Annotated[
    str | None,
    typer.Option("--platform", help="Force a connector (discord, slack, ...)."),
]
KeepNamesOption = Annotated[
    bool,
    typer.Option(
        "--keep-names", help="Keep real member ids and names (no pseudonyms)."
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", help="tribu.toml (default: $TRIBU_CONFIG or ./tribu.toml)."
    ),
]
ExportZoneOption = Annotated[
    str | None,
    typer.Option(
        "--tz",
        help="Time zone of exports whose times carry none (WhatsApp), e.g. "
        "Europe/Paris: the phone's zone. Default: taken as UTC.",
    ),
]


DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Warehouse file (default: $TRIBU_DB or ./tribu.duckdb)."),
]


def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Export files, zips or folders to load.")
    ],
    db: DbOption = None,
    platform: PlatformOption = None,
    keep_names: KeepNamesOption = False,
    config: ConfigOption = None,
    column_map: Annotated[
        str | None,
        typer.Option(
            "--map",
            help="Column map of a generic CSV/JSONL file: text=body,ts=created_at,...",
        ),
    ] = None,
    local_zone: ExportZoneOption = None,
    lake: Annotated[
        Path | None,
        typer.Option(
            "--lake",
            help="Write a Parquet lake in this folder instead of a DuckDB warehouse: "
            "partitioned by community and month, readable by DuckDB and Spark "
            "(--db DIR on every reading command). See docs/scale.md.",
        ),
    ] = None,
    enrich: Annotated[
        bool, typer.Option("--enrich", help="Enrich the messages after loading.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON.")
    ] = False,
) -> None:
    """Load platform exports into the warehouse and print what was loaded."""
    from tribu.connectors.generic import parse_column_map
    from tribu.warehouse.ingest import ingest_paths

    console = Console()
    if lake is not None and db is not None:
        raise ConfigError("Give --db FILE or --lake DIR, not both.")
    options = dict(
        platform=platform,
        keep_names=keep_names,
        config=config,
        column_map=parse_column_map(column_map) if column_map else None,
        progress=not as_json and console.is_terminal,
        local_zone=local_zone,
    )
    if lake is not None:
        from tribu.warehouse.lake import ingest_lake

        summary = ingest_lake(paths, lake, **options)  # type: ignore[arg-type]
    else:
        summary = ingest_paths(paths, db=db, **options)  # type: ignore[arg-type]
    if as_json:
        typer.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
    else:
        console.print(summary.render())
    if enrich:
        _enrich(summary.db, console)


def _enrich(db: Path, console: Console) -> None:
    try:
        pipeline = importlib.import_module("tribu.enrich.pipeline")
    except ModuleNotFoundError:
        console.print("Enrichment is not available in this build of tribu; skipped.")
        return
    from tribu.warehouse.lake import is_lake, update_lake

    if is_lake(db):
        result = update_lake(
            db,
            lambda work: pipeline.enrich_warehouse(work, progress=console.is_terminal),
            changed=lambda r: bool(r.enriched or r.embedded),
        )
    else:
        result = pipeline.enrich_warehouse(db, progress=console.is_terminal)
    languages = ", ".join(f"{k} {v:,}" for k, v in sorted(result.languages.items()))
    console.print(
        f"Enriched {result.enriched:,} message(s)"
        + (f" ({escape(languages)})" if languages else "")
        + f" in {result.seconds:.1f} s."
    )


def forget(
    member: Annotated[
        str | None,
        typer.Argument(help="The member_id to erase (as in the members table)."),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name", help="The person's platform id (or name) instead of a member_id."
        ),
    ] = None,
    community: Annotated[
        str | None,
        typer.Option("--community", help="The community_id the --name belongs to."),
    ] = None,
    redact: Annotated[
        list[str] | None,
        typer.Option(
            "--redact",
            help="Another id or name of the person (real name, nickname, e-mail) to "
            "replace by [erased] wherever raw text holds it: other members' messages, "
            "system notices, quarantine. Repeat it for several. Pseudonymised "
            "warehouses do not know real names: give them here.",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Erase one person from every table and derived file of the warehouse.

    The warehouse file is then rewritten so that no freed block keeps the person's bytes,
    the Parquet export is deleted, a running server drops its snapshot copies, and the
    reports written earlier are listed for you to delete.
    """
    from tribu.warehouse.forget import MIN_TERM, forget_member, member_ids_for
    from tribu.warehouse.store import open_warehouse

    if (member is None) == (name is None):
        raise ConfigError(
            "Give either a MEMBER id or --name NAME --community COMMUNITY_ID, not both."
        )
    from tribu.warehouse.lake import is_lake, update_lake
    from tribu.warehouse.store import resolve_db_path

    on_lake = is_lake(resolve_db_path(db))
    member_ids = [member] if member else []
    if name is not None and on_lake:
        raise ConfigError(
            "On a lake, give the MEMBER id (from the members table); --name works on a "
            "DuckDB warehouse."
        )
    if name is not None:
        if community is None:
            raise ConfigError(
                "--name needs --community COMMUNITY_ID (e.g. discord:123)."
            )
        con = open_warehouse(db, read_only=True)
        try:
            member_ids = member_ids_for(con, name, community)
        finally:
            con.close()
    terms = tuple(t for t in [name, *(redact or [])] if t)
    console = Console(soft_wrap=True)
    erased = 0
    written: dict[Path, str] = {}
    for member_id in member_ids:
        with console.status(
            f"Erasing {escape(member_id)} and rewriting the warehouse file...",
            spinner="dots",
        ):
            if on_lake:
                # A new lake version without the person; the old versions are deleted.
                report = update_lake(
                    resolve_db_path(db),
                    functools.partial(_forget_in, member_id, terms),
                    changed=lambda r: bool(r.found or r.rewritten),
                )
                report.files, report.written = [], []
            else:
                report = forget_member(member_id, db=db, raw_terms=terms)
        if not report.found:
            if report.rewritten:
                erased += 1
                console.print(
                    f"No member {escape(member_id)} in the warehouse; finished the rewrite "
                    "of the warehouse file an earlier 'tribu forget' left pending."
                )
                continue
            console.print(
                f"No member {escape(member_id)} in the warehouse; nothing erased."
            )
            continue
        erased += 1
        console.print(f"Erased member {escape(member_id)}:")
        for table, count in sorted(report.rows.items()):
            console.print(f"  {table}: {count:,} row(s)")
        for path in report.files:
            console.print(f"  removed derived files {escape(str(path))}")
        if report.rewritten and on_lake:
            console.print(
                "  wrote a new version of the lake without them and deleted the old ones"
            )
        elif report.rewritten:
            console.print(
                "  rewrote the warehouse file (no freed block keeps the erased rows); "
                "a running 'tribu serve' drops its snapshot copies at its next look"
            )
        if report.short_terms:
            shown = ", ".join(repr(t) for t in report.short_terms)
            console.print(
                f"  not redacted from other text (shorter than {MIN_TERM} "
                f"characters): {escape(shown)}"
            )
        written.update(dict(report.written))
    if written:
        console.print(
            "These files were written from the warehouse earlier and may still name "
            "the person; tribu cannot erase them: delete them (or write them again):"
        )
        for path, kind in written.items():
            console.print(f"  {kind}: {escape(str(path))}")
    if not erased:
        who = member if member else f"--name {name!r} in {community}"
        raise ConfigError(
            f"No member {who} in the warehouse; nothing erased. Check the id in the "
            "members table (or the platform id and community_id given)."
        )


def _forget_in(member_id: str, terms: tuple[str, ...], work: Path) -> Any:
    """Erase ``member_id`` from the warehouse file ``work`` (a lake's scratch copy)."""
    from tribu.warehouse.forget import forget_member

    return forget_member(member_id, db=work, raw_terms=terms)


def register(app: typer.Typer) -> None:
    """Add ``ingest`` and ``forget`` to `app`."""
    app.command()(ingest)
    app.command()(forget)
