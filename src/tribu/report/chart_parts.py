"""The building blocks of the report's Plotly figures: safe labels, the :class:`Chart` record,
the common layout and one-trace-per-group series. Used by :mod:`tribu.report.charts` and the
first-party pages.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = [
    "Chart",
    "chart_layout",
    "iso_dates",
    "names_by_key",
    "numbers",
    "plot_text",
    "series",
]


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


def chart_layout(title: str, x: str, y: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": {"text": plot_text(title)},
        "xaxis": {"title": {"text": plot_text(x)}},
        "yaxis": {"title": {"text": plot_text(y)}},
        "margin": {"l": 60, "r": 20, "t": 50, "b": 90},
        "legend": {"orientation": "h", "y": -0.3},
        "height": 380,
        **extra,
    }


def names_by_key(frame: pd.DataFrame, key: str) -> dict[str, str]:
    if frame.empty:
        return {}
    return {str(k): str(v) for k, v in zip(frame[key], frame["name"], strict=True)}


def iso_dates(values: pd.Series) -> list[Any]:
    return [None if pd.isna(v) else pd.Timestamp(v).date().isoformat() for v in values]


def numbers(values: pd.Series) -> list[float | None]:
    return [None if pd.isna(v) else float(v) for v in values]


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
    """One Plotly scatter trace per value of ``by``, ordered by ``x``, named from ``names``."""
    return [
        {
            "type": "scatter",
            **style,
            "name": plot_text(label(names.get(str(key), key))),
            "x": x_values(part[x]),
            "y": y_values(part[y]),
        }
        for key, part in frame.sort_values(x).groupby(by)
    ]
