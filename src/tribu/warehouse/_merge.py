"""Merge a run's staging Parquet files into the canonical tables, inside the run's transaction.

Rules (docs/ingest.md explains them for users):

- messages: one row per ``message_id``. Within a run the last one read wins (highest ``seq``);
  a message already in the warehouse is replaced (deleted, then inserted again): a later export
  wins. Uniqueness is kept here, not by a PRIMARY KEY (see :mod:`tribu.warehouse.schema`).
- enrichment: a reloaded message whose text changed loses its enrichment row (stale).
- reactions: a message's reactions are replaced whenever the message is loaded again; only the
  reactions read from the same file as the winning copy of the message are kept; a replaced
  row's time (known from a live event) stays when the new row has none. Reactions to a
  message not loaded in this run replace earlier rows of the same (message, member, emoji).
- member events: one per (member, kind, ts); system notices: one per identical row.
- members: a Member record updates the row (name, bot flag, roles, earliest join); a member
  known only as an author, reactor or event subject is inserted when missing.
- channels: Channel records replace their row; a channel seen only in messages is created.
- polls: a poll's id is its message's; a poll read again replaces its row, answers and named
  voters (the later copy wins), whatever file it came from.

Every statement is bulk SQL over ``read_parquet``: DuckDB streams and spills it, so memory does
not grow with the number of messages.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import duckdb
import pyarrow as pa

__all__ = ["drop_temp", "merge_stage"]


def _parquet(directories: list[Path], kind: str) -> str:
    """``read_parquet([...])`` of one kind's staging files in every folder of the run."""
    quoted = (str(d / f"{kind}.parquet").replace("'", "''") for d in directories)
    return "read_parquet([" + ", ".join(f"'{q}'" for q in quoted) + "])"


