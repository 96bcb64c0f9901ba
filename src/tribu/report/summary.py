"""The written summary on top of the report: what changed against the previous week, in words.

Each sentence comes from numbers the measures computed: the last complete week (Monday to
Sunday, UTC) is compared with the week before it. A week is complete when the data reaches its
Sunday; otherwise the two weeks before the partial one are compared. Sentences:

* ER (median over brand posts, ``engagement_rate_weekly``), weekly active members
  (``weekly_active_members``), messages (``daily_activity`` summed by week): relative change,
  "ER up 12 % week on week"; changes under 1 % read "stable".
* Mean sentiment (``sentiment_weekly``, weighted by messages): change in points of the 0–100
  scale.
* Rituals (``rituals``): a ritual whose attendance, along its least-squares trend, lost or
  gained at least a quarter from its first to its last occurrence is named, with its slot and
  channel ("The Fri at 19:00 ritual in lives lost a third of its attendance"); only the
  :data:`RITUALS_NAMED` largest changes, among rituals gathering at least
  :data:`RITUAL_MIN_ATTENDANCE` people at the start of their trend line (smaller ones swing
  too much to mean anything). With several communities in view, the community's name follows
  the channel.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from tribu.report.charts import ritual_slot
from tribu.report.data import Filters, MeasureData, MeasureUnavailable, records

# Rituals named in the summary: at most this many, the largest changes first, among rituals
# whose trend line starts at this many people or more and changed by at least this share.
RITUALS_NAMED = 3
RITUAL_MIN_ATTENDANCE = 2.0
RITUAL_MIN_CHANGE = 0.25

__all__ = [
    "compared_weeks",
    "percent_phrase",
    "ritual_change",
    "ritual_first_attendance",
    "share_words",
    "summary_sentences",
]


def compared_weeks(last_day: dt.date) -> tuple[dt.date, dt.date]:
    """Mondays of the (current, previous) weeks to compare, given the last day with data."""
    monday = last_day - dt.timedelta(days=last_day.weekday())
    if (
        last_day.weekday() != 6
    ):  # the week of last_day is not over: compare the two before
        monday -= dt.timedelta(days=7)
    return monday, monday - dt.timedelta(days=7)


def percent_phrase(
    name: str, now: float, before: float, w: dict[str, str]
) -> str | None:
    """'ER up 12 % week on week' (or French), None when ``before`` is zero or missing."""
    if before is None or now is None or pd.isna(before) or pd.isna(now) or before == 0:
        return None
    change = (now - before) / abs(before)
    if abs(change) < 0.01:
        return f"{name} {w['stable']} {w['week_on_week']}."
    direction = w["up"] if change > 0 else w["down"]
    return f"{name} {direction} {abs(change) * 100:.0f} % {w['week_on_week']}."


def ritual_first_attendance(row: dict[str, Any]) -> float:
    """Attendance of a ritual's first occurrence on its trend line (0 when unknown)."""
    slope, mean, n = (
        row.get("attendance_trend"),
        row.get("mean_attendance"),
        row.get("occurrences"),
    )
    if slope is None or mean is None or not n:
        return 0.0
    return float(mean - slope * (n - 1) / 2)


def ritual_change(row: dict[str, Any]) -> float | None:
    """Relative change of a ritual's attendance from its first to its last occurrence.

    ``attendance_trend`` is a least-squares slope (people per occurrence) through the
    ``occurrences`` points whose mean is ``mean_attendance``; the fitted line goes from
    ``mean - slope * (n - 1) / 2`` to ``mean + slope * (n - 1) / 2``.
    """
    slope, mean, n = (
        row.get("attendance_trend"),
        row.get("mean_attendance"),
        row.get("occurrences"),
    )
    if slope is None or mean is None or not n or n < 2:
        return None
    first = mean - slope * (n - 1) / 2
    if first <= 0:
        return None
    return float(slope * (n - 1) / first)


def share_words(share: float, w: dict[str, str]) -> str:
    """A loss or gain share in words: half, a third, a quarter, else a percentage."""
    share = abs(share)
    for target, key in (
        (2 / 3, "two_thirds"),
        (0.5, "half"),
        (1 / 3, "a_third"),
        (0.25, "a_quarter"),
    ):
        if abs(share - target) <= 0.04:
            return w[key]
    return f"{share * 100:.0f} %"


