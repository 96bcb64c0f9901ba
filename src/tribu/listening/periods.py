"""Topic volumes per period (UTC weeks starting Monday, or calendar months) and their statuses.

:func:`topic_counts` aggregates ``enrichment.topic_id`` over ``messages`` for any filter
(community, channel, time window); :func:`with_emergence` adds to each topic and period the
emergence score and status of :mod:`tribu.listening.emergence`, against the topic's own
``baseline`` previous periods. :func:`refresh_topic_periods` stores the warehouse-wide series
in ``topic_periods``; :func:`update_topic_periods` rewrites only the periods new messages
change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from tribu.listening.emergence import (
    EmergenceRule,
    emergence_score,
    negative_burst,
    status,
)

__all__ = [
    "PERIODS",
    "PeriodRow",
    "period_starts",
    "period_totals",
    "refresh_topic_periods",
    "scope_sql",
    "period_of",
    "topic_counts",
    "topic_period_records",
    "update_topic_periods",
    "with_emergence",
]

PERIODS = ("week", "month")


@dataclass
class PeriodRow:
    """One topic in one period: volume, sentiment, emergence and status."""

    topic_id: int
    period_start: date
    messages: int
    negative: int
    mean_sentiment: float | None
    share: float = 0.0
    emergence: float = 0.0
    status: str = "steady"
    negative_burst: bool = False
    baseline_mean: float = 0.0


def scope_sql(
    community: str | None = None,
    channel: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> tuple[str, list[Any]]:
    """A ``WHERE`` fragment on ``m`` (messages) for the filters, and its parameters."""
    parts = ["TRUE"]
    params: list[Any] = []
    for column, value in (("community_id", community), ("channel_id", channel)):
        if value is not None:
            parts.append(f"m.{column} = ?")
            params.append(value)
    if since is not None:
        parts.append("m.ts >= ?")
        params.append(since)
    if until is not None:
        parts.append("m.ts <= ?")
        params.append(until)
    return " AND ".join(parts), params


def _start(period: str) -> str:
    return f"CAST(date_trunc('{period}', m.ts AT TIME ZONE 'UTC') AS DATE)"


def topic_counts(
    con: Any, period: str, where: str = "TRUE", params: list[Any] | None = None
) -> list[PeriodRow]:
    """Per topic and period: messages, negative ones (< 0.3) and mean sentiment."""
    rows = con.execute(
        f"""
        SELECT e.topic_id, {_start(period)} AS period_start, count(*) AS n,
               count(*) FILTER (WHERE e.sentiment < ?) AS negative,
               avg(e.sentiment) AS mean_sentiment
        FROM messages m JOIN enrichment e USING (message_id)
        WHERE e.topic_id >= 0 AND {where}
        GROUP BY ALL ORDER BY 1, 2
        """,
        [EmergenceRule().negative_below, *(params or [])],
    ).fetchall()
    return [
        PeriodRow(int(t), p, int(n), int(neg), None if s is None else float(s))
        for t, p, n, neg, s in rows
    ]


def period_totals(
    con: Any, period: str, where: str = "TRUE", params: list[Any] | None = None
) -> dict[date, int]:
    """Every message of each period (clustered or not) within the filters."""
    rows = con.execute(
        f"SELECT {_start(period)}, count(*) FROM messages m WHERE {where} GROUP BY 1",
        params or [],
    ).fetchall()
    return {p: int(n) for p, n in rows}


def period_starts(first: date, last: date, period: str) -> list[date]:
    """Every period start from ``first`` to ``last`` included (both already period starts)."""
    out = [first]
    while out[-1] < last:
        current = out[-1]
        if period == "week":
            out.append(date.fromordinal(current.toordinal() + 7))
        elif current.month == 12:
            out.append(date(current.year + 1, 1, 1))
        else:
            out.append(date(current.year, current.month + 1, 1))
    return out


def with_emergence(
    rows: list[PeriodRow],
    totals: dict[date, int],
    period: str,
    rule: EmergenceRule = EmergenceRule(),  # noqa: B008 - frozen, shared default is safe
    *,
    start: date | None = None,
    first_periods: Mapping[int, date] | None = None,
) -> dict[int, dict[date, PeriodRow]]:
    """Every topic's full series (zero-filled periods included), with emergence and status.

    The series runs from the first period with any message to the last; a topic's baseline
    for period p is its ``rule.baseline`` periods before p within that range.

    For a slice of the history (:func:`update_topic_periods`): ``start`` is where the range
    begins, and ``first_periods`` gives each topic's first period with a message (the topics
    it names get a series even without a row in the slice).
    """
    if not totals and not rows:
        return {}
    starts = sorted(set(totals) | {r.period_start for r in rows})
    calendar = period_starts(start or starts[0], starts[-1], period)
    by_topic: dict[int, dict[date, PeriodRow]] = defaultdict(dict)
    for topic in first_periods or {}:
        by_topic[topic] = {}
    for row in rows:
        by_topic[row.topic_id][row.period_start] = row
    out: dict[int, dict[date, PeriodRow]] = {}
    for topic, series in by_topic.items():
        first = min(series, default=None)
        if first_periods and topic in first_periods:
            first = min(first or first_periods[topic], first_periods[topic])
        full: dict[date, PeriodRow] = {}
        for i, start in enumerate(calendar):
            row = series.get(start) or PeriodRow(topic, start, 0, 0, None)
            before = calendar[max(0, i - rule.baseline) : i]
            history = [series[b].messages if b in series else 0 for b in before]
            history_neg = sum(series[b].negative if b in series else 0 for b in before)
            total = totals.get(start, 0)
            row.share = row.messages / total if total else 0.0
            row.emergence = emergence_score(row.messages, history)
            row.baseline_mean = sum(history) / len(history) if history else 0.0
            row.status = status(
                row.messages, history, first_seen_in_period=start == first, rule=rule
            )
            row.negative_burst = negative_burst(
                row.negative, row.messages, history_neg, sum(history), rule
            )
            full[start] = row
        out[topic] = full
    return out


_COLUMNS = (
    "topic_id",
    "period",
    "period_start",
    "messages",
    "negative",
    "mean_sentiment",
    "share",
    "emergence",
    "status",
)


def period_of(moment: datetime, period: str) -> date:
    """The start of the UTC week (Monday) or month holding ``moment``.

    Examples
    --------
    >>> period_of(datetime(2026, 10, 18, 23, 30, tzinfo=UTC), "week")
    datetime.date(2026, 10, 12)
    >>> period_of(datetime(2026, 10, 18, 23, 30, tzinfo=UTC), "month")
    datetime.date(2026, 10, 1)
    """
    day = moment.astimezone(UTC).date() if moment.tzinfo else moment.date()
    if period == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def _shift(start: date, period: str, steps: int) -> date:
    """``start`` moved by ``steps`` periods (negative: back)."""
    if period == "week":
        return start + timedelta(days=7 * steps)
    months = start.year * 12 + start.month - 1 + steps
    return date(months // 12, months % 12 + 1, 1)


def _records(
    series: dict[int, dict[date, PeriodRow]],
    period: str,
    since: date | None = None,
    first_periods: Mapping[int, date] | None = None,
) -> list[tuple[Any, ...]]:
    """Rows of ``topic_periods``: each topic from its first period with a message on
    (``first_periods`` when that lies before the slice), only periods from ``since``."""
    firsts = {
        topic: min(
            [p for p, row in rows.items() if row.messages]
            + [p for p in [(first_periods or {}).get(topic)] if p is not None]
        )
        for topic, rows in series.items()
    }
    return [
        (
            topic,
            period,
            row.period_start,
            row.messages,
            row.negative,
            row.mean_sentiment,
            row.share,
            row.emergence,
            row.status,
        )
        for topic, rows in series.items()
        for row in rows.values()
        if row.period_start >= firsts[topic]
        and (since is None or row.period_start >= since)
    ]


def _insert(con: Any, records: list[tuple[Any, ...]]) -> None:
    if not records:
        return
    import pyarrow as pa

    table = pa.table({n: [r[i] for r in records] for i, n in enumerate(_COLUMNS)})
    con.register("_topic_periods_new", table)
    try:
        con.execute(
            f"INSERT INTO topic_periods ({', '.join(_COLUMNS)}) "
            "SELECT * FROM _topic_periods_new"
        )
    finally:
        con.unregister("_topic_periods_new")


def topic_period_records(con: Any) -> list[tuple[Any, ...]]:
    """Every row ``topic_periods`` should hold, computed from the whole warehouse."""
    records: list[tuple[Any, ...]] = []
    for period in PERIODS:
        series = with_emergence(
            topic_counts(con, period), period_totals(con, period), period
        )
        records.extend(_records(series, period))
    return records


def refresh_topic_periods(con: Any) -> int:
    """Rewrite ``topic_periods`` for weeks and months over the whole warehouse; rows written."""
    records = topic_period_records(con)
    con.execute("DELETE FROM topic_periods")
    _insert(con, records)
    return len(records)


def update_topic_periods(
    con: Any,
    earliest: datetime,
    rule: EmergenceRule = EmergenceRule(),  # noqa: B008 - frozen, shared default is safe
) -> int:
    """Rewrite only the rows of ``topic_periods`` that messages from ``earliest`` on change.

    After an incremental run, ``earliest`` is the time of the earliest message just assigned.
    For each period kind, with w the period holding it (or the one after the last stored
    period, if earlier: periods of a gap get their zero rows), every row from w on is
    recomputed: the counts of periods ≥ w are read from the warehouse (``m.ts ≥ w``), the
    ``rule.baseline`` periods before w from ``topic_periods`` itself (they did not change),
    each topic's first period from its stored rows. Rows before w are untouched, so the work
    follows the periods the new messages fall in, not the size of the history; the result is
    row for row what :func:`refresh_topic_periods` writes (tested). A kind with no stored row,
    or messages older than its first period (which would lengthen every baseline), is
    rewritten in full. Returns the rows written.
    """
    written = 0
    for period in PERIODS:
        first, last = con.execute(
            "SELECT min(period_start), max(period_start) FROM topic_periods "
            "WHERE period = ?",
            [period],
        ).fetchone()
        since = period_of(earliest, period)
        if first is None or since < first:
            series = with_emergence(
                topic_counts(con, period), period_totals(con, period), period, rule
            )
            records = _records(series, period)
            con.execute("DELETE FROM topic_periods WHERE period = ?", [period])
        else:
            since = min(since, _shift(last, period, 1))
            start = max(first, _shift(since, period, -rule.baseline))
            moment = datetime.combine(since, time(0), tzinfo=UTC)
            fresh = topic_counts(con, period, "m.ts >= ?", [moment])
            stored = con.execute(
                "SELECT topic_id, period_start, messages, negative, mean_sentiment "
                "FROM topic_periods WHERE period = ? AND period_start >= ? "
                "AND period_start < ? AND messages > 0",
                [period, start, since],
            ).fetchall()
            history = [
                PeriodRow(int(t), p, int(n), int(neg), s) for t, p, n, neg, s in stored
            ]
            firsts = {
                int(t): p
                for t, p in con.execute(
                    "SELECT topic_id, min(period_start) FROM topic_periods "
                    "WHERE period = ? AND messages > 0 GROUP BY 1",
                    [period],
                ).fetchall()
            }
            series = with_emergence(
                history + fresh,
                period_totals(con, period, "m.ts >= ?", [moment]),
                period,
                rule,
                start=start,
                first_periods=firsts,
            )
            records = _records(series, period, since, firsts)
            con.execute(
                "DELETE FROM topic_periods WHERE period = ? AND period_start >= ?",
                [period, since],
            )
        _insert(con, records)
        written += len(records)
    return written
