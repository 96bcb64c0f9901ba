"""Wall-clock time in a display time zone, as a pure Ibis expression.

The warehouse keeps UTC. Rituals are read in the community's own time (a "Thursday 18:00 live"
is 17:00 UTC in winter and 16:00 UTC in summer in Paris). Engines disagree on time-zone
functions, so the zone's UTC offsets are taken from the standard library's ``zoneinfo`` (the
IANA database, no extra dependency) for 1990–2060 and written into the expression as one
``CASE`` over the zone's transitions; before 1990 and after 2060 the nearest offset applies.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import ibis
import ibis.expr.types as ir

from tribu.config import time_zone

__all__ = ["local_epoch", "offset_transitions"]

_FIRST = datetime(1990, 1, 1, tzinfo=UTC)
_LAST = datetime(2060, 1, 1, tzinfo=UTC)


def _zone(tz: str) -> ZoneInfo:
    return time_zone(tz)


def _offset(zone: ZoneInfo, at: datetime) -> int:
    delta = at.astimezone(zone).utcoffset()
    return int(delta.total_seconds()) if delta is not None else 0


@cache
def offset_transitions(tz: str) -> tuple[int, tuple[tuple[int, int], ...]]:
    """The zone's offset at 1990 and every change after, as (epoch second, new offset)."""
    zone = _zone(tz)
    first = _offset(zone, _FIRST)
    changes: list[tuple[int, int]] = []
    step = timedelta(hours=12)
    at, current = _FIRST, first
    while at < _LAST:
        nxt = at + step
        new = _offset(zone, nxt)
        if new != current:
            low, high = int(at.timestamp()), int(nxt.timestamp())
            while high - low > 1:  # first second with the new offset
                mid = (low + high) // 2
                if _offset(zone, datetime.fromtimestamp(mid, UTC)) == current:
                    low = mid
                else:
                    high = mid
            changes.append((high, new))
            current = new
        at = nxt
    return first, tuple(changes)


def local_epoch(utc_epoch: ir.IntegerValue, tz: str) -> ir.IntegerValue:
    """Seconds since 1970 on the wall clock of ``tz`` for a UTC epoch-seconds expression."""
    first, changes = offset_transitions(tz)
    if not changes:
        return utc_epoch + first
    branches = []
    previous = first
    for at, offset in changes:
        branches.append((utc_epoch < at, ibis.literal(previous, "int64")))
        previous = offset
    return utc_epoch + ibis.cases(*branches, else_=ibis.literal(previous, "int64"))
