"""CSV cells that are safe to open in a spreadsheet.

Member text (names, handles, messages) is hostile input: a cell such as ``=HYPERLINK(...)``
becomes a live formula when a marketer opens a downloaded CSV in Excel or LibreOffice. Every
CSV tribu writes (web downloads, ``tribu kpis --csv``, ``tribu business --csv``) passes its
cells through :func:`csv_cell`, as OWASP advises against CSV injection.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FORMULA_STARTS", "csv_cell"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A cell safe to open in a spreadsheet: no member text is read as a formula.

    Text starting with ``= + - @`` (or a tab/CR) gets a leading apostrophe; numbers and other
    values pass unchanged, ``None`` becomes empty.

    Examples
    --------
    >>> csv_cell("=1+1"), csv_cell(-3), csv_cell(None)
    ("'=1+1", -3, '')
    """
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