def _views(con: duckdb.DuckDBPyConnection, directory: Path | list[Path]) -> None:
    dirs = directory if isinstance(directory, list) else [directory]

    def cid_key(column: str) -> str:
        return f"CASE WHEN {column} IS NULL THEN NULL ELSE community_id || '/' || {column} END"

    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW _stage_messages AS
        SELECT seq, file_no, community_id,
               community_id || '/' || message_key AS message_id,
               community_id || '/' || channel_key AS channel_id,
               channel_key, author_id, ts, text,
               {cid_key("reply_to_key")} AS reply_to_id,
               {cid_key("thread_key")} AS thread_id,
               reaction_count, attachment_count, mentions, edited_at
        FROM {_parquet(dirs, "messages")}
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW _stage_reactions AS
        SELECT file_no, community_id, community_id || '/' || message_key AS message_id,
               member_id, emoji, count, ts
        FROM {_parquet(dirs, "reactions")}
        """
    )
    for kind in ("members", "member_events", "quarantine"):
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW _stage_{kind} AS "
            f"SELECT * FROM {_parquet(dirs, kind)}"
        )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW _stage_polls AS
        SELECT seq, file_no, community_id,
               community_id || '/' || message_key AS poll_id,
               community_id || '/' || channel_key AS channel_id,
               author_id, question, total_voters, multiple, closed, ends_at, source
        FROM {_parquet(dirs, "polls")}
        """
    )
    for kind in ("poll_options", "poll_votes"):
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW _stage_{kind} AS "
            f"SELECT *, community_id || '/' || message_key AS poll_id "
            f"FROM {_parquet(dirs, kind)}"
        )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW _stage_system_notices AS
        SELECT community_id, {cid_key("channel_key")} AS channel_id, kind, ts, text
        FROM {_parquet(dirs, "system_notices")}
        """
    )


def merge_stage(
    con: duckdb.DuckDBPyConnection,
    directory: Path | list[Path],
    *,
    communities: dict[str, tuple[str, str, str]],
    channels: dict[str, tuple[str, str, str, str | None]],
    runs: pa.Table,
) -> None:
    """Merge the staged run into the warehouse. The caller holds the transaction.

    ``directory`` is the staging folder, or a list of them (the run's and its shards').
    ``runs`` maps each ``file_no`` to its ``run_id`` and ``source`` (for the quarantine).
    Leaves the temp views ``_winners`` (message_id, community_id, file_no, ts), table
    ``_existing`` (ids that were already loaded) and view ``_kept_reactions`` for the summary;
    :func:`drop_temp` removes them.
    """
    _views(con, directory)
    con.register("_runs", runs)
    now = "now()"
    for cid, (platform, name, source) in communities.items():
        con.execute(
            f"INSERT OR REPLACE INTO communities VALUES (?, ?, ?, ?, {now})",
            [cid, platform, name, source],
        )
    if channels:
        rows = [(k, *v) for k, v in channels.items()]
        con.executemany("INSERT OR REPLACE INTO channels VALUES (?, ?, ?, ?, ?)", rows)
    losers = _merge_messages(con)
    con.execute(
        """
        INSERT INTO channels
        SELECT DISTINCT channel_id, community_id, channel_key, 'text', NULL
        FROM _stage_messages
        WHERE channel_id NOT IN (SELECT channel_id FROM channels)
        """
    )
    _merge_members(con)
    _merge_reactions(con, losers=losers)
    con.execute(
        """
        INSERT INTO member_events
        SELECT member_id, community_id, kind, ts, any_value(detail)
        FROM _stage_member_events s
        WHERE NOT EXISTS (
            SELECT 1 FROM member_events e
            WHERE e.member_id = s.member_id AND e.kind = s.kind AND e.ts = s.ts)
        GROUP BY member_id, community_id, kind, ts
        """
    )
    con.execute(
        """
        INSERT INTO system_notices
        SELECT DISTINCT * FROM _stage_system_notices s
        WHERE NOT EXISTS (
            SELECT 1 FROM system_notices e
            WHERE e.community_id = s.community_id
              AND e.channel_id IS NOT DISTINCT FROM s.channel_id
              AND e.kind = s.kind AND e.ts IS NOT DISTINCT FROM s.ts
              AND e.text IS NOT DISTINCT FROM s.text)
        """
    )
    _merge_polls(con)
    con.execute(
        """
        INSERT INTO quarantine
        SELECT r.run_id, r.source, q.locator, q.reason, q.raw
        FROM _stage_quarantine q JOIN _runs r USING (file_no)
        """
    )
    # A join event earlier than the known join date moves it back.
    con.execute(
        """
        UPDATE members SET joined_at = j.ts
        FROM (SELECT member_id, min(ts) AS ts FROM _stage_member_events
              WHERE kind = 'join' GROUP BY member_id) j
        WHERE members.member_id = j.member_id
          AND (members.joined_at IS NULL OR members.joined_at > j.ts)
        """
    )


def _merge_messages(con: duckdb.DuckDBPyConnection) -> int:
    """Load the winning copy of each staged message; return how many copies lost."""
    # Duplicates inside a run are rare: find candidates on a 64-bit hash (cheap to group),
    # then settle them on the real ids. The later copy (higher seq) wins.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _losers AS
        WITH candidates AS (
            SELECT hash(message_id) AS h FROM _stage_messages
            GROUP BY 1 HAVING count(*) > 1),
        copies AS (
            SELECT seq, file_no, message_id FROM _stage_messages
            WHERE hash(message_id) IN (SELECT h FROM candidates)),
        tops AS (
            SELECT message_id, arg_max(file_no, seq) AS top_file, max(seq) AS top
            FROM copies GROUP BY 1 HAVING count(*) > 1)
        SELECT c.seq, c.file_no, c.message_id, t.top_file
        FROM copies c JOIN tops t USING (message_id) WHERE c.seq < t.top
        """
    )
    losers = _scalar(con, "SELECT count(*) FROM _losers")
    communities = [
        row[0]
        for row in con.execute(
            "SELECT DISTINCT community_id FROM _stage_messages"
        ).fetchall()
    ]
    overlap = _scalar(
        con,
        "SELECT count(*) FROM messages WHERE list_contains(?, community_id)",
        [communities],
    )
    # Messages already in the warehouse that this run loads again (none on a first load).
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _existing AS "
        + (
            "SELECT message_id FROM messages "
            "WHERE message_id IN (SELECT message_id FROM _stage_messages)"
            if overlap
            else "SELECT NULL::VARCHAR AS message_id WHERE false"
        )
    )
    con.execute(
        "CREATE OR REPLACE TEMP VIEW _winning AS SELECT * FROM _stage_messages"
        + (" ANTI JOIN _losers USING (seq)" if losers else "")
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP VIEW _winners AS
        SELECT message_id, community_id, file_no, ts FROM _winning
        """
    )
    if _scalar(con, "SELECT count(*) FROM _existing"):
        # A reloaded message whose text changed loses its enrichment (it is stale).
        con.execute(
            """
            DELETE FROM enrichment WHERE message_id IN (
                SELECT m.message_id FROM messages m JOIN _winning w USING (message_id)
                WHERE m.text IS DISTINCT FROM w.text)
            """
        )
        con.execute(
            "DELETE FROM messages WHERE message_id IN (SELECT message_id FROM _existing)"
        )
    con.execute(
        """
        INSERT INTO messages
        SELECT message_id, community_id, channel_id, author_id, ts, text, reply_to_id,
               thread_id, reaction_count, attachment_count, mentions, edited_at
        FROM _winning
        """
    )
    return losers


def _scalar(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None
) -> int:
    row = con.execute(sql, params or []).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _merge_members(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _member_rows AS
        SELECT * FROM _stage_members
        QUALIFY row_number() OVER (
            PARTITION BY member_id ORDER BY from_record DESC, seq DESC) = 1
        """
    )
    con.execute(
        """
        INSERT INTO members
        SELECT member_id, community_id, display_name, is_brand, is_bot, roles, joined_at
        FROM _member_rows WHERE from_record
        ON CONFLICT (member_id) DO UPDATE SET
            display_name = excluded.display_name,
            is_bot = excluded.is_bot,
            roles = excluded.roles,
            is_brand = members.is_brand OR excluded.is_brand,
            joined_at = CASE
                WHEN members.joined_at IS NULL THEN excluded.joined_at
                WHEN excluded.joined_at IS NULL THEN members.joined_at
                ELSE least(members.joined_at, excluded.joined_at) END
        """
    )
    con.execute(
        """
        INSERT INTO members
        SELECT member_id, community_id, display_name, is_brand, is_bot, [], NULL
        FROM _member_rows WHERE NOT from_record
        ON CONFLICT (member_id) DO UPDATE SET
            is_brand = members.is_brand OR excluded.is_brand,
            is_bot = members.is_bot OR excluded.is_bot
        """
    )


