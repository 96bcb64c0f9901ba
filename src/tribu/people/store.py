"""Merge, reject and undo in the warehouse, keeping the history of every decision.

Tables (``docs/schema.md``): ``people``, ``person_links`` (member -> person),
``identity_keys``, ``people_decisions`` and ``people_suggestions``. Every member starts as
their own person ``p:<member_id>``.

- :func:`suggest` runs the engine over the warehouse, applies the auto-merges (actor
  ``tribu``) and replaces the open suggestions. Pairs already one person and pairs rejected
  (or unmerged) before are never suggested again.
- :func:`merge` joins the people of two members. The decision row keeps who, when, why, the
  evidence and, in ``before``, the ``people`` and ``person_links`` rows it changed.
- :func:`unmerge` puts those rows back exactly as they were (a later merge touching the same
  people has to be undone first) and records the pair as rejected.
- :func:`reject` records that two members are not one person.

Member rows are never changed by any of these: only the link is.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb

from tribu.errors import TribuError
from tribu.people.engine import Identity, Plan, Suggestion, identity_from_keys, plan
from tribu.warehouse.identities import sync_people
from tribu.warehouse.store import transaction

__all__ = [
    "BulkResult",
    "PeopleError",
    "accept_many",
    "active_counts",
    "SuggestReport",
    "decisions",
    "load_identities",
    "merge",
    "person_of",
    "person_view",
    "reject",
    "reject_many",
    "rejected_pairs",
    "suggest",
    "suggestions",
    "unmerge",
]

_LINK = r"https?://[^\s<>()\"']+"
"""A link in a message (its trailing punctuation is kept: links are compared as shared)."""


class PeopleError(TribuError):
    """A merge, unmerge or rejection that cannot be done (unknown member, veto, order)."""


@dataclass
class SuggestReport:
    """What :func:`suggest` did."""

    members: int
    compared: int
    auto_merged: list[str] = field(default_factory=list)
    """Decision ids of the auto-merges."""
    suggestions: int = 0


def _now() -> datetime:
    return datetime.now(UTC)


def load_identities(con: duckdb.DuckDBPyConnection) -> list[Identity]:
    """One :class:`Identity` per member: its identity keys and the links it shared by day."""
    links: dict[str, set[str]] = {}
    rows = con.execute(
        """
        SELECT author_id, list(DISTINCT url || '@' || strftime(ts, '%Y-%m-%d'))
        FROM (SELECT author_id, ts, unnest(regexp_extract_all(text, ?)) AS url
              FROM messages WHERE contains(text, 'http'))
        GROUP BY author_id
        """,
        [_LINK],
    ).fetchall()
    for author, keys in rows:
        links[str(author)] = set(keys)
    members = con.execute(
        """
        SELECT m.member_id, m.community_id, m.is_bot OR m.is_brand,
               list(k.kind ORDER BY k.kind, k.key) FILTER (WHERE k.kind IS NOT NULL),
               list(k.key ORDER BY k.kind, k.key) FILTER (WHERE k.kind IS NOT NULL)
        FROM members m LEFT JOIN identity_keys k USING (member_id)
        GROUP BY ALL ORDER BY m.member_id
        """
    ).fetchall()
    return [
        identity_from_keys(
            member_id,
            community_id,
            list(zip(kinds or [], keys or [], strict=True)),
            is_bot=bool(bot),
            links=frozenset(links.get(member_id, ())),
        )
        for member_id, community_id, bot, kinds, keys in members
    ]


def person_of(con: duckdb.DuckDBPyConnection, member_id: str) -> str:
    """The person id of a member (PeopleError when the member is unknown)."""
    row = con.execute(
        "SELECT person_id FROM person_links WHERE member_id = ?", [member_id]
    ).fetchone()
    if row is None:
        known = con.execute(
            "SELECT count(*) FROM members WHERE member_id = ?", [member_id]
        ).fetchone()
        if not known or not known[0]:
            raise PeopleError(
                f"No member {member_id!r} in the warehouse. "
                "List members with 'tribu people show' or the members table."
            )
        sync_people(con)
        return person_of(con, member_id)
    return str(row[0])


def _links_of(
    con: duckdb.DuckDBPyConnection, person_ids: Sequence[str]
) -> list[list[Any]]:
    return [
        list(r)
        for r in con.execute(
            "SELECT member_id, person_id, decision_id FROM person_links "
            "WHERE list_contains(?, person_id) ORDER BY member_id",
            [list(person_ids)],
        ).fetchall()
    ]


def _people_rows(
    con: duckdb.DuckDBPyConnection, person_ids: Sequence[str]
) -> list[list[Any]]:
    return [
        [r[0], r[1].isoformat()]
        for r in con.execute(
            "SELECT person_id, created_at FROM people WHERE list_contains(?, person_id) "
            "ORDER BY person_id",
            [list(person_ids)],
        ).fetchall()
    ]


def rejected_pairs(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """Pairs of member ids (sorted) rejected or unmerged, never to be suggested again."""
    rows = con.execute(
        "SELECT member_ids FROM people_decisions "
        "WHERE action IN ('reject', 'unmerge') AND undone_by IS NULL"
    ).fetchall()
    return {(min(r[0][:2]), max(r[0][:2])) for r in rows if len(r[0]) >= 2}


def _record(
    con: duckdb.DuckDBPyConnection,
    *,
    actor: str,
    action: str,
    members: Sequence[str],
    reason: str,
    confidence: float | None = None,
    evidence: Iterable[dict[str, object]] = (),
    before: dict[str, Any] | None = None,
) -> str:
    decision_id = "d_" + uuid.uuid4().hex[:16]
    con.execute(
        "INSERT INTO people_decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
        [
            decision_id,
            _now(),
            actor,
            action,
            list(members),
            confidence,
            reason,
            json.dumps(list(evidence)),
            json.dumps(before) if before is not None else None,
        ],
    )
    return decision_id


def _forget_suggestion(con: duckdb.DuckDBPyConnection, a: str, b: str) -> None:
    con.execute(
        "DELETE FROM people_suggestions WHERE (member_a = ? AND member_b = ?) "
        "OR (member_a = ? AND member_b = ?)",
        [a, b, b, a],
    )


def _merge(
    con: duckdb.DuckDBPyConnection,
    a: str,
    b: str,
    *,
    actor: str,
    reason: str,
    confidence: float | None,
    evidence: Iterable[dict[str, object]],
    action: str,
) -> str:
    pa, pb = person_of(con, a), person_of(con, b)
    if pa == pb:
        raise PeopleError(f"{a} and {b} are already one person ({pa}).")
    shared = con.execute(
        "SELECT m.community_id FROM person_links l JOIN members m USING (member_id) "
        "WHERE l.person_id = ? INTERSECT "
        "SELECT m.community_id FROM person_links l JOIN members m USING (member_id) "
        "WHERE l.person_id = ?",
        [pa, pb],
    ).fetchall()
    if shared:
        raise PeopleError(
            f"{a} and {b} cannot be one person: both people have a member in "
            f"{shared[0][0]} (one person is one account per community)."
        )
    bots = con.execute(
        "SELECT count(*) FROM members WHERE list_contains(?, member_id) "
        "AND (is_bot OR is_brand)",
        [[a, b]],
    ).fetchone()
    if bots and bots[0]:
        raise PeopleError(
            f"{a} and {b} cannot be merged: bots and brand accounts are not people."
        )
    keep, gone = sorted((pa, pb))
    before = {"people": _people_rows(con, [pa, pb]), "links": _links_of(con, [pa, pb])}
    decision_id = _record(
        con,
        actor=actor,
        action=action,
        members=sorted((a, b)),
        reason=reason,
        confidence=confidence,
        evidence=evidence,
        before=before,
    )
    con.execute(
        "UPDATE person_links SET person_id = ?, decision_id = ? WHERE person_id = ?",
        [keep, decision_id, gone],
    )
    con.execute("DELETE FROM people WHERE person_id = ?", [gone])
    _forget_suggestion(con, a, b)
    return decision_id


def merge(
    con: duckdb.DuckDBPyConnection,
    a: str,
    b: str,
    *,
    actor: str,
    reason: str = "",
    confidence: float | None = None,
    evidence: Iterable[dict[str, object]] = (),
) -> str:
    """Make the people of members ``a`` and ``b`` one person; return the decision id.

    The surviving person id is the smaller of the two. Refused (PeopleError) when they are
    one person already, when both people have a member in one community, or for a bot.
    """
    with transaction(con):
        return _merge(
            con,
            a,
            b,
            actor=actor,
            reason=reason,
            confidence=confidence,
            evidence=evidence,
            action="merge",
        )


@dataclass
class BulkResult:
    """What a bulk accept or reject did: decisions made, pairs skipped and why."""

    decisions: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)


def accept_many(
    con: duckdb.DuckDBPyConnection,
    pairs: Iterable[tuple[str, str]],
    *,
    actor: str,
    reason: str = "",
) -> BulkResult:
    """Merge each pair (one decision each), in one transaction; skip what cannot be merged.

    A pair already one person (an earlier pair of the batch joined them) or vetoed is
    skipped with the reason, never an error: the rest of the batch goes through.
    """
    out = BulkResult()
    with transaction(con):
        for a, b in pairs:
            evidence, confidence = _suggested(con, a, b)
            try:
                out.decisions.append(
                    _merge(
                        con,
                        a,
                        b,
                        actor=actor,
                        reason=reason,
                        confidence=confidence,
                        evidence=evidence,
                        action="merge",
                    )
                )
            except PeopleError as exc:
                out.skipped.append((a, b, str(exc)))
    return out


def reject_many(
    con: duckdb.DuckDBPyConnection,
    pairs: Iterable[tuple[str, str]],
    *,
    actor: str,
    reason: str = "",
) -> BulkResult:
    """Reject each pair (one decision each), in one transaction."""
    out = BulkResult()
    with transaction(con):
        for a, b in pairs:
            try:
                person_of(con, a), person_of(con, b)
            except PeopleError as exc:
                out.skipped.append((a, b, str(exc)))
                continue
            _forget_suggestion(con, a, b)
            out.decisions.append(
                _record(
                    con,
                    actor=actor,
                    action="reject",
                    members=sorted((a, b)),
                    reason=reason,
                )
            )
    return out


def _suggested(
    con: duckdb.DuckDBPyConnection, a: str, b: str
) -> tuple[list[dict[str, object]], float | None]:
    row = con.execute(
        "SELECT evidence, confidence FROM people_suggestions WHERE "
        "(member_a = ? AND member_b = ?) OR (member_a = ? AND member_b = ?)",
        [a, b, b, a],
    ).fetchone()
    return (json.loads(row[0]), float(row[1])) if row else ([], None)


def reject(
    con: duckdb.DuckDBPyConnection, a: str, b: str, *, actor: str, reason: str = ""
) -> str:
    """Record that ``a`` and ``b`` are not one person; they are not suggested again."""
    with transaction(con):
        person_of(con, a), person_of(con, b)  # both must exist
        _forget_suggestion(con, a, b)
        return _record(
            con, actor=actor, action="reject", members=sorted((a, b)), reason=reason
        )


def _decision_to_undo(con: duckdb.DuckDBPyConnection, target: str) -> tuple[Any, ...]:
    """The merge decision named by ``target`` (decision id), or the member's latest one."""
    row = con.execute(
        "SELECT decision_id, member_ids, before FROM people_decisions "
        "WHERE action IN ('merge', 'auto-merge') AND undone_by IS NULL "
        "AND (decision_id = ? OR list_contains(member_ids, ?)) "
        "ORDER BY ts DESC LIMIT 1",
        [target, target],
    ).fetchone()
    if row is None:
        # A member merged as part of a bigger person: its person's latest merge.
        row = con.execute(
            "SELECT d.decision_id, d.member_ids, d.before FROM people_decisions d "
            "JOIN person_links l ON l.decision_id = d.decision_id "
            "WHERE l.member_id = ? AND d.undone_by IS NULL",
            [target],
        ).fetchone()
    if row is None:
        raise PeopleError(
            f"No merge to undo for {target!r}: give a merge's decision id or a merged "
            "member id (see 'tribu people show MEMBER')."
        )
    return tuple(row)


