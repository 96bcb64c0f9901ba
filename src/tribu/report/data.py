"""The data both surfaces show: measures from the registry, filtered, cached, made JSON-safe.

The HTML report and the web dashboard read the warehouse through this one module, so they show
the same numbers. It never computes a measure itself: every number comes from
:func:`tribu.metrics.compute` (or :func:`tribu.metrics.scorecard.scorecard`); this module only

* opens the canonical tables as Ibis tables, read-only, through
  ``tribu.warehouse.engines.ibis_tables``;
* computes each measure **once** over the whole warehouse and keeps the result (a pandas frame)
  in memory, so that the many filter combinations a dashboard user tries cost a pandas filter,
  not a new warehouse query;
* applies the filters (:mod:`tribu.report.filters`) to the rows of a measure, on the columns
  the measure has, and turns frames into plain rows (:mod:`tribu.report.rows`).

Member-level views (a pseudonym's messages per week and sentiment trend) are simple counts and
averages, written here as Ibis expressions because no registered measure has that grain.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import ibis
import ibis.expr.types as ir
import pandas as pd

from tribu.errors import ConfigError
from tribu.report.filters import (
    FILTER_COLUMNS,
    PERIOD_COLUMNS,
    Filters,
    filter_frame,
    parse_date,
)
from tribu.report.rows import column_types, json_value, records, to_pandas

__all__ = [
    "FILTER_COLUMNS",
    "MEASURE_PACKAGES",
    "load_measures",
    "MeasureUnavailable",
    "PERIOD_COLUMNS",
    "Filters",
    "MeasureData",
    "column_types",
    "open_tables",
    "parse_date",
    "records",
    "filter_frame",
    "to_pandas",
]


# Packages whose modules register measures; every public submodule is imported once.
MEASURE_PACKAGES: tuple[str, ...] = (
    "tribu.metrics",
    "tribu.business",
    "tribu.creators",
    "tribu.listening",
)


def load_measures() -> list[str]:
    """Import every module that registers measures; return the registered names.

    The surfaces list measures from the registry, so a new module in one of
    :data:`MEASURE_PACKAGES` shows up in the API and the report with no change here. A module
    that fails to import is skipped (and logged): the others still work.
    """
    import importlib
    import logging
    import pkgutil

    for package_name in MEASURE_PACKAGES:
        try:
            package = importlib.import_module(package_name)
        except ImportError:
            continue
        for module in pkgutil.iter_modules(getattr(package, "__path__", [])):
            if module.name.startswith("_"):
                continue
            try:
                importlib.import_module(f"{package_name}.{module.name}")
            except Exception:
                logging.getLogger(__name__).warning(
                    "measures of %s.%s not loaded",
                    package_name,
                    module.name,
                    exc_info=True,
                )
    from tribu.metrics import MEASURES

    return sorted(MEASURES)


class MeasureUnavailable(ConfigError):
    """A measure the surfaces show is not registered (its family is not installed yet)."""


def open_tables(db: str | os.PathLike[str]) -> dict[str, ir.Table]:
    """The canonical tables of warehouse ``db`` as Ibis tables on DuckDB, opened read-only.

    Goes through :func:`tribu.warehouse.engines.ibis_tables`, so the surfaces see exactly what
    the measures see.
    """
    from tribu.warehouse.engines import ibis_tables

    tables = dict(ibis_tables(Path(db), engine="duckdb"))
    backend = next(iter(tables.values())).get_backend()
    backend.raw_sql("SET enable_progress_bar = false")  # no bars on the server's stderr
    return tables


_T = TypeVar("_T")  # what a cached build returns

# Cache entries kept for a snapshot's whole life (the costly, filter-independent ones).
_PERMANENT = frozenset(
    {
        "expression",
        "measure",
        "table",
        "period",
        "brand_ids",
        "french_share",
        "schema",
        "business",
        "creators",
        "table_rows",
    }
)


@dataclass
class MeasureData:
    """Measures over one warehouse, computed once each and filtered on demand.

    Parameters
    ----------
    tables
        Canonical name -> Ibis table (see :func:`open_tables`).
    cache_size
        How many per-filter views to keep (least recently used ones are dropped).

    Notes
    -----
    Safe to call from several threads: warehouse queries run one at a time (a DuckDB connection
    is not meant for concurrent use), cached answers are served without waiting.
    """

    tables: Mapping[str, ir.Table]
    cache_size: int = 512
    _cache: OrderedDict[tuple[Any, ...], Any] = field(default_factory=OrderedDict)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        load_measures()

    def cached(self, key: tuple[Any, ...], build: Callable[[], _T]) -> _T:
        """Return the value cached under ``key``, building it (once) if missing.

        Whole measures and reference lists are kept for the snapshot's life; per-filter views
        (charts, summaries, scorecards, members) are dropped least recently used first.
        """
        # A key always holds what the build given with that key returned (keys name what
        # is built), so a cached value has the build's type.
        value: _T
        try:
            value = self._cache[key]
        except KeyError:
            pass
        else:
            with contextlib.suppress(KeyError):  # evicted meanwhile by another thread
                self._cache.move_to_end(key)
            return value
        with self._lock:
            if key in self._cache:
                value = self._cache[key]
                return value
            value = build()
            self._cache[key] = value
            views = [k for k in self._cache if k[0] not in _PERMANENT]
            for old in views[: max(0, len(views) - self.cache_size)]:
                del self._cache[old]
            return value

    # -- measures ---------------------------------------------------------------------------

    def measure_names(self) -> list[str]:
        """Registered measures whose tables this warehouse has."""
        from tribu.metrics import MEASURES

        return sorted(
            name
            for name, m in MEASURES.items()
            if all(table in self.tables for table in m.tables)
        )

    def expression(self, name: str, **settings: Any) -> ir.Table:
        """The Ibis expression of measure ``name`` (built once: some measures, like the
        betweenness of ``member_roles``, do real work while being built)."""
        from tribu.metrics import MEASURES, compute

        if name not in MEASURES:
            raise MeasureUnavailable(
                f"No measure named {name!r} is registered. Known measures: "
                f"{', '.join(sorted(MEASURES)) or 'none'}."
            )
        key = ("expression", name, tuple(sorted(settings.items())))
        return self.cached(key, lambda: compute(name, self.tables, **settings))

    def frame(self, name: str, **settings: Any) -> pd.DataFrame:
        """Measure ``name`` over the whole warehouse, as a pandas frame (cached)."""
        key = ("measure", name, tuple(sorted(settings.items())))
        return self.cached(key, lambda: to_pandas(self.expression(name, **settings)))

    def filtered(
        self, name: str, filters: Filters, **settings: Any
    ) -> tuple[pd.DataFrame, dict[str, str]]:
        """Measure ``name`` narrowed to ``filters``; also returns the filters applied."""
        return filter_frame(self.frame(name, **settings), filters)

    def scorecard(self, filters: Filters, tz: str = "Europe/Paris") -> dict[str, Any]:
        """The community scorecard for ``filters`` (cached per filter combination)."""
        try:
            from tribu.metrics.scorecard import scorecard
        except ImportError as exc:
            raise MeasureUnavailable(
                f"The scorecard (tribu.metrics.scorecard) is not installed: {exc}."
            ) from exc

        def build() -> dict[str, Any]:
            raw = scorecard(
                self.tables,
                community=filters.community,
                channel=filters.channel,
                campaign=filters.campaign,
                since=filters.since,
                until=filters.until,
                tz=tz,
                with_relays=False,  # relays are the roles chart's job (member_roles)
            )
            return {k: json_value(v) for k, v in raw.items()}

        return self.cached(("scorecard", tuple(filters.as_dict().items()), tz), build)

    # -- reference lists ----------------------------------------------------------------------

    def _table_frame(self, name: str, columns: list[str]) -> pd.DataFrame:
        if name not in self.tables:
            return pd.DataFrame(columns=columns)
        return self.cached(
            ("table", name, tuple(columns)),
            lambda: self.tables[name].select(*columns).to_pandas(),
        )

    def communities(self) -> pd.DataFrame:
        """Communities: community_id, platform, name."""
        return self._table_frame("communities", ["community_id", "platform", "name"])

    def channels(self) -> pd.DataFrame:
        """Channels: channel_id, community_id, name."""
        return self._table_frame("channels", ["channel_id", "community_id", "name"])

    def campaigns(self) -> pd.DataFrame:
        """Campaigns: campaign_id, name, community_id, starts, ends, spend, currency,
        activation_message_ids."""
        return self._table_frame(
            "campaigns",
            [
                "campaign_id",
                "name",
                "community_id",
                "starts",
                "ends",
                "spend",
                "currency",
                "activation_message_ids",
            ],
        )

    def brand_ids(self) -> set[str]:
        """Member ids of brand accounts."""

        def build() -> set[str]:
            t = self.tables["members"]
            ids = t.filter(t.is_brand).select("member_id").to_pandas()
            return set(ids["member_id"])

        return self.cached(("brand_ids",), build)

    def period(self) -> tuple[dt.date | None, dt.date | None]:
        """First and last message dates (UTC) in the warehouse."""

        def build() -> tuple[dt.date | None, dt.date | None]:
            m = self.tables["messages"]
            row = m.aggregate(first=m.ts.min(), last=m.ts.max()).to_pandas()
            first, last = row["first"].iloc[0], row["last"].iloc[0]
            if pd.isna(first):
                return None, None
            return (pd.Timestamp(first).date(), pd.Timestamp(last).date())

        return self.cached(("period",), build)

    def french_share(self, community: str | None = None) -> float | None:
        """Share of the community's enriched messages detected as French, or None."""

        def build() -> float | None:
            if "enrichment" not in self.tables:
                return None
            if community is not None and "\x00" in community:
                return None  # no id holds a NUL, and DuckDB's SQL parser refuses one
            m, e = self.tables["messages"], self.tables["enrichment"]
            if community is not None:
                m = m.filter(m.community_id == community)
            joined = m.join(e, m.message_id == e.message_id).filter(e.lang.notnull())
            row = joined.aggregate(
                n=joined.count(), fr=(joined.lang == "fr").sum()
            ).to_pandas()
            n = int(row["n"].iloc[0] or 0)
            return None if n == 0 else float(row["fr"].iloc[0] or 0) / n

        return self.cached(("french_share", community), build)

    # -- members ------------------------------------------------------------------------------

    def member(self, member_id: str) -> dict[str, Any] | None:
        """The member's row (display_name, roles, joined_at...), or None if unknown."""

        def build() -> dict[str, Any] | None:
            t = self.tables["members"]
            rows = records(t.filter(t.member_id == member_id).to_pandas())
            return rows[0] if rows else None

        return self.cached(("member", member_id), build)

    def member_weekly(self, member_id: str) -> pd.DataFrame:
        """A member's messages and mean sentiment per ISO week (week starts Monday, UTC).

        Columns: week, messages, mean_sentiment (None when no message of the week is enriched).
        """

        def build() -> pd.DataFrame:
            m = self.tables["messages"]
            mine = m.filter(m.author_id == member_id).mutate(
                week=m.ts.truncate("W").cast("date")
            )
            if "enrichment" in self.tables:
                e = self.tables["enrichment"].select("message_id", "sentiment")
                mine = mine.left_join(e, mine.message_id == e.message_id)
                sentiment = mine.sentiment.mean()
            else:
                sentiment = ibis.null().cast("float64")
            weekly = mine.group_by("week").aggregate(
                messages=mine.count(), mean_sentiment=sentiment
            )
            return to_pandas(weekly.order_by("week"))

        return self.cached(("member_weekly", member_id), build)
