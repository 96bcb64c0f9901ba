"""Erase one person from the warehouse and from the files tribu derived from it.

``tribu forget MEMBER`` answers a right-to-erasure request (GDPR art. 17). It goes:

1. In one transaction: delete the member's row (and, when ``tribu people`` linked them
   to other members as one person, the person, their identity keys, the decisions and
   suggestions naming them, and every other member of the person the same way), the
   messages they wrote (with those messages' reactions, enrichment and triage handoffs),
   the reactions they gave, their member events, their id in other messages'
   ``mentions``, their poll votes and questionnaire responses; unlink them from
   ``customers``; delete the quarantined records whose raw text holds one of the
   person's terms; and **redact** the terms (replaced by ``[erased]``, whole words, any
   case) wherever other raw text holds them: other members'
   messages, system notices ("Alice joined"), member event details, channel
   and community names, source file names. The terms are the ids and names the user gave
   (``--name``, ``--redact``), the member id, and, in ``--keep-names`` warehouses, the member's
   platform key and real name. Terms shorter than :data:`MIN_TERM` characters are not
   redacted from text (they would hit ordinary words); they are reported.
   The copies of the triage journal (``handoffs``, ``triage_log``) lose the rows whose
   ``author`` is one of the terms, and the terms are redacted from their text too.
2. Erase the person from the triage journal ``<db>.triage.sqlite`` the same way (their
   decisions, handoffs with their history, webhook events; terms redacted elsewhere; the file
   vacuumed): :meth:`tribu.triage.store.TriageStore.forget`; and from the live queue
   ``<db>.live.sqlite`` (events, quarantined payloads and alerts whose raw body names them;
   the file vacuumed): :func:`tribu.live.queue.forget_in_queue`.
3. Delete the files tribu owns beside the warehouse that may hold the person
   (:func:`tribu.warehouse.derived.owned_paths`: the Parquet export, interrupted staging).
4. **Rewrite the file** (:mod:`tribu.warehouse._rewrite`): DuckDB keeps deleted rows' bytes in
   freed blocks, so the live rows are copied to a fresh file that replaces the old one, and
   the write-ahead log goes. The copy also gets a new *erasure generation* (``meta``): a
   running ``tribu serve`` that sees it deletes every snapshot copy of the older file.
5. List the reports written earlier (recorded in ``<db>.written.json``) that are still on
   disk: tribu cannot know who got them since, so the user deletes or rewrites them.

A person is named by their ``member_id``, or by their platform id (or, with ``--keep-names``
warehouses, their name) and community, from which the pseudonym is computed.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from tribu.errors import WarehouseError
from tribu.warehouse._people import pseudonym_digest
from tribu.warehouse._rewrite import rewrite_database
from tribu.warehouse.derived import (
    bump_erasure_generation,
    owned_paths,
    written_files,
)
from tribu.warehouse.store import (
    open_warehouse,
    pseudonym_secret,
    resolve_db_path,
    transaction,
)

__all__ = [
    "MIN_TERM",
    "REDACTED",
    "ForgetReport",
    "derived_paths",
    "forget_member",
    "member_ids_for",
]

REDACTED = "[erased]"
"""What replaces a person's id or name in other people's text."""

MIN_TERM = 3
"""Shortest id or name (characters) redacted from free text."""

_PENDING_KEY = "erasure_pending"

# Free text that can name a person who is not its author.
_RAW_TEXT: tuple[tuple[str, str], ...] = (
    ("messages", "text"),
    ("system_notices", "text"),
    ("polls", "question"),
    ("poll_options", "text"),
    ("survey_answers", "text"),
    ("member_events", "detail"),
    ("channels", "name"),
    ("communities", "name"),
    ("communities", "source"),
    ("ingest_runs", "source"),
    ("quarantine", "source"),
    ("triage_log", "text"),
    ("handoffs", "text"),
)


@dataclass
class ForgetReport:
    """What :func:`forget_member` erased: rows per table, files removed, files to delete."""

    member_id: str
    found: bool
    rows: dict[str, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    written: list[tuple[Path, str]] = field(default_factory=list)
    """Files handed to the user earlier (reports) that may still name the person."""
    rewritten: bool = False
    short_terms: list[str] = field(default_factory=list)
    """Terms too short to redact from free text (see :data:`MIN_TERM`)."""
    terms: list[str] = field(default_factory=list)
    """The terms that name the person (redacted from text, matched as triage authors)."""
    linked: list[str] = field(default_factory=list)
    """Other members of the same person (erased with it by :func:`forget_member`)."""

    @property
    def total(self) -> int:
        """Rows erased or changed, over every table."""
        return sum(self.rows.values())


def derived_paths(db: Path) -> list[Path]:
    """Files tribu derives from a warehouse and owns, which may hold people (if present)."""
    return owned_paths(db)


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


def _pending(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(_count(con, "SELECT count(*) FROM meta WHERE key = ?", [_PENDING_KEY]))


def forget_member(
    member_id: str,
    *,
    db: str | os.PathLike[str] | None = None,
    raw_terms: tuple[str, ...] = (),
) -> ForgetReport:
    """Erase ``member_id`` from every table and owned file; report what went and what is left.

    ``raw_terms`` (the platform id or names the user gave) are erased too from raw text:
    quarantined records holding one are deleted, other text has them replaced by
    :data:`REDACTED`. Quarantine and system notices keep raw input, which is not
    pseudonymised.
    """
    path = resolve_db_path(db)
    if not path.is_file():
        raise WarehouseError(
            f"No warehouse at {path}; nothing to forget. Pass --db PATH."
        )
    con = open_warehouse(path)
    try:
        con.execute("SET enable_progress_bar = false")  # the CLI shows its own status
        report = erase(con, member_id, raw_terms=raw_terms)
        # The person goes with every identity linked to it (tribu people merges).
        for other in report.linked:
            more = erase(con, other)
            for table, count in more.rows.items():
                report.rows[table] = report.rows.get(table, 0) + count
        pending = _pending(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    from tribu.live.queue import forget_in_queue  # the live queue file beside it
    from tribu.triage.store import forget_in_journal  # the triage journal beside it

    in_journal = forget_in_journal(path, report.terms, redacted=REDACTED)
    in_journal.update(forget_in_queue(path, report.terms))
    report.rows.update(in_journal)
    report.found = report.found or bool(in_journal)
    if report.found or pending:
        for owned in owned_paths(path):
            if owned.is_dir() and not owned.is_symlink():
                shutil.rmtree(owned)
            else:
                owned.unlink()
            report.files.append(owned)
        rewrite_database(path, then=_finish_erasure)
        report.rewritten = True
    if report.found:
        report.written = written_files(path)
    return report


def _finish_erasure(con: duckdb.DuckDBPyConnection) -> None:
    """On the rewritten copy: the erasure is complete, and a new generation starts."""
    con.execute("DELETE FROM meta WHERE key = ?", [_PENDING_KEY])
    bump_erasure_generation(con)


def _terms_of(
    con: duckdb.DuckDBPyConnection, member_id: str, raw_terms: tuple[str, ...]
) -> list[str]:
    """The strings that name the person: given ones, the id, and real key/name if kept."""
    terms = [member_id, *raw_terms]
    row = con.execute(
        "SELECT community_id, display_name FROM members WHERE member_id = ?",
        [member_id],
    ).fetchone()
    if row is not None and member_id.startswith(row[0] + "/"):
        terms.append(member_id[len(row[0]) + 1 :])  # --keep-names: the platform key
        if row[1]:
            terms.append(row[1])  # and the real name
    seen: dict[str, None] = {}
    for term in terms:
        if term.strip():
            seen.setdefault(term.strip(), None)
    return list(seen)


def _redact(
    con: duckdb.DuckDBPyConnection, terms: list[str], rows: dict[str, int]
) -> None:
    """Replace whole-word, any-case ``terms`` by :data:`REDACTED` in every raw text column."""
    if not terms:
        return
    ordered = sorted(terms, key=len, reverse=True)  # "Alice Martin" before "Alice"
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(t) for t in ordered) + r")(?!\w)",
        re.IGNORECASE,
    )
    lowered = [t.lower() for t in ordered]
    for table, column in _RAW_TEXT:
        where = " OR ".join(f"contains(lower({column}), ?)" for _ in lowered)
        candidates = con.execute(
            f"SELECT rowid, {column} FROM {table} WHERE {where}", lowered
        ).fetchall()
        changes = [
            [pattern.sub(REDACTED, text), rowid]
            for rowid, text in candidates
            if pattern.search(text)
        ]
        if changes:
            con.executemany(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", changes)
            key = f"{table}.{column}"
            rows[key] = rows.get(key, 0) + len(changes)


def erase(
    con: duckdb.DuckDBPyConnection, member_id: str, *, raw_terms: tuple[str, ...] = ()
) -> ForgetReport:
    """Delete one member's rows and redact their terms in one transaction.

    The file work (owned files, rewrite) is the caller's; a warehouse where something was
    erased is marked pending until it is rewritten.
    """
    report = ForgetReport(member_id, found=False)
    rows = report.rows
    p = [member_id]
    with transaction(con):
        terms = _terms_of(con, member_id, raw_terms)
        report.short_terms = [t for t in terms if len(t) < MIN_TERM]
        in_members = _count(con, "SELECT count(*) FROM members WHERE member_id = ?", p)
        report.linked = [
            r[0]
            for r in con.execute(
                "SELECT member_id FROM person_links WHERE member_id <> ? AND person_id "
                "IN (SELECT person_id FROM person_links WHERE member_id = ?) "
                "ORDER BY member_id",
                p * 2,
            ).fetchall()
        ]
        wrote = "SELECT message_id FROM messages WHERE author_id = ?"
        asked = "SELECT poll_id FROM polls WHERE author_id = ?"
        steps = [
            ("enrichment", f"DELETE FROM enrichment WHERE message_id IN ({wrote})"),
            ("handoffs", f"DELETE FROM handoffs WHERE message_id IN ({wrote})"),
            (
                "reactions",
                f"DELETE FROM reactions WHERE message_id IN ({wrote}) OR member_id = ?",
            ),
            ("messages", "DELETE FROM messages WHERE author_id = ?"),
            (
                "poll_votes",
                f"DELETE FROM poll_votes WHERE poll_id IN ({asked}) OR member_id = ?",
            ),
            ("poll_options", f"DELETE FROM poll_options WHERE poll_id IN ({asked})"),
            ("polls", "DELETE FROM polls WHERE author_id = ?"),
            (
                "survey_answers",
                "DELETE FROM survey_answers WHERE response_id IN "
                "(SELECT response_id FROM survey_responses WHERE member_id = ?)",
            ),
            ("survey_responses", "DELETE FROM survey_responses WHERE member_id = ?"),
            ("member_events", "DELETE FROM member_events WHERE member_id = ?"),
            ("members", "DELETE FROM members WHERE member_id = ?"),
            # The people layer: the person, its link, keys, decisions, suggestions.
            (
                "people",
                "DELETE FROM people WHERE person_id IN "
                "(SELECT person_id FROM person_links WHERE member_id = ?)",
            ),
            ("person_links", "DELETE FROM person_links WHERE member_id = ?"),
            ("identity_keys", "DELETE FROM identity_keys WHERE member_id = ?"),
            (
                "people_decisions",
                "DELETE FROM people_decisions WHERE list_contains(member_ids, ?) "
                "OR contains(CAST(before AS VARCHAR), ?)",
            ),
            (
                "people_suggestions",
                "DELETE FROM people_suggestions WHERE member_a = ? OR member_b = ?",
            ),
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
        # The user's own terms whatever their length; the ones found here if long enough.
        long_terms = [t for t in terms if len(t) >= MIN_TERM]
        report.terms = long_terms
        folded = [t.lower() for t in long_terms]
        authors = _count(
            con,
            "SELECT (SELECT count(*) FROM triage_log WHERE list_contains(?, lower(author))) "
            "+ (SELECT count(*) FROM handoffs WHERE list_contains(?, lower(author)))",
            [folded, folded],
        )
        if authors:  # the warehouse copies of the triage journal
            for table in ("triage_log", "handoffs"):
                con.execute(
                    f"DELETE FROM {table} WHERE list_contains(?, lower(author))",
                    [folded],
                )
            rows["triage copies"] = authors
        for term in dict.fromkeys(t for t in [*raw_terms, *long_terms] if t):
            hits = _count(
                con, "SELECT count(*) FROM quarantine WHERE contains(raw, ?)", [term]
            )
            if hits:
                con.execute("DELETE FROM quarantine WHERE contains(raw, ?)", [term])
                rows["quarantine"] = rows.get("quarantine", 0) + hits
        if in_members or rows:
            _redact(con, long_terms, rows)
            con.execute("INSERT OR REPLACE INTO meta VALUES (?, '1')", [_PENDING_KEY])
    report.found = bool(in_members or rows)
    return report
