"""`tribu load`, `tribu business` and `tribu creators`: first-party files in, money measures out.

Thin on purpose: parse the options, call :func:`tribu.firstparty.load_files`,
:func:`tribu.business.business_overview` or :func:`tribu.creators.creators_overview`, render.
``--json`` prints one JSON document; ``--csv`` prints each section as CSV after a
``# section: NAME`` line (``--section NAME`` keeps one, header and rows only).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from tribu.commands._sections_output import (
    CsvOption,
    DbOption,
    EngineOption,
    JsonOption,
    RatesOption,
    ReportingOption,
    SectionOption,
    SparkMasterOption,
    emit_sections,
    measure_tables,
    money_settings,
    show_table,
)
from tribu.warehouse.store import open_warehouse

__all__ = ["register"]


def load(
    kind: Annotated[
        str,
        typer.Argument(
            help="campaigns, creators, creator-posts, customers, orders, nps, reviews, "
            "member-links, or survey (a Typeform, Google Forms or Tally response export)."
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
    survey: Annotated[
        str | None,
        typer.Option(
            "--survey", help="survey only: the questionnaire's id (default: file name)."
        ),
    ] = None,
    community: Annotated[
        str | None,
        typer.Option(
            "--community",
            help="survey only: community id it was sent to (discord:900...); links "
            "hidden handles to members.",
        ),
    ] = None,
    question: Annotated[
        list[str] | None,
        typer.Option(
            "--question",
            help="survey only: 'Question=kind' (choice, multiple, scale, nps, text) to "
            "override the kind guessed for a CSV column; repeatable.",
        ),
    ] = None,
) -> None:
    """Load first-party files (CSV or JSONL) of one kind into the warehouse."""
    if kind == "survey":
        _load_surveys(files, db, survey, community, question or [], as_json)
        return
    from tribu.business.money import currency_settings
    from tribu.firstparty import load_files
    from tribu.warehouse.lake import is_lake, update_lake
    from tribu.warehouse.store import resolve_db_path

    default = currency.upper() if currency else currency_settings().reporting

    def run(target: Path | None) -> Any:
        con = open_warehouse(target)
        try:
            return load_files(con, kind, files, default_currency=default)
        finally:
            con.close()

    if is_lake(resolve_db_path(db)):
        # A lake gets a new version holding the rows (or stays as it was).
        result = update_lake(
            db or resolve_db_path(db), run, changed=lambda r: r.new > 0
        )
    else:
        result = run(db)
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


def _load_surveys(
    files: list[Path],
    db: Path | None,
    survey: str | None,
    community: str | None,
    questions: list[str],
    as_json: bool,
) -> None:
    """``tribu load survey``: each file one questionnaire export (see docs/polls.md)."""
    from tribu.errors import InputError
    from tribu.firstparty import load_survey

    kinds: dict[str, str] = {}
    for item in questions:
        name, sep, value = item.rpartition("=")
        if not sep or not name.strip():
            raise InputError(
                "--question", None, f"expected 'Question=kind', got {item!r}."
            )
        kinds[name.strip()] = value.strip()
    con = open_warehouse(db)
    try:
        results = [
            load_survey(con, f, survey_id=survey, community_id=community, kinds=kinds)
            for f in files
        ]
    finally:
        con.close()
    if as_json:
        typer.echo(json.dumps([r.__dict__ for r in results], ensure_ascii=False))
        return
    console = Console()
    for r in results:
        if r.skipped:
            console.print(f"{escape(r.file)}: already loaded, nothing changed.")
            continue
        console.print(
            f"Loaded survey {escape(r.survey_id)} ({escape(r.tool)}): {r.responses:,} "
            f"responses, {r.answers:,} answers to {len(r.questions)} questions"
            + (f", {r.nps_rows:,} NPS answers" if r.nps_rows else "")
            + "."
        )
        for name, kind in r.questions.items():
            console.print(f"  {escape(kind):8} {escape(name)}", highlight=False)
        if r.quarantined:
            console.print(
                f"{len(r.quarantined):,} rows quarantined (see the quarantine table):"
            )
            for where, why in r.quarantined:
                console.print(f"  {escape(where)}: {escape(why)}", highlight=False)
        if r.unknown_members:
            console.print(
                f"{r.unknown_members:,} handles are not members of the community yet."
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
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = None,
) -> None:
    """Business measures: CAC, CLV and CLV/CAC, repurchase, NPS, segments, members."""
    from tribu.business import business_overview
    from tribu.business.money import gross_margin

    margin = gross_margin(margin)
    con = open_warehouse(db, read_only=True)
    try:
        rate_map, unit = money_settings(con, rates, reporting)
        result = business_overview(
            measure_tables(con, db, engine, spark_master),
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
    if emit_sections(
        result.sections, extra, as_json=as_json, as_csv=as_csv, section=section
    ):
        return
    console, s = Console(), result.sections
    unit_text = unit or "reporting currency"
    show_table(
        console,
        f"CAC by channel and month ({unit_text})",
        s["cac_by_channel_month"].tail(18),
        ["month", "channel", "new_customers", "spend", "cac"],
    )
    show_table(
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
    show_table(
        console,
        "90-day repurchase rate by first-order cohort",
        s["repurchase_rate_by_cohort"],
        ["month", "customers", "eligible", "censored", "repurchased", "rate"],
    )
    show_table(
        console,
        "NPS by channel",
        s["nps_by_channel"],
        ["channel", "answers", "promoters", "detractors", "nps"],
    )
    show_table(
        console,
        "NPS and mean review rating by month",
        s["nps_rating_by_month"],
        ["month", "answers", "nps", "reviews", "mean_rating"],
    )
    console.print(f"Rank correlation: {escape(corr.verdict)}")
    show_table(
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
    show_table(
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
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = None,
) -> None:
    """Creator measures: tiers, ER against benchmarks, CPE, disclosure check, tier choice."""
    from tribu.creators import creators_overview

    con = open_warehouse(db, read_only=True)
    try:
        rate_map, unit = money_settings(con, rates, reporting)
        result = creators_overview(
            measure_tables(con, db, engine, spark_master), rates=rate_map
        )
    finally:
        con.close()
    extra = {
        "currency": unit,
        "recommendations": [r.__dict__ for r in result.recommendations],
    }
    if emit_sections(
        result.sections, extra, as_json=as_json, as_csv=as_csv, section=section
    ):
        return
    console, s = Console(), result.sections
    show_table(
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
    show_table(
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
    show_table(
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
