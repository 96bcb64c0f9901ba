"""Recognise a WhatsApp line header and settle the file's date layout.

A WhatsApp export writes each message as ``<date> <time> - <name>: <text>`` (Android) or
``[<date> <time>] <name>: <text>`` (iOS), in the phone's locale: ``dd/mm/yyyy``,
``m/d/yy``, ``yyyy/mm/dd``, ``dd.mm.yy``, ``dd-mm-yy``..., 24-hour or 12-hour clocks (``PM``,
``p. m.``). One regular expression (:data:`HEADER`) recognises every such header; which of
the three date fields is the day, the month and the year cannot be told from one line
(``03/04/21``), so :class:`LayoutVotes` gathers evidence over the whole file (the first pass
keeps a handful of counters, so memory stays flat) and :meth:`LayoutVotes.layout` decides:

1. a four-digit field, or a two-digit field above 31, is the year (year first or last);
2. of the two other fields, one seen above 12 is the day (so the other is the month);
3. otherwise the order under which the file's timestamps run forward more often wins;
4. otherwise month first when the file uses a 12-hour clock or unpadded ``/`` dates such as
   ``1/9/21`` (the United States' layouts), else day first (French, British, German...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

__all__ = ["HEADER", "Layout", "LayoutVotes", "header_timestamp"]

_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
_SPACE = "[ \u00a0\u202f]"
HEADER = re.compile(
    rf"^[{_MARKS}]*(\[)?[{_MARKS}]*"
    r"(\d{1,4})([./-])(\d{1,2})\3(\d{1,4}),?"
    rf"{_SPACE}(\d{{1,2}})[:.](\d{{2}})(?:[:.](\d{{2}}))?"
    rf"(?:{_SPACE}?([AaPp])\.?{_SPACE}?[Mm]\.?)?"
    rf"(?(1)\]{_SPACE}|{_SPACE}?[-–]{_SPACE})[{_MARKS}]*"
)
"""A line's header: groups 2-5 the date (first field, separator, middle, last), 6-8 the
time, 9 the ``a``/``p`` of a 12-hour clock. ``match.end()`` is where the name or text starts."""


@dataclass(frozen=True, slots=True)
class Layout:
    """Where the year, month and day sit among a header's three date fields (0, 1, 2)."""

    year: int
    month: int
    day: int

    def describe(self) -> str:
        names = {self.year: "year", self.month: "month", self.day: "day"}
        return "/".join(names[i] for i in range(3))


_YEAR_LAST_DAY_FIRST = Layout(2, 1, 0)
_YEAR_LAST_MONTH_FIRST = Layout(2, 0, 1)
_YEAR_FIRST = Layout(0, 1, 2)
_YEAR_FIRST_DAY_SECOND = Layout(0, 2, 1)


class LayoutVotes:
    """Evidence gathered from every header of a file, in constant memory."""

    def __init__(self) -> None:
        self.headers = 0
        self.max_field = [0, 0, 0]
        self.four_digit = [False, False, False]
        self.twelve_hour = False
        self.unpadded_slash = False
        # Timestamps running backwards under each candidate day/month order.
        self._backwards = {"dm": 0, "md": 0}
        self._last_month_first: tuple[int, ...] | None = None
        self._last_day_first: tuple[int, ...] = ()

    def add(self, match: re.Match[str]) -> None:
        """Count one header."""
        self.headers += 1
        first, separator, middle, last, hour, minute, second, meridiem = match.group(
            2, 3, 4, 5, 6, 7, 8, 9
        )
        a, b, c = int(first), int(middle), int(last)
        high = self.max_field
        if a > high[0]:
            high[0] = a
        if b > high[1]:
            high[1] = b
        if c > high[2]:
            high[2] = c
        if len(first) == 4:
            self.four_digit[0] = True
        if len(last) == 4:
            self.four_digit[2] = True
        if meridiem:
            self.twelve_hour = True
        if separator == "/" and (len(first) == 1 or len(middle) == 1):
            self.unpadded_slash = True
        clock = int(hour) * 3600 + int(minute) * 60 + int(second or 0)
        if len(first) == 4:  # year first: (year, month, day) read as y/m/d or y/d/m
            month_first = (a, b, c, clock)
            day_first = (a, c, b, clock)
        else:
            month_first = (c, a, b, clock)
            day_first = (c, b, a, clock)
        if self._last_month_first is not None:
            if month_first < self._last_month_first:
                self._backwards["md"] += 1
            if day_first < self._last_day_first:
                self._backwards["dm"] += 1
        self._last_month_first = month_first
        self._last_day_first = day_first

    def layout(self) -> Layout:
        """The file's layout, by the rules in the module docstring."""
        high = self.max_field
        if self.four_digit[0] or (high[0] > 31 and not self.four_digit[2]):
            if high[2] > 12 and high[1] <= 12:
                return _YEAR_FIRST
            if high[1] > 12 and high[2] <= 12:
                return _YEAR_FIRST_DAY_SECOND
            if self._backwards["dm"] < self._backwards["md"]:
                return _YEAR_FIRST_DAY_SECOND
            return _YEAR_FIRST
        if high[0] > 12 and high[1] <= 12:
            return _YEAR_LAST_DAY_FIRST
        if high[1] > 12 and high[0] <= 12:
            return _YEAR_LAST_MONTH_FIRST
        if self._backwards["md"] != self._backwards["dm"]:
            if self._backwards["md"] < self._backwards["dm"]:
                return _YEAR_LAST_MONTH_FIRST
            return _YEAR_LAST_DAY_FIRST
        if self.twelve_hour or self.unpadded_slash:
            return _YEAR_LAST_MONTH_FIRST
        return _YEAR_LAST_DAY_FIRST


def header_timestamp(match: re.Match[str], layout: Layout) -> datetime:
    """The header's time, read as UTC (exports carry local time without a zone).

    Raises
    ------
    ValueError
        When the fields do not make a date under ``layout`` (a month of 13...).
    """
    fields = match.group(2, 4, 5)
    year = int(fields[layout.year])
    if year < 100:
        year += 2000
    hour = int(match.group(6))
    meridiem = match.group(9)
    if meridiem:
        if hour > 12:
            raise ValueError(f"hour {hour} on a 12-hour clock")
        hour = hour % 12 + (12 if meridiem in "pP" else 0)
    return datetime(
        year,
        int(fields[layout.month]),
        int(fields[layout.day]),
        hour,
        int(match.group(7)),
        int(match.group(8) or 0),
        tzinfo=UTC,
    )
