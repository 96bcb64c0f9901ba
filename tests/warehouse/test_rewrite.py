"""Rewriting the warehouse file: rows, keys and secret kept, freed bytes gone, no write lost."""

from __future__ import annotations

import duckdb
import pytest

from tribu.errors import WarehouseError
from tribu.warehouse._rewrite import rewrite_database
from tribu.warehouse.store import open_warehouse, pseudonym_secret


def _fill(db, secret_text: str) -> bytes:  # type: ignore[no-untyped-def]
    con = open_warehouse(db)
    con.execute("SET force_compression = 'uncompressed'")  # strings stay greppable
    con.execute(
        "INSERT INTO faq SELECT 1, 'f' || i, 'fr', 'question ' || i, 'answer ' || i, 1 "
        "FROM range(5000) t(i)"
    )
    con.execute("INSERT INTO faq VALUES (1, 'gone', 'fr', ?, 'x', 1)", [secret_text])
    con.execute("INSERT INTO handoffs (handoff_id) VALUES ('h1')")
    con.execute("CHECKPOINT")
    con.execute("DELETE FROM faq WHERE faq_id = 'gone'")
    con.execute("CHECKPOINT")
    secret = pseudonym_secret(con)
    con.close()
    return secret


def test_rewrite_keeps_live_rows_keys_and_secret_and_drops_freed_bytes(tmp_path):
    db = tmp_path / "w.duckdb"
    secret = _fill(db, "Quetzalcoatl-secret-question")
    assert (
        b"Quetzalcoatl-secret-question" in db.read_bytes()
    )  # the freed block keeps it
    rewrite_database(db)
    assert b"Quetzalcoatl-secret-question" not in db.read_bytes()
    con = open_warehouse(db)
    try:
        assert pseudonym_secret(con) == secret
        assert con.execute("SELECT count(*) FROM faq").fetchone() == (5000,)
        with pytest.raises(duckdb.ConstraintException):  # the primary key survived
            con.execute("INSERT INTO handoffs (handoff_id) VALUES ('h1')")
    finally:
        con.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb"]


def test_a_write_during_the_rewrite_is_not_lost(tmp_path):
    db = tmp_path / "w.duckdb"
    _fill(db, "x")

    def someone_writes(_copy):  # type: ignore[no-untyped-def]
        other = duckdb.connect(str(db))
        other.execute(
            "INSERT INTO faq VALUES (1, 'late', 'fr', 'late question', 'a', 1)"
        )
        other.close()

    with pytest.raises(WarehouseError, match="another process wrote the warehouse"):
        rewrite_database(db, then=someone_writes)
    con = open_warehouse(db, read_only=True)
    assert con.execute("SELECT count(*) FROM faq WHERE faq_id = 'late'").fetchone() == (
        1,
    )
    con.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb"]
