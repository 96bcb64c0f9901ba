"""`tribu lake export` and `tribu lake info`: move a warehouse to a Parquet lake, look inside one.

Thin: parse the options, call :func:`tribu.warehouse.lake.export_lake` or read the manifest,
render. Lakes are written by ``tribu ingest --lake DIR`` and read by every command through
``--db DIR`` (see docs/scale.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from tribu.errors import WarehouseError

__all__ = ["register"]

lake_app = typer.Typer(
    help="Parquet lakes: the canonical tables as Parquet for DuckDB and Spark.",
    no_args_is_help=True,
)

LakeArgument = Annotated[Path, typer.Argument(help="The lake folder.")]


@lake_app.command("export")
def export(
    lake: LakeArgument,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db", help="Warehouse file (default $TRIBU_DB or ./tribu.duckdb)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Write a DuckDB warehouse as a new lake (same rows, same pseudonym key, kept outside)."""
    from tribu.warehouse.lake import export_lake, lake_secret_path

    manifest = export_lake(db, lake)
    info = _info(lake, manifest)
    if as_json:
        typer.echo(json.dumps(info, indent=2))
        return
    Console().print(
        f"Wrote the lake {escape(str(Path(lake).absolute()))} (version {manifest.version}, "
        f"{info['messages']:,} messages in {info['files']:,} files); its pseudonym key is "
        f"in {escape(str(lake_secret_path(lake)))}: keep it, and out of the lake."
    )


@lake_app.command("info")
def info(
    lake: LakeArgument,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Say what a lake holds: version, sources ingested, files and rows per table."""
    from tribu.warehouse.lake import read_manifest

    manifest = read_manifest(lake)
    if manifest is None:
        raise WarehouseError(f"No lake at {lake} (no manifest).")
    summary = _info(lake, manifest)
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    console = Console()
    console.print(
        f"Lake {escape(str(Path(lake).absolute()))}: version {summary['version']} "
        f"({escape(summary['committed_at'])}), {len(summary['sources'])} source(s) ingested."
    )
    for name, table in summary["tables"].items():
        console.print(
            f"  {name:<16} {table['rows']:>12,} rows {table['files']:>6,} files"
        )


def _info(lake: Path, manifest: Any) -> dict[str, Any]:
    from tribu.warehouse.lake import connect_lake

    con = connect_lake(lake)
    try:
        tables = {}
        for name, files in manifest.tables.items():
            row = con.execute(f"SELECT count(*) FROM {name}").fetchone()
            tables[name] = {"rows": int(row[0]) if row else 0, "files": len(files)}
    finally:
        con.close()
    return {
        "lake": str(Path(lake).absolute()),
        "version": manifest.version,
        "committed_at": manifest.committed_at,
        "schema_version": manifest.schema_version,
        "sources": manifest.sources,
        "messages": tables.get("messages", {}).get("rows", 0),
        "files": sum(t["files"] for t in tables.values()),
        "tables": tables,
    }


def register(app: typer.Typer) -> None:
    """Add the ``lake`` group to `app`."""
    app.add_typer(lake_app, name="lake")
