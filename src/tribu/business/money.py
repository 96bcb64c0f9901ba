"""Money in one reporting currency: explicit rates, never a silent sum of euros and dollars.

Amounts stay in their own currency in the warehouse. A measure that adds money takes a
``rates`` setting, ``{currency: value of one unit in the reporting currency}`` (the reporting
currency itself has rate 1), and converts each amount before adding. With ``rates=None`` the
amounts are added as they are, which is right only when the data holds one currency:
:func:`check_currencies` verifies that before any measure runs, and the CLI always calls it.
Inside an expression an amount whose currency has no rate becomes NaN, so a total that mixes
in an unknown currency shows NaN instead of a wrong number.

Rates come from ``--rates EUR=1,USD=0.92`` or from ``tribu.toml``::

    [currency]
    reporting = "EUR"
    rates = { USD = 0.92, GBP = 1.17 }

The gross margin that turns revenue into CLV comes from ``--margin`` or from ``tribu.toml``
(:func:`gross_margin`)::

    [business]
    margin = 0.55
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import ibis
import ibis.expr.types as ir

from tribu.errors import ConfigError

__all__ = [
    "MONEY_COLUMNS",
    "CurrencySettings",
    "check_currencies",
    "currency_settings",
    "gross_margin",
    "in_reporting_currency",
    "parse_rates",
]

# table -> the money column whose rows carry a `currency`.
MONEY_COLUMNS = {
    "campaigns": "spend",
    "creator_posts": "cost",
    "customers": "acquisition_cost",
    "orders": "amount",
}


@dataclass(frozen=True)
class CurrencySettings:
    """The reporting currency and the rates into it (``None`` when not configured)."""

    reporting: str | None = None
    rates: dict[str, float] | None = field(default=None)


def parse_rates(text: str) -> dict[str, float]:
    """Parse ``EUR=1,USD=0.92`` into ``{"EUR": 1.0, "USD": 0.92}``."""
    rates: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        code, _, value = part.partition("=")
        code = code.strip().upper()
        try:
            rate = float(value)
        except ValueError:
            rate = math.nan
        if len(code) != 3 or not code.isalpha() or not rate > 0 or math.isinf(rate):
            raise ConfigError(
                f"The --rates option must read like EUR=1,USD=0.92. Got {part!r} in {text!r}."
            )
        rates[code] = rate
    return rates


def _config_section(name: str, config: Path | None) -> dict[str, object]:
    """The ``[name]`` table of ``config`` (default ``$TRIBU_CONFIG``, else ``./tribu.toml``)."""
    config = config or Path(os.environ.get("TRIBU_CONFIG") or "tribu.toml")
    if not config.is_file():
        return {}
    try:
        section = tomllib.loads(config.read_text(encoding="utf-8")).get(name, {})
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{config}: not valid TOML ({exc}).") from exc
    return section if isinstance(section, dict) else {}


def gross_margin(option: float | None = None, config: Path | None = None) -> float:
    """The gross margin (fraction of revenue kept) for CLV: ``option``, else ``margin`` under
    ``[business]`` in ``tribu.toml``, else 1.0 (CLV = revenue).

    Raises
    ------
    ConfigError
        When the margin is not a number in (0, 1]; the message says where it came from.
    """
    where = "The --margin option"
    value: object = option
    if value is None:
        value = _config_section("business", config).get("margin", 1.0)
        where = "business.margin in tribu.toml"
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0 < value <= 1
    ):
        raise ConfigError(
            f"{where} must be a fraction in (0, 1], e.g. 0.55. Got {value!r}."
        )
    return float(value)


def currency_settings(
    rates_option: str | None = None,
    reporting_option: str | None = None,
    config: Path | None = None,
) -> CurrencySettings:
    """Settle the reporting currency and rates from the options, else ``tribu.toml``.

    ``config`` defaults to ``$TRIBU_CONFIG``, else ``./tribu.toml``; a missing file is fine.
    """
    table = _config_section("currency", config)
    reporting = reporting_option or table.get("reporting")
    rates: dict[str, float] | None = None
    if rates_option:
        rates = parse_rates(rates_option)
    elif isinstance(table.get("rates"), dict):
        raw = table["rates"]
        assert isinstance(raw, dict)
        rates = parse_rates(",".join(f"{k}={v}" for k, v in raw.items()))
    if reporting is not None:
        reporting = str(reporting).upper()
        rates = {**(rates or {}), reporting: 1.0}
    elif rates:
        ones = [code for code, rate in rates.items() if rate == 1.0]
        if len(ones) != 1:
            raise ConfigError(
                "Say which currency the rates convert into: give it rate 1 "
                '(--rates EUR=1,USD=0.92) or set reporting = "EUR" under [currency] '
                f"in tribu.toml. Got rates {rates}."
            )
        reporting = ones[0]
    return CurrencySettings(reporting, rates)


def check_currencies(
    con: duckdb.DuckDBPyConnection, settings: CurrencySettings
) -> CurrencySettings:
    """Refuse to go on when the warehouse mixes currencies that have no rate.

    Returns the settings to use: when no rates are configured and the data holds one
    currency, that currency becomes the reporting currency.
    """
    seen: dict[str, set[str]] = {}
    for table, column in MONEY_COLUMNS.items():
        rows = con.execute(
            f"SELECT DISTINCT currency FROM {table} "
            f"WHERE currency IS NOT NULL AND coalesce({column}, 0) <> 0"
        ).fetchall()
        for (code,) in rows:
            seen.setdefault(code, set()).add(table)
    if settings.rates is None:
        if len(seen) > 1:
            raise ConfigError(
                f"The warehouse holds amounts in {', '.join(sorted(seen))}; tribu does not add "
                "currencies without rates. Pass --rates EUR=1,USD=0.92 or add [currency] "
                "reporting and rates to tribu.toml."
            )
        return CurrencySettings(next(iter(seen), settings.reporting), None)
    missing = sorted(set(seen) - set(settings.rates))
    if missing:
        where = ", ".join(
            f"{code} (in {', '.join(sorted(seen[code]))})" for code in missing
        )
        raise ConfigError(
            f"No rate for {where}. Add it to --rates or to [currency] rates in tribu.toml."
        )
    return settings


def in_reporting_currency(
    amount: ir.NumericValue,
    currency: ir.StringValue,
    rates: Mapping[str, float] | None,
) -> ir.FloatingValue:
    """``amount`` converted with ``rates``; an amount without a currency is taken as is.

    Examples
    --------
    With ``rates={"EUR": 1.0, "USD": 0.92}``, 100 USD becomes 92.0 and 100 EUR stays 100.0;
    100 GBP becomes NaN.
    """
    value = amount.cast("float64")
    if rates is None:
        return value
    branches = [
        (currency == code, value * rate) for code, rate in sorted(rates.items())
    ]
    return ibis.cases(
        (currency.isnull(), value), *branches, else_=ibis.literal(math.nan)
    )