def unmerge(
    con: duckdb.DuckDBPyConnection, target: str, *, actor: str, reason: str = ""
) -> str:
    """Undo a merge (by decision id, or a member's latest merge); return the new decision.

    The ``people`` and ``person_links`` rows the merge changed come back exactly as they
    were. A later merge of the same person must be undone first (PeopleError says which).
    The pair is then rejected: it will not be suggested or auto-merged again.
    """
    with transaction(con):
        decision_id, members, before_json = _decision_to_undo(con, target)
        before = json.loads(before_json)
        linked = {r[0] for r in before["links"]}
        current = con.execute(
            "SELECT DISTINCT l.person_id, l.decision_id FROM person_links l "
            "WHERE list_contains(?, l.member_id)",
            [sorted(linked)],
        ).fetchall()
        persons = {r[0] for r in current}
        now_members = {
            r[0]
            for r in con.execute(
                "SELECT member_id FROM person_links WHERE list_contains(?, person_id)",
                [sorted(persons)],
            ).fetchall()
        }
        if len(persons) != 1 or now_members != linked:
            later = con.execute(
                "SELECT decision_id FROM people_decisions WHERE undone_by IS NULL "
                "AND action IN ('merge', 'auto-merge') AND decision_id <> ? AND "
                "len(list_intersect(member_ids, ?)) > 0 ORDER BY ts DESC LIMIT 1",
                [decision_id, sorted(now_members | linked)],
            ).fetchone()
            name = later[0] if later else "a later merge"
            raise PeopleError(
                f"Cannot undo {decision_id}: the person was merged again since "
                f"({name}). Undo {name} first."
            )
        undo_id = _record(
            con,
            actor=actor,
            action="unmerge",
            members=list(members),
            reason=reason or f"undo {decision_id}",
            before=None,
        )
        con.execute(
            "DELETE FROM person_links WHERE list_contains(?, member_id)",
            [sorted(linked)],
        )
        con.execute(
            "DELETE FROM people WHERE list_contains(?, person_id)", [sorted(persons)]
        )
        con.executemany(
            "INSERT INTO person_links VALUES (?, ?, ?)",
            [list(r) for r in before["links"]],
        )
        con.executemany(
            "INSERT INTO people VALUES (?, ?::TIMESTAMPTZ)",
            [list(r) for r in before["people"]],
        )
        con.execute(
            "UPDATE people_decisions SET undone_by = ? WHERE decision_id = ?",
            [undo_id, decision_id],
        )
        return undo_id


