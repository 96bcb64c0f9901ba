"""Shared by `tribu business` and `tribu creators`: their options, warehouse tables, currency
settings and output (Rich tables, ``--json``, ``--csv`` with formula-safe cells, ``--section``).
"""

from __future__ import annotations

import json
import math
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tribu.csv_cells import csv_cell
from tribu.errors import ConfigError

if (
    TYPE_CHECKING
):  # pandas, Ibis and DuckDB are imported when used: `tribu --help` stays quick
    import duckdb
    import ibis.expr.types as ir
    import pandas as pd

__all__ = [
    "CsvOption",
    "DbOption",
    "EngineOption",
    "JsonOption",
    "RatesOption",
    "ReportingOption",
    "SectionOption",
    "SparkMasterOption",
    "defused",
    "emit_sections",
    "first_party_tables",
    "measure_tables",
    "money_settings",
    "show_table",
]

_TABLES = (
    "customers",
    "orders",
    "nps",
    "reviews",
    "creators",
    "creator_posts",
    "campaigns",
)

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Warehouse file (default $TRIBU_DB or ./tribu.duckdb)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
EngineOption = Annotated[
    str,
    typer.Option(
        "--engine",
        help="Where the measures run: duckdb (default) or spark (--spark-master, "
        "[spark] in tribu.toml, else local[2]).",
    ),
]
SparkMasterOption = Annotated[
    str | None,
    typer.Option(
        "--spark-master",
        help="Spark master for --engine spark (local[N], spark://HOST:PORT, yarn, "
        "k8s://https://HOST:PORT); default $TRIBU_SPARK_MASTER, [spark] master in "
        "tribu.toml, else local[2].",
    ),
]
CsvOption = Annotated[
    bool, typer.Option("--csv", help="Print CSV, one section after another.")
]
SectionOption = Annotated[
    str | None,
    typer.Option("--section", help="Print only this section (with --csv or --json)."),
]
RatesOption = Annotated[
    str | None,
    typer.Option(
        "--rates", help="Currency rates into the reporting currency: EUR=1,USD=0.92."
    ),
]
ReportingOption = Annotated[
    str | None,
    typer.Option("--reporting", help="Reporting currency (default from tribu.toml)."),
]


def first_party_tables(con: duckdb.DuckDBPyConnection) -> dict[str, ir.Table]:
    import ibis

    backend = ibis.duckdb.from_connection(con)
    return {name: backend.table(name) for name in _TABLES}


def measure_tables(
    con: duckdb.DuckDBPyConnection,
    db: Path | None,
    engine: str,
    spark_master: str | None = None,
) -> dict[str, ir.Table]:
    """The first-party tables on ``engine``: ``con``'s on DuckDB, else read by Spark."""
    if engine == "duckdb":
        return first_party_tables(con)
    from tribu.warehouse.engines import ibis_tables
    from tribu.warehouse.spark_settings import use_master

    use_master(spark_master)
    tables = ibis_tables(db, engine=engine)
    return {name: tables[name] for name in _TABLES}


def money_settings(
    con: duckdb.DuckDBPyConnection, rates: str | None, reporting: str | None
) -> tuple[dict[str, float] | None, str | None]:
    from tribu.business.money import check_currencies, currency_settings

    settled = check_currencies(con, currency_settings(rates, reporting))
    return settled.rates, settled.reporting


def _plain(value: Any) -> Any:
    import pandas as pd

    if isinstance(value, datetime | date | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT or value is None:
        return None
    if hasattr(value, "item"):
        return _plain(value.item())
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {k: _plain(v) for k, v in row.items()}
        for row in frame.to_dict(orient="records")
    ]


def emit_sections(
    sections: dict[str, pd.DataFrame],
    extra: dict[str, Any],
    *,
    as_json: bool,
    as_csv: bool,
    section: str | None,
) -> bool:
    """Print machine-readable output; return False when the caller should render tables."""
    if section is not None and section not in sections:
        raise ConfigError(f"No section {section!r}. Sections: {', '.join(sections)}.")
    chosen = {section: sections[section]} if section else sections
    if as_json:
        document = {name: _records(frame) for name, frame in chosen.items()}
        if not section:
            document.update(extra)
        sys.stdout.write(
            json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n"
        )
        return True
    if as_csv:
        for name, frame in chosen.items():
            if not section:
                sys.stdout.write(f"# section: {name}\n")
            defused(frame).to_csv(sys.stdout, index=False, date_format="%Y-%m-%d")
            if not section:
                sys.stdout.write("\n")
        return True
    return False


def defused(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with member-controlled text cells made safe for spreadsheets."""
    text_columns = frame.select_dtypes(include="object").columns
    if text_columns.empty:
        return frame
    return frame.assign(**{c: frame[c].map(csv_cell) for c in text_columns})


def _cell(value: Any, column: str) -> str:
    value = _plain(value)
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and "T" in value:
        return value[:7] if column == "month" else value[:10]
    if isinstance(value, float):
        if column in {
            "rate",
            "share",
            "repeat_share",
            "revenue_share",
            "er",
            "median_er",
            "benchmark",
            "p_alive",
        }:
            return f"{value:.1%}"
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return escape(str(value))


def show_table(
    console: Console, title: str, frame: pd.DataFrame, columns: list[str]
) -> None:
    table = Table(title=title, title_justify="left", header_style="bold")
    shown = [c for c in columns if c in frame.columns]
    for column in shown:
        table.add_column(
            column.replace("_", " "),
            justify="left" if frame[column].dtype == object else "right",
        )
    for row in frame[shown].itertuples(index=False):
        table.add_row(*(_cell(v, c) for v, c in zip(row, shown, strict=True)))
    if frame.empty:
        console.print(f"[bold]{escape(title)}[/]: no data.")
    else:
        console.print(table)
