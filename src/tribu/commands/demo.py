"""``tribu demo``: the Semelle demo community, generated once, then run through tribu."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add this family's commands to `app`."""

    @app.command()
    def demo(
        dir: Annotated[
            Path, typer.Option("--dir", help="Where the demo exports go.")
        ] = Path("build/demo"),
        db: Annotated[
            Path | None,
            typer.Option(
                "--db", help="Demo warehouse file (default: <dir>/demo.duckdb)."
            ),
        ] = None,
        seed: Annotated[
            int, typer.Option("--seed", help="Seed of the generated story.")
        ] = 7,
        regenerate: Annotated[
            bool,
            typer.Option("--regenerate", help="Rewrite the exports even if present."),
        ] = False,
        no_serve: Annotated[
            bool,
            typer.Option(
                "--no-serve", help="Do not start the web dashboard at the end."
            ),
        ] = False,
    ) -> None:
        """Generate the Semelle demo community (once), ingest it and show the results."""
        from tribu.demo import run_demo

        run_demo(dir, db, seed=seed, regenerate=regenerate, serve=not no_serve)
