"""The business and creators pages of the report and the dashboard, from first-party tables.

The numbers come from :func:`tribu.business.business_overview` and
:func:`tribu.creators.creators_overview`, computed once per warehouse (snapshot) and kept in
the :class:`~tribu.report.data.MeasureData` cache, like every other measure the surfaces show.
This module only

* says whether a warehouse has the first-party rows a page needs (:func:`firstparty_available`);
* settles the reporting currency the way ``tribu business`` does
  (:func:`tribu.business.money.check_currencies` over ``tribu.toml`` / ``$TRIBU_CONFIG``), so a
  warehouse that mixes currencies without rates shows the error instead of a wrong sum;
* lays the results out as :class:`Block` s (a Plotly figure, a formatted table, notes), which
  the report template and the dashboard page both render with one shared Jinja partial
  (``firstparty.html``), and the raw tables the API serves as JSON and CSV.

Creator handles and post texts are hostile input: they reach the page only through Jinja's
autoescaping and, in figures, through :func:`tribu.report.chart_parts.plot_text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tribu.errors import TribuError
from tribu.report.chart_parts import chart_layout as _chart_layout
from tribu.report.chart_parts import keep_largest, plot_text
from tribu.report.data import MeasureData, records
from tribu.report.firstparty_columns import (
    BUSINESS_COLUMNS,
    CREATORS_COLUMNS,
    FIRSTPARTY_TABLES,
    cell,
    number,
)

__all__ = [
    "BUSINESS_COLUMNS",
    "CREATORS_COLUMNS",
    "FIRSTPARTY_TABLES",
    "Block",
    "FirstPartyPage",
    "business_page",
    "business_result",
    "correlation_words",
    "creators_page",
    "creators_result",
    "firstparty_available",
    "firstparty_page",
]


@dataclass
class Block:
    """One panel of a page: a figure (or None), a formatted table (or None), notes."""

    name: str
    title: str
    figure: dict[str, Any] | None = None
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    csv: str | None = None  # the section served as CSV, when the block has a table
    # per column: "num" (right-aligned), "wrap" (long text, wraps) or "" (one line)
    aligns: list[str] = field(default_factory=list)

    @property
    def wide(self) -> bool:
        """A table of more than six columns, or with long text, takes the whole width."""
        return len(self.columns) > 6 or "wrap" in self.aligns


@dataclass
class FirstPartyPage:
    """The business or creators page: shown only when ``available``."""

    kind: str
    title: str
    available: bool
    notes: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)


def firstparty_available(data: MeasureData, kind: str) -> bool:
    """Whether the warehouse has rows in every table page ``kind`` needs."""

    def rows(table: str) -> int:
        if table not in data.tables:
            return 0
        return int(
            data.cached(
                ("table_rows", table), lambda: data.tables[table].count().execute()
            )
        )

    return all(rows(table) > 0 for table in FIRSTPARTY_TABLES[kind])


def _currency(data: MeasureData) -> tuple[dict[str, float] | None, str | None]:
    from tribu.business.money import check_currencies, currency_settings

    backend = next(iter(data.tables.values())).get_backend()
    settled = check_currencies(backend.con, currency_settings())
    return settled.rates, settled.reporting


def business_result(data: MeasureData) -> tuple[Any, str | None]:
    """The :class:`~tribu.business.BusinessOverview` of the warehouse and its currency."""
    from tribu.business import business_overview
    from tribu.business.money import gross_margin

    def build() -> tuple[Any, str | None]:
        rates, unit = _currency(data)
        overview = business_overview(data.tables, rates=rates, margin=gross_margin())
        return overview, unit

    return data.cached(("business",), build)


def creators_result(data: MeasureData) -> tuple[Any, str | None]:
    """The :class:`~tribu.creators.CreatorsOverview` and its currency; the disclosure table
    gains each flagged post's ``text`` and a ``reason`` code."""
    from tribu.creators import creators_overview

    def build() -> tuple[Any, str | None]:
        rates, unit = _currency(data)
        result = creators_overview(data.tables, rates=rates)
        flagged = result.sections["disclosure"]
        posts = data.tables["creator_posts"].select("post_id", "text").execute()
        flagged = flagged.merge(posts, on="post_id", how="left")
        flagged["reason"] = [
            ", ".join(
                code
                for code in ("missing_ad_label", "missing_image_label")
                if bool(row[code])
            )
            for _, row in flagged.iterrows()
        ]
        result.sections["disclosure"] = flagged
        return result, unit

    return data.cached(("creators",), build)


