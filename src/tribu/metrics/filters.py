"""Narrow the canonical tables to a community, channel, campaign and period.

The scorecard and the ``tribu kpis`` / ``roles`` / ``rituals`` commands filter the tables
before building measures: the measures themselves never know about filters.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time

import ibis.expr.types as ir

from tribu.errors import ConfigError

__all__ = ["filter_tables", "parse_moment", "timestamp_like"]


def parse_moment(
    value: str | date | datetime | None, option: str, *, end: bool = False
) -> datetime | None:
    """An aware UTC datetime from an ISO date or date-time; a bare date ``until`` ends the day."""
    if value is None or isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time.max if end else time.min)
    else:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ConfigError(
                f"The '{option}' option must be an ISO date such as 2026-03-01 "
                f"(or 2026-03-01T09:00). Got {value!r} instead."
            ) from None
        if end and len(value) == 10:
            moment = datetime.combine(moment.date(), time.max)
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def filter_tables(
    tables: Mapping[str, ir.Table],
    *,
    community: str | None = None,
    channel: str | None = None,
    campaign: str | None = None,
    since: str | date | datetime | None = None,
    until: str | date | datetime | None = None,
) -> dict[str, ir.Table]:
    """The canonical tables narrowed to one community, channel, campaign and period.

    The period applies to message and reaction times; members and their join/leave events stay
    whole (community size and join times at a moment need the whole history).
    """
    out = dict(tables)
    start = parse_moment(since, "since")
    stop = parse_moment(until, "until", end=True)
    if start and stop and start > stop:
        raise ConfigError(
            f"The 'since' option must come before 'until'. Got since={since}, until={until}."
        )
    if community is not None:
        for name in ("messages", "members", "member_events", "reactions", "channels"):
            if name in out:
                out[name] = out[name].filter(out[name].community_id == community)
        if "communities" in out:
            out["communities"] = out["communities"].filter(
                out["communities"].community_id == community
            )
        if "campaigns" in out:
            c = out["campaigns"]
            out["campaigns"] = c.filter(
                c.community_id.isnull() | (c.community_id == community)
            )
    if channel is not None:
        out["messages"] = out["messages"].filter(out["messages"].channel_id == channel)
        if "channels" in out:
            out["channels"] = out["channels"].filter(
                out["channels"].channel_id == channel
            )
    if campaign is not None and "campaigns" in out:
        out["campaigns"] = out["campaigns"].filter(
            out["campaigns"].campaign_id == campaign
        )
    # Member events are not cut to the period: sizes and join times need the whole history.
    for name in ("messages", "reactions"):
        if name not in out:
            continue
        t = out[name]
        keep_null = name == "reactions"  # reactions without a time stay
        if start is not None:
            bound = timestamp_like(t.ts, start)
            t = t.filter(
                (t.ts.isnull() | (t.ts >= bound)) if keep_null else t.ts >= bound
            )
        if stop is not None:
            bound = timestamp_like(t.ts, stop)
            t = t.filter(
                (t.ts.isnull() | (t.ts <= bound)) if keep_null else t.ts <= bound
            )
        out[name] = t
    return out


def timestamp_like(column: ir.TimestampValue, moment: datetime) -> datetime:
    """``moment`` in the column's kind: aware UTC, or plain UTC for a plain column."""
    if column.type().timezone is None:
        return moment.astimezone(UTC).replace(tzinfo=None)
    return moment
