"""What ``tribu listen`` shows: the topics of the chosen period, each with its numbers.

:func:`listening_view` reads the stored topics (run :func:`tribu.listening.pipeline.update_topics`
first) and returns one JSON-ready dict, the contract of ``tribu listen --json``::

    {"period": {"kind": "week", "start": "2026-10-26", "end": "2026-11-01"},
     "scope": {"community": null, "channel": null, "since": null, "until": null},
     "messages": 1520, "clustered_share": 0.86, "baseline_periods": 4,
     "topics": [{"topic_id": 3, "label": "loop décolle · semelle loop · ...",
                 "terms": [...], "status": "emerging", "emergence": 6.12,
                 "trend": "rising", "messages": 140, "share": 0.092,
                 "baseline_mean": 12.5, "mean_sentiment": 0.21,
                 "negative_share": 0.64, "negative_burst": true,
                 "first_seen": "2026-05-01T...", "new": false,
                 "series": [{"period_start": "2026-09-28", "messages": 11}, ...],
                 "communities": [{"community_id": ..., "name": ..., "messages": 120}],
                 "channels": [{"channel_id": ..., "name": ..., "community_id": ...,
                               "messages": 90}],
                 "examples": [{"message_id": ..., "author_id": "m_…", "ts": ...,
                               "channel_id": ..., "text": ...}]}, ...],
     "affinities": {"domains": [...], "hashtags": [...], "accounts": [...]},
     "terms": [{"term": "Loop", "messages": 40, "series": [...], "emergence": 2.1,
                "status": "steady"}]}

Topics are ordered *new* and *emerging* first (by emergence score, highest first), then
*steady* (by messages), then *fading*. Authors are the warehouse's pseudonyms. Texts are
returned as they are: every surface escapes them where it shows them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from tribu.errors import TribuError
from tribu.listening.affinities import affinities, term_trends
from tribu.listening.emergence import EmergenceRule
from tribu.listening.periods import (
    PERIODS,
    PeriodRow,
    period_starts,
    period_totals,
    scope_sql,
    topic_counts,
    with_emergence,
)
from tribu.listening.store import has_tables

__all__ = [
    "EXAMPLE_CHARS",
    "MIN_PERIOD_MESSAGES",
    "SERIES_PERIODS",
    "ListeningError",
    "csv_rows",
    "listening_view",
    "topic_messages",
]

MIN_PERIOD_MESSAGES = 30
SERIES_PERIODS = 12
EXAMPLE_CHARS = 280
_ORDER = {"new": 0, "emerging": 0, "steady": 1, "fading": 2}


class ListeningError(TribuError):
    """Listening cannot answer for this scope: too few messages, or no topics yet."""


def _period_end(start: date, period: str) -> date:
    return date.fromordinal(_next(start, period).toordinal() - 1)


def _next(start: date, period: str) -> date:
    if period == "week":
        return date.fromordinal(start.toordinal() + 7)
    return (
        date(start.year + 1, 1, 1)
        if start.month == 12
        else date(start.year, start.month + 1, 1)
    )


def _trend(row: PeriodRow) -> str:
    if row.emergence >= 1:
        return "rising"
    if row.emergence <= -1:
        return "falling"
    return "flat"


def listening_view(
    con: Any,
    *,
    community: str | None = None,
    channel: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    period: str = "week",
    lang: str | None = None,
    limit: int = 10,
    examples: int = 3,
    terms: tuple[str, ...] = (),
    rule: EmergenceRule = EmergenceRule(),  # noqa: B008 - frozen, shared default is safe
) -> dict[str, Any]:
    """The listening view of the latest period in scope (see the module docstring)."""
    if period not in PERIODS:
        raise ListeningError(
            f"period must be one of {', '.join(PERIODS)}; got {period!r}."
        )
    if not has_tables(con):
        raise ListeningError("No topics yet: run 'tribu listen' first.")
    where, params = scope_sql(community, channel, since, until)
    totals = period_totals(con, period, where, params)
    scope = {
        "community": community,
        "channel": channel,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
    }
    if not totals:
        raise ListeningError(f"No message matches {_describe(scope)}.")
    current = max(totals)
    n_current = totals[current]
    if n_current < MIN_PERIOD_MESSAGES:
        raise ListeningError(
            f"Only {n_current} message(s) in the {period} starting {current} for "
            f"{_describe(scope)}; listening needs at least {MIN_PERIOD_MESSAGES} to find "
            "conversations. Try --period month, or widen --since/--until."
        )
    active = {
        int(r[0]): r[1:]
        for r in con.execute(
            "SELECT topic_id, label, label_en, label_fr, terms, first_seen FROM topics "
            "WHERE active"
        ).fetchall()
    }
    if not active:
        raise ListeningError("No topics yet: run 'tribu listen' without --no-update.")
    series = with_emergence(
        topic_counts(con, period, where, params), totals, period, rule
    )
    calendar = period_starts(min(totals), current, period)[-SERIES_PERIODS:]
    picked: list[tuple[int, PeriodRow]] = []
    for topic, rows in series.items():
        row = rows.get(current)
        if (
            topic in active
            and row is not None
            and (row.messages or row.status == "fading")
        ):
            picked.append((topic, row))
    picked.sort(
        key=lambda tr: (
            _ORDER[tr[1].status],
            -tr[1].emergence if _ORDER[tr[1].status] == 0 else -tr[1].messages,
            tr[0],
        )
    )
    picked = picked[:limit]
    clustered = sum(
        rows[current].messages for rows in series.values() if current in rows
    )
    in_period = (
        f"{where} AND CAST(date_trunc('{period}', m.ts AT TIME ZONE 'UTC') AS DATE) = ?"
    )
    period_params = [*params, current]
    ids = [t for t, _ in picked]
    places = _places(con, ids, in_period, period_params)
    samples = _examples(con, ids, in_period, period_params, examples)
    topics_out = []
    for topic, row in picked:
        label, label_en, label_fr, words, first_seen = active[topic]
        chosen = {"en": label_en, "fr": label_fr}.get(lang or "") or label
        topics_out.append(
            {
                "topic_id": topic,
                "label": chosen,
                "terms": list(words or []),
                "status": row.status,
                "emergence": round(row.emergence, 3),
                "trend": _trend(row),
                "messages": row.messages,
                "share": round(row.share, 4),
                "baseline_mean": round(row.baseline_mean, 2),
                "mean_sentiment": None
                if row.mean_sentiment is None
                else round(row.mean_sentiment, 3),
                "negative_share": round(row.negative / row.messages, 4)
                if row.messages
                else 0.0,
                "negative_burst": row.negative_burst,
                "first_seen": first_seen.isoformat() if first_seen else None,
                "new": row.status == "new",
                "series": [
                    {
                        "period_start": p.isoformat(),
                        "messages": series[topic][p].messages
                        if p in series[topic]
                        else 0,
                    }
                    for p in calendar
                ],
                "communities": places[topic]["communities"],
                "channels": places[topic]["channels"],
                "examples": samples.get(topic, []),
            }
        )
    return {
        "period": {
            "kind": period,
            "start": current.isoformat(),
            "end": _period_end(current, period).isoformat(),
        },
        "scope": scope,
        "messages": n_current,
        "clustered_share": round(clustered / n_current, 4) if n_current else 0.0,
        "baseline_periods": rule.baseline,
        "topics": topics_out,
        "affinities": affinities(con, in_period, period_params),
        "terms": term_trends(con, terms, period, where, params, calendar, rule),
    }


def _describe(scope: dict[str, Any]) -> str:
    parts = [f"{k} {v}" for k, v in scope.items() if v is not None]
    return "the warehouse" if not parts else "the scope " + ", ".join(parts)


def _places(
    con: Any, ids: list[int], where: str, params: list[Any]
) -> dict[int, dict[str, list[dict[str, Any]]]]:
    out: dict[int, dict[str, list[dict[str, Any]]]] = {
        t: {"communities": [], "channels": []} for t in ids
    }
    if not ids:
        return out
    rows = con.execute(
        f"""
        SELECT e.topic_id, m.community_id, any_value(co.name), m.channel_id,
               any_value(ch.name), count(*) AS n
        FROM messages m JOIN enrichment e USING (message_id)
        LEFT JOIN communities co ON co.community_id = m.community_id
        LEFT JOIN channels ch ON ch.channel_id = m.channel_id
        WHERE list_contains(?, e.topic_id) AND {where}
        GROUP BY e.topic_id, m.community_id, m.channel_id
        ORDER BY n DESC, m.channel_id
        """,
        [ids, *params],
    ).fetchall()
    per_community: dict[tuple[int, str], dict[str, Any]] = {}
    for topic, community_id, community_name, channel_id, channel_name, n in rows:
        out[topic]["channels"].append(
            {
                "channel_id": channel_id,
                "name": channel_name or channel_id,
                "community_id": community_id,
                "messages": int(n),
            }
        )
        entry = per_community.setdefault(
            (topic, community_id),
            {
                "community_id": community_id,
                "name": community_name or community_id,
                "messages": 0,
            },
        )
        entry["messages"] += int(n)
    for (topic, _), entry in per_community.items():
        out[topic]["communities"].append(entry)
    for topic in out:
        out[topic]["communities"].sort(
            key=lambda d: (-d["messages"], d["community_id"])
        )
    return out


def _examples(
    con: Any, ids: list[int], where: str, params: list[Any], k: int
) -> dict[int, list[dict[str, Any]]]:
    """The ``k`` messages of each topic and period closest to the topic's centre.

    Repeated texts (same words, any case or spacing) are shown once.
    """
    out: dict[int, list[dict[str, Any]]] = {}
    if not ids or k <= 0:
        return out
    rows = con.execute(
        f"""
        SELECT topic_id, message_id, author_id, ts, channel_id, text FROM (
            SELECT e.topic_id, m.message_id, m.author_id, m.ts, m.channel_id, m.text,
                   row_number() OVER (
                       PARTITION BY e.topic_id
                       ORDER BY list_cosine_similarity(
                           CAST(e.embedding AS FLOAT[]), t.centre) DESC NULLS LAST,
                           m.message_id) AS r
            FROM messages m JOIN enrichment e USING (message_id)
            JOIN topics t ON t.topic_id = e.topic_id
            WHERE list_contains(?, e.topic_id) AND e.embedding IS NOT NULL AND {where})
        WHERE r <= ? ORDER BY topic_id, r
        """,
        [ids, *params, 5 * k],
    ).fetchall()
    seen: set[tuple[int, str]] = set()
    for topic, message_id, author_id, ts, channel_id, text in rows:
        text = text or ""
        key = (int(topic), " ".join(text.lower().split()))
        if key in seen or len(out.get(int(topic), [])) >= k:
            continue
        seen.add(key)
        if len(text) > EXAMPLE_CHARS:
            text = text[: EXAMPLE_CHARS - 1] + "…"
        out.setdefault(int(topic), []).append(
            {
                "message_id": message_id,
                "author_id": author_id,
                "ts": ts.isoformat(),
                "channel_id": channel_id,
                "text": text,
            }
        )
    return out


def topic_messages(
    con: Any,
    topic_id: int,
    *,
    page: int = 1,
    per_page: int = 50,
    community: str | None = None,
    channel: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, Any]:
    """One page of a topic's messages, newest first: ``{topic_id, page, per_page, total,
    messages: [{message_id, author_id, ts, channel_id, sentiment, text}]}``."""
    if not has_tables(con):
        raise ListeningError("No topics yet: run 'tribu listen' first.")
    where, params = scope_sql(community, channel, since, until)
    total_row = con.execute(
        f"SELECT count(*) FROM messages m JOIN enrichment e USING (message_id) "
        f"WHERE e.topic_id = ? AND {where}",
        [topic_id, *params],
    ).fetchone()
    rows = con.execute(
        f"SELECT m.message_id, m.author_id, m.ts, m.channel_id, e.sentiment, m.text "
        f"FROM messages m JOIN enrichment e USING (message_id) "
        f"WHERE e.topic_id = ? AND {where} ORDER BY m.ts DESC, m.message_id "
        f"LIMIT ? OFFSET ?",
        [topic_id, *params, per_page, (max(page, 1) - 1) * per_page],
    ).fetchall()
    return {
        "topic_id": topic_id,
        "page": max(page, 1),
        "per_page": per_page,
        "total": int(total_row[0]) if total_row else 0,
        "messages": [
            {
                "message_id": r[0],
                "author_id": r[1],
                "ts": r[2].isoformat(),
                "channel_id": r[3],
                "sentiment": None if r[4] is None else round(float(r[4]), 3),
                "text": r[5] or "",
            }
            for r in rows
        ],
    }


def csv_rows(view: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per topic of a listening view (lists joined by ' | ')."""
    rows = []
    for t in view["topics"]:
        rows.append(
            {
                "period_start": view["period"]["start"],
                "topic_id": t["topic_id"],
                "label": t["label"],
                "status": t["status"],
                "emergence": t["emergence"],
                "trend": t["trend"],
                "messages": t["messages"],
                "share": t["share"],
                "mean_sentiment": t["mean_sentiment"],
                "negative_share": t["negative_share"],
                "negative_burst": t["negative_burst"],
                "first_seen": t["first_seen"],
                "communities": " | ".join(c["name"] for c in t["communities"]),
                "channels": " | ".join(c["name"] for c in t["channels"]),
                "examples": " | ".join(e["text"] for e in t["examples"]),
            }
        )
    return rows