def _week_values(frame: pd.DataFrame, column: str, value: str, how: str) -> pd.Series:
    if frame.empty:
        return pd.Series(dtype=float)
    weeks = pd.to_datetime(frame[column], utc=True).dt.tz_localize(None)
    if column == "day":
        weeks = weeks - pd.to_timedelta(weeks.dt.weekday, unit="D")
    keyed = frame.assign(_week=weeks.dt.date)
    grouped = keyed.groupby("_week")[value]
    return grouped.median() if how == "median" else grouped.sum()


def _pair(series: pd.Series, now: dt.date, before: dt.date) -> tuple[Any, Any]:
    return series.get(now), series.get(before)


def _filtered(data: MeasureData, name: str, filters: Filters) -> pd.DataFrame:
    try:
        return data.filtered(name, filters)[0]
    except MeasureUnavailable:
        return pd.DataFrame()


def summary_sentences(
    data: MeasureData, filters: Filters, w: dict[str, str]
) -> list[str]:
    """The summary sentences for ``filters`` in the language of ``w``."""
    _, last = data.period()
    if filters.until is not None and last is not None:
        last = min(last, filters.until)
    if last is None:
        return [w["no_change"]]
    try:
        now, before = compared_weeks(last)
    except (
        OverflowError
    ):  # until in the first days of year 1: no week before to compare
        return [w["no_change"]]
    sentences: list[str] = []

    er = _filtered(data, "engagement_rate_weekly", filters)
    # Several communities together: the median of their weekly medians.
    sentence = percent_phrase(
        w["er_name"],
        *_pair(
            _week_values(er, "week", "median_engagement_rate", "median"), now, before
        ),
        w,
    )
    sentences += [sentence] if sentence else []

    wam = _filtered(data, "weekly_active_members", filters)
    sentence = percent_phrase(
        w["wam_name"],
        *_pair(_week_values(wam, "week", "active_members", "sum"), now, before),
        w,
    )
    sentences += [sentence] if sentence else []

    activity = _filtered(data, "daily_activity", filters)
    sentence = percent_phrase(
        w["messages_name"],
        *_pair(_week_values(activity, "day", "messages", "sum"), now, before),
        w,
    )
    sentences += [sentence] if sentence else []

    mood = _filtered(data, "sentiment_weekly", filters)
    if not mood.empty:
        weighted = mood.assign(_w=mood["mean_sentiment"] * mood["messages"])
        total = _week_values(weighted, "week", "_w", "sum")
        count = _week_values(weighted, "week", "messages", "sum")
        a, b = _pair(total / count.replace(0, pd.NA), now, before)
        if a is not None and b is not None and not pd.isna(a) and not pd.isna(b):
            points = (float(a) - float(b)) * 100
            direction = w["up"] if points >= 0 else w["down"]
            if abs(points) < 1:
                sentences.append(
                    f"{w['sentiment_name']} {w['stable']} {w['week_on_week']}."
                )
            else:
                sentences.append(
                    f"{w['sentiment_name']} {direction} {abs(points):.0f} {w['points']} "
                    f"{w['week_on_week']}."
                )

    ritual_frame = _filtered(data, "rituals", filters)
    channels = dict(
        zip(data.channels()["channel_id"], data.channels()["name"], strict=True)
    )
    communities = dict(
        zip(data.communities()["community_id"], data.communities()["name"], strict=True)
    )
    changed = [
        (change, row)
        for row in records(ritual_frame)
        if ritual_first_attendance(row) >= RITUAL_MIN_ATTENDANCE
        and (change := ritual_change(row)) is not None
        and abs(change) >= RITUAL_MIN_CHANGE
    ]
    changed.sort(key=lambda pair: (-abs(pair[0]), str(pair[1]["channel_id"])))
    for change, row in changed[:RITUALS_NAMED]:
        channel = str(channels.get(row["channel_id"], row["channel_id"]))
        if filters.community is None and len(communities) > 1:
            channel += f" ({communities.get(row['community_id'], row['community_id'])})"
        key = "ritual_lost" if change < 0 else "ritual_gained"
        sentences.append(
            w[key].format(
                slot=ritual_slot(row, w), channel=channel, share=share_words(change, w)
            )
            + "."
        )
    return sentences or [w["no_change"]]
