"""What a platform reader makes of one delivery, and JSON helpers naming the bad field."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tribu.live.ops import Op, PayloadError

__all__ = ["Reading", "field_of", "parse_json", "text_field"]


@dataclass
class Reading:
    """One delivery, read: its de-duplication key (None: nothing to store), its operations,
    how many of its parts tribu ignores (unknown types), and an answer to send back, if any."""

    dedup: str | None
    ops: list[Op] = field(default_factory=list)
    ignored: int = 0
    reply: dict[str, Any] | None = None


def parse_json(source: str, body: bytes) -> dict[str, Any]:
    """The body as a JSON object, or a PayloadError naming ``$`` (the whole body)."""
    try:
        value = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise PayloadError(source, "$", f"the body is not JSON ({exc})") from None
    if not isinstance(value, dict):
        raise PayloadError(source, "$", "the body is not a JSON object")
    return value


def field_of(
    source: str,
    obj: dict[str, Any],
    name: str,
    path: str,
    kind: type | tuple[type, ...],
) -> Any:
    """``obj[name]`` checked to be of ``kind``; else a PayloadError naming ``path.name``."""
    where = f"{path}.{name}" if path else name
    if name not in obj or obj[name] is None:
        raise PayloadError(source, where, f"'{where}' is missing")
    value = obj[name]
    if (
        not isinstance(value, kind)
        or isinstance(value, bool)
        and bool not in (kind if isinstance(kind, tuple) else (kind,))
    ):
        expected = (
            " or ".join(k.__name__ for k in kind)
            if isinstance(kind, tuple)
            else kind.__name__
        )
        raise PayloadError(
            source, where, f"'{where}' should be {expected}, not {type(value).__name__}"
        )
    return value


def text_field(source: str, obj: dict[str, Any], name: str, path: str) -> str:
    """A required string or number field, as text (ids come as either)."""
    return str(field_of(source, obj, name, path, (str, int)))
