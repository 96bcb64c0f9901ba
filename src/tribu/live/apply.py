"""Apply live operations to the canonical tables, in one transaction per batch, idempotently.

Ids are made exactly as an export's ingest makes them (:mod:`tribu.warehouse._staging` and
:mod:`tribu.warehouse._merge`): ``community_id = "<platform>:<community key>"``, ``message_id =
"<community_id>/<message key>"``, ``channel_id = "<community_id>/<channel key>"``, people
through :class:`tribu.warehouse._people.People` with the warehouse's own secret. So a message
that arrived live and the same message in a later export are one row.

A batch is applied as if its operations ran one after another, but with set-based SQL (a
handful of statements per batch, whatever its size): operations are first folded per key in
Python (the last state of each message and of each (message, member, emoji) reaction), then:

- posts are inserted unless their id is already there (a replay changes nothing; a later
  export replaces the row, as any export does); a thread's root, posted before it had
  replies, gets its own id as ``thread_id`` when a reply arrives (as exports write it);
- edits set ``text``, ``edited_at`` and ``mentions``, and drop the message's enrichment (stale);
- deletions remove the message, its reactions and its enrichment;
- a reaction added is one row ``(message, member, emoji, count 1, ts)`` unless that row exists;
  a reaction removed deletes it; the message's ``reaction_count`` is then the sum of its rows;
- joins and leaves are ``member_events`` rows, one per (member, kind, ts), as at ingest;
- communities, channels and members met for the first time get their rows (a member's shown
  name is the pseudonym, unless the warehouse keeps names).

Applying the same batch twice gives the same tables (each step sets a state, none adds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from tribu.config import TribuConfig
from tribu.connectors._records import Message
from tribu.live.ops import Delete, Edit, MemberSeen, Op, Post, React, Unreact, Where
from tribu.live.queue import Activity
from tribu.warehouse._people import People
from tribu.warehouse.store import pseudonym_secret, transaction

__all__ = ["AppliedBatch", "apply_ops"]

_TS = pa.timestamp("us", tz="UTC")


@dataclass
class AppliedBatch:
    """What a batch did: one :class:`Activity` per operation, in order."""

    activity: list[Activity] = field(default_factory=list)


@dataclass
class _MessageState:
    post: Message | None = None
    replace: bool = False  # deleted earlier in the batch, posted again
    deleted: bool = False
    edit: Edit | None = None


def _cid(where: Where) -> str:
    return f"{where.platform}:{where.community_key}"


class _Batch:
    def __init__(self, people: People) -> None:
        self.people = people
        self.communities: dict[str, tuple[str, str]] = {}
        self.channels: dict[str, tuple[str, str, str]] = {}
        # member_id -> (community_id, display_name, is_brand, is_bot)
        self.members: dict[str, tuple[str, str, bool, bool]] = {}
        self.messages: dict[str, _MessageState] = {}
        # (message_id, member_id, emoji) -> (add/remove, ts, community_id)
        self.reactions: dict[
            tuple[str, str, str], tuple[str, datetime | None, str]
        ] = {}
        self.events: list[tuple[str, str, str, datetime, str | None]] = []
        self.activity: list[Activity] = []

    def community(self, where: Where) -> str:
        cid = _cid(where)
        known = self.communities.get(cid)
        if known is None or (where.community_name and known[1] == where.community_key):
            self.communities[cid] = (
                where.platform,
                where.community_name or where.community_key,
            )
            self.people.set_community_name(cid, where.community_name)
        return cid

    def channel(self, cid: str, where: Where, key: str | None) -> str | None:
        if key is None:
            return None
        channel_id = f"{cid}/{key}"
        name = where.channel_name if key == where.channel_key else None
        if channel_id not in self.channels or name:
            self.channels[channel_id] = (cid, name or key, where.channel_kind)
        return channel_id

    def member(
        self, cid: str, key: str, raw_name: str | None, *, is_bot: bool = False
    ) -> str:
        person = self.people.person(cid, key, raw_name)
        if person.member_id not in self.members or is_bot:
            self.members[person.member_id] = (
                cid,
                person.display_name,
                person.is_brand,
                is_bot,
            )
        return person.member_id

    def add(self, op: Op) -> None:
        cid = self.community(op.where)
        if isinstance(op, Post):
            m = op.message
            channel_id = self.channel(cid, op.where, m.channel_key)
            self.member(cid, m.author_key, m.author_name, is_bot=m.author_is_bot)
            state = self.messages.setdefault(f"{cid}/{m.message_key}", _MessageState())
            state.replace = state.replace or state.deleted
            state.post, state.deleted, state.edit = m, False, None
            self._act("message", cid, channel_id, m.ts)
        elif isinstance(op, Edit):
            state = self.messages.setdefault(f"{cid}/{op.message_key}", _MessageState())
            if state.post is not None:
                state.post = replace(
                    state.post,
                    text=op.text,
                    edited_at=op.edited_at or state.post.edited_at,
                    mention_keys=op.mention_keys,
                )
            elif not state.deleted:
                state.edit = op
            self._act(
                "edit",
                cid,
                self.channel(cid, op.where, op.where.channel_key),
                op.edited_at,
            )
        elif isinstance(op, Delete):
            state = self.messages.setdefault(f"{cid}/{op.message_key}", _MessageState())
            state.post, state.edit, state.deleted = None, None, True
            self._act(
                "delete", cid, self.channel(cid, op.where, op.where.channel_key), None
            )
        elif isinstance(op, React):
            member_id = self.member(cid, op.member_key, None)
            key = (f"{cid}/{op.message_key}", member_id, op.emoji)
            if key not in self.reactions or self.reactions[key][0] != "add":
                self.reactions[key] = ("add", op.ts, cid)
            self._act(
                "reaction",
                cid,
                self.channel(cid, op.where, op.where.channel_key),
                op.ts,
            )
        elif isinstance(op, Unreact):
            member_id = self.member(cid, op.member_key, None)
            self.reactions[(f"{cid}/{op.message_key}", member_id, op.emoji)] = (
                "remove",
                None,
                cid,
            )
            self._act(
                "unreaction",
                cid,
                self.channel(cid, op.where, op.where.channel_key),
                None,
            )
        elif isinstance(op, MemberSeen):
            e = op.event
            member_id = self.member(cid, e.member_key, e.member_name, is_bot=op.is_bot)
            self.events.append((member_id, cid, e.kind, e.ts, e.detail))
            self._act(e.kind, cid, None, e.ts)
        else:  # pragma: no cover - the Op union is closed
            raise TypeError(f"not a live operation: {op!r}")

    def _act(
        self, kind: str, cid: str, channel_id: str | None, ts: datetime | None
    ) -> None:
        self.activity.append(
            Activity(kind, cid, channel_id, ts.timestamp() if ts else None)
        )


def apply_ops(
    con: duckdb.DuckDBPyConnection,
    ops: Sequence[Op],
    *,
    config: TribuConfig | None = None,
    keep_names: bool = False,
) -> AppliedBatch:
    """Apply ``ops`` in one transaction (all or nothing) and say what they did."""
    people = People(
        pseudonym_secret(con), keep_names=keep_names, config=config or TribuConfig()
    )
    batch = _Batch(people)
    for op in ops:
        batch.add(op)
    with transaction(con):
        _write(con, batch)
    return AppliedBatch(batch.activity)


def _register(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    con.register(name, table)


def _write(con: duckdb.DuckDBPyConnection, b: _Batch) -> None:
    now = datetime.now(UTC)
    if b.communities:
        con.executemany(
            "INSERT INTO communities VALUES (?, ?, ?, 'live', ?) "
            "ON CONFLICT (community_id) DO NOTHING",
            [(cid, p, n, now) for cid, (p, n) in b.communities.items()],
        )
    if b.channels:
        con.executemany(
            "INSERT INTO channels VALUES (?, ?, ?, ?, NULL) "
            "ON CONFLICT (channel_id) DO NOTHING",
            [(ch, cid, n, k) for ch, (cid, n, k) in b.channels.items()],
        )
    if b.members:
        con.executemany(
            "INSERT INTO members VALUES (?, ?, ?, ?, ?, [], NULL) "
            "ON CONFLICT (member_id) DO UPDATE SET "
            "is_brand = members.is_brand OR excluded.is_brand, "
            "is_bot = members.is_bot OR excluded.is_bot",
            [(m, *rest) for m, rest in b.members.items()],
        )
    _write_messages(con, b)
    _write_reactions(con, b)
    if b.events:
        _register(
            con,
            "_live_events",
            pa.table(
                {
                    "member_id": [e[0] for e in b.events],
                    "community_id": [e[1] for e in b.events],
                    "kind": [e[2] for e in b.events],
                    "ts": pa.array([e[3] for e in b.events], _TS),
                    "detail": pa.array([e[4] for e in b.events], pa.string()),
                }
            ),
        )
        con.execute(
            """
            INSERT INTO member_events
            SELECT member_id, community_id, kind, ts, any_value(detail) FROM _live_events s
            WHERE NOT EXISTS (
                SELECT 1 FROM member_events e
                WHERE e.member_id = s.member_id AND e.kind = s.kind AND e.ts = s.ts)
            GROUP BY member_id, community_id, kind, ts
            """
        )
        con.execute(
            """
            UPDATE members SET joined_at = j.ts
            FROM (SELECT member_id, min(ts) AS ts FROM _live_events
                  WHERE kind = 'join' GROUP BY member_id) j
            WHERE members.member_id = j.member_id
              AND (members.joined_at IS NULL OR members.joined_at > j.ts)
            """
        )
        con.unregister("_live_events")


def _write_messages(con: duckdb.DuckDBPyConnection, b: _Batch) -> None:
    gone = [mid for mid, s in b.messages.items() if s.deleted or s.replace]
    if gone:
        con.execute("DELETE FROM messages WHERE list_contains(?, message_id)", [gone])
        con.execute("DELETE FROM enrichment WHERE list_contains(?, message_id)", [gone])
        deleted = [mid for mid, s in b.messages.items() if s.deleted]
        if deleted:
            con.execute(
                "DELETE FROM reactions WHERE list_contains(?, message_id)", [deleted]
            )
    posts = [(mid, s.post) for mid, s in b.messages.items() if s.post is not None]
    if posts:
        people = b.people
        rows: dict[str, list[object]] = {
            k: []
            for k in (
                "message_id",
                "community_id",
                "channel_id",
                "author_id",
                "ts",
                "text",
                "reply_to_id",
                "thread_id",
                "reaction_count",
                "attachment_count",
                "mentions",
                "edited_at",
            )
        }
        for mid, m in posts:
            cid = mid[: len(mid) - len(m.message_key) - 1]
            values = (
                mid,
                cid,
                f"{cid}/{m.channel_key}",
                people.member_id(cid, m.author_key),
                m.ts,
                m.text,
                f"{cid}/{m.reply_to_key}" if m.reply_to_key else None,
                f"{cid}/{m.thread_key}" if m.thread_key else None,
                m.reaction_count,
                m.attachment_count,
                [people.member_id(cid, k) for k in m.mention_keys]
                if m.mention_keys
                else None,
                m.edited_at,
            )
            for column, value in zip(rows, values, strict=True):
                rows[column].append(value)
        table = pa.table(
            {
                **rows,
                "ts": pa.array(rows["ts"], _TS),
                "edited_at": pa.array(rows["edited_at"], _TS),
                "mentions": pa.array(rows["mentions"], pa.list_(pa.string())),
                "reaction_count": pa.array(rows["reaction_count"], pa.int32()),
                "attachment_count": pa.array(rows["attachment_count"], pa.int32()),
                "reply_to_id": pa.array(rows["reply_to_id"], pa.string()),
                "thread_id": pa.array(rows["thread_id"], pa.string()),
            }
        )
        _register(con, "_live_posts", table)
        con.execute(
            """
            INSERT INTO messages
            SELECT p.* FROM _live_posts p
            WHERE p.message_id NOT IN (SELECT message_id FROM messages)
            """
        )
        # A thread's root was posted before it had replies: it joins its thread, as in an
        # export (where the root carries its own thread id).
        con.execute(
            """
            UPDATE messages SET thread_id = message_id
            WHERE thread_id IS NULL AND message_id IN (
                SELECT thread_id FROM _live_posts WHERE thread_id <> message_id)
            """
        )
        con.unregister("_live_posts")
    edits = [s.edit for s in b.messages.values() if s.edit is not None]
    if edits:
        ids, texts, times, mentions = [], [], [], []
        for e in edits:
            cid = _cid(e.where)
            ids.append(f"{cid}/{e.message_key}")
            texts.append(e.text)
            times.append(e.edited_at)
            mentions.append(
                [b.people.member_id(cid, k) for k in e.mention_keys]
                if e.mention_keys
                else None
            )
        _register(
            con,
            "_live_edits",
            pa.table(
                {
                    "message_id": ids,
                    "text": texts,
                    "edited_at": pa.array(times, _TS),
                    "mentions": pa.array(mentions, pa.list_(pa.string())),
                }
            ),
        )
        con.execute(
            """
            DELETE FROM enrichment WHERE message_id IN (
                SELECT m.message_id FROM messages m JOIN _live_edits e USING (message_id)
                WHERE m.text IS DISTINCT FROM e.text)
            """
        )
        con.execute(
            """
            UPDATE messages SET text = e.text,
                edited_at = coalesce(e.edited_at, messages.edited_at),
                mentions = e.mentions
            FROM _live_edits e WHERE messages.message_id = e.message_id
            """
        )
        con.unregister("_live_edits")


def _write_reactions(con: duckdb.DuckDBPyConnection, b: _Batch) -> None:
    if not b.reactions:
        return
    keys = list(b.reactions)
    cids = [b.reactions[k][2] for k in keys]
    _register(
        con,
        "_live_reactions",
        pa.table(
            {
                "message_id": [k[0] for k in keys],
                "community_id": cids,
                "member_id": [k[1] for k in keys],
                "emoji": [k[2] for k in keys],
                "op": [b.reactions[k][0] for k in keys],
                "ts": pa.array([b.reactions[k][1] for k in keys], _TS),
            }
        ),
    )
    # Every row of a touched (message, member, emoji) goes, then the added ones come back:
    # a reaction an export listed without its time gets the live time.
    con.execute(
        """
        DELETE FROM reactions WHERE EXISTS (
            SELECT 1 FROM _live_reactions r
            WHERE r.message_id = reactions.message_id AND r.emoji = reactions.emoji
              AND r.member_id = reactions.member_id
              AND (r.op = 'remove' OR reactions.ts IS NULL))
        """
    )
    con.execute(
        """
        INSERT INTO reactions
        SELECT r.message_id, r.community_id, r.member_id, r.emoji, 1, r.ts
        FROM _live_reactions r
        WHERE r.op = 'add' AND NOT EXISTS (
            SELECT 1 FROM reactions e
            WHERE e.message_id = r.message_id AND e.emoji = r.emoji
              AND e.member_id = r.member_id)
        """
    )
    con.execute(
        """
        UPDATE messages SET reaction_count = coalesce((
            SELECT sum(count) FROM reactions r WHERE r.message_id = messages.message_id), 0)
        WHERE message_id IN (SELECT DISTINCT message_id FROM _live_reactions)
        """
    )
    con.unregister("_live_reactions")
