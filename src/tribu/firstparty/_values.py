"""Parsers for the cells of first-party files: text, numbers, dates, currencies, lists.

Each parser takes the raw cell (a string from CSV, or any JSON value from JSONL) and returns a
Python value or raises :class:`ValueError` with a short reason; the reader adds the file, the row
and the column to make the user-facing :class:`tribu.errors.InputError`.

Dates use the standard library's ISO 8601 parser (``datetime.fromisoformat``, which since
Python 3.11 reads ``2026-03-04``, ``2026-03-04 10:30``, ``2026-03-04T10:30:00Z`` and offsets)
rather than a guessing parser: ``03/04/2026`` means the 3rd of April in France and the 4th of
March in the United States, so tribu refuses it instead of guessing. Times without an offset are
taken as UTC; every time is stored in UTC.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "parse_count",
    "parse_currency",
    "parse_datetime",
    "parse_integer_in",
    "parse_list",
    "parse_money",
    "parse_text",
]

_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_LIST_SEPARATOR = re.compile(r"\s*[|;]\s*")


def is_blank(value: Any) -> bool:
    """True for a missing cell: None, an empty or all-space string."""
    return value is None or (isinstance(value, str) and not value.strip())


def parse_text(value: Any) -> str:
    """A non-empty string, stripped of surrounding spaces."""
    if isinstance(value, bool | dict | list):
        raise ValueError(f"expected text, got {value!r}")
    return str(value).strip()


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        if _DECIMAL_COMMA.match(text):  # "12,5": a French decimal comma
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"expected a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"expected a finite number, got {value!r}")
    return number


def parse_money(value: Any) -> float:
    """A non-negative amount of money (``12.5``, ``12,5``, ``1 200``)."""
    number = _number(value)
    if number < 0:
        raise ValueError(f"expected an amount of 0 or more, got {value!r}")
    return number


def parse_count(value: Any) -> int:
    """A whole number of 0 or more (followers, likes, views...)."""
    number = _number(value)
    if number < 0 or number != int(number):
        raise ValueError(f"expected a whole number of 0 or more, got {value!r}")
    return int(number)


def parse_integer_in(low: int, high: int) -> Any:
    """A parser for a whole number between ``low`` and ``high`` inclusive (scores, ratings)."""

    def parse(value: Any) -> int:
        number = _number(value)
        if number != int(number) or not low <= number <= high:
            raise ValueError(
                f"expected a whole number from {low} to {high}, got {value!r}"
            )
        return int(number)

    return parse


def parse_datetime(value: Any) -> datetime:
    """An ISO 8601 date or date-time, returned timezone-aware in UTC."""
    text = str(value).strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"expected an ISO 8601 date such as 2026-03-04 or 2026-03-04T10:30:00Z, "
            f"got {value!r}"
        ) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_currency(value: Any) -> str:
    """An ISO 4217 code of three letters (``eur`` is read as ``EUR``)."""
    text = str(value).strip().upper()
    if not _CURRENCY.match(text):
        raise ValueError(
            f"expected a three-letter currency code such as EUR, got {value!r}"
        )
    return text


def parse_list(value: Any) -> list[str]:
    """A list of strings: a JSON array, or a cell separated by ``|`` or ``;``."""
    if isinstance(value, list):
        items = [str(item).strip() for item in value]
    else:
        items = _LIST_SEPARATOR.split(str(value).strip())
    return [item for item in items if item]


def parse_choice(*choices: str) -> Any:
    """A parser accepting one of ``choices``, case-insensitively."""

    def parse(value: Any) -> str:
        text = str(value).strip().lower()
        if text not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}, got {value!r}")
        return text

    return parse
