"""Erase one person from the warehouse and from the files tribu derived from it.

``tribu forget MEMBER`` answers a right-to-erasure request (GDPR art. 17). In one transaction
it deletes the member's row, the messages they wrote (with those messages' reactions,
enrichment and triage handoffs), the reactions they gave, their member events, their id in
other messages' ``mentions``, and unlinks them from ``customers``; then it removes the Parquet
export folder ``<db>.parquet/`` if there is one (it would still hold them) and checkpoints the
file. A person is named by their ``member_id``, or by their platform id (or, with
``--keep-names`` warehouses, their name) and community, from which the pseudonym is computed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from tribu.errors import WarehouseError
from tribu.warehouse._people import pseudonym_digest
from tribu.warehouse.store import (
    open_warehouse,
    pseudonym_secret,
    resolve_db_path,
    transaction,
)

__all__ = ["ForgetReport", "derived_paths", "forget_member", "member_ids_for"]


@dataclass
class ForgetReport:
    """What :func:`forget_member` erased: rows per table, and files removed."""

    member_id: str
    found: bool
    rows: dict[str, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Rows erased or changed, over every table."""
        return sum(self.rows.values())


def derived_paths(db: Path) -> list[Path]:
    """Files tribu derives from a warehouse that may hold people: its Parquet export."""
    return [db.with_name(db.name + ".parquet")]


def member_ids_for(
    con: duckdb.DuckDBPyConnection, member_key: str, community_id: str
) -> list[str]:
    """Candidate member ids of a platform id or name in a community.

    Both the pseudonym and the ``--keep-names`` id are computed; with ``--keep-names``
    warehouses, members whose real display name is ``member_key`` are matched too.
    """
    candidates = [
        "m_" + pseudonym_digest(pseudonym_secret(con), community_id, member_key)[:16],
        f"{community_id}/{member_key}",
    ]
    rows = con.execute(
        "SELECT member_id FROM members WHERE list_contains(?, member_id) "
        "OR (community_id = ? AND display_name = ? "
        "AND starts_with(member_id, community_id || '/'))",
        [candidates, community_id, member_key],
    ).fetchall()
    found = sorted({r[0] for r in rows})
    return found or candidates[:1]


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object]) -> int:
    row = con.execute(sql, params).fetchone()
    return int(row[0]) if row else 0


def forget_member(
    member_id: str,
    *,
    db: str | os.PathLike[str] | None = None,
    raw_terms: tuple[str, ...] = (),
) -> ForgetReport:
    """Erase ``member_id`` from every table and derived file; report what went.

    ``raw_terms`` (the platform id or name the user gave) also erase quarantined records
    whose raw text contains them: quarantine keeps raw input, which is not pseudonymised.
    """
    path = resolve_db_path(db)
    if not path.is_file():
        raise WarehouseError(
            f"No warehouse at {path}; nothing to forget. Pass --db PATH."
        )
    con = open_warehouse(path)
    try:
        report = erase(con, member_id, raw_terms=raw_terms)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    if report.found:
        for derived in derived_paths(path):
            if derived.is_dir():
                shutil.rmtree(derived)
                report.files.append(derived)
            elif derived.is_file():
                derived.unlink()
                report.files.append(derived)
    return report


def erase(
    con: duckdb.DuckDBPyConnection, member_id: str, *, raw_terms: tuple[str, ...] = ()
) -> ForgetReport:
    """Delete one member's rows in one transaction (the file work is the caller's)."""
    report = ForgetReport(member_id, found=False)
    rows = report.rows
    p = [member_id]
    with transaction(con):
        in_members = _count(con, "SELECT count(*) FROM members WHERE member_id = ?", p)
        wrote = "SELECT message_id FROM messages WHERE author_id = ?"
        steps = [
            ("enrichment", f"DELETE FROM enrichment WHERE message_id IN ({wrote})"),
            ("handoffs", f"DELETE FROM handoffs WHERE message_id IN ({wrote})"),
            (
                "reactions",
                f"DELETE FROM reactions WHERE message_id IN ({wrote}) OR member_id = ?",
            ),
            ("messages", "DELETE FROM messages WHERE author_id = ?"),
            ("member_events", "DELETE FROM member_events WHERE member_id = ?"),
            ("members", "DELETE FROM members WHERE member_id = ?"),
        ]
        for table, sql in steps:
            params = p * sql.count("?")
            count = _count(
                con, sql.replace("DELETE FROM", "SELECT count(*) FROM", 1), params
            )
            if count:
                con.execute(sql, params)
                rows[table] = rows.get(table, 0) + count
        mentioned = _count(
            con, "SELECT count(*) FROM messages WHERE list_contains(mentions, ?)", p
        )
        if mentioned:
            con.execute(
                "UPDATE messages SET mentions = list_filter(mentions, x -> x <> ?) "
                "WHERE list_contains(mentions, ?)",
                p * 2,
            )
            rows["messages.mentions"] = mentioned
        linked = _count(con, "SELECT count(*) FROM customers WHERE member_id = ?", p)
        if linked:
            con.execute("UPDATE customers SET member_id = NULL WHERE member_id = ?", p)
            rows["customers.member_id"] = linked
        for term in raw_terms:
            hits = _count(
                con, "SELECT count(*) FROM quarantine WHERE contains(raw, ?)", [term]
            )
            if hits:
                con.execute("DELETE FROM quarantine WHERE contains(raw, ?)", [term])
                rows["quarantine"] = rows.get("quarantine", 0) + hits
    report.found = bool(in_members or rows)
    return report
