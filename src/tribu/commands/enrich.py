"""`tribu enrich`, `tribu eval sentiment FILE.csv` and `tribu sentiment TEXT`.

Thin: parse the options, call :mod:`tribu.enrich` (the stage) or :mod:`tribu.text` (the
models), render the result.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from tribu.errors import ConfigError

__all__ = ["register"]

eval_app = typer.Typer(
    help="Measure tribu's models on your own labelled data.", no_args_is_help=True
)


def enrich(
    db: Annotated[
        str | None,
        typer.Option(help="Warehouse file (default $TRIBU_DB or ./tribu.duckdb)."),
    ] = None,
    embeddings: Annotated[
        bool,
        typer.Option(
            help="Then embed every message still without an embedding (int8 vectors)."
        ),
    ] = False,
    embedder: Annotated[
        str | None,
        typer.Option(
            help="Embedding model: 'static' (default, fast, 256-d) or 'use' "
            "(multilingual USE, 512-d, ~60x slower to compute). Default: the "
            "warehouse's current model. Switching re-embeds every message."
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option(min=0, help="Worker processes (one per core).")
    ] = 2,
    batch_size: Annotated[
        int, typer.Option(min=1, help="Distinct texts per batch.")
    ] = 20_000,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="duckdb (default: worker processes on this machine) or spark (a lake's "
            "language and sentiment on Spark executors; --db must be a lake).",
        ),
    ] = "duckdb",
    spark_master: Annotated[
        str | None,
        typer.Option(
            "--spark-master",
            help="Spark master for --engine spark (default $TRIBU_SPARK_MASTER, [spark] "
            "in tribu.toml, else local[2]).",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON.")
    ] = False,
) -> None:
    """Add language and sentiment to every message not yet enriched (incremental)."""
    from tribu.enrich.pipeline import enrich_warehouse
    from tribu.text.registry import names

    if embedder is not None and embedder not in names("embedding"):
        choices = " or ".join(repr(name) for name in names("embedding"))
        raise typer.BadParameter(
            f"got {embedder!r}; choose {choices}.", param_hint="--embedder"
        )
    from tribu.warehouse.lake import is_lake, update_lake
    from tribu.warehouse.store import resolve_db_path

    if engine not in ("duckdb", "spark"):
        raise ConfigError(
            f"The engine must be duckdb or spark. Got {engine!r} instead."
        )
    if engine == "spark":
        if not is_lake(resolve_db_path(db)) or embeddings:
            raise ConfigError(
                "--engine spark enriches a Parquet lake (--db DIR), language and sentiment "
                "only; embed with the default engine."
            )
        from tribu.enrich.spark import enrich_lake_on_spark
        from tribu.warehouse.spark_settings import use_master

        use_master(spark_master)
        summary = enrich_lake_on_spark(resolve_db_path(db))
        _print_summary(summary, as_json)
        return

    def run(target: Any) -> Any:
        done = enrich_warehouse(
            target,
            batch_size=batch_size,
            workers=workers,
            embeddings=embeddings and embedder is None,
            progress=not as_json,
        )
        if embeddings and embedder is not None:
            done = _embed_with(
                None if target is None else str(target),
                embedder,
                done,
                workers,
                not as_json,
            )
        return done

    if is_lake(resolve_db_path(db)):
        # A lake gets a new version holding the enrichment (or stays as it was).
        summary = update_lake(
            resolve_db_path(db), run, changed=lambda s: bool(s.enriched or s.embedded)
        )
    else:
        summary = run(db)
    _print_summary(summary, as_json)


def _print_summary(summary: Any, as_json: bool) -> None:
    result = {
        "enriched": summary.enriched,
        "embedded": summary.embedded,
        "seconds": round(summary.seconds, 3),
        "messages_per_second": round(summary.messages_per_second, 1),
        "languages": summary.languages,
    }
    if as_json:
        typer.echo(json.dumps(result))
        return
    if not summary.enriched and not summary.embedded:
        typer.echo("Nothing to enrich: every message already has its enrichment.")
        return
    langs = ", ".join(f"{k} {v}" for k, v in sorted(summary.languages.items()))
    typer.echo(
        f"Enriched {summary.enriched} messages ({langs or 'no new rows'}); "
        f"embedded {summary.embedded}; {summary.seconds:.1f} s."
    )


def _embed_with(
    db: str | None, embedder: str, summary: Any, workers: int, progress: bool
) -> Any:
    """Embed the missing messages with a chosen model, after enrichment; updated summary."""
    import dataclasses
    import time

    from tribu.enrich.embeddings import embed_missing
    from tribu.warehouse.store import open_warehouse

    started = time.perf_counter()
    con = open_warehouse(db)
    try:
        embedded = embed_missing(
            con, workers=workers, progress=progress, embedder=embedder
        )
    finally:
        con.close()
    return dataclasses.replace(
        summary,
        embedded=embedded,
        seconds=summary.seconds + time.perf_counter() - started,
    )


def sentiment(
    text: Annotated[str, typer.Argument(help="The message to score.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Score one message: sentiment in [0, 1] (0.5 neutral), its class and language."""
    from tribu.text import CLASSES, detect_language, sentiment_scorer

    proba = sentiment_scorer().predict_proba([text])[0]
    score = float(proba[2] + 0.5 * proba[1])
    result = {
        "text": text,
        "lang": detect_language([text])[0],
        "sentiment": round(score, 4),
        "label": CLASSES[int(proba.argmax())],
        "probabilities": {
            c: round(float(p), 4) for c, p in zip(CLASSES, proba, strict=True)
        },
    }
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
    else:
        typer.echo(f"{result['sentiment']:.3f} {result['label']} ({result['lang']})")


@eval_app.command("sentiment")
def eval_sentiment(
    file: Annotated[Path, typer.Argument(help="CSV with columns text,label[,lang].")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object.")
    ] = False,
) -> None:
    """Accuracy, macro-F1 and confusion per language, for tribu and the word lists."""
    from tribu.text.evaluation import evaluate, read_labelled_csv

    report = evaluate(read_labelled_csv(file))
    if as_json:
        typer.echo(json.dumps(report))
        return
    _render_report(report)


def _render_report(report: dict[str, Any]) -> None:
    console = Console(highlight=False)
    console.print(f"{report['n']} labelled messages", markup=False)
    for lang, part in report["languages"].items():
        table = Table(title=f"{lang}: {part['n']} messages")
        table.add_column("model")
        table.add_column("accuracy", justify="right")
        table.add_column("macro-F1", justify="right")
        table.add_column("confusion (rows true neg/neu/pos, columns predicted)")
        for name, scores in part["scores"].items():
            confusion = " | ".join(
                " ".join(str(v) for v in row.values())
                for row in scores["confusion"].values()
            )
            table.add_row(
                name,
                f"{scores['accuracy']:.3f}",
                f"{scores['macro_f1']:.3f}",
                confusion,
            )
        console.print(table)


def register(app: typer.Typer) -> None:
    """Add this family's commands to `app`."""
    app.command("enrich")(enrich)
    app.command("sentiment")(sentiment)
    app.add_typer(eval_app, name="eval")
