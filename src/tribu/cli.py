"""The ``tribu`` command line: parse, call one function, render.

Each family of commands lives in its own module under ``tribu.commands`` and adds itself to the
Typer application through ``register(app)``; this file only assembles them and turns every
expected fault (:class:`tribu.errors.TribuError`) into a one-line message and a non-zero exit.
"""

from __future__ import annotations

import importlib
import sys

import typer
from rich.console import Console
from rich.markup import escape

from tribu.errors import TribuError

__all__ = ["COMMAND_MODULES", "app", "main"]

# Built-in command families, in the order `tribu --help` lists them.
COMMAND_MODULES = (
    "tribu.commands.analyse",
    "tribu.commands.ingest",
    "tribu.commands.lake",
    "tribu.commands.enrich",
    "tribu.commands.kpis",
    "tribu.commands.business",
    "tribu.commands.listen",
    "tribu.commands.polls",
    "tribu.commands.report",
    "tribu.commands.serve",
    "tribu.commands.faq",
    "tribu.commands.triage",
    "tribu.commands.people",
    "tribu.commands.live",
    "tribu.commands.demo",
)

app = typer.Typer(
    name="tribu",
    help="Micro-community intelligence for marketers: exports in, measures out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Micro-community intelligence for marketers: exports in, measures out."""


@app.command()
def version() -> None:
    """Print tribu's version."""
    from tribu import __version__

    typer.echo(__version__)


for _module in COMMAND_MODULES:
    importlib.import_module(_module).register(app)


def main() -> None:
    """Entry point of the ``tribu`` script.

    Click runs in standalone mode, so usage errors and exit codes are its own; expected faults
    (:class:`TribuError`) become one line on standard error and exit status 1.
    """
    try:
        app()
    except TribuError as exc:
        Console(stderr=True).print(
            f"[bold red]Error:[/] {escape(str(exc))}",
            markup=True,
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
