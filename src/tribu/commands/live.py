"""``tribu live apply|status``, ``tribu alerts check|list`` and ``tribu digest``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from tribu.commands._sections_output import DbOption

__all__ = ["alerts_app", "live_app", "register"]

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="tribu.toml with the [live] and [alerts] sections."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]

live_app = typer.Typer(
    help="Live events: the queue the /hooks receivers of 'tribu serve' fill.",
    no_args_is_help=True,
)
alerts_app = typer.Typer(help="Alert rules (docs/alerts.md).", no_args_is_help=True)


@live_app.command("apply")
def live_apply(db: DbOption = None, config: ConfigOption = None) -> None:
    """Apply every queued live event to the warehouse now (the server's worker does it too)."""
    from tribu.config import load_config
    from tribu.live.queue import LiveQueue, queue_path
    from tribu.live.settings import live_settings
    from tribu.live.worker import drain
    from tribu.warehouse.store import resolve_db_path

    loaded = load_config(config)
    settings = live_settings(loaded)
    path = resolve_db_path(db)
    queue = LiveQueue(queue_path(path))
    try:
        result = drain(queue, path, config=loaded, keep_names=settings.keep_names)
    finally:
        queue.close()
    typer.echo(f"{result.applied} events applied, {result.failed} could not be read.")


@live_app.command("status")
def live_status(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Counters of the receivers (received, duplicate, bad_signature, malformed, ignored,
    applied) and the backlog."""
    from tribu.live.queue import LiveQueue, queue_path
    from tribu.warehouse.store import resolve_db_path

    queue = LiveQueue(queue_path(resolve_db_path(db)))
    try:
        counters, backlog = queue.counters(), queue.backlog()
    finally:
        queue.close()
    if as_json:
        typer.echo(json.dumps({"counters": counters, "backlog": backlog}, indent=2))
        return
    for name, value in sorted(counters.items()):
        typer.echo(f"{name}\t{value}")
    typer.echo(f"backlog\t{backlog}")


@live_app.command("discord")
def live_discord(
    db: DbOption = None,
    gateway: Annotated[
        str, typer.Option(help="Gateway URL (a local fake one for tests).")
    ] = "wss://gateway.discord.gg/?v=10&encoding=json",
) -> None:
    """Connect a Discord bot to the gateway and queue its guilds' events (token from
    $TRIBU_DISCORD_TOKEN); 'tribu serve' (or 'tribu live apply') applies them."""
    import asyncio
    import logging
    import os

    from tribu.errors import ConfigError
    from tribu.live.discord_gateway import TOKEN_ENV, GatewayClient
    from tribu.live.queue import LiveQueue, queue_path
    from tribu.warehouse.store import resolve_db_path

    token = os.environ.get(TOKEN_ENV)
    if not token:
        raise ConfigError(f"Set {TOKEN_ENV} to the bot token (Developer Portal > Bot).")
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s")
    queue = LiveQueue(queue_path(resolve_db_path(db)))
    client = GatewayClient(token, queue, url=gateway)
    typer.echo("Connected to the Discord gateway queue; Ctrl+C to stop.", err=True)
    try:
        asyncio.run(client.run())
    except KeyboardInterrupt:
        pass
    finally:
        queue.close()
    typer.echo(f"{client.state.stored} events queued.", err=True)


@alerts_app.command("check")
def alerts_check(
    db: DbOption = None,
    config: ConfigOption = None,
    send: Annotated[
        bool, typer.Option("--send/--no-send", help="Send new alerts to the webhooks.")
    ] = True,
    as_json: JsonOption = False,
) -> None:
    """Evaluate the rules; keep and send the alert episodes not raised before."""
    from tribu.config import load_config
    from tribu.live.alerts import AlertStore, alert_settings, deliver, evaluate
    from tribu.live.queue import queue_path
    from tribu.triage.store import journal_path
    from tribu.warehouse.store import open_warehouse, resolve_db_path

    settings = alert_settings(load_config(config))
    path = resolve_db_path(db)
    con = open_warehouse(path, read_only=True)
    try:
        found = evaluate(con, settings, journal=journal_path(path))
    finally:
        con.close()
    store = AlertStore(queue_path(path))
    try:
        fresh = store.add_new(found)
        sent = deliver(fresh, settings, store) if send else 0
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps([a.__dict__ for a in fresh], default=str, indent=2))
        return
    for a in fresh:
        typer.echo(f"{a.rule}\t{a.day}\t{a.summary}\t{a.link}")
    typer.echo(
        f"{len(fresh)} new alerts ({len(found)} episodes in view), {sent} sent.",
        err=True,
    )


@alerts_app.command("list")
def alerts_list(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """The alerts raised so far."""
    from tribu.live.alerts import AlertStore
    from tribu.live.queue import queue_path
    from tribu.warehouse.store import resolve_db_path

    store = AlertStore(queue_path(resolve_db_path(db)))
    try:
        rows = store.latest(limit)
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps(rows, default=str, indent=2))
        return
    for a in rows:
        typer.echo(
            f"{a['rule']}\t{a['day']}\t{'sent' if a['sent'] else 'kept'}\t{a['summary']}"
        )


def digest(
    db: DbOption = None,
    since: Annotated[str, typer.Option(help="Period: 7d, 24h, 2w.")] = "7d",
    lang: Annotated[str, typer.Option(help="fr or en.")] = "en",
    out: Annotated[
        Path, typer.Option(help="Folder for digest.html (e-mail body) and digest.md.")
    ] = Path("."),
) -> None:
    """Write the period's digest: what changed, and the alerts, as HTML and Markdown."""
    from tribu.live.alerts import AlertStore
    from tribu.live.digest import build_digest, parse_since
    from tribu.live.queue import queue_path
    from tribu.warehouse.store import open_warehouse, resolve_db_path

    period = parse_since(since)
    path = resolve_db_path(db)
    store = AlertStore(queue_path(path))
    try:
        alerts = store.latest(500)
    finally:
        store.close()
    con = open_warehouse(path, read_only=True)
    try:
        result = build_digest(
            con, since=period, end=datetime.now(UTC), lang=lang, alerts=alerts
        )
    finally:
        con.close()
    out.mkdir(parents=True, exist_ok=True)
    (out / "digest.html").write_text(result.html, encoding="utf-8")
    (out / "digest.md").write_text(result.markdown, encoding="utf-8")
    typer.echo(f"Wrote {out / 'digest.html'} and {out / 'digest.md'}.")


def register(app: typer.Typer) -> None:
    app.add_typer(live_app, name="live")
    app.add_typer(alerts_app, name="alerts")
    app.command("digest")(digest)
