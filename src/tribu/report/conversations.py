"""The "Conversations" section of the report and the dashboard's listening page.

It shows what ``tribu listen`` stored: the topics of the latest period in the filters, as a
chart of each topic's volume over time (emerging and new ones highlighted,
:func:`tribu.listening.figure.volume_figure`) and a table with their label, status, emergence,
volume, sentiment, where they live and example messages. Everything is rendered by autoescaping
Jinja templates (``listening_section.html``); the figure goes through ``json_for_script``.
A warehouse that never listened gets a one-line note saying to run ``tribu listen``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from tribu.errors import TribuError
from tribu.listening.figure import volume_figure
from tribu.listening.view import listening_view
from tribu.report.filters import Filters

__all__ = ["WORDS", "Conversations", "connection_of", "conversations"]

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Conversations",
        "intro": "Topics of the {kind} of {start}: {messages} messages, {share} in a topic.",
        "topic": "Topic",
        "status": "Status",
        "emergence": "Emergence",
        "messages": "Messages",
        "share": "Share",
        "sentiment": "Sentiment",
        "negative": "Negative",
        "where": "Where",
        "examples": "Examples",
        "negative_burst": "negative burst",
        "new": "new",
        "emerging": "emerging",
        "steady": "steady",
        "fading": "fading",
        "none": "No topics yet: run 'tribu listen'.",
        "week": "week",
        "month": "month",
        "open": "messages",
        "previous": "Previous",
        "next": "Next",
        "page": "Page",
    },
    "fr": {
        "title": "Conversations",
        "intro": "Sujets de la {kind} du {start} : {messages} messages, {share} dans un sujet.",
        "topic": "Sujet",
        "status": "Statut",
        "emergence": "Émergence",
        "messages": "Messages",
        "share": "Part",
        "sentiment": "Sentiment",
        "negative": "Négatifs",
        "where": "Où",
        "examples": "Exemples",
        "negative_burst": "pic négatif",
        "new": "nouveau",
        "emerging": "émergent",
        "steady": "stable",
        "fading": "en baisse",
        "none": "Pas encore de sujets : lancez « tribu listen ».",
        "week": "semaine",
        "month": "mois",
        "open": "messages",
        "previous": "Précédente",
        "next": "Suivante",
        "page": "Page",
    },
}


@dataclass
class Conversations:
    """What the section shows: a note, or the view, its figure and its rows."""

    words: dict[str, str]
    note: str | None = None
    intro: str = ""
    figure: dict[str, Any] | None = None
    topics: list[dict[str, Any]] = field(default_factory=list)
    view: dict[str, Any] | None = None


def connection_of(data: Any) -> Any:
    """A DuckDB cursor on the warehouse behind a :class:`MeasureData` (read-only)."""
    backend = next(iter(data.tables.values())).get_backend()
    return backend.con.cursor()


def conversations(
    con: Any,
    lang: str,
    filters: Filters | None = None,
    *,
    period: str = "week",
    limit: int = 10,
) -> Conversations:
    """The section for the filters (community, channel, until) in ``lang``."""
    words = WORDS.get(lang, WORDS["en"])
    filters = filters or Filters()
    until = (
        dt.datetime.combine(filters.until, dt.time.max, tzinfo=dt.UTC)
        if filters.until
        else None
    )
    since = (
        dt.datetime.combine(filters.since, dt.time.min, tzinfo=dt.UTC)
        if filters.since
        else None
    )
    try:
        view = listening_view(
            con,
            community=filters.community,
            channel=filters.channel,
            since=since,
            until=until,
            period=period,
            lang=lang,
            limit=limit,
        )
    except TribuError as exc:
        return Conversations(words=words, note=str(exc))
    intro = words["intro"].format(
        kind=words[period],
        start=view["period"]["start"],
        messages=view["messages"],
        share=f"{view['clustered_share']:.0%}",
    )
    rows = []
    for t in view["topics"]:
        rows.append(
            {
                "topic_id": t["topic_id"],
                "label": t["label"],
                "status": t["status"],
                "status_text": words[t["status"]],
                "negative_burst": t["negative_burst"],
                "emergence": f"{t['emergence']:+.1f}",
                "messages": t["messages"],
                "share": f"{t['share']:.1%}",
                "sentiment": "–"
                if t["mean_sentiment"] is None
                else f"{t['mean_sentiment']:.2f}",
                "negative": f"{t['negative_share']:.0%}",
                "where": ", ".join(c["name"] for c in t["channels"][:3]),
                "examples": [e["text"] for e in t["examples"]],
            }
        )
    return Conversations(
        words=words,
        intro=intro,
        figure=volume_figure(view),
        topics=rows,
        view=view,
    )
