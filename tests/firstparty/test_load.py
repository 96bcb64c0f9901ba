"""Loading first-party files: validation errors name file, row and column; loads are atomic
and idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from tribu.errors import InputError
from tribu.firstparty import KINDS, load_files
from tribu.warehouse.store import open_warehouse


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = open_warehouse(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_customers_csv_with_semicolons_and_decimal_commas(con, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "customers.csv",
        "\ufeffcustomer_id;acquired_at;channel;acquisition_cost;currency\n"
        "c1;2026-01-05;instagram;12,5;eur\n"
        "c2;2026-01-07T10:00:00+02:00;organic;0;\n",
    )
    result = load_files(con, "customers", [path])
    assert (result.rows, result.new) == (2, 2)
    rows = con.execute(
        "SELECT customer_id, acquisition_cost, currency, "
        "strftime(acquired_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M') FROM customers "
        "ORDER BY 1"
    ).fetchall()
    # 12,5 is a decimal comma; eur is upper-cased; 10:00 at +02:00 is 08:00 UTC.
    assert rows == [
        ("c1", 12.5, "EUR", "2026-01-05 00:00"),
        ("c2", 0.0, None, "2026-01-07 08:00"),
    ]


def test_a_bad_cell_names_file_row_and_column_and_writes_nothing(con, tmp_path) -> None:
    path = _write(
        tmp_path / "orders.csv",
        "order_id,customer_id,date,amount,currency\n"
        "o1,c1,2026-01-05,50,EUR\n"
        "o2,c1,2026-02-01,abc,EUR\n",
    )
    with pytest.raises(InputError) as info:
        load_files(con, "orders", [path])
    # The header is row 1, so the second record is row 3; the user's header name is used.
    assert (
        str(info.value)
        == f"{path}, row 3, column 'amount': expected a number, got 'abc'."
    )
    assert con.execute("SELECT count(*) FROM orders").fetchone() == (0,)


def test_ambiguous_dates_are_refused(con, tmp_path) -> None:
    path = _write(tmp_path / "nps.csv", "customer_id,date,score\nc1,03/04/2026,9\n")
    with pytest.raises(InputError, match=r"row 2, column 'date': expected an ISO 8601"):
        load_files(con, "nps", [path])


@pytest.mark.parametrize(
    ("cell", "message"),
    [("11", "from 0 to 10"), ("7.5", "from 0 to 10"), ("", "a value is required")],
)
def test_nps_scores_are_whole_numbers_0_to_10(con, tmp_path, cell, message) -> None:
    path = _write(tmp_path / "nps.csv", f"customer_id,ts,score\nc1,2026-01-01,{cell}\n")
    with pytest.raises(InputError, match=message):
        load_files(con, "nps", [path])


def test_missing_required_column_lists_the_header(con, tmp_path) -> None:
    path = _write(tmp_path / "reviews.csv", "shop,date,text\nparis,2026-01-01,bien\n")
    with pytest.raises(InputError, match=r"row 1: no column 'rating' or 'stars'"):
        load_files(con, "reviews", [path])


def test_amount_without_currency_needs_a_default(con, tmp_path) -> None:
    path = _write(
        tmp_path / "o.csv", "order_id,customer_id,ts,amount\no1,c1,2026-01-01,9\n"
    )
    with pytest.raises(InputError, match=r"row 2, column 'currency'.*--currency"):
        load_files(con, "orders", [path])
    load_files(con, "orders", [path], default_currency="EUR")
    assert con.execute("SELECT currency FROM orders").fetchone() == ("EUR",)


def test_loading_twice_changes_nothing_and_corrections_replace(con, tmp_path) -> None:
    lines = [
        "place_id,ts,rating,text",
        "paris,2026-01-01T10:00Z,5,Top",
        "lyon,2026-01-02,2,Bof",
    ]
    path = _write(tmp_path / "reviews.csv", "\n".join(lines) + "\n")
    first = load_files(con, "reviews", [path])
    second = load_files(con, "reviews", [path])
    assert (first.new, second.new) == (2, 0)
    assert con.execute("SELECT count(*) FROM reviews").fetchone() == (2,)
    # Same place, time and text with a new rating: the row is replaced, not duplicated.
    _write(path, "place_id,ts,rating,text\nlyon,2026-01-02,3,Bof\n")
    load_files(con, "reviews", [path])
    assert con.execute(
        "SELECT place_id, rating FROM reviews ORDER BY 1"
    ).fetchall() == [
        ("lyon", 3),
        ("paris", 5),
    ]


def test_upsert_keeps_columns_the_file_does_not_have(con, tmp_path) -> None:
    customers = _write(tmp_path / "c.csv", "customer_id,acquired_at\nc1,2026-01-01\n")
    links = _write(tmp_path / "l.csv", "customer_id,member_id\nc1,m-1\n")
    load_files(con, "customers", [customers])
    result = load_files(con, "member-links", [links])
    load_files(con, "customers", [customers])  # reloading must not erase the link
    assert con.execute("SELECT member_id FROM customers").fetchone() == ("m-1",)
    assert result.unknown_members == 1  # m-1 is not in `members` yet


def test_member_link_to_an_unknown_customer_is_an_error(con, tmp_path) -> None:
    links = _write(tmp_path / "l.csv", "customer_id,member_id\nc9,m-1\n")
    with pytest.raises(
        InputError, match=r"row 2, column 'customer_id': no customer 'c9'"
    ):
        load_files(con, "member-links", [links])


def test_duplicate_keys_across_files_are_named(con, tmp_path) -> None:
    a = _write(tmp_path / "a.csv", "creator_id,handle\nk1,lea\n")
    b = _write(tmp_path / "b.csv", "creator_id,handle\nk2,tom\nk1,lea2\n")
    with pytest.raises(
        InputError, match=r"b\.csv, row 3: same creator_id as .*a\.csv row 2"
    ):
        load_files(con, "creators", [a, b])
    assert con.execute("SELECT count(*) FROM creators").fetchone() == (0,)


def test_jsonl_campaigns_merge_hashtags_and_links_into_keywords(con, tmp_path) -> None:
    record = {
        "id": "camp1",
        "name": "Drop",
        "objective": "Reach",
        "start": "2026-01-01",
        "end": "2026-01-31",
        "spend": 1000,
        "currency": "EUR",
        "keywords": ["semelle"],
        "hashtags": "#drop|#semelle",
        "links": "semelle.fr/drop",
    }
    path = _write(tmp_path / "campaigns.jsonl", json.dumps(record) + "\n\n")
    load_files(con, "campaigns", [path])
    assert con.execute(
        "SELECT objective, keywords, spend FROM campaigns"
    ).fetchone() == (
        "reach",
        ["semelle", "#drop", "#semelle", "semelle.fr/drop"],
        1000.0,
    )


def test_campaign_ending_before_it_starts(con, tmp_path) -> None:
    path = _write(
        tmp_path / "c.csv", "campaign_id,name,starts,ends\nc1,X,2026-02-01,2026-01-01\n"
    )
    with pytest.raises(InputError, match=r"row 2, column 'ends': the campaign ends"):
        load_files(con, "campaigns", [path])


def test_unknown_columns_are_reported_not_silently_dropped(con, tmp_path) -> None:
    path = _write(tmp_path / "k.csv", "creator_id,handle,folowers\nk1,lea,12\n")
    assert load_files(con, "creators", [path]).ignored_columns == ["folowers"]


def test_every_kind_and_column_is_documented() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "first-party.md").read_text(
        encoding="utf-8"
    )
    for kind in KINDS.values():
        assert f"`{kind.name}`" in doc
        for column in kind.columns:
            assert f"`{column.name}`" in doc, (kind.name, column.name)