def suggest(
    con: duckdb.DuckDBPyConnection,
    *,
    auto: bool = True,
    actor: str = "tribu",
    on_progress: Callable[[int, int], None] | None = None,
) -> SuggestReport:
    """Run the engine on the warehouse: apply auto-merges, replace the open suggestions."""
    with transaction(con):
        sync_people(con)
    identities = load_identities(con)
    groups = dict(
        con.execute("SELECT member_id, person_id FROM person_links").fetchall()
    )
    rejected = rejected_pairs(con)

    def skip(a: str, b: str) -> bool:
        return (a, b) in rejected or groups.get(a, a) == groups.get(b, b)

    result: Plan = plan(
        identities, skip=skip, groups_of=groups, on_progress=on_progress
    )
    report = SuggestReport(members=len(identities), compared=result.compared)
    review: list[Suggestion] = list(result.review)
    with transaction(con):
        for s in result.auto:
            if not auto:
                review.append(s)
                continue
            report.auto_merged.append(
                _merge(
                    con,
                    s.member_a,
                    s.member_b,
                    actor=actor,
                    reason="auto-merge: " + ", ".join(e.kind for e in s.evidence),
                    confidence=s.confidence,
                    evidence=[e.as_dict() for e in s.evidence],
                    action="auto-merge",
                )
            )
        con.execute("DELETE FROM people_suggestions")
        now = _now()
        con.executemany(
            "INSERT INTO people_suggestions VALUES (?, ?, ?, ?, ?)",
            [
                [
                    s.member_a,
                    s.member_b,
                    s.confidence,
                    json.dumps([e.as_dict() for e in s.evidence]),
                    now,
                ]
                for s in sorted(review, key=lambda s: (-s.confidence, s.member_a))
            ],
        )
        report.suggestions = len(review)
    return report


