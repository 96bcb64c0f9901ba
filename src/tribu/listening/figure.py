"""The listening chart: each topic's volume per period, emerging and new topics highlighted.

A Plotly figure as a plain dict (the report and the dashboard draw it with the Plotly script
they already ship): one line per topic of a :func:`tribu.listening.view.listening_view`, thick
and coloured for *new* and *emerging* topics, thin and grey for the others, so what rises
stands out at a glance. Labels are data, not markup: Plotly writes them as text.
"""

from __future__ import annotations

from typing import Any

__all__ = ["HIGHLIGHT", "volume_figure"]

HIGHLIGHT = ("#d62728", "#ff7f0e", "#9467bd", "#e377c2", "#8c564b")
_QUIET = "#b0b0b0"


def volume_figure(view: dict[str, Any], title: str = "") -> dict[str, Any]:
    """Lines of messages per period for every topic of ``view`` (see the module docstring)."""
    traces = []
    loud = 0
    for topic in view["topics"]:
        rising = topic["status"] in ("new", "emerging")
        colour = HIGHLIGHT[loud % len(HIGHLIGHT)] if rising else _QUIET
        loud += rising
        name = f"{topic['topic_id']} · {topic['label']}"
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": name if len(name) <= 60 else name[:59] + "…",
                "x": [p["period_start"] for p in topic["series"]],
                "y": [p["messages"] for p in topic["series"]],
                "line": {"color": colour, "width": 3.5 if rising else 1.2},
                "marker": {"size": 6 if rising else 3},
                "opacity": 1.0 if rising else 0.7,
                "hovertemplate": "%{x}: %{y} messages<extra>"
                + str(topic["topic_id"])
                + " · "
                + topic["status"]
                + "</extra>",
            }
        )
    return {
        "data": traces,
        "layout": {
            "title": {"text": title},
            "height": 380,
            "margin": {"l": 50, "r": 20, "t": 40 if title else 10, "b": 40},
            "legend": {"orientation": "h", "y": -0.2},
            "yaxis": {"title": {"text": "messages"}, "rangemode": "tozero"},
            "xaxis": {"type": "date"},
        },
    }
