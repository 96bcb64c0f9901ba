"""The building blocks of the report's Plotly figures: safe labels, the :class:`Chart` record,
the common layout and one-trace-per-group series. Used by :mod:`tribu.report.charts` and the
first-party pages.

The legibility rules of every chart live here, in one place, for the report and the dashboard
alike (they draw the same figures):

* at most :data:`MAX_SERIES` series in a chart: the largest ones, then one "others" series
  (:func:`fold_others`);
* communities before channels: a chart over several communities has one series per
  community, a chart narrowed to one community one per channel (:func:`split_column`);
* the grain follows the span: days up to :data:`DAILY_UP_TO_DAYS` days, weeks beyond
  (:func:`time_grain`);
* no title inside the figure: the page writes it above the chart, so Plotly's tool bar
  (top right of the plot) never covers it.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = [
    "DAILY_UP_TO_DAYS",
    "MAX_SERIES",
    "OTHERS",
    "PALETTE",
    "Chart",
    "chart_layout",
    "fold_others",
    "keep_largest",
    "split_column",
    "time_grain",
    "iso_dates",
    "names_by_key",
    "numbers",
    "plot_text",
    "series",
    "series_color",
]


MAX_SERIES = 8
"""The most series one chart draws (the largest ones, then "others")."""

DAILY_UP_TO_DAYS = 92
"""Spans up to this many days are drawn per day; longer ones per week."""

OTHERS = "__others__"
"""The key of the folded "others" series."""


def plot_text(value: Any) -> str:
    """Text safe to hand to Plotly as a label: HTML special characters escaped."""
    return html.escape("" if value is None else str(value), quote=True)


@dataclass
class Chart:
    """A chart ready to draw: its figure, and the measure rows behind it (for tables/CSV)."""

    name: str
    title: str
    measure: str
    figure: dict[str, Any]
    rows: int
    table: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said under the chart, in words


def chart_layout(title: str, x: str, y: str, **extra: Any) -> dict[str, Any]:
    """The common layout. ``title`` is kept as ``meta`` only: pages write the title above the
    chart (an ``<h3>``), where Plotly's tool bar cannot cover it."""
    return {
        "meta": {"title": plot_text(title)},
        # a time axis needs no title ("" for x): the chart's title says the grain
        "xaxis": ({"title": {"text": plot_text(x)}} if x else {})
        | {"automargin": True},
        "yaxis": {"title": {"text": plot_text(y)}, "automargin": True},
        "margin": {"l": 60, "r": 20, "t": 36, "b": 40},
        "legend": {"orientation": "h", "y": -0.22, "yanchor": "top"},
        "height": 380,
        **extra,
    }


def time_grain(first: Any, last: Any) -> str:
    """``"day"`` for spans up to :data:`DAILY_UP_TO_DAYS` days, else ``"week"``."""
    if first is None or last is None or pd.isna(first) or pd.isna(last):
        return "day"
    span = (pd.Timestamp(last) - pd.Timestamp(first)).days
    return "day" if span <= DAILY_UP_TO_DAYS else "week"


def split_column(frame: pd.DataFrame) -> str:
    """Communities before channels: ``community_id`` when ``frame`` spans several
    communities, else ``channel_id``."""
    if "community_id" in frame.columns and frame["community_id"].nunique() > 1:
        return "community_id"
    return "channel_id"


def fold_others(
    frame: pd.DataFrame,
    by: str,
    x: str,
    value: str,
    *,
    weight: str | None = None,
    limit: int = MAX_SERIES,
) -> pd.DataFrame:
    """``frame`` with at most ``limit`` values of ``by``: the ``limit - 1`` largest (by the
    sum of ``weight``, else of ``value``) kept, the rest folded into one :data:`OTHERS` row
    per ``x``: summed, or with ``weight`` the ``weight``-weighted mean of ``value``.

    Returns columns ``by``, ``x``, ``value`` (and ``weight`` when given).
    """
    size = weight or value
    columns = [by, x, value] + ([weight] if weight else [])
    frame = frame[columns]
    totals = frame.groupby(by)[size].sum().sort_values(ascending=False, kind="stable")
    if len(totals) <= limit:
        return frame
    kept = list(totals.index[: limit - 1])
    rest = frame[~frame[by].isin(kept)]
    if weight:
        weighted = rest.assign(_w=rest[value] * rest[weight])
        folded = weighted.groupby(x, as_index=False)[["_w", weight]].sum()
        folded[value] = folded["_w"] / folded[weight]
        folded = folded.drop(columns="_w")
    else:
        folded = rest.groupby(x, as_index=False)[value].sum()
    folded[by] = OTHERS
    return pd.concat([frame[frame[by].isin(kept)], folded[columns]], ignore_index=True)


def names_by_key(frame: pd.DataFrame, key: str) -> dict[str, str]:
    if frame.empty:
        return {}
    return {str(k): str(v) for k, v in zip(frame[key], frame["name"], strict=True)}


def iso_dates(values: pd.Series) -> list[Any]:
    return [None if pd.isna(v) else pd.Timestamp(v).date().isoformat() for v in values]


def numbers(values: pd.Series) -> list[float | None]:
    return [None if pd.isna(v) else float(v) for v in values]


def keep_largest(
    frame: pd.DataFrame, by: str, sizes: pd.Series, limit: int = MAX_SERIES
) -> tuple[pd.DataFrame, int]:
    """For series that cannot be folded into "others" (medians, survival curves): the rows of
    the ``limit`` values of ``by`` with the largest ``sizes`` (a Series indexed by the key),
    and how many values were left out (the chart says so in a note)."""
    keys = frame[by].dropna().unique()
    if len(keys) <= limit:
        return frame, 0
    ranked = sizes.reindex(keys).fillna(0).sort_values(ascending=False, kind="stable")
    kept = set(ranked.index[:limit])
    return frame[frame[by].isin(kept)], len(keys) - limit


PALETTE: tuple[str, ...] = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
)  # fmt: skip
"""Plotly's default colours; "others" is grey."""


def series_color(key: str, order: list[str]) -> str:
    """The colour of series ``key``: fixed by its place among every known key, so a
    community keeps its colour from one chart to the next."""
    if key == OTHERS:
        return "#9ca3af"
    index = order.index(key) if key in order else len(order)
    return PALETTE[index % (len(PALETTE) - 1)]


def series(
    frame: pd.DataFrame,
    by: str,
    x: str,
    y: str,
    names: dict[str, str],
    *,
    x_values: Callable[[pd.Series], list[Any]] = iso_dates,
    y_values: Callable[[pd.Series], list[Any]] = numbers,
    label: Callable[[Any], str] = str,
    **style: Any,
) -> list[dict[str, Any]]:
    """One Plotly scatter trace per value of ``by``, ordered by ``x``, named from ``names``.

    The :data:`OTHERS` series (see :func:`fold_others`) comes last, named ``names[OTHERS]``.
    """
    parts = sorted(
        frame.sort_values(x).groupby(by),
        key=lambda item: (
            str(item[0]) == OTHERS,
            str(names.get(str(item[0]), item[0])),
        ),
    )
    order = sorted(k for k in names if k != OTHERS)
    return [
        {
            "type": "scatter",
            **style,
            "marker": {"color": series_color(str(key), order)},
            "line": {**style.get("line", {}), "color": series_color(str(key), order)},
            "name": plot_text(label(names.get(str(key), key))),
            "x": x_values(part[x]),
            "y": y_values(part[y]),
        }
        for key, part in parts
    ]
