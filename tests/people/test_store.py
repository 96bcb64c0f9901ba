"""Merge, reject and unmerge in a warehouse; forget takes the whole person."""

from __future__ import annotations

import hashlib

import pytest

from tribu.people.store import (
    PeopleError,
    decisions,
    merge,
    person_of,
    person_view,
    reject,
    suggest,
    suggestions,
    unmerge,
)
from tribu.warehouse.forget import forget_member
from tribu.warehouse.store import open_warehouse


def _digest(con, table: str) -> str:
    rows = con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _active_people(con) -> int:
    row = con.execute(
        "SELECT count(DISTINCT l.person_id) FROM messages m "
        "JOIN person_links l ON l.member_id = m.author_id"
    ).fetchone()
    return int(row[0])


def test_every_member_starts_as_its_own_person(people_db) -> None:
    con = open_warehouse(people_db)
    try:
        assert person_of(con, "d-elodie") == "p:d-elodie"
        row = con.execute("SELECT count(*) FROM people").fetchone()
        assert row == (9,)
    finally:
        con.close()


def test_suggest_merges_the_phone_pair_and_suggests_the_rest(people_db) -> None:
    con = open_warehouse(people_db)
    try:
        report = suggest(con)
        # s-elodie ~ w-elodie: the same phone, 0.99: merged by tribu.
        assert len(report.auto_merged) == 1
        assert person_of(con, "s-elodie") == person_of(con, "w-elodie")
        pairs = {(s["member_a"], s["member_b"]): s for s in suggestions(con)}
        # d-elodie ~ s-elodie and the Marc namesakes: name only, 0.8 at most.
        assert ("d-elodie", "s-elodie") in pairs
        assert ("d-marc", "s-marc") in pairs
        assert all(s["confidence"] <= 0.8 for s in pairs.values())
        # Vetoed: the bots, and the two Zoé of one community despite the e-mail.
        flat = {m for pair in pairs for m in pair}
        assert not flat & {"d-mee6", "s-mee6", "s-zoe", "s-zoe2"}
        history = decisions(con)
        assert history[0]["actor"] == "tribu" and history[0]["action"] == "auto-merge"
        # Community-wide active count: 9 members wrote, 8 people once merged.
        assert _active_people(con) == 8
    finally:
        con.close()


def test_unmerge_gives_back_identical_rows_and_measures(people_db) -> None:
    con = open_warehouse(people_db)
    try:
        tables = ("members", "people", "person_links", "messages")
        before = {t: _digest(con, t) for t in tables}
        active = _active_people(con)
        decision = merge(con, "d-marc", "s-marc", actor="ana", reason="same avatar")
        assert person_of(con, "d-marc") == person_of(con, "s-marc")
        assert _active_people(con) == active - 1
        assert _digest(con, "person_links") != before["person_links"]
        unmerge(con, decision, actor="ana", reason="namesakes after all")
        assert {t: _digest(con, t) for t in tables} == before
        assert _active_people(con) == active
        history = decisions(con, "d-marc")
        assert [d["action"] for d in history] == ["merge", "unmerge"]
        assert history[0]["undone_by"] == history[1]["decision_id"]
        assert history[0]["actor"] == "ana" and history[0]["reason"] == "same avatar"
        # The unmerged pair is not suggested again.
        suggest(con)
        pairs = {(s["member_a"], s["member_b"]) for s in suggestions(con)}
        assert ("d-marc", "s-marc") not in pairs
    finally:
        con.close()


def test_unmerge_refuses_out_of_order(people_db) -> None:
    con = open_warehouse(people_db)
    try:
        first = merge(con, "d-elodie", "s-elodie", actor="ana")
        merge(con, "s-elodie", "w-elodie", actor="ana")
        with pytest.raises(PeopleError, match="Undo"):
            unmerge(con, first, actor="ana")
    finally:
        con.close()


def test_rejected_pair_is_not_suggested_again(people_db) -> None:
    con = open_warehouse(people_db)
    try:
        suggest(con)
        reject(con, "d-marc", "s-marc", actor="ana", reason="two Marcs")
        suggest(con)
        pairs = {(s["member_a"], s["member_b"]) for s in suggestions(con)}
        assert ("d-marc", "s-marc") not in pairs
        assert ("d-elodie", "s-elodie") in pairs
    finally:
        con.close()


def test_merge_vetoes(people_db) -> None:
    con = open_warehouse(people_db)
    try:
        with pytest.raises(PeopleError, match="one account per community"):
            merge(con, "s-zoe", "s-zoe2", actor="ana")
        with pytest.raises(PeopleError, match="bots"):
            merge(con, "d-mee6", "s-mee6", actor="ana")
        with pytest.raises(PeopleError, match="No member"):
            merge(con, "nobody", "s-zoe", actor="ana")
        merge(con, "d-elodie", "s-elodie", actor="ana")
        # The person now has a discord member: another discord member cannot join it.
        with pytest.raises(PeopleError, match="discord:semelle"):
            merge(con, "s-elodie", "d-marc", actor="ana")
    finally:
        con.close()


def test_forget_erases_the_person_and_every_linked_identity(people_db) -> None:
    con = open_warehouse(people_db)
    try:
        merge(con, "d-elodie", "s-elodie", actor="ana")
        merge(con, "s-elodie", "w-elodie", actor="ana")
        assert len(person_view(con, "w-elodie")["members"]) == 3
    finally:
        con.close()
    forget_member("d-elodie", db=people_db)
    con = open_warehouse(people_db)
    try:
        for table, column in (
            ("members", "member_id"),
            ("person_links", "member_id"),
            ("identity_keys", "member_id"),
            ("messages", "author_id"),
        ):
            row = con.execute(
                f"SELECT count(*) FROM {table} WHERE {column} LIKE '%-elodie'"
            ).fetchone()
            assert row == (0,), table
        assert con.execute(
            "SELECT count(*) FROM people_decisions WHERE "
            "list_contains(member_ids, 's-elodie')"
        ).fetchone() == (0,)
        assert con.execute(
            "SELECT count(*) FROM people WHERE person_id LIKE '%elodie%'"
        ).fetchone() == (0,)
        # The others stay.
        assert person_of(con, "d-marc") == "p:d-marc"
    finally:
        con.close()
