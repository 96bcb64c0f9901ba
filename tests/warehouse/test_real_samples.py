"""Every real sample in ../shared/data/real loads, and the warehouse holds what the connectors read.

The expected numbers are recounted here straight from the connectors' records (distinct message
keys per community, reaction counts, distinct join events), independently of the staging and
merge code under test; the connectors' own tests check those records against the files.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from tribu.connectors._detect import detect_sources
from tribu.connectors._records import Community, MemberEvent, Message, Reaction
from tribu.warehouse.ingest import ingest_paths

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"


def expected_counts(folder: Path) -> dict[str, tuple[int, int, int]]:
    """community_id -> (distinct messages, sum of reaction counts, distinct joins)."""
    messages: dict[str, set[str]] = defaultdict(set)
    reactions: dict[str, int] = defaultdict(int)
    joins: dict[str, set[tuple[str, object]]] = defaultdict(set)
    for source in detect_sources([folder]).sources:
        platforms = {}
        for record in source.records():
            if isinstance(record, Community):
                platforms[record.community_key] = record.platform
            cid = None
            if isinstance(record, Message | Reaction | MemberEvent):
                key = record.community_key
                cid = f"{platforms.get(key, source.platform)}:{key}"
            if isinstance(record, Message):
                messages[cid].add(record.message_key)
            elif isinstance(record, Reaction):
                reactions[cid] += record.count
            elif isinstance(record, MemberEvent) and record.kind == "join":
                joins[cid].add((record.member_key, record.ts))
    ids = set(messages) | set(reactions) | set(joins)
    return {c: (len(messages[c]), reactions[c], len(joins[c])) for c in ids}


@pytest.mark.parametrize(
    "platform",
    ["discord", "slack", "telegram", "whatsapp", "messenger", "discourse", "reddit"],
)
def test_real_samples_load_whole(platform, tmp_path):
    folder = REAL / platform
    expected = expected_counts(folder)
    assert expected, f"no records read from {folder}"
    db = tmp_path / "w.duckdb"
    summary = ingest_paths([folder], db=db, keep_names=True)
    con = duckdb.connect(str(db), read_only=True)
    try:
        got = {
            cid: (messages, 0, 0)
            for cid, messages in con.execute(
                "SELECT community_id, count(DISTINCT message_id) FROM messages GROUP BY 1"
            ).fetchall()
        }
        for cid, total in con.execute(
            "SELECT community_id, sum(count) FROM reactions GROUP BY 1"
        ).fetchall():
            got[cid] = (got.get(cid, (0, 0, 0))[0], int(total), 0)
        for cid, joins in con.execute(
            "SELECT community_id, count(*) FROM member_events WHERE kind = 'join' GROUP BY 1"
        ).fetchall():
            m, r, _ = got.get(cid, (0, 0, 0))
            got[cid] = (m, r, joins)
        total, distinct = con.execute(
            "SELECT count(*), count(DISTINCT message_id) FROM messages"
        ).fetchone()
        orphans = con.execute(
            "SELECT count(*) FROM messages "
            "WHERE author_id NOT IN (SELECT member_id FROM members)"
        ).fetchone()
    finally:
        con.close()
    assert total == distinct
    assert {c: v for c, v in got.items() if any(v)} == {
        c: v for c, v in expected.items() if any(v)
    }
    # Every message's author is a member, and the summary counts what was loaded.
    assert orphans == (0,)
    assert sum(c.messages for c in summary.communities) == sum(
        v[0] for v in expected.values()
    )
