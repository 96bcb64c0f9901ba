"""Topic volumes per period (UTC weeks starting Monday, or calendar months) and their statuses.

:func:`topic_counts` aggregates ``enrichment.topic_id`` over ``messages`` for any filter
(community, channel, time window); :func:`with_emergence` adds to each topic and period the
emergence score and status of :mod:`tribu.listening.emergence`, against the topic's own
``baseline`` previous periods. :func:`refresh_topic_periods` stores the warehouse-wide series
in ``topic_periods``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
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
    "topic_counts",
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
) -> dict[int, dict[date, PeriodRow]]:
    """Every topic's full series (zero-filled periods included), with emergence and status.

    The series runs from the first period with any message to the last; a topic's baseline
    for period p is its ``rule.baseline`` periods before p within that range.
    """
    if not totals and not rows:
        return {}
    starts = sorted(set(totals) | {r.period_start for r in rows})
    calendar = period_starts(starts[0], starts[-1], period)
    by_topic: dict[int, dict[date, PeriodRow]] = defaultdict(dict)
    for row in rows:
        by_topic[row.topic_id][row.period_start] = row
    out: dict[int, dict[date, PeriodRow]] = {}
    for topic, series in by_topic.items():
        first = min(series)
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


def refresh_topic_periods(con: Any) -> int:
    """Rewrite ``topic_periods`` for weeks and months over the whole warehouse; rows written."""
    records: list[tuple[Any, ...]] = []
    for period in PERIODS:
        series = with_emergence(
            topic_counts(con, period), period_totals(con, period), period
        )
        for topic, rows in series.items():
            for row in rows.values():
                records.append(
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
                )
    con.execute("DELETE FROM topic_periods")
    if records:
        import pyarrow as pa

        names = [
            "topic_id",
            "period",
            "period_start",
            "messages",
            "negative",
            "mean_sentiment",
            "share",
            "emergence",
            "status",
        ]
        table = pa.table({n: [r[i] for r in records] for i, n in enumerate(names)})
        con.register("_topic_periods_new", table)
        try:
            con.execute("INSERT INTO topic_periods SELECT * FROM _topic_periods_new")
        finally:
            con.unregister("_topic_periods_new")
    return len(records)