def _table(
    block: Block, frame: pd.DataFrame, columns: list[tuple[str, str]], w: dict[str, str]
) -> Block:
    shown = [(c, k) for c, k in columns if c in frame.columns]
    block.columns = [w.get(f"col:{c}", c) for c, _ in shown]
    block.aligns = [
        "num"
        if k in ("int", "money", "num", "pct", "nps")
        else "wrap"
        if c == "text"
        else ""
        for c, k in shown
    ]
    block.rows = [
        [cell(row.get(c), k, w["lang"]) for c, k in shown] for row in records(frame)
    ]
    return block


def _xy(frame: pd.DataFrame, x: str, y: str) -> tuple[list[Any], list[Any]]:
    rows = records(frame)
    width = 7 if x == "month" else 10  # 2024-01 for a month, the day otherwise
    return [plot_text(str(r[x])[:width]) for r in rows], [r[y] for r in rows]


def correlation_words(corr: Any, w: dict[str, str]) -> str:
    """The NPS ↔ rating verdict in words, with the rules of ``tribu.business.nps``."""
    from tribu.business.nps import MIN_MONTHS

    if corr.rho is None:
        return w["corr_too_few" if corr.n < 3 else "corr_flat"].format(n=corr.n)
    lang = w["lang"]
    rho = number(corr.rho, 2, lang)
    p = number(corr.p_value, 3, lang)
    if corr.n < MIN_MONTHS:
        return w["corr_small"].format(n=corr.n, rho=rho, min_n=MIN_MONTHS)
    if corr.p_value < 0.05:
        size = abs(corr.rho)
        strength = (
            "strongly" if size >= 0.7 else "moderately" if size >= 0.4 else "weakly"
        )
        direction = "together" if corr.rho > 0 else "opposite"
        return w["corr_link"].format(
            strength=w[strength], direction=w[direction], rho=rho, p=p, n=corr.n
        )
    return w["corr_none"].format(rho=rho, p=p, n=corr.n)


def _grouped_bars(
    rows: list[dict[str, Any]],
    x: str,
    columns: tuple[str, ...],
    layout: dict[str, Any],
    w: dict[str, str],
) -> dict[str, Any]:
    """A Plotly figure with one bar series per column, side by side for each ``x`` value."""
    return {
        "data": [
            {
                "type": "bar",
                "name": plot_text(w[f"col:{column}"]),
                "x": [plot_text(r[x]) for r in rows],
                "y": [r.get(column) for r in rows],
            }
            for column in columns
        ],
        "layout": layout,
    }


def _layout(title: str, x: str, y: str) -> dict[str, Any]:
    """The report's chart layout; months and names are categories, not a time axis."""
    layout = _chart_layout(title, x, y)
    layout["xaxis"]["type"] = "category"
    return layout


def _month_layout(title: str, y: str) -> dict[str, Any]:
    """A line over months: a date axis (ticks thinned, never turned), no x title."""
    layout = _chart_layout(title, "", y)
    layout["xaxis"] |= {"type": "date", "tickformat": "%b %Y"}
    return layout


def _money_note(unit: str | None, margin: float, w: dict[str, str]) -> str:
    return w["currency_note"].format(
        unit=unit or w["currency_unknown"],
        margin=cell(margin, "pct", w["lang"]),
    )


