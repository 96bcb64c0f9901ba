"""`tribu listen` (the conversation clusters of a period) and `tribu eval clusters FILE.csv`.

Thin: parse the options, call :mod:`tribu.listening`, render. Member text is escaped before
Rich prints it (no markup from messages), and CSV cells go through
:func:`tribu.csv_cells.csv_cell`.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Annotated, Any

import typer

__all__ = ["register"]


def listen(
    db: Annotated[
        str | None,
        typer.Option(help="Warehouse file (default $TRIBU_DB or ./tribu.duckdb)."),
    ] = None,
    community: Annotated[
        str | None, typer.Option("--community", help="Only this community (id).")
    ] = None,
    channel: Annotated[
        str | None, typer.Option("--channel", help="Only this channel (id).")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Only messages from this ISO date or time (UTC)."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            help="Only messages up to this ISO date (included); the shown period is "
            "the one holding the last message in scope.",
        ),
    ] = None,
    period: Annotated[
        str, typer.Option("--period", help="'week' (Monday to Sunday, UTC) or 'month'.")
    ] = "week",
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang", help="Labels from this language's messages: 'fr' or 'en'."
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="Topics shown (emerging first).")
    ] = 10,
    recluster: Annotated[
        bool,
        typer.Option(
            "--recluster",
            help="Rebuild the topics from every message (ids of matching topics kept).",
        ),
    ] = False,
    update: Annotated[
        bool,
        typer.Option(
            "--update/--no-update",
            help="First assign new messages to topics (default) or only read.",
        ),
    ] = True,
    config: Annotated[
        str | None,
        typer.Option("--config", help="tribu.toml with [listening] terms to trend."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the view as one JSON object.")
    ] = False,
    csv_path: Annotated[
        Path | None,
        typer.Option("--csv", help="Also write the topics as CSV to this file."),
    ] = None,
) -> None:
    """Conversation clusters of the latest period: emerging, new, steady, fading."""
    from tribu.config import load_config
    from tribu.listening.affinities import listening_terms
    from tribu.listening.pipeline import update_topics
    from tribu.listening.view import listening_view
    from tribu.metrics.filters import parse_moment
    from tribu.warehouse.store import open_warehouse

    if period not in ("week", "month"):
        raise typer.BadParameter(
            f"got {period!r}; choose 'week' or 'month'.", param_hint="--period"
        )
    if lang is not None and lang not in ("fr", "en"):
        raise typer.BadParameter(
            f"got {lang!r}; choose 'fr' or 'en'.", param_hint="--lang"
        )
    start = parse_moment(since, "since")
    end = parse_moment(until, "until", end=True)
    loaded = load_config(config)
    terms = listening_terms(loaded.raw, loaded.path or "tribu.toml")
    con = open_warehouse(db)
    try:
        run = None
        if update or recluster:
            run = _update(con, update_topics, recluster, quiet=as_json)
        view = listening_view(
            con,
            community=community,
            channel=channel,
            since=start,
            until=end,
            period=period,
            lang=lang,
            limit=limit,
            terms=terms,
        )
    finally:
        con.close()
    if run is not None:
        view["run"] = {
            "reclustered": run.reclustered,
            "assigned": run.assigned,
            "unclustered": run.unclustered,
            "topics": run.topics,
            "new_topics": run.new_topics,
            "embedded": run.embedded,
            "clustering_space": run.clustering_space,
            "seconds": round(run.seconds, 3),
        }
    if csv_path is not None:
        from tribu.listening.view import csv_rows

        _write_csv(csv_path, csv_rows(view))
    if as_json:
        typer.echo(json.dumps(view, ensure_ascii=False))
        return
    _render(view)


def _update(con: Any, update_topics: Any, recluster: bool, *, quiet: bool) -> Any:
    if quiet:
        return update_topics(con, recluster=recluster)
    from rich.console import Console

    console = Console(stderr=True)
    with console.status("Listening…") as status:
        return update_topics(
            con,
            recluster=recluster,
            progress=True,
            on_step=lambda step: status.update(f"Listening: {step}…"),
        )


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    from tribu.csv_cells import csv_cell
    from tribu.errors import ConfigError

    columns = list(rows[0]) if rows else ["topic_id"]
    try:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot write the CSV file ({exc.strerror})."
        ) from exc


_STATUS_STYLE = {"new": "bold magenta", "emerging": "bold red", "fading": "dim"}


def _render(view: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(highlight=False)
    p = view["period"]
    console.print(
        f"{p['kind'].capitalize()} {p['start']} → {p['end']}: {view['messages']} messages, "
        f"{view['clustered_share']:.0%} in a topic.",
        markup=False,
    )
    table = Table(title="Conversations")
    table.add_column("id", justify="right")
    table.add_column("topic", min_width=28, ratio=3)
    table.add_column("status", min_width=10)
    for column in ("emergence", "msgs", "share", "sentiment", "neg."):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("where", max_width=18, overflow="ellipsis", no_wrap=True)
    for t in view["topics"]:
        style = _STATUS_STYLE.get(t["status"], "")
        status = t["status"] + (" ⚠ negative burst" if t["negative_burst"] else "")
        where = escape(t["channels"][0]["name"]) if t["channels"] else ""
        table.add_row(
            str(t["topic_id"]),
            escape(t["label"]),
            f"[{style}]{status}[/]" if style else status,
            f"{t['emergence']:+.1f}",
            str(t["messages"]),
            f"{t['share']:.1%}",
            "—" if t["mean_sentiment"] is None else f"{t['mean_sentiment']:.2f}",
            f"{t['negative_share']:.0%}",
            where,
        )
    console.print(table)
    for t in view["topics"][:3]:
        console.print(f"[bold]{t['topic_id']}[/] {escape(t['label'])}")
        for e in t["examples"]:
            console.print(
                f"  · {escape(e['text'])}  [dim]({escape(e['author_id'])})[/]"
            )
    for kind, items in view["affinities"].items():
        if items:
            shown = ", ".join(
                f"{escape(i['item'])} ×{i['lift']:.1f}" for i in items[:5]
            )
            console.print(f"[bold]{kind}[/] by lift: {shown}")
    for term in view["terms"]:
        console.print(
            f"[bold]{escape(term['term'])}[/]: {term['messages']} messages, "
            f"{term['status']} ({term['emergence']:+.1f})"
        )


def eval_clusters(
    file: Annotated[Path, typer.Argument(help="CSV with columns text,label[,lang].")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object.")
    ] = False,
) -> None:
    """V-measure, NMI, ARI, clusters and unclustered share per language, blind to labels."""
    from rich.console import Console
    from rich.table import Table

    from tribu.errors import InputError
    from tribu.listening.evaluation import evaluate_clusters, read_cluster_csv

    try:
        rows = read_cluster_csv(file)
    except InputError as exc:
        Console(stderr=True).print(
            f"Error: {exc}", markup=False, highlight=False, soft_wrap=True
        )
        raise typer.Exit(2) from exc
    report = evaluate_clusters(rows)
    if as_json:
        typer.echo(json.dumps(report))
        return
    table = Table(title=f"Clustering of {file.name}")
    for column in (
        "lang",
        "messages",
        "V-measure",
        "NMI",
        "ARI",
        "clusters",
        "unclustered",
    ):
        table.add_column(column, justify="left" if column == "lang" else "right")
    for lang, part in report["languages"].items():
        table.add_row(
            lang,
            str(part["n"]),
            f"{part['v_measure']:.3f}",
            f"{part['nmi']:.3f}",
            f"{part['ari']:.3f}",
            str(part["clusters"]),
            f"{part['unclustered_share']:.1%}",
        )
    Console(highlight=False).print(table)


def register(app: typer.Typer) -> None:
    """Add ``listen`` to `app` and ``clusters`` to the ``eval`` group."""
    from tribu.commands.enrich import eval_app

    app.command("listen")(listen)
    eval_app.command("clusters")(eval_clusters)
