"""`tribu` commands of the ingest family (being built)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this family's commands to `app`."""