def suggestions(
    con: duckdb.DuckDBPyConnection, *, limit: int | None = None
) -> list[dict[str, Any]]:
    """Open suggestions, strongest first, with both members side by side."""
    sql = """
        SELECT s.member_a, s.member_b, s.confidence, s.evidence,
               a.community_id, a.display_name, b.community_id, b.display_name
        FROM people_suggestions s
        JOIN members a ON a.member_id = s.member_a
        JOIN members b ON b.member_id = s.member_b
        ORDER BY s.confidence DESC, s.member_a, s.member_b
    """
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [
        {
            "member_a": r[0],
            "member_b": r[1],
            "confidence": r[2],
            "evidence": json.loads(r[3]),
            "a": {"member_id": r[0], "community_id": r[4], "display_name": r[5]},
            "b": {"member_id": r[1], "community_id": r[6], "display_name": r[7]},
        }
        for r in con.execute(sql).fetchall()
    ]


def decisions(
    con: duckdb.DuckDBPyConnection, member_id: str | None = None
) -> list[dict[str, Any]]:
    """The history of decisions (all, or those naming ``member_id``), oldest first."""
    rows = con.execute(
        "SELECT decision_id, ts, actor, action, member_ids, confidence, reason, undone_by "
        "FROM people_decisions WHERE ? IS NULL OR list_contains(member_ids, ?) "
        "ORDER BY ts, decision_id",
        [member_id, member_id],
    ).fetchall()
    return [
        {
            "decision_id": r[0],
            "ts": r[1].isoformat(),
            "actor": r[2],
            "action": r[3],
            "member_ids": list(r[4]),
            "confidence": r[5],
            "reason": r[6],
            "undone_by": r[7],
        }
        for r in rows
    ]


