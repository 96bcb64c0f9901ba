"""CSV downloads never hand a spreadsheet a formula written by a member."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from tribu.csv_cells import csv_cell


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


def test_kpis_csv_file_is_defused(tmp_path: Path) -> None:
    from tribu.commands.kpis import _write_csv

    target = tmp_path / "card.csv"
    _write_csv(target, [{"section": "roles", "key": "=cmd|' /C calc'!A0", "value": 3}])
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert rows == [{"section": "roles", "key": "'=cmd|' /C calc'!A0", "value": "3"}]


def test_business_csv_text_columns_are_defused() -> None:
    from tribu.commands._sections_output import defused

    frame = pd.DataFrame({"handle": ["@leo", "mia"], "revenue": [-12.5, 3.0]})
    defused = defused(frame)
    assert defused["handle"].tolist() == ["'@leo", "mia"]
    assert defused["revenue"].tolist() == [-12.5, 3.0]  # numbers are left alone
