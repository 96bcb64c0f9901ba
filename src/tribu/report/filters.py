"""Filters a user sets (community, channel, campaign, period) and how they apply to rows.

A filter applies to a measure when the measure has the matching column (:data:`FILTER_COLUMNS`;
for the period, the first of :data:`PERIOD_COLUMNS` it has). A measure without the column is
left whole on that axis, and :func:`filter_frame` says which filters applied.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from tribu.errors import ConfigError

__all__ = ["FILTER_COLUMNS", "PERIOD_COLUMNS", "Filters", "filter_frame", "parse_date"]

# filter name -> the measure column it applies to
FILTER_COLUMNS: dict[str, str] = {
    "community": "community_id",
    "channel": "channel_id",
    "campaign": "campaign_id",
}
# the first of these columns a measure has carries its period
PERIOD_COLUMNS: tuple[str, ...] = ("ts", "day", "week", "cohort_month")


def parse_date(value: str | dt.date | None, option: str) -> dt.date | None:
    """Read an ISO date given to ``--since``/``--until`` or ``?since=``/``?until=``."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(
            f"The '{option}' option must be an ISO date like 2024-03-01. "
            f"Got {value!r} instead."
        ) from None


@dataclass(frozen=True)
class Filters:
    """What a user narrowed the view to. ``None`` means no filter on that axis.

    ``since`` and ``until`` are inclusive calendar dates (UTC).
    """

    community: str | None = None
    channel: str | None = None
    campaign: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    @classmethod
    def from_strings(
        cls,
        community: str | None = None,
        channel: str | None = None,
        campaign: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> Filters:
        """Build filters from query-string or command-line values ('' counts as unset)."""
        return cls(
            community=community or None,
            channel=channel or None,
            campaign=campaign or None,
            since=parse_date(since, "since"),
            until=parse_date(until, "until"),
        )

    def as_dict(self) -> dict[str, str | None]:
        """The filters as strings, for JSON answers and cache keys."""
        return {
            "community": self.community,
            "channel": self.channel,
            "campaign": self.campaign,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }


def _naive_utc(values: pd.Series) -> pd.Series:
    """Timestamps or dates as naive UTC ``datetime64`` so they compare with dates."""
    converted = pd.to_datetime(values, utc=True, errors="coerce")
    return converted.dt.tz_localize(None)


def filter_frame(
    frame: pd.DataFrame, filters: Filters
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Keep the rows of ``frame`` that pass ``filters``; say which filters applied.

    Returns the filtered frame and ``{filter name: column it applied to}``.
    """
    applied: dict[str, str] = {}
    mask = pd.Series(True, index=frame.index)
    for name, column in FILTER_COLUMNS.items():
        value = getattr(filters, name)
        if value is not None and column in frame.columns:
            mask &= frame[column].astype("string") == value
            applied[name] = column
    period = next((c for c in PERIOD_COLUMNS if c in frame.columns), None)
    if period is not None and (filters.since or filters.until):
        when = _naive_utc(frame[period])
        if filters.since:
            mask &= when >= pd.Timestamp(filters.since)
            applied["since"] = period
        if (
            filters.until
        ):  # the whole last day (no day after 9999-12-31 to compare with)
            mask &= when.dt.floor("D") <= pd.Timestamp(filters.until)
            applied["until"] = period
    return frame[mask.fillna(False)].reset_index(drop=True), applied
