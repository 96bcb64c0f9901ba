"""CSV downloads never hand a spreadsheet a formula written by a member."""

from __future__ import annotations

import pytest

from tribu.web.api import csv_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+33 6 12", "'+33 6 12"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("bonjour = salut", "bonjour = salut"),
        (-3.5, -3.5),
        (None, ""),
    ],
)
def test_formula_text_is_defused(value: object, expected: object) -> None:
    assert csv_cell(value) == expected