def _merge_reactions(con: duckdb.DuckDBPyConnection, *, losers: int) -> None:
    # Reactions read with a losing copy of a message, from another file than the winning
    # copy, are dropped: the message's reactions are those of its latest export.
    kept = "SELECT message_id, community_id, member_id, emoji, count, ts FROM _stage_reactions"
    if losers:
        kept += """ r WHERE NOT EXISTS (
            SELECT 1 FROM _losers l WHERE l.message_id = r.message_id
              AND l.file_no = r.file_no AND l.file_no <> l.top_file)"""
    con.execute(f"CREATE OR REPLACE TEMP VIEW _kept_reactions AS {kept}")
    if not _scalar(con, "SELECT count(*) FROM _existing"):
        con.execute("INSERT INTO reactions SELECT * FROM _kept_reactions")
        return
    # Reloaded messages: their reactions are replaced by those read now. Reactions staged for
    # a message not reloaded in this run replace rows of the same (message, member, emoji).
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _orphans AS
        SELECT DISTINCT r.message_id, r.member_id, r.emoji FROM _stage_reactions r
        ANTI JOIN _winners w USING (message_id)
        """
    )
    # Times known from live events (exports mostly lose them) survive a reload that lists
    # the same (message, member, emoji) without a time (tribu.live.apply).
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _reaction_times AS
        SELECT message_id, member_id, emoji, min(ts) AS ts FROM reactions
        WHERE ts IS NOT NULL AND member_id IS NOT NULL
          AND (message_id IN (SELECT message_id FROM _existing)
               OR message_id IN (SELECT message_id FROM _orphans))
        GROUP BY ALL
        """
    )
    con.execute(
        "DELETE FROM reactions WHERE message_id IN (SELECT message_id FROM _existing)"
    )
    con.execute(
        """
        DELETE FROM reactions WHERE EXISTS (
            SELECT 1 FROM _orphans o
            WHERE o.message_id = reactions.message_id AND o.emoji = reactions.emoji
              AND o.member_id IS NOT DISTINCT FROM reactions.member_id)
        """
    )
    con.execute("INSERT INTO reactions SELECT * FROM _kept_reactions")
    con.execute(
        """
        UPDATE reactions SET ts = t.ts FROM _reaction_times t
        WHERE reactions.ts IS NULL AND reactions.message_id = t.message_id
          AND reactions.member_id = t.member_id AND reactions.emoji = t.emoji
        """
    )


