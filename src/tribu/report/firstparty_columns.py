"""What the business and creators pages show of each table, and how a cell reads.

Columns are listed per section with a kind (month, date, text, int, money, num, pct, nps);
:func:`cell` turns a value into text for a reader (French spacing and decimal comma in fr).
"""

from __future__ import annotations

import math
from typing import Any

__all__ = [
    "BUSINESS_COLUMNS",
    "CREATORS_COLUMNS",
    "FIRSTPARTY_TABLES",
    "cell",
    "number",
]

# page -> the first-party tables that must have rows for the page to be shown
FIRSTPARTY_TABLES: dict[str, tuple[str, ...]] = {
    "business": ("customers", "orders"),
    "creators": ("creators", "creator_posts"),
}

# section -> (column, kind) shown; kinds: month, date, text, int, money, num, pct, nps
BUSINESS_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "cac_by_channel_month": [
        ("month", "month"),
        ("channel", "text"),
        ("new_customers", "int"),
        ("spend", "money"),
        ("cac", "money"),
    ],
    "clv_cac_by_channel": [
        ("channel", "text"),
        ("customers", "int"),
        ("revenue", "money"),
        ("clv", "money"),
        ("cac", "money"),
        ("clv_to_cac", "num"),
        ("clv_predicted", "money"),
        ("predicted_clv_to_cac", "num"),
    ],
    "repurchase_rate_by_cohort": [
        ("month", "month"),
        ("customers", "int"),
        ("eligible", "int"),
        ("censored", "int"),
        ("repurchased", "int"),
        ("rate", "pct"),
    ],
    "nps_rating_by_month": [
        ("month", "month"),
        ("answers", "int"),
        ("nps", "nps"),
        ("reviews", "int"),
        ("mean_rating", "num"),
    ],
    "nps_by_channel": [
        ("channel", "text"),
        ("answers", "int"),
        ("promoters", "int"),
        ("detractors", "int"),
        ("nps", "nps"),
    ],
    "segments": [
        ("persona", "text"),
        ("customers", "int"),
        ("share", "pct"),
        ("revenue", "money"),
        ("revenue_share", "pct"),
        ("recency_days", "num"),
        ("frequency", "num"),
        ("basket", "money"),
    ],
    "members_vs_non_members": [
        ("group", "text"),
        ("customers", "int"),
        ("buyers", "int"),
        ("repeat_share", "pct"),
        ("orders_per_customer", "num"),
        ("revenue_per_customer", "money"),
        ("clv", "money"),
    ],
}
CREATORS_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "tiers": [
        ("tier", "text"),
        ("creators", "int"),
        ("paid_posts", "int"),
        ("spend", "money"),
        ("median_er", "pct"),
        ("benchmark", "pct"),
        ("cpe", "money"),
        ("views_per_euro", "num"),
        ("attributed_orders", "int"),
        ("revenue_per_euro", "num"),
    ],
    "creators": [
        ("handle", "text"),
        ("tier", "text"),
        ("followers", "int"),
        ("posts", "int"),
        ("er", "pct"),
        ("benchmark", "pct"),
        ("er_vs_benchmark", "num"),
        ("cpe", "money"),
    ],
    "disclosure": [
        ("ts", "date"),
        ("handle", "text"),
        ("campaign_id", "text"),
        ("text", "text"),
        ("reason", "text"),
    ],
}


def number(value: float, decimals: int, lang: str) -> str:
    """``value`` with ``decimals`` decimals, thousands spaced, in the manner of ``lang``."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u202f").replace(".", ",") if lang == "fr" else text


def cell(value: Any, kind: str, lang: str) -> str:
    """A table cell for reading (``–`` for a missing value; French spacing in fr)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if kind == "month":
        return str(value)[:7]
    if kind == "date":
        return str(value)[:10]
    if kind == "int":
        return number(float(value), 0, lang)
    if kind == "pct":
        return number(float(value) * 100, 1, lang) + "\u00a0%"
    if kind == "nps":
        return number(float(value), 1, lang)
    if kind in ("money", "num"):
        return number(float(value), 2, lang)
    return str(value)
