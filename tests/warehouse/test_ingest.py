"""ingest_paths: canonical ids, pseudonyms, idempotency, upserts, quarantine, atomicity.

Every expected number below is counted by hand from the records listed in ``export_a`` and
``export_b``; the working is in the comments.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from tribu.config import load_config
from tribu.connectors._records import (
    Channel,
    Community,
    Member,
    MemberEvent,
    Message,
    Quarantined,
    Reaction,
    SystemNotice,
)
from tribu.errors import InputError
from tribu.warehouse.ingest import ingest_paths
from tribu.warehouse.store import open_warehouse, pseudonym_secret

CID = "fakechat:g"
T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    """T0 plus some minutes: readable times for hand-worked fixtures."""
    return T0 + timedelta(minutes=minutes)


def export_a() -> list[object]:
    return [
        Community("g", "fakechat", "Semelle"),
        Channel("g", "c1", "général"),
        Member("g", "u1", "Solène", roles=["mod"]),
        Member("g", "bot", "Robot", is_bot=True),
        Message("g", "c1", "m1", "u1", at(0), "Bonjour", reaction_count=2),
        Reaction("g", "m1", "👍", 2),
        Message(
            "g", "c1", "m2", "u2", at(5), "Salut", author_name="Bob",
            reply_to_key="m1", mention_keys=["u1"], reaction_count=1,
        ),
        Reaction("g", "m2", "❤️", 1, member_key="u1"),
        Message("g", "c2", "m3", "bot", at(10), "beep", author_is_bot=True),
        MemberEvent("g", "u3", "join", at(-60), member_name="Chloé"),
        SystemNotice("g", "c1", "pin", at(11), "pinned m1"),
        Quarantined("messages[7]", "no timestamp", '{"id": "m9"}'),
    ]  # fmt: skip


def export_b() -> list[object]:
    # A later export: m2 edited with new reactions, m4 new, u3's join seen again.
    return [
        Community("g", "fakechat", "Semelle"),
        Message(
            "g", "c1", "m2", "u2", at(5), "Salut (modifié)", author_name="Bob",
            reply_to_key="m1", reaction_count=2, edited_at=at(30),
        ),
        Reaction("g", "m2", "❤️", 1, member_key="u1"),
        Reaction("g", "m2", "😂", 1),
        Message("g", "c1", "m4", "u1", at(20), "Nouveau"),
        MemberEvent("g", "u3", "join", at(-60), member_name="Chloé"),
    ]  # fmt: skip


def member_id(db: Path, key: str) -> str:
    con = open_warehouse(db)
    try:
        secret = pseudonym_secret(con)
    finally:
        con.close()
    digest = hmac.new(secret, f"{CID}:{key}".encode(), hashlib.sha256).hexdigest()
    return "m_" + digest[:16]


def test_first_load_counts_and_ids(tmp_path, fake, rows):
    db = tmp_path / "w.duckdb"
    summary = ingest_paths([fake.write(tmp_path, "a", export_a())], db=db)
    [c] = summary.communities
    # 3 messages (m1, m2, m3); members u1, bot (records) + u2 (author) + u3 (event) = 4;
    # channels c1 (record) + c2 (seen in m3) = 2; reactions 2 + 1 = 3; one join.
    assert (c.community_id, c.name, c.platform) == (CID, "Semelle", "fakechat")
    assert (c.messages, c.new_messages, c.members, c.channels) == (3, 3, 4, 2)
    assert (c.reactions, c.joins, c.quarantined) == (3, 1, 1)
    assert (c.first_ts, c.last_ts) == (at(0), at(10))
    assert summary.quarantined == 1 and summary.skipped == []

    u1, u2 = member_id(db, "u1"), member_id(db, "u2")
    got = rows(
        db,
        "SELECT message_id, channel_id, author_id, reply_to_id, mentions "
        "FROM messages ORDER BY message_id",
    )
    assert got[:2] == [
        (f"{CID}/m1", f"{CID}/c1", u1, None, None),
        (f"{CID}/m2", f"{CID}/c1", u2, f"{CID}/m1", [u1]),
    ]
    assert got[2][1] == f"{CID}/c2"
    assert rows(db, "SELECT channel_id, name FROM channels ORDER BY 1") == [
        (f"{CID}/c1", "général"),
        (f"{CID}/c2", "c2"),
    ]
    members = dict(
        (r[0], r[1:])
        for r in rows(db, "SELECT member_id, display_name, is_bot, roles FROM members")
    )
    assert members[u1] == ("member-" + u1[2:8], False, ["mod"])
    assert members[member_id(db, "bot")][1] is True
    # Bob had no Member record: made from his message.
    assert members[u2] == ("member-" + u2[2:8], False, [])
    assert rows(db, "SELECT member_id, emoji, count FROM reactions ORDER BY emoji") == [
        (u1, "❤️", 1),
        (None, "👍", 2),
    ]
    [(locator, reason, raw, source)] = rows(
        db, "SELECT locator, reason, raw, source FROM quarantine"
    )
    assert (locator, reason, raw) == ("messages[7]", "no timestamp", '{"id": "m9"}')
    assert source.endswith("a.fake")
    # u3 joined 60 minutes before T0: joined_at comes from the join event.
    assert rows(
        db, "SELECT joined_at FROM members WHERE member_id = ?", [member_id(db, "u3")]
    ) == [(at(-60),)]


def test_no_real_name_reaches_the_warehouse(tmp_path, fake, snapshot):
    db = tmp_path / "w.duckdb"
    ingest_paths([fake.write(tmp_path, "a", export_a())], db=db)
    text = repr(snapshot(db))
    for name in ("Solène", "Bob", "Robot", "Chloé", "'u1'", "/u2"):
        assert name not in text


def test_keep_names(tmp_path, fake, rows):
    db = tmp_path / "w.duckdb"
    ingest_paths([fake.write(tmp_path, "a", export_a())], db=db, keep_names=True)
    assert rows(db, "SELECT member_id, display_name FROM members ORDER BY 1") == [
        (f"{CID}/bot", "Robot"),
        (f"{CID}/u1", "Solène"),
        (f"{CID}/u2", "Bob"),
        (f"{CID}/u3", "Chloé"),
    ]


def test_same_file_twice_changes_nothing(tmp_path, fake, snapshot):
    db = tmp_path / "w.duckdb"
    path = fake.write(tmp_path, "a", export_a())
    ingest_paths([path], db=db)
    before = snapshot(db)
    summary = ingest_paths([path], db=db)
    assert summary.skipped == [path]
    assert summary.communities == []
    assert snapshot(db) == before


def test_overlapping_export_adds_only_what_is_new(tmp_path, fake, rows):
    db = tmp_path / "w.duckdb"
    ingest_paths([fake.write(tmp_path, "a", export_a())], db=db)
    summary = ingest_paths([fake.write(tmp_path, "b", export_b())], db=db)
    [c] = summary.communities
    # b holds m2 (known) and m4 (new).
    assert (c.messages, c.new_messages) == (2, 1)
    # 3 + m4 = 4 messages; m2 is the later copy.
    assert rows(db, "SELECT count(*), count(DISTINCT message_id) FROM messages") == [
        (4, 4)
    ]
    assert rows(
        db, f"SELECT text, edited_at FROM messages WHERE message_id = '{CID}/m2'"
    ) == [("Salut (modifié)", at(30))]
    # m2's reactions are replaced (❤️ from u1 once, 😂 once); m1's 👍 untouched: 3 rows.
    assert rows(db, "SELECT message_id, emoji, count FROM reactions ORDER BY 1, 2") == [
        (f"{CID}/m1", "👍", 2),
        (f"{CID}/m2", "❤️", 1),
        (f"{CID}/m2", "😂", 1),
    ]
    # The same join (member, kind, ts) is one event.
    assert rows(db, "SELECT count(*) FROM member_events") == [(1,)]
    assert rows(db, "SELECT count(*) FROM members") == [(4,)]
    assert rows(db, "SELECT count(*) FROM ingest_runs") == [(2,)]


def test_duplicates_inside_one_run_keep_the_last_copy(tmp_path, fake, rows):
    db = tmp_path / "w.duckdb"
    first = fake.write(
        tmp_path,
        "d1",
        [
            Message("g", "c1", "m6", "u1", at(0), "v1"),
            Reaction("g", "m6", "👍", 2),
            Message("g", "c1", "m7", "u1", at(1), "only here"),
            Reaction("g", "m7", "🔥", 1),
        ],
    )
    second = fake.write(
        tmp_path,
        "d2",
        [
            Message("g", "c1", "m6", "u1", at(0), "v2"),
            Reaction("g", "m6", "🎉", 1),
            Message("g", "c1", "m6", "u1", at(0), "v3"),
        ],
    )
    summary = ingest_paths([first, second], db=db, batch_rows=1)
    # m6 three times (v3 is last), m7 once: 2 messages.
    assert summary.communities[0].messages == 2
    assert rows(db, "SELECT message_id, text FROM messages ORDER BY 1") == [
        (f"{CID}/m6", "v3"),
        (f"{CID}/m7", "only here"),
    ]
    # m6's winning copy was read from d2: d1's 👍 is dropped, d2's 🎉 kept; m7's 🔥 kept.
    assert rows(db, "SELECT message_id, emoji FROM reactions ORDER BY 1, 2") == [
        (f"{CID}/m6", "🎉"),
        (f"{CID}/m7", "🔥"),
    ]


def test_batch_size_does_not_change_the_result(tmp_path, fake, snapshot):
    # keep_names makes ids independent of each warehouse's secret, so tables compare whole.
    path = fake.write(tmp_path, "a", export_a())
    ingest_paths([path], db=tmp_path / "one.duckdb", batch_rows=1, keep_names=True)
    ingest_paths([path], db=tmp_path / "big.duckdb", keep_names=True)
    small, big = snapshot(tmp_path / "one.duckdb"), snapshot(tmp_path / "big.duckdb")
    for table in (
        "messages",
        "channels",
        "members",
        "reactions",
        "member_events",
        "system_notices",
    ):
        assert small[table] == big[table], table
    assert len(small["messages"]) == 3


def test_failing_run_leaves_warehouse_unchanged(tmp_path, fake, snapshot):
    db = tmp_path / "w.duckdb"
    ingest_paths([fake.write(tmp_path, "a", export_a())], db=db)
    before = snapshot(db)
    good = fake.write(tmp_path, "b", export_b())
    bad = fake.write(tmp_path, "bad", export_b(), fail_at=3)
    with pytest.raises(InputError, match=r"bad\.fake, messages\[3\]: truncated JSON"):
        ingest_paths([good, bad], db=db)
    assert snapshot(db) == before
    # The good file was not recorded either: it loads on the next run.
    assert ingest_paths([good], db=db).skipped == []


def test_failing_first_run_leaves_no_warehouse_file(tmp_path, fake):
    db = tmp_path / "new.duckdb"
    bad = fake.write(tmp_path, "bad", export_b(), fail_at=3)
    with pytest.raises(InputError, match=r"bad\.fake, messages\[3\]"):
        ingest_paths([bad], db=db)
    # No file, no log, no staging folder: as if the run never happened.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.fake"]
    # A later good run creates it as usual.
    ingest_paths([fake.write(tmp_path, "a", export_a())], db=db)
    assert db.is_file()


def test_brand_accounts_and_campaigns_from_config(tmp_path, fake, rows):
    config = tmp_path / "tribu.toml"
    config.write_text(
        """
