"""`tribu kpis`, `tribu roles`, `tribu rituals`: the community measures on the command line.

Thin on purpose: parse the options, get the tables from
:func:`tribu.warehouse.engines.ibis_tables`, call :func:`tribu.metrics.scorecard.scorecard`
or one registered measure, render Rich tables (member text escaped), or write ``--json`` /
``--csv PATH`` for other tools.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tribu.commands._sections_output import DbOption, EngineOption, SparkMasterOption
from tribu.csv_cells import csv_cell
from tribu.errors import ConfigError

__all__ = ["register"]

CommunityOption = Annotated[
    str | None, typer.Option("--community", help="Only this community (id).")
]
ChannelOption = Annotated[
    str | None, typer.Option("--channel", help="Only this channel (id).")
]
CampaignOption = Annotated[
    str | None, typer.Option("--campaign", help="Only this campaign (id).")
]
SinceOption = Annotated[
    str | None,
    typer.Option("--since", help="Period start, ISO date or date-time (UTC)."),
]
UntilOption = Annotated[
    str | None,
    typer.Option(
        "--until", help="Period end, ISO date (whole day) or date-time (UTC)."
    ),
]
TzOption = Annotated[
    str,
    typer.Option("--tz", help="Display time zone for rituals (IANA name)."),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON instead of tables.")
]
CsvOption = Annotated[
    Path | None,
    typer.Option("--csv", help="Also write the result as CSV to this file."),
]

_ROLE_FLAGS = {
    "moderator": "is_moderator",
    "power_user": "is_power_user",
    "newcomer": "is_newcomer",
    "at_risk": "is_at_risk",
    "relay": "is_relay",
}


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return escape(str(value))


def _table(title: str, rows: list[dict[str, Any]], columns: list[str]) -> Table:
    table = Table(title=escape(title), title_justify="left")
    for column in columns:
        table.add_column(column.replace("_", " "))
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    return table


def _pairs(title: str, values: dict[str, Any]) -> Table:
    table = Table(title=escape(title), title_justify="left", show_header=False)
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, value in values.items():
        if not isinstance(value, list | dict):
            table.add_row(key.replace("_", " "), _cell(value))
    return table


def _flatten(card: dict[str, Any]) -> list[dict[str, Any]]:
    """Scorecard -> long rows (section, item, key, value) for CSV."""
    out: list[dict[str, Any]] = []

    def walk(section: str, item: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if isinstance(inner, list | dict):
                    walk(f"{section}.{key}", item, inner)
                else:
                    out.append(
                        {"section": section, "item": item, "key": key, "value": inner}
                    )
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(section, str(index), inner)

    for section, value in card.items():
        walk(section, "", value)
    return out


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    try:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns or ["value"])
            writer.writeheader()
            writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot write the CSV file ({exc.strerror})."
        ) from exc


def _tables(db: Path | None, engine: str, spark_master: str | None) -> dict[str, Any]:
    from tribu.warehouse.engines import ibis_tables
    from tribu.warehouse.spark_settings import use_master

    use_master(spark_master)
    return ibis_tables(db, engine=engine, utc_naive=True)


def kpis(
    db: DbOption = None,
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = None,
    community: CommunityOption = None,
    channel: ChannelOption = None,
    campaign: CampaignOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    tz: TzOption = "Europe/Paris",
    as_json: JsonOption = False,
    csv_path: CsvOption = None,
    relays: Annotated[
        bool, typer.Option("--relays/--no-relays", help="Compute relays (betweenness).")
    ] = True,
) -> None:
    """Print the community scorecard: engagement, time to sentiment, activity, roles, rituals."""
    from tribu.metrics.scorecard import scorecard

    card = scorecard(
        _tables(db, engine, spark_master),
        community=community,
        channel=channel,
        campaign=campaign,
        since=since,
        until=until,
        tz=tz,
        with_relays=relays,
    )
    if csv_path is not None:
        _write_csv(csv_path, _flatten(card))
    if as_json:
        typer.echo(json.dumps(card, ensure_ascii=False, indent=2))
        return
    console = Console()
    console.print(_pairs("Community", card["totals"]))
    er, tts = card["engagement"], card["time_to_sentiment"]
    console.print(
        _pairs(
            "Engagement and sentiment",
            {
                "median engagement rate (brand posts)": er["median_engagement_rate"],
                "time to sentiment, KM median (h)": (
                    "not reached (over half never positive)"
                    if tts["km_median_hours"] is None and tts["posts"]
                    else tts["km_median_hours"]
                ),
                "posts never reached (share)": tts["share_never_reached"],
                "TTS signal, per community": "; ".join(
                    f"{row['community_id']}: {row['signal']}"
                    for row in tts.get("signals") or []
                )
                or None,
                "posts left out (no signal)": tts.get("unmeasured_posts", 0),
                "mean sentiment": card["sentiment"]["mean_sentiment"],
            },
        )
    )
    console.print(_pairs("Activity", card["activity"]))
    if card["campaigns"]:
        console.print(
            _table(
                "Campaigns",
                card["campaigns"],
                [
                    "campaign_id",
                    "name",
                    "ugc_ratio",
                    "campaign_messages",
                    "spend",
                    "currency",
                    "engagements",
                    "cost_per_engagement",
                ],
            )
        )
    console.print(_pairs("Roles", card["roles"]))
    if card["roles"]["top_power_users"]:
        console.print(
            _table(
                "Power users",
                card["roles"]["top_power_users"],
                ["display_name", "community_id", "messages"],
            )
        )
    if card["roles"]["top_relays"]:
        console.print(
            _table(
                "Relays",
                card["roles"]["top_relays"],
                ["display_name", "community_id", "betweenness"],
            )
        )
    console.print(
        _table(
            f"Rituals ({tz})",
            card["rituals"],
            [
                "channel_id",
                "weekday_name",
                "hour",
                "period",
                "occurrences",
                "mean_attendance",
                "attendance_trend",
            ],
        )
    )


def roles(
    db: DbOption = None,
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = None,
    community: CommunityOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    role: Annotated[
        str | None,
        typer.Option(
            "--role",
            help="Only members with this role: " + ", ".join(_ROLE_FLAGS) + ".",
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="Rows to print.")] = 50,
    as_json: JsonOption = False,
    csv_path: CsvOption = None,
) -> None:
    """List members with their roles: moderator, power user, newcomer, at risk, relay."""
    import ibis

    from tribu.metrics import compute
    from tribu.metrics.scorecard import filter_tables, rows

    if role is not None and role not in _ROLE_FLAGS:
        raise ConfigError(
            f"The 'role' option must be one of {', '.join(_ROLE_FLAGS)}. Got {role!r} instead."
        )
    tables = filter_tables(
        _tables(db, engine, spark_master), community=community, since=since, until=until
    )
    expr = compute("member_roles", tables)
    if role is not None:
        expr = expr.filter(expr[_ROLE_FLAGS[role]])
    else:
        expr = expr.filter(
            expr.is_moderator
            | expr.is_power_user
            | expr.is_newcomer
            | expr.is_at_risk
            | expr.is_relay
        )
    result = rows(expr.order_by([ibis.desc("messages"), "member_id"]), limit=limit)
    if csv_path is not None:
        _write_csv(csv_path, result)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    Console().print(
        _table(
            "Roles",
            result,
            [
                "display_name",
                "community_id",
                "messages",
                "is_moderator",
                "is_power_user",
                "is_newcomer",
                "is_at_risk",
                "is_relay",
                "betweenness",
            ],
        )
    )


def rituals(
    db: DbOption = None,
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = None,
    community: CommunityOption = None,
    channel: ChannelOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    tz: TzOption = "Europe/Paris",
    as_json: JsonOption = False,
    csv_path: CsvOption = None,
) -> None:
    """List recurring gatherings: slot in the display time zone, period, attendance, trend."""
    import ibis

    from tribu.metrics import compute
    from tribu.metrics.scorecard import WEEKDAYS, filter_tables, rows

    tables = filter_tables(
        _tables(db, engine, spark_master),
        community=community,
        channel=channel,
        since=since,
        until=until,
    )
    result = rows(
        compute("rituals", tables, tz=tz).order_by(
            [ibis.desc("occurrences"), "community_id", "channel_id", "weekday", "hour"]
        )
    )
    for r in result:
        r["weekday_name"] = WEEKDAYS[r["weekday"]]
    if csv_path is not None:
        _write_csv(csv_path, result)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    Console().print(
        _table(
            f"Rituals ({tz})",
            result,
            [
                "community_id",
                "channel_id",
                "weekday_name",
                "hour",
                "period",
                "occurrences",
                "mean_attendance",
                "attendance_trend",
            ],
        )
    )


def register(app: typer.Typer) -> None:
    """Add ``kpis``, ``roles`` and ``rituals`` to ``app``."""
    app.command("kpis")(kpis)
    app.command("roles")(roles)
    app.command("rituals")(rituals)
