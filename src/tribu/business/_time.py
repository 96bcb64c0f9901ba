"""The ``as_of`` moment shared by the measures that judge customers by their age."""

from __future__ import annotations

from datetime import UTC, datetime

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

__all__ = ["as_of_value"]


def as_of_value(
    as_of: datetime | None, latest: ir.TimestampScalar
) -> ir.TimestampValue:
    """``as_of`` as an Ibis UTC timestamp, or ``latest`` (the data's last moment) if None."""
    if as_of is None:
        return latest
    moment = (
        as_of.replace(tzinfo=UTC) if as_of.tzinfo is None else as_of.astimezone(UTC)
    )
    return ibis.literal(moment, type=dt.Timestamp(timezone="UTC"))
