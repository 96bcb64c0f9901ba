"""What a writer wrote, counted the way the connectors should count it.

Each platform writer returns a :class:`PlatformCounts`; tests compare it with what the
connector reads back, so a disagreement points at either the writer or the connector.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["PlatformCounts"]


@dataclass(frozen=True, slots=True)
class PlatformCounts:
    """Counts of one platform's export, as written.

    Attributes
    ----------
    messages : what people and bots wrote (system notices excluded).
    joins, leaves : member events written.
    reactions : total reactions, every emoji and every reactor (0 where the format has none).
    replies : messages written as a reply to another (reference, thread or reply id).
    authors : distinct authors of messages.
    channels : channels, threads included.
    """

    platform: str
    community: str
    path: Path
    messages: int
    joins: int
    leaves: int
    reactions: int
    replies: int
    authors: int
    channels: int

    def as_json(self) -> dict[str, object]:
        """A JSON-ready dict (the path relative to nothing: as written)."""
        data = asdict(self)
        data["path"] = self.path.as_posix()
        return data
