"""tribu forget: a person leaves every table and the derived Parquet export.

Fixture (keep_names, so ids are readable): u1 (Alice) wrote m1 (reacted 👍 by u2) and m3; u2
wrote m2, "hi @Alice", which mentions u1 and which u1 reacted to with ❤️; u1 joined once; a
customer is linked to u1. Forgetting u1 must leave: m2 only (mentions emptied, "Alice"
redacted), no reaction by or on u1, no u1 event, the customer unlinked.

The byte-level check (no trace in any file tribu wrote) is ``test_erasure.py``.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

import duckdb
import pytest

from tribu.connectors._records import Member, MemberEvent, Message, Reaction
from tribu.errors import WarehouseError
from tribu.warehouse.forget import forget_member, member_ids_for
from tribu.warehouse.ingest import ingest_paths
from tribu.warehouse.store import open_warehouse, pseudonym_secret

T = datetime(2026, 3, 1, tzinfo=UTC)
CID = "fakechat:g"


def records() -> list[object]:
    return [
        Member("g", "u1", "Alice"),
        Message("g", "c", "m1", "u1", T, "hello"),
        Reaction("g", "m1", "👍", 1, member_key="u2"),
        Message("g", "c", "m2", "u2", T, "hi @Alice", mention_keys=["u1"]),
        Reaction("g", "m2", "❤️", 1, member_key="u1"),
        Message("g", "c", "m3", "u1", T, "bye"),
        MemberEvent("g", "u1", "join", T),
    ]


def test_forget_erases_everywhere(tmp_path, fake, rows):
    db = tmp_path / "w.duckdb"
    ingest_paths([fake.write(tmp_path, "a", records())], db=db, keep_names=True)
    u1, u2 = f"{CID}/u1", f"{CID}/u2"
    con = duckdb.connect(str(db))
    con.execute("INSERT INTO customers (customer_id, member_id) VALUES ('c1', ?)", [u1])
    con.execute(
        "INSERT INTO enrichment (message_id, lang) VALUES (?, 'en'), (?, 'en')",
        [f"{CID}/m1", f"{CID}/m2"],
    )
    con.close()
    export = tmp_path / "w.duckdb.parquet"
    export.mkdir()
    (export / "messages.parquet").write_bytes(b"derived")

    report = forget_member(u1, db=db)

    assert report.found
    # m1 and m3 (2 messages); reactions: 👍 on m1 + ❤️ given by u1 = 2; enrichment of m1.
    assert report.rows == {
        "messages": 2,
        "reactions": 2,
        "enrichment": 1,
        "member_events": 1,
        "members": 1,
        "messages.mentions": 1,
        "customers.member_id": 1,
        # keep-names: u1's real name "Alice" is redacted from u2's "hi @Alice" (the key
        # "u1" is shorter than MIN_TERM: not looked for in text).
        "messages.text": 1,
        # The people layer (docs/people.md): u1's own person and link, and the identity
        # keys of "Alice" (keep-names): short_handle "alice", name_token, name_skeleton,
        # name.
        "people": 1,
        "person_links": 1,
        "identity_keys": 4,
    }
    assert report.short_terms == ["u1"] and report.rewritten
    assert report.files == [export] and not export.exists()
    assert rows(db, "SELECT message_id, mentions, text FROM messages") == [
        (f"{CID}/m2", [], "hi @[erased]")
    ]
    assert rows(db, "SELECT member_id FROM members") == [(u2,)]
    assert rows(db, "SELECT count(*) FROM reactions") == [(0,)]
    assert rows(db, "SELECT count(*) FROM member_events") == [(0,)]
    assert rows(db, "SELECT message_id FROM enrichment") == [(f"{CID}/m2",)]
    assert rows(db, "SELECT member_id FROM customers") == [(None,)]


def test_forget_unknown_member_changes_nothing(tmp_path, fake, snapshot):
    db = tmp_path / "w.duckdb"
    ingest_paths([fake.write(tmp_path, "a", records())], db=db)
    before = snapshot(db)
    report = forget_member("m_0000000000000000", db=db)
    assert not report.found and report.rows == {}
    assert snapshot(db) == before


def test_member_id_from_platform_id(tmp_path, fake):
    db = tmp_path / "w.duckdb"
    ingest_paths([fake.write(tmp_path, "a", records())], db=db)
    con = open_warehouse(db)
    try:
        secret = pseudonym_secret(con)
        expected = (
            "m_"
            + hmac.new(secret, f"{CID}:u1".encode(), hashlib.sha256).hexdigest()[:16]
        )
        assert member_ids_for(con, "u1", CID) == [expected]
    finally:
        con.close()


def test_forget_without_warehouse_creates_nothing(tmp_path):
    with pytest.raises(WarehouseError, match="No warehouse at"):
        forget_member("m_0000000000000000", db=tmp_path / "absent.duckdb")
    assert not (tmp_path / "absent.duckdb").exists()


def test_an_interrupted_rewrite_is_finished_by_the_next_forget(
    tmp_path, fake, monkeypatch
):
    from tribu.warehouse import forget as forget_module

    db = tmp_path / "w.duckdb"
    ingest_paths([fake.write(tmp_path, "a", records())], db=db, keep_names=True)

    def crash(path, *, then=None):  # the rewrite fails (disk full, another writer...)
        raise WarehouseError(f"{path}: cannot rewrite (test)")

    monkeypatch.setattr(forget_module, "rewrite_database", crash)
    with pytest.raises(WarehouseError, match="cannot rewrite"):
        forget_member(f"{CID}/u1", db=db)
    con = open_warehouse(db, read_only=True)
    pending = con.execute(
        "SELECT value FROM meta WHERE key = 'erasure_pending'"
    ).fetchall()
    con.close()
    assert pending == [("1",)]
    monkeypatch.undo()
    # Any later forget, even of nobody, finishes the rewrite and starts a new generation.
    report = forget_member("m_0000000000000000", db=db)
    assert not report.found and report.rewritten
    con = open_warehouse(db, read_only=True)
    keys = dict(con.execute("SELECT key, value FROM meta").fetchall())
    con.close()
    assert "erasure_pending" not in keys and keys["erasure_generation"] == "1"