def _merge_polls(con: duckdb.DuckDBPyConnection) -> None:
    """Polls: a poll read again replaces its row, options and voters (the later copy wins).

    A poll's id is its message's id; its author and time are the message's unless the poll
    names who asked (a Slack poll app posting for someone).
    """
    if not _scalar(con, "SELECT count(*) FROM _stage_polls"):
        return
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _poll_rows AS
        SELECT * FROM _stage_polls
        QUALIFY row_number() OVER (PARTITION BY poll_id ORDER BY seq DESC) = 1
        """
    )
    for table in ("poll_votes", "poll_options", "polls"):
        con.execute(
            f"DELETE FROM {table} WHERE poll_id IN (SELECT poll_id FROM _poll_rows)"
        )
    con.execute(
        """
        INSERT INTO polls
        SELECT p.poll_id, p.community_id, p.channel_id, m.message_id,
               coalesce(p.author_id, m.author_id), m.ts, p.question, p.source,
               p.multiple, p.closed, p.ends_at, p.total_voters
        FROM _poll_rows p LEFT JOIN messages m ON m.message_id = p.poll_id
        """
    )
    con.execute(
        """
        INSERT INTO poll_options
        SELECT o.poll_id, o.position, o.text, o.votes
        FROM _stage_poll_options o JOIN _poll_rows p USING (poll_id, seq)
        """
    )
    con.execute(
        """
        INSERT INTO poll_votes
        SELECT DISTINCT v.poll_id, v.position, v.member_id
        FROM _stage_poll_votes v JOIN _poll_rows p USING (poll_id, seq)
        """
    )


def drop_temp(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the temp tables and views of a merge."""
    for name in (
        "_losers",
        "_existing",
        "_member_rows",
        "_orphans",
        "_poll_rows",
        "_reaction_times",
    ):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    views = (
        "_kept_reactions",
        "_winners",
        "_winning",
        "_stage_messages",
        "_stage_reactions",
        "_stage_members",
        "_stage_member_events",
        "_stage_quarantine",
        "_stage_system_notices",
        "_stage_polls",
        "_stage_poll_options",
        "_stage_poll_votes",
    )
    for view in views:
        con.execute(f"DROP VIEW IF EXISTS {view}")
    with contextlib.suppress(duckdb.Error):
        con.unregister("_runs")
