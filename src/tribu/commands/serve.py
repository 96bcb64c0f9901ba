"""`tribu serve` (the dashboard and API) and `tribu token create|list|revoke`."""

from __future__ import annotations

from typing import Annotated

import typer

from tribu.commands._sections_output import DbOption

__all__ = ["register", "token_app"]


token_app = typer.Typer(
    help="Access tokens for the dashboard and API (stored hashed).",
    no_args_is_help=True,
)


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the dashboard and the JSON API (every page and call needs a token)."""
    from tribu.errors import ConfigError
    from tribu.warehouse.lake import is_lake
    from tribu.warehouse.store import resolve_db_path
    from tribu.web import serve as run

    if is_lake(resolve_db_path(db)):
        raise ConfigError(
            f"{resolve_db_path(db)} is a Parquet lake; the dashboard serves a DuckDB file: "
            "write one with 'tribu ingest --db FILE' (see docs/scale.md)."
        )
    typer.echo(f"tribu dashboard on http://{host}:{port}/ (Ctrl+C to stop)")
    run(resolve_db_path(db), host=host, port=port)


@token_app.command("create")
def token_create(
    role: Annotated[
        str,
        typer.Option(
            help="viewer (read), admin (also manages tokens) or bot (posts messages "
            "to the triage, nothing else)."
        ),
    ],
    name: Annotated[str, typer.Option(help="A label to recognise the token by.")] = "",
    db: DbOption = None,
) -> None:
    """Make a token and print it once (only its hash is kept)."""
    from tribu.web.auth import TokenStore

    store = TokenStore.for_warehouse(db)
    record, secret = store.create(role, name)
    typer.echo(secret)
    typer.echo(
        f"Token {record.token_id} ({record.role}) saved hashed in {store.path}. "
        "Copy it now: it is not shown again.",
        err=True,
    )


@token_app.command("list")
def token_list(db: DbOption = None) -> None:
    """List tokens: id, role, name, created, revoked."""
    from tribu.web.auth import TokenStore

    for t in TokenStore.for_warehouse(db).tokens():
        state = f"revoked {t.revoked_at}" if t.revoked_at else "active"
        typer.echo(f"{t.token_id}\t{t.role}\t{t.name or '-'}\t{t.created_at}\t{state}")


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[
        str, typer.Argument(help="The id shown by 'tribu token list'.")
    ],
    db: DbOption = None,
) -> None:
    """Revoke a token: its API calls and browser sessions stop at once."""
    from tribu.web.auth import TokenStore

    record = TokenStore.for_warehouse(db).revoke(token_id)
    typer.echo(f"Token {record.token_id} revoked at {record.revoked_at}.")


def register(app: typer.Typer) -> None:
    """Add `tribu serve` and `tribu token ...` to `app`."""
    app.command("serve")(serve)
    app.add_typer(token_app, name="token")