def person_view(con: duckdb.DuckDBPyConnection, member_id: str) -> dict[str, Any]:
    """A member's person: its members (community, name) and the decisions about them."""
    person = person_of(con, member_id)
    members = con.execute(
        "SELECT m.member_id, m.community_id, m.display_name, l.decision_id "
        "FROM person_links l JOIN members m USING (member_id) WHERE l.person_id = ? "
        "ORDER BY m.community_id, m.member_id",
        [person],
    ).fetchall()
    ids = [r[0] for r in members]
    history = [d for d in decisions(con) if set(d["member_ids"]) & set(ids)]
    return {
        "person_id": person,
        "members": [
            {
                "member_id": r[0],
                "community_id": r[1],
                "display_name": r[2],
                "linked_by": r[3],
            }
            for r in members
        ],
        "decisions": history,
    }


def active_counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(active members, active people) over every community, as ``active_people`` counts.

    Authors of at least one message, brand accounts and bots left out; a member without a
    link is their own person.
    """
    row = con.execute(
        "SELECT count(DISTINCT m.author_id), "
        "count(DISTINCT coalesce(l.person_id, 'p:' || m.author_id)) "
        "FROM messages m LEFT JOIN person_links l ON l.member_id = m.author_id "
        "WHERE m.author_id NOT IN (SELECT member_id FROM members WHERE is_bot OR is_brand)"
    ).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)
