"""The weekly digest: what changed over a period, and the alerts raised, as an HTML e-mail
body and Markdown, in French or English (``tribu digest --since 7d``).

Figures, per community, over the period against the period of the same length before it:
messages, active members (distinct authors), new members (first message in the period),
reactions, and the share of negative messages where enrichment ran. Then the alerts of the
period (:mod:`tribu.live.alerts`). Member text never appears; community names are escaped in
the HTML (:func:`html.escape`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import duckdb

from tribu.errors import ConfigError

__all__ = ["Digest", "build_digest", "parse_since"]

_LABELS = {
    "en": {
        "title": "tribu — weekly digest",
        "period": "From {start} to {end} (UTC), against the {days} days before.",
        "community": "Community",
        "messages": "Messages",
        "active": "Active members",
        "new": "New members",
        "reactions": "Reactions",
        "negative": "Negative share",
        "alerts": "Alerts",
        "no_alerts": "No alert in the period.",
        "none": "No activity in the period.",
    },
    "fr": {
        "title": "tribu — synthèse de la semaine",
        "period": "Du {start} au {end} (UTC), comparé aux {days} jours précédents.",
        "community": "Communauté",
        "messages": "Messages",
        "active": "Membres actifs",
        "new": "Nouveaux membres",
        "reactions": "Réactions",
        "negative": "Part négative",
        "alerts": "Alertes",
        "no_alerts": "Aucune alerte sur la période.",
        "none": "Aucune activité sur la période.",
    },
}


def parse_since(text: str) -> timedelta:
    """``7d``, ``24h`` or ``2w`` as a duration; a ConfigError naming the value otherwise."""
    match = re.fullmatch(r"\s*(\d{1,4})\s*([hdw])\s*", text)
    if not match or int(match.group(1)) == 0:
        raise ConfigError(
            f"--since must look like 7d, 24h or 2w. Got {text!r} instead."
        )
    n, unit = int(match.group(1)), match.group(2)
    return (
        timedelta(hours=n)
        if unit == "h"
        else timedelta(days=n * (7 if unit == "w" else 1))
    )


@dataclass
class Digest:
    markdown: str
    html: str
    figures: list[dict[str, Any]]


def _figures(
    con: duckdb.DuckDBPyConnection, start: datetime, end: datetime
) -> dict[str, dict[str, float | None]]:
    rows = con.execute(
        """
        WITH p AS (SELECT * FROM messages WHERE ts >= ? AND ts < ?),
        first AS (SELECT author_id, min(ts) AS f FROM messages GROUP BY 1)
        SELECT c.name, count(p.message_id), count(DISTINCT p.author_id),
               count(DISTINCT CASE WHEN first.f >= ? THEN p.author_id END),
               coalesce(sum(p.reaction_count), 0),
               avg(CASE WHEN e.sentiment IS NULL THEN NULL
                        WHEN e.sentiment < 0.3 THEN 1.0 ELSE 0.0 END)
        FROM p JOIN communities c USING (community_id)
        LEFT JOIN first USING (author_id)
        LEFT JOIN enrichment e USING (message_id)
        GROUP BY c.name ORDER BY c.name
        """,
        [start, end, start],
    ).fetchall()
    return {
        str(name): {
            "messages": m,
            "active": a,
            "new": n,
            "reactions": r,
            "negative": neg,
        }
        for name, m, a, n, r, neg in rows
    }


def _delta(now: float | None, before: float | None, pct: bool = False) -> str:
    if now is None:
        return "–"
    shown = f"{now:.0%}" if pct else f"{now:,.0f}"
    if before is None or pct:
        return shown
    diff = now - before
    return f"{shown} ({'+' if diff >= 0 else ''}{diff:,.0f})"


def build_digest(
    con: duckdb.DuckDBPyConnection,
    *,
    since: timedelta,
    end: datetime,
    lang: str = "en",
    alerts: list[dict[str, Any]] | None = None,
) -> Digest:
    """The digest of ``[end - since, end)``."""
    if lang not in _LABELS:
        raise ConfigError(f"--lang must be fr or en. Got {lang!r} instead.")
    t = _LABELS[lang]
    start = end - since
    now = _figures(con, start, end)
    before = _figures(con, start - since, start)
    keys = ("messages", "active", "new", "reactions", "negative")
    header = [t["community"], *(t[k] for k in keys)]
    rows = []
    figures = []
    for name, values in now.items():
        old = before.get(name, {})
        rows.append(
            [name, *(_delta(values[k], old.get(k), pct=k == "negative") for k in keys)]
        )
        figures.append({"community": name, **values, "previous": old})
    period = t["period"].format(
        start=start.strftime("%Y-%m-%d %H:%M"),
        end=end.strftime("%Y-%m-%d %H:%M"),
        days=round(since.total_seconds() / 86400, 1),
    )
    in_period = [
        a for a in alerts or () if str(a.get("day", "")) >= start.date().isoformat()
    ]
    md = [f"# {t['title']}", "", period, ""]
    if rows:
        md += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        md += ["| " + " | ".join(_md(c) for c in r) + " |" for r in rows]
    else:
        md.append(t["none"])
    md += ["", f"## {t['alerts']}", ""]
    md += [
        f"- **{_md(a['rule'])}** — {_md(a['summary'])} ({a.get('link', '')})"
        for a in in_period
    ] or [t["no_alerts"]]
    e = html.escape
    body = [
        '<!doctype html><html><body style="font-family:sans-serif">',
        f"<h1>{e(t['title'])}</h1><p>{e(period)}</p>",
    ]
    if rows:
        body.append('<table border="1" cellpadding="4" cellspacing="0"><tr>')
        body += [f"<th>{e(h)}</th>" for h in header]
        body.append("</tr>")
        for r in rows:
            body.append("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in r) + "</tr>")
        body.append("</table>")
    else:
        body.append(f"<p>{e(t['none'])}</p>")
    body.append(f"<h2>{e(t['alerts'])}</h2>")
    if in_period:
        body.append("<ul>")
        body += [
            f"<li><b>{e(str(a['rule']))}</b> — {e(str(a['summary']))} "
            f'<a href="{e(str(a.get("link", "")))}">tribu</a></li>'
            for a in in_period
        ]
        body.append("</ul>")
    else:
        body.append(f"<p>{e(t['no_alerts'])}</p>")
    body.append("</body></html>")
    return Digest("\n".join(md) + "\n", "\n".join(body) + "\n", figures)


def _md(text: object) -> str:
    """Text safe inside a Markdown table cell (pipes, newlines and HTML escaped)."""
    return html.escape(str(text)).replace("|", "\\|").replace("\n", " ")
