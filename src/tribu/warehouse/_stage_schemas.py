"""Arrow schemas of the staging Parquet files, one per record kind.

Raw platform keys (``message_key``, ``channel_key``...) are staged as they are; the merge builds
canonical ids from them in SQL. People are staged already pseudonymised (``member_id``).
"""

from __future__ import annotations

import pyarrow as pa

__all__ = ["STAGE_SCHEMAS", "STR", "TS"]

TS = pa.timestamp("us", tz="UTC")
STR = pa.string()
STAGE_SCHEMAS: dict[str, pa.Schema] = {
    "messages": pa.schema(
        [
            ("seq", pa.int64()),
            ("file_no", pa.int32()),
            ("community_id", STR),
            ("channel_key", STR),
            ("message_key", STR),
            ("author_id", STR),
            ("ts", TS),
            ("text", STR),
            ("reply_to_key", STR),
            ("thread_key", STR),
            ("reaction_count", pa.int32()),
            ("attachment_count", pa.int32()),
            ("mentions", pa.list_(STR)),
            ("edited_at", TS),
        ]
    ),
    "members": pa.schema(
        [
            ("seq", pa.int64()),
            ("member_id", STR),
            ("community_id", STR),
            ("display_name", STR),
            ("is_brand", pa.bool_()),
            ("is_bot", pa.bool_()),
            ("roles", pa.list_(STR)),
            ("joined_at", TS),
            ("from_record", pa.bool_()),
        ]
    ),
    "reactions": pa.schema(
        [
            ("file_no", pa.int32()),
            ("community_id", STR),
            ("message_key", STR),
            ("member_id", STR),
            ("emoji", STR),
            ("count", pa.int32()),
            ("ts", TS),
        ]
    ),
    "member_events": pa.schema(
        [
            ("member_id", STR),
            ("community_id", STR),
            ("kind", STR),
            ("ts", TS),
            ("detail", STR),
        ]
    ),
    "system_notices": pa.schema(
        [
            ("community_id", STR),
            ("channel_key", STR),
            ("kind", STR),
            ("ts", TS),
            ("text", STR),
        ]
    ),
    "polls": pa.schema(
        [
            ("seq", pa.int64()),
            ("file_no", pa.int32()),
            ("community_id", STR),
            ("channel_key", STR),
            ("message_key", STR),
            ("author_id", STR),
            ("question", STR),
            ("total_voters", pa.int32()),
            ("multiple", pa.bool_()),
            ("closed", pa.bool_()),
            ("ends_at", TS),
            ("source", STR),
        ]
    ),
    "poll_options": pa.schema(
        [
            ("seq", pa.int64()),
            ("community_id", STR),
            ("message_key", STR),
            ("position", pa.int32()),
            ("text", STR),
            ("votes", pa.int32()),
        ]
    ),
    "poll_votes": pa.schema(
        [
            ("seq", pa.int64()),
            ("community_id", STR),
            ("message_key", STR),
            ("position", pa.int32()),
            ("member_id", STR),
        ]
    ),
    "quarantine": pa.schema(
        [("file_no", pa.int32()), ("locator", STR), ("reason", STR), ("raw", STR)]
    ),
}
