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
        self._previous: dict[str, tuple[int, ...]] = {}

    def add(self, match: re.Match[str]) -> None:
        """Count one header."""
        self.headers += 1
        fields = match.group(2, 4, 5)
        numbers = [int(f) for f in fields]
        for i in range(3):
            if numbers[i] > self.max_field[i]:
                self.max_field[i] = numbers[i]
            if len(fields[i]) == 4:
                self.four_digit[i] = True
        if match.group(9):
            self.twelve_hour = True
        if match.group(3) == "/" and (len(fields[0]) == 1 or len(fields[1]) == 1):
            self.unpadded_slash = True
        clock = (int(match.group(6)), int(match.group(7)), int(match.group(8) or 0))
        year_first = len(fields[0]) == 4
        if year_first:
            candidates = {
                "md": (numbers[1], numbers[2]),
                "dm": (numbers[2], numbers[1]),
            }
            year = numbers[0]
        else:
            candidates = {
                "dm": (numbers[1], numbers[0]),
                "md": (numbers[0], numbers[1]),
            }
            year = numbers[2]
        for order, (month, day) in candidates.items():
            moment = (year, month, day, *clock)
            previous = self._previous.get(order)
            if previous is not None and moment < previous:
                self._backwards[order] += 1
            self._previous[order] = moment

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
