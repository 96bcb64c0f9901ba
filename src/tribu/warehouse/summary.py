"""What an ingest run loaded, per community and per file, and its Rich rendering for the CLI.

Counts describe what this run read (after removing duplicates inside the run), not the whole
warehouse: ``messages`` are the distinct messages read, ``new_messages`` those the warehouse did
not hold before. Member text (community names, file names) is escaped when rendered.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

__all__ = ["CommunitySummary", "FileSummary", "IngestSummary"]


@dataclass
class CommunitySummary:
    """One community's share of a run."""

    community_id: str
    platform: str
    name: str
    messages: int = 0
    new_messages: int = 0
    members: int = 0
    channels: int = 0
    first_ts: datetime | None = None
    last_ts: datetime | None = None
    reactions: int = 0
    joins: int = 0
    quarantined: int = 0


@dataclass
class FileSummary:
    """One source (file, or folder export) of a run."""

    path: Path
    platform: str
    status: str  # "ingested" or "skipped" (already ingested, same sha256)
    sha256: str
    run_id: str | None = None
    records: int = 0
    quarantined: int = 0


@dataclass
class IngestSummary:
    """The result of :func:`tribu.warehouse.ingest.ingest_paths`."""

    db: Path
    communities: list[CommunitySummary] = field(default_factory=list)
    files: list[FileSummary] = field(default_factory=list)
    ignored: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def skipped(self) -> list[Path]:
        """Sources skipped because the same content was ingested before."""
        return [f.path for f in self.files if f.status == "skipped"]

    @property
    def quarantined(self) -> int:
        """Records quarantined in this run, over every file."""
        return sum(f.quarantined for f in self.files)

    def community(self, key: str) -> CommunitySummary:
        """The summary of one community, by ``community_id`` or name."""
        for item in self.communities:
            if key in (item.community_id, item.name):
                return item
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (paths and times as strings)."""

        def plain(value: Any) -> Any:
            if isinstance(value, Path):
                return str(value)
            if isinstance(value, datetime):
                return value.isoformat()
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            if isinstance(value, list):
                return [plain(v) for v in value]
            return value

        data: dict[str, Any] = plain(asdict(self))  # plain() of a dict is a dict
        data["skipped"] = [str(p) for p in self.skipped]
        data["quarantined"] = self.quarantined
        return data

    def render(self) -> RenderableType:
        """A Rich table per community, then skipped and ignored files and warnings."""
        parts: list[RenderableType] = []
        if self.communities:
            parts.append(Text(f"Ingested into {self.db}", style="bold"))
        else:
            parts.append(Text("Nothing new was ingested."))
        for c in self.communities:
            table = Table(
                title=Text(f"{c.name}  ({c.community_id})"),
                title_justify="left",
                show_header=False,
                box=None,
                padding=(0, 2),
            )
            table.add_column("what", style="dim")
            table.add_column("value")
            span = (
                f"{c.first_ts:%Y-%m-%d %H:%M} → {c.last_ts:%Y-%m-%d %H:%M} UTC"
                if c.first_ts and c.last_ts
                else "—"
            )
            table.add_row("messages", f"{c.messages:,} ({c.new_messages:,} new)")
            table.add_row("members", f"{c.members:,}")
            table.add_row("channels", f"{c.channels:,}")
            table.add_row("time span", span)
            table.add_row("reactions", f"{c.reactions:,}")
            table.add_row("joins", f"{c.joins:,}")
            table.add_row(
                "quarantined",
                Text(f"{c.quarantined:,}", style="yellow" if c.quarantined else ""),
            )
            parts.append(table)
        for f in self.files:
            if f.status == "skipped":
                parts.append(
                    Text(f"Skipped {f.path}: already ingested (same content).")
                )
            elif f.quarantined:
                parts.append(
                    Text(
                        f"{f.path}: {f.quarantined:,} record(s) quarantined; see the "
                        f"'quarantine' table (run_id {f.run_id}).",
                        style="yellow",
                    )
                )
        for path in self.ignored:
            parts.append(
                Text(f"Ignored {path}: no connector recognises it.", style="dim")
            )
        for warning in self.warnings:
            parts.append(Text(f"Warning: {warning}", style="yellow"))
        return Group(*parts)