def business_page(data: MeasureData, w: dict[str, str]) -> FirstPartyPage:
    """The business page: CAC, CLV/CAC, repurchase, NPS ↔ ratings, segments, members."""
    page = FirstPartyPage(
        "business", w["business"], firstparty_available(data, "business")
    )
    if not page.available:
        return page
    try:
        result, unit = business_result(data)
    except (
        TribuError
    ) as exc:  # e.g. currencies mixed without rates: say so, show nothing
        page.notes.append(str(exc))
        return page
    s = result.sections
    page.notes.append(_money_note(unit, float(result.settings["margin"]), w))
    colon = "\u00a0:" if w["lang"] == "fr" else ":"  # French puts a space before
    page.notes += [
        f"{w['predictive_note']}{colon} {n}" for n in result.predictive.notes
    ]
    figures: dict[str, dict[str, Any]] = {}

    cac = s["cac_by_channel_month"].sort_values("month")
    if (
        not cac.empty
    ):  # CAC is a ratio: the channels with most spend, at most eight lines
        cac, _ = keep_largest(cac, "channel", cac.groupby("channel")["spend"].sum())
    figures["cac_by_channel_month"] = {
        "data": [
            {"type": "scatter", "mode": "lines+markers", "name": plot_text(channel)}
            | dict(zip(("x", "y"), _xy(part, "month", "cac"), strict=True))
            for channel, part in cac.groupby("channel", sort=True)
        ],
        "layout": _month_layout(w["bt:cac_by_channel_month"], w["col:cac"]),
    }
    for name, x, y, fmt in (
        ("clv_cac_by_channel", "channel", "clv_to_cac", None),
        ("repurchase_rate_by_cohort", "month", "rate", ".0%"),
    ):
        xs, ys = _xy(s[name], x, y)
        layout = _layout(w[f"bt:{name}"], w[f"col:{x}"], w[f"col:{y}"])
        if fmt:
            layout["yaxis"]["tickformat"] = fmt
        figures[name] = {"data": [{"type": "bar", "x": xs, "y": ys}], "layout": layout}
    monthly = s["nps_rating_by_month"]
    months, nps = _xy(monthly, "month", "nps")
    layout = _month_layout(w["bt:nps_rating_by_month"], w["col:nps"])
    layout["yaxis2"] = {
        "title": {"text": plot_text(w["col:mean_rating"])},
        "overlaying": "y",
        "side": "right",
        "range": [1, 5],
    }
    figures["nps_rating_by_month"] = {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "NPS",
                "x": months,
                "y": nps,
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": plot_text(w["col:mean_rating"]),
                "x": months,
                "y": _xy(monthly, "month", "mean_rating")[1],
                "yaxis": "y2",
            },
        ],
        "layout": layout,
    }
    layout = _layout(w["bt:segments"], w["col:persona"], w["col:share"])
    layout["yaxis"]["tickformat"] = ".0%"
    figures["segments"] = _grouped_bars(
        records(s["segments"]), "persona", ("share", "revenue_share"), layout, w
    )
    for name, columns in BUSINESS_COLUMNS.items():
        block = Block(f"business-{name}", w[f"bt:{name}"], figures.get(name), csv=name)
        if name == "nps_rating_by_month":
            words = correlation_words(result.correlation, w)
            block.notes.append(f"{w['correlation']} — {words}")
        page.blocks.append(_table(block, s[name], columns, w))
    return page


def creators_page(data: MeasureData, w: dict[str, str]) -> FirstPartyPage:
    """The creators page: tiers against benchmarks, creators, disclosure check, tier choice."""
    page = FirstPartyPage(
        "creators", w["creators"], firstparty_available(data, "creators")
    )
    if not page.available:
        return page
    try:
        result, unit = creators_result(data)
    except TribuError as exc:
        page.notes.append(str(exc))
        return page
    s = result.sections
    page.notes.append(w["currency_only"].format(unit=unit or w["currency_unknown"]))
    layout = _layout(w["ct:tiers"], w["col:tier"], w["col:er"])
    layout["yaxis"]["tickformat"] = ".1%"
    figure = _grouped_bars(
        records(s["tiers"]), "tier", ("median_er", "benchmark"), layout, w
    )
    advice = Block("creators-recommendations", w["ct:recommendations"])
    for rec in result.recommendations:
        measure = w.get(f"measure:{rec.measure}", rec.measure)
        if rec.tier is None:
            said = w["no_recommendation"].format(measure=measure)
            said += f" {rec.reason}" if w["lang"] == "en" else ""
        else:
            said = w["recommend"].format(
                tier=rec.tier, value=number(rec.value, 2, w["lang"]), measure=measure
            )
        advice.notes.append(f"{w[f'objective:{rec.objective}']} — {said}")
    flagged = s["disclosure"].assign(
        reason=[
            ", ".join(w[code] for code in str(r).split(", ") if code)
            for r in s["disclosure"]["reason"]
        ]
    )
    check = Block("creators-disclosure", w["ct:disclosure"], csv="disclosure")
    check.notes.append(
        w["flagged_posts"].format(n=len(flagged)) if len(flagged) else w["no_flagged"]
    )
    page.blocks = [
        _table(
            Block("creators-tiers", w["ct:tiers"], figure, csv="tiers"),
            s["tiers"],
            CREATORS_COLUMNS["tiers"],
            w,
        ),
        advice,
        _table(check, flagged, CREATORS_COLUMNS["disclosure"], w),
        _table(
            Block("creators-creators", w["ct:creators"], csv="creators"),
            s["creators"],
            CREATORS_COLUMNS["creators"],
            w,
        ),
    ]
    return page


def firstparty_page(data: MeasureData, kind: str, w: dict[str, str]) -> FirstPartyPage:
    """Page ``kind`` (``business`` or ``creators``)."""
    return business_page(data, w) if kind == "business" else creators_page(data, w)
