"""Polls land in polls / poll_options / poll_votes: linked, pseudonymised, idempotent.

Counts are those of tests/data/polls, checked by hand in tests/connectors/test_polls.py.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from tribu.connectors._records import Community, Message, Poll, PollOption
from tribu.warehouse.forget import forget_member
from tribu.warehouse.ingest import ingest_paths

DATA = Path(__file__).resolve().parents[1] / "data" / "polls"


def _rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_samples_load_linked_and_brand(tmp_path: Path) -> None:
    config = tmp_path / "tribu.toml"
    config.write_text(
        "".join(
            f'[[communities]]\nmatch = "{name}"\nbrand_accounts = ["{brand}"]\n'
            for name, brand in (
                ("Club Running Paris", "111"),
                ("discord:900", "111"),
                ("Atelier Crew", "Atelier Brand"),
                ("Club Atelier", "Atelier Brand"),
                ("slack:slack_simple_poll", "U01BRAND"),
            )
        ),
        encoding="utf-8",
    )
    db = tmp_path / "w.duckdb"
    ingest_paths([DATA], db=db, config=config)
    # 2 Telegram + 2 Discord + 1 + 1 WhatsApp + 1 Slack = 7 polls; options 3+3+3+2+3+3+3.
    assert _rows(db, "SELECT count(*) FROM polls") == [(7,)]
    assert _rows(db, "SELECT count(*) FROM poll_options") == [(20,)]
    # Named voters: Discord 2 + 2, Slack 2 + 1.
    assert _rows(db, "SELECT count(*) FROM poll_votes") == [(7,)]
    # Every poll is its message: same id, author, time and channel.
    unlinked = _rows(
        db,
        "SELECT count(*) FROM polls p JOIN messages m ON m.message_id = p.poll_id "
        "WHERE p.message_id = m.message_id AND p.author_id = m.author_id "
        "AND p.ts = m.ts AND p.channel_id = m.channel_id",
    )
    assert unlinked == [(7,)]
    # Voters are pseudonyms of members, never platform ids.
    assert _rows(
        db,
        "SELECT count(*) FROM poll_votes v ANTI JOIN members m USING (member_id)",
    ) == [(0,)]
    assert _rows(db, "SELECT count(*) FROM poll_votes WHERE member_id LIKE 'U0%'") == [
        (0,)
    ]
    # Every poll was asked by a brand account: each is a brand post.
    assert _rows(
        db,
        "SELECT count(*) FROM polls p JOIN members m ON m.member_id = p.author_id "
        "WHERE m.is_brand",
    ) == [(7,)]
    assert _rows(
        db,
        "SELECT community_id, total_voters FROM polls WHERE source = 'telegram' "
        "ORDER BY ts",
    ) == [("telegram:1700000001", 9), ("telegram:1700000001", 4)]


def test_reloading_a_changed_export_replaces_the_poll(tmp_path: Path) -> None:
    source = tmp_path / "export.json"
    document = json.loads((DATA / "discord_polls.json").read_text(encoding="utf-8"))
    source.write_text(json.dumps(document), encoding="utf-8")
    db = tmp_path / "w.duckdb"
    ingest_paths([source], db=db)
    before = _rows(db, "SELECT * FROM poll_options ORDER BY ALL")
    ingest_paths([source], db=db)  # same file: nothing changes
    assert _rows(db, "SELECT * FROM poll_options ORDER BY ALL") == before
    # Later export: one more vote for Terracotta, Zoé's vote for 20:00 withdrawn.
    counts = document["messages"][0]["poll"]["results"]["answer_counts"]
    counts[1]["count"] = 4
    answers = document["messages"][2]["poll"]["answers"]
    answers[1]["voteCount"] = 1
    answers[1]["voters"] = answers[1]["voters"][:1]
    document["messageCount"] = 5
    source.write_text(json.dumps(document), encoding="utf-8")
    ingest_paths([source], db=db)
    assert _rows(
        db,
        "SELECT position, votes FROM poll_options WHERE poll_id = 'discord:900/5001' "
        "ORDER BY 1",
    ) == [(1, 6), (2, 4), (3, 0)]
    assert _rows(db, "SELECT count(*) FROM polls") == [(2,)]
    assert _rows(db, "SELECT count(*) FROM poll_votes") == [(3,)]


def test_forget_erases_votes_and_polls_asked(tmp_path: Path, fake) -> None:
    ts = datetime(2024, 5, 6, 18, tzinfo=UTC)
    records = [
        Community("g", "fakechat", "Club"),
        Message("g", "c", "m1", "asker", ts, "Which colour?"),
        Poll(
            "g",
            "c",
            "m1",
            "Which colour?",
            [PollOption("red", 2, ["voter", "other"]), PollOption("blue", 0)],
        ),
        Message("g", "c", "m2", "other", ts, "Time?"),
        Poll("g", "c", "m2", "Time?", [PollOption("18h", 1, ["voter"])]),
    ]
    db = tmp_path / "w.duckdb"
    ingest_paths([fake.write(tmp_path, "club", records)], db=db)
    asker = _rows(db, "SELECT author_id FROM polls WHERE poll_id = 'fakechat:g/m1'")
    voter = _rows(
        db,
        "SELECT member_id FROM poll_votes WHERE poll_id = 'fakechat:g/m2'",
    )
    report = forget_member(voter[0][0], db=db)
    assert report.rows["poll_votes"] == 2
    assert _rows(db, "SELECT count(*) FROM poll_votes") == [(1,)]
    report = forget_member(asker[0][0], db=db)
    assert report.rows["polls"] == 1 and report.rows["poll_options"] == 2
    assert _rows(db, "SELECT poll_id FROM polls") == [("fakechat:g/m2",)]