[[communities]]
match = "Semelle"
brand_accounts = ["Solène", "u2"]

[[campaigns]]
campaign_id = "drop"
name = "Drop Printemps"
objective = "reach"
community = "Semelle"
starts = "2026-03-01"
ends = "2026-03-21"
spend = 1200
currency = "EUR"
keywords = ["#SemellePrintemps"]
activation_messages = ["m1"]

[[campaigns]]
campaign_id = "loose"
name = "Sans communauté"
starts = 2026-03-01
ends = 2026-03-02
activation_messages = ["m3", "zzz"]
""",
        encoding="utf-8",
    )
    db = tmp_path / "w.duckdb"
    summary = ingest_paths(
        [fake.write(tmp_path, "a", export_a())], db=db, config=config
    )
    brands = rows(db, "SELECT member_id FROM members WHERE is_brand ORDER BY 1")
    # Solène matched by her raw name, Bob by his raw key u2; the bot is not listed.
    assert brands == sorted([(member_id(db, "u1"),), (member_id(db, "u2"),)])
    campaigns = rows(
        db,
        "SELECT campaign_id, community_id, spend, keywords, activation_message_ids, "
        "strftime(ends, '%Y-%m-%d %H:%M:%S') FROM campaigns ORDER BY 1",
    )
    assert campaigns == [
        (
            "drop",
            CID,
            1200.0,
            ["#SemellePrintemps"],
            [f"{CID}/m1"],
            "2026-03-21 23:59:59",
        ),
        ("loose", None, None, [], [f"{CID}/m3"], "2026-03-02 23:59:59"),
    ]
    assert any("'zzz'" in w for w in summary.warnings)


def test_brand_account_added_later_is_flagged_on_next_ingest(tmp_path, fake, rows):
    db = tmp_path / "w.duckdb"
    ingest_paths(
        [fake.write(tmp_path, "a", export_a())], db=db, config=load_config(None)
    )
    config = tmp_path / "tribu.toml"
    config.write_text(
        '[[communities]]\nmatch = "fakechat:g"\nbrand_accounts = ["bot"]\n',
        encoding="utf-8",
    )
    # The bot is not in export b; its id is recomputed from the listed key.
    ingest_paths([fake.write(tmp_path, "b", export_b())], db=db, config=config)
    assert rows(db, "SELECT member_id FROM members WHERE is_brand") == [
        (member_id(db, "bot"),)
    ]


def test_message_ids_stay_unique_without_primary_key(tmp_path, fake):
    db = tmp_path / "w.duckdb"
    ingest_paths([fake.write(tmp_path, "a", export_a())], db=db)
    ingest_paths([fake.write(tmp_path, "b", export_b())], db=db)
    ingest_paths(
        [fake.write(tmp_path, "a2", export_a() + [Quarantined("x", "y")])], db=db
    )
    con = duckdb.connect(str(db), read_only=True)
    try:
        total, distinct = con.execute(
            "SELECT count(*), count(DISTINCT message_id) FROM messages"
        ).fetchone()
    finally:
        con.close()
    assert total == distinct == 4


def test_open_connection_progress_and_escaped_render(tmp_path, fake):
    from rich.console import Console

    db = tmp_path / "w.duckdb"
    records = export_a()
    records[0] = Community("g", "fakechat", "[bold red]Pirate[/]")
    con = open_warehouse(db)
    try:
        summary = ingest_paths(
            [fake.write(tmp_path, "a", records)], db=con, progress=True
        )
        assert con.execute("SELECT count(*) FROM messages").fetchone() == (3,)
    finally:
        con.close()
    assert summary.db == db
    console = Console(record=True, width=120)
    console.print(summary.render())
    # Member-controlled text is shown as written, never interpreted as markup.
    assert "[bold red]Pirate[/]" in console.export_text()


def test_changed_message_loses_stale_enrichment(tmp_path, fake, rows):
    db = tmp_path / "w.duckdb"
    ingest_paths([fake.write(tmp_path, "a", export_a())], db=db)
    con = duckdb.connect(str(db))
    con.execute(
        "INSERT INTO enrichment (message_id, lang) VALUES (?, 'fr'), (?, 'fr')",
        [f"{CID}/m1", f"{CID}/m2"],
    )
    con.close()
    # export b reloads m2 with a new text: its enrichment goes; m1's stays.
    ingest_paths([fake.write(tmp_path, "b", export_b())], db=db)
    assert rows(db, "SELECT message_id FROM enrichment") == [(f"{CID}/m1",)]


def test_scratch_folders_are_removed(tmp_path, fake):
    db = tmp_path / "w.duckdb"
    stale = tmp_path / ".w.duckdb.ingest-left-by-a-crash"
    stale.mkdir()
    (stale / "messages.parquet").write_bytes(b"old")
    other = (
        tmp_path / ".other.duckdb.ingest-busy"
    )  # another warehouse's run: left alone
    other.mkdir()
    ingest_paths([fake.write(tmp_path, "a", export_a())], db=db)
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
    assert leftovers == [".other.duckdb.ingest-busy"]


def test_summary_times_are_utc_whatever_the_session_zone(tmp_path, fake, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Paris")
    db = tmp_path / "w.duckdb"
    con = open_warehouse(db)
    con.execute("SET TimeZone = 'Europe/Paris'")
    try:
        summary = ingest_paths([fake.write(tmp_path, "a", export_a())], db=con)
    finally:
        con.close()
    # m1 at 10:00 UTC is 11:00 in Paris; the summary must still say 10:00 UTC.
    first = summary.communities[0].first_ts
    assert first == at(0) and first.utcoffset() == timedelta(0)
