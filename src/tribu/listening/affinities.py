"""Audience affinities: the web domains, hashtags and @accounts a community shares, by lift.

For the chosen scope (community, channel) and period, and for each item (a domain taken from a
link, ``www.`` dropped; a hashtag; an @account written in a message), ``n`` is the number of
messages of the scope and period that carry it. Its **lift** is its share of those messages
over its share of every message in the warehouse (all communities, all time):

    lift = (n / N_scope) / (n_all / N_all)

A lift of 3 means the community mentions it three times as often as the warehouse at large;
items below ``min_messages`` (3) in the scope are left out (a lift on one or two messages is
noise). When the scope is the whole warehouse over all its time, every lift is 1.

Worked example (``tests/listening/test_affinities.py``): 10 messages in the warehouse, 4 in the
scope; ``#loop`` in 3 scope messages and 1 other: lift = (3/4)/(4/10) = 1.875.

Terms listed in ``tribu.toml`` (``[listening] terms = ["Loop", "Canopée"]``, brand and product
names) get a volume series per period (messages that contain the term as a word, any case) and
the emergence score and status of :mod:`tribu.listening.emergence`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from tribu.errors import ConfigError
from tribu.listening.emergence import EmergenceRule, emergence_score, status

__all__ = ["AFFINITY_PATTERNS", "affinities", "listening_terms", "term_trends"]

# kind -> RE2 pattern capturing the item (DuckDB regexp_extract_all, group 1)
AFFINITY_PATTERNS: dict[str, str] = {
    "domains": r"(?:https?://|\bwww\.)(?:www\.)?([\pL\pN.-]+\.[\pL]{2,})",
    "hashtags": r"(?:^|[^\pL\pN_&])#([\pL\pN_]*\pL[\pL\pN_]*)",
    "accounts": r"(?:^|[^\pL\pN_.])@([\pL\pN_][\pL\pN_.]*[\pL\pN_]|[\pL\pN_])",
}


def affinities(
    con: Any,
    scope_where: str,
    scope_params: list[Any],
    *,
    min_messages: int = 3,
    top: int = 10,
) -> dict[str, list[dict[str, Any]]]:
    """Per kind, the items of the scope ranked by lift (then messages, then name)."""
    total_row = con.execute("SELECT count(*) FROM messages").fetchone()
    scope_row = con.execute(
        f"SELECT count(*) FROM messages m WHERE {scope_where}", scope_params
    ).fetchone()
    n_all = int(total_row[0]) if total_row else 0
    n_scope = int(scope_row[0]) if scope_row else 0
    out: dict[str, list[dict[str, Any]]] = {}
    for kind, pattern in AFFINITY_PATTERNS.items():
        if not n_scope:
            out[kind] = []
            continue
        rows = con.execute(
            f"""
            WITH items AS (
                SELECT DISTINCT m.message_id, ({scope_where}) AS in_scope,
                       unnest(regexp_extract_all(lower(m.text), ?, 1)) AS item
                FROM messages m WHERE m.text IS NOT NULL
            )
            SELECT item, count(*) FILTER (WHERE in_scope) AS n, count(*) AS n_all
            FROM items GROUP BY item
            HAVING count(*) FILTER (WHERE in_scope) >= ?
            """,
            [*scope_params, pattern, min_messages],
        ).fetchall()
        ranked = sorted(
            (
                {
                    "item": item,
                    "messages": int(n),
                    "lift": round((n / n_scope) / (n_total / n_all), 3),
                }
                for item, n, n_total in rows
            ),
            key=lambda d: (-d["lift"], -d["messages"], d["item"]),
        )
        out[kind] = ranked[:top]
    return out


def listening_terms(raw_config: Any, source: object = "tribu.toml") -> tuple[str, ...]:
    """The ``[listening] terms`` list of ``tribu.toml`` (empty when absent)."""
    section = raw_config.get("listening", {}) if hasattr(raw_config, "get") else {}
    if not isinstance(section, dict):
        raise ConfigError(f"{source}: [listening] must be a table.")
    terms = section.get("terms", [])
    if not isinstance(terms, list) or not all(
        isinstance(t, str) and t.strip() for t in terms
    ):
        raise ConfigError(
            f"{source}: listening.terms must be a list of non-empty strings; got {terms!r}."
        )
    return tuple(t.strip() for t in terms)


def term_trends(
    con: Any,
    terms: Sequence[str],
    period: str,
    scope_where: str,
    scope_params: list[Any],
    calendar: Sequence[date],
    rule: EmergenceRule = EmergenceRule(),  # noqa: B008 - frozen, shared default is safe
) -> list[dict[str, Any]]:
    """Per term: messages per period of ``calendar`` (the last is current), emergence, status."""
    out: list[dict[str, Any]] = []
    if not calendar:
        return out
    for term in terms:
        pattern = r"(?i)(^|[^\pL\pN_])" + re.escape(term.lower()) + r"($|[^\pL\pN_])"
        rows = con.execute(
            f"""
            SELECT CAST(date_trunc('{period}', m.ts AT TIME ZONE 'UTC') AS DATE), count(*)
            FROM messages m
            WHERE {scope_where} AND regexp_matches(lower(m.text), ?)
            GROUP BY 1
            """,
            [*scope_params, pattern],
        ).fetchall()
        counts = {p: int(n) for p, n in rows}
        series = [counts.get(p, 0) for p in calendar]
        history = series[-1 - rule.baseline : -1]
        earlier = [p for p in counts if p < calendar[-1]]
        out.append(
            {
                "term": term,
                "messages": series[-1],
                "series": [
                    {"period_start": p.isoformat(), "messages": n}
                    for p, n in zip(calendar, series, strict=True)
                ],
                "emergence": round(emergence_score(series[-1], history), 3),
                "status": status(
                    series[-1], history, first_seen_in_period=not earlier, rule=rule
                ),
            }
        )
    return out
