"""`tribu load`, `tribu business` and `tribu creators`: first-party files in, money measures out.

Thin on purpose: parse the options, call :func:`tribu.firstparty.load_files`,
:func:`tribu.business.business_overview` or :func:`tribu.creators.creators_overview`, render.
``--json`` prints one JSON document; ``--csv`` prints each section as CSV after a
``# section: NAME`` line (``--section NAME`` keeps one, header and rows only).
"""

from __future__ import annotations

import json
import math
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import duckdb
import ibis
import ibis.expr.types as ir
import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tribu.csv_cells import csv_cell
from tribu.errors import ConfigError
from tribu.warehouse.store import open_warehouse

__all__ = ["register"]

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


def _tables(con: duckdb.DuckDBPyConnection) -> dict[str, ir.Table]:
    backend = ibis.duckdb.from_connection(con)
    return {name: backend.table(name) for name in _TABLES}


def _settings(
    con: duckdb.DuckDBPyConnection, rates: str | None, reporting: str | None
) -> tuple[dict[str, float] | None, str | None]:
    from tribu.business.money import check_currencies, currency_settings

    settled = check_currencies(con, currency_settings(rates, reporting))
    return settled.rates, settled.reporting


def _plain(value: Any) -> Any:
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


def _emit(
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
            _defused(frame).to_csv(sys.stdout, index=False, date_format="%Y-%m-%d")
            if not section:
                sys.stdout.write("\n")
        return True
    return False


def _defused(frame: pd.DataFrame) -> pd.DataFrame:
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


def _show(
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


def load(
    kind: Annotated[
        str,
        typer.Argument(
            help="campaigns, creators, creator-posts, customers, orders, nps, reviews "
            "or member-links."
        ),
    ],
    files: Annotated[
        list[Path], typer.Argument(help="CSV or JSONL files of that kind.")
    ],
    db: DbOption = None,
    currency: Annotated[
        str | None,
        typer.Option("--currency", help="Currency of amounts whose row has none."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Load first-party files (CSV or JSONL) of one kind into the warehouse."""
    from tribu.business.money import currency_settings
    from tribu.firstparty import load_files

    default = currency.upper() if currency else currency_settings().reporting
    con = open_warehouse(db)
    try:
        result = load_files(con, kind, files, default_currency=default)
    finally:
        con.close()
    if as_json:
        typer.echo(json.dumps(result.__dict__, ensure_ascii=False))
        return
    console = Console()
    console.print(
        f"Loaded {result.rows:,} {escape(result.kind)} rows from {len(result.files)} file(s): "
        f"{result.new:,} new or changed, {result.rows - result.new:,} already there."
    )
    if result.ignored_columns:
        console.print(f"Ignored columns: {escape(', '.join(result.ignored_columns))}.")
    if result.unknown_members:
        console.print(
            f"{result.unknown_members:,} member ids are not in the warehouse yet "
            "(ingest the community export to compare members)."
        )


def business(
    db: DbOption = None,
    margin: Annotated[
        float | None,
        typer.Option(
            help="Gross margin as a fraction (0.55 = 55 %). "
            "Default: margin under [business] in tribu.toml, else 1 (CLV = revenue)."
        ),
    ] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option("--as-of", help="Date the data stops (default: last order)."),
    ] = None,
    horizon: Annotated[int, typer.Option(help="Months of predicted CLV.")] = 12,
    rates: RatesOption = None,
    reporting: ReportingOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    section: SectionOption = None,
) -> None:
    """Business measures: CAC, CLV and CLV/CAC, repurchase, NPS, segments, members."""
    from tribu.business import business_overview
    from tribu.business.money import gross_margin

    margin = gross_margin(margin)
    con = open_warehouse(db, read_only=True)
    try:
        rate_map, unit = _settings(con, rates, reporting)
        result = business_overview(
            _tables(con),
            margin=margin,
            rates=rate_map,
            as_of=as_of,
            horizon_months=horizon,
        )
    finally:
        con.close()
    corr = result.correlation
    extra = {
        "currency": unit,
        "margin": margin,
        "nps_rating_correlation": corr.__dict__,
        "predictive_clv": {
            "fitted": result.predictive.fitted,
            "parameters": result.predictive.parameters,
            "notes": result.predictive.notes,
        },
    }
    if _emit(result.sections, extra, as_json=as_json, as_csv=as_csv, section=section):
        return
    console, s = Console(), result.sections
    unit_text = unit or "reporting currency"
    _show(
        console,
        f"CAC by channel and month ({unit_text})",
        s["cac_by_channel_month"].tail(18),
        ["month", "channel", "new_customers", "spend", "cac"],
    )
    _show(
        console,
        f"CLV and CAC by channel ({unit_text}, margin {margin:.0%})",
        s["clv_cac_by_channel"],
        [
            "channel",
            "customers",
            "cac",
            "clv",
            "clv_to_cac",
            "clv_predicted",
            "predicted_clv_to_cac",
        ],
    )
    for note in result.predictive.notes:
        console.print(f"[dim]Predictive CLV: {escape(note)}[/]")
    _show(
        console,
        "90-day repurchase rate by first-order cohort",
        s["repurchase_rate_by_cohort"],
        ["month", "customers", "eligible", "censored", "repurchased", "rate"],
    )
    _show(
        console,
        "NPS by channel",
        s["nps_by_channel"],
        ["channel", "answers", "promoters", "detractors", "nps"],
    )
    _show(
        console,
        "NPS and mean review rating by month",
        s["nps_rating_by_month"],
        ["month", "answers", "nps", "reviews", "mean_rating"],
    )
    console.print(f"Rank correlation: {escape(corr.verdict)}")
    _show(
        console,
        "Behavioural segments",
        s["segments"],
        [
            "persona",
            "customers",
            "share",
            "revenue",
            "revenue_share",
            "recency_days",
            "frequency",
            "basket",
        ],
    )
    _show(
        console,
        "Community members and other customers",
        s["members_vs_non_members"],
        [
            "group",
            "customers",
            "buyers",
            "repeat_share",
            "orders_per_customer",
            "revenue_per_customer",
            "clv",
        ],
    )


def creators(
    db: DbOption = None,
    rates: RatesOption = None,
    reporting: ReportingOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    section: SectionOption = None,
) -> None:
    """Creator measures: tiers, ER against benchmarks, CPE, disclosure check, tier choice."""
    from tribu.creators import creators_overview

    con = open_warehouse(db, read_only=True)
    try:
        rate_map, unit = _settings(con, rates, reporting)
        result = creators_overview(_tables(con), rates=rate_map)
    finally:
        con.close()
    extra = {
        "currency": unit,
        "recommendations": [r.__dict__ for r in result.recommendations],
    }
    if _emit(result.sections, extra, as_json=as_json, as_csv=as_csv, section=section):
        return
    console, s = Console(), result.sections
    _show(
        console,
        f"Creator tiers ({unit or 'reporting currency'})",
        s["tiers"],
        [
            "tier",
            "creators",
            "paid_posts",
            "spend",
            "median_er",
            "benchmark",
            "cpe",
            "views_per_euro",
            "attributed_orders",
            "revenue_per_euro",
        ],
    )
    _show(
        console,
        "Creators",
        s["creators"],
        [
            "handle",
            "tier",
            "followers",
            "posts",
            "er",
            "benchmark",
            "er_vs_benchmark",
            "cpe",
        ],
    )
    for rec in result.recommendations:
        console.print(f"[bold]Best for {rec.objective}:[/] {escape(rec.reason)}")
    flagged = s["disclosure"]
    console.print(
        f"[bold]Disclosure (law n° 2023-451):[/] {len(flagged)} post(s) flagged."
    )
    _show(
        console,
        "Posts to check",
        flagged,
        [
            "post_id",
            "handle",
            "ts",
            "paid",
            "missing_ad_label",
            "weak_label",
            "missing_image_label",
        ],
    )


def register(app: typer.Typer) -> None:
    """Add ``load``, ``business`` and ``creators`` to `app`."""
    app.command("load")(load)
    app.command("business")(business)
    app.command("creators")(creators)
