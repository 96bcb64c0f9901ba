"""Every ``tribu`` command, and every option of it, is documented somewhere in docs/ or README."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer

from tribu.cli import app

ROOT = Path(__file__).resolve().parents[1]
DOCS = "\n".join(
    p.read_text(encoding="utf-8")
    for p in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
)


def _commands() -> list[tuple[str, Any]]:
    """(full command path, command) for every leaf command of the CLI."""
    found: list[tuple[str, Any]] = []

    def walk(prefix: str, command: Any) -> None:
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                walk(f"{prefix} {name}".strip(), sub)
        else:
            found.append((prefix, command))

    walk("", typer.main.get_command(app))
    return sorted(found, key=lambda pair: pair[0])


@pytest.mark.parametrize(("path", "command"), _commands(), ids=lambda v: str(v))
def test_command_and_its_options_are_documented(path: str, command: Any) -> None:
    assert f"tribu {path}" in DOCS, (
        f"`tribu {path}` appears nowhere in README.md or docs/"
    )
    missing = [
        name
        for param in command.params
        for name in param.opts
        if name.startswith("--") and name not in ("--help",) and name not in DOCS
    ]
    assert not missing, f"tribu {path}: options not documented: {missing}"
