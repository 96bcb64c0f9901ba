"""A big export read in two shards (two processes) loads exactly what one read loads."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from tribu.warehouse import _shards, ingest
from tribu.warehouse.ingest import ingest_paths

TABLES = (
    "messages",
    "members",
    "reactions",
    "channels",
    "member_events",
    "system_notices",
    "quarantine",
)


def _dce(path: Path, messages: list[dict]) -> Path:
    """A DiscordChatExporter file, indented by two spaces as DCE writes it."""
    export = {
        "guild": {"id": "g1", "name": "Semelle"},
        "channel": {"id": "c1", "type": "GuildTextChat", "name": "général"},
        "messages": messages,
        "messageCount": len(messages),
    }
    path.write_text(json.dumps(export, indent=2, ensure_ascii=False), "utf-8")
    return path


def _message(i: int, author: int, name: str) -> dict:
    return {
        "id": str(1000 + i),
        "type": "Default",
        "timestamp": f"2026-01-01T00:{i // 60:02d}:{i % 60:02d}+00:00",
        "content": f"message {i}",
        "author": {"id": str(author), "name": f"u{author}", "nickname": name},
        "reactions": [{"emoji": {"name": "👍"}, "count": 2}] if i % 4 == 0 else [],
        "mentions": [],
        "attachments": [],
    }


def _tables(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        # A quarantine row's run id is new at each run: left out.
        return {
            t: con.execute(
                f"SELECT * {'EXCLUDE (run_id)' if t == 'quarantine' else ''} "
                f"FROM {t} ORDER BY ALL"
            ).fetchall()
            for t in TABLES
        }
    finally:
        con.close()


def _both(
    tmp_path: Path, source: Path, monkeypatch: pytest.MonkeyPatch, *, sharded: bool
) -> tuple:
    """Ingest ``source`` once in one read and once in shards; return both results.

    ``sharded`` says whether the shards must have loaded the file themselves (True) or
    handed it back to one read (False).
    """
    outcomes: list[object] = []

    def spy(*args: object, **kwargs: object) -> object:
        outcomes.append(_shards.stage_in_shards(*args, **kwargs))
        return outcomes[-1]

    monkeypatch.setattr(ingest, "stage_in_shards", spy)
    results = []
    for name, min_bytes in (("one", 1 << 60), ("shards", 1)):
        monkeypatch.setattr(_shards, "SHARD_MIN_BYTES", min_bytes)
        db = tmp_path / f"{name}.duckdb"
        summary = ingest_paths([source], db=db, keep_names=True)
        results.append((summary, _tables(db), db))
    assert len(outcomes) == 1 and (outcomes[0] is not None) == sharded
    return results[0], results[1]


def test_plan_split_cuts_between_two_messages(tmp_path: Path) -> None:
    source = _dce(tmp_path / "c.json", [_message(i, i % 3, "A") for i in range(40)])
    split = _shards.plan_split(source, "discord", min_bytes=1)
    assert split is not None
    data = source.read_bytes()
    # The first shard ends on a message's closing line, the second starts on the next one.
    assert data[split.first_end - 6 : split.first_end] == b"\n    }"
    assert data[split.second_start - 1 : split.second_start] == b","
    assert data[split.head_end - 1 : split.head_end] == b"["
    assert _shards.plan_split(source, "slack", min_bytes=1) is None
    assert _shards.plan_split(source, "discord", min_bytes=1 << 30) is None


def test_shards_load_what_one_read_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 40 messages by authors 0, 1, 2 (i % 3): every author appears in both halves. Author
    # 1 changes nickname at message 30 (second half): one read keeps the first name seen
    # ("B"), so the shards must too. Message 1010 appears twice (i = 10 and a copy at the
    # end, text "late copy"): the later copy wins in both.
    messages = [
        _message(i, i % 3, "B" if i % 3 == 1 and i < 30 else "C") for i in range(40)
    ]
    late = _message(10, 1, "C")
    late["content"] = "late copy"
    source = _dce(tmp_path / "c.json", [*messages, late])
    (one, one_tables, _), (two, two_tables, _) = _both(
        tmp_path, source, monkeypatch, sharded=True
    )
    assert (tmp_path / "shards.duckdb").exists()
    assert one_tables == two_tables
    names = {row[2] for row in two_tables["members"]}
    assert names == {"C", "B"}  # authors 0 and 2: "C"; author 1: "B" (its first name)
    texts = {row[0]: row[5] for row in two_tables["messages"]}
    assert texts["discord:g1/1010"] == "late copy"
    assert len(two_tables["messages"]) == 40
    # Records: 1 community + 1 channel + 3 members + 41 messages + 10 reactions (one per
    # i = 0, 4, ..., 36; the late copy of 10 has none, 10 % 4 != 0) = 56.
    assert one.files[0].records == two.files[0].records == 1 + 1 + 3 + 41 + 10


def test_a_quarantined_record_sends_the_file_back_to_one_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Message 35 (in the second half) has no author: its place, messages[35], is counted
    # from the file's start only by a whole read, which the shards hand the file back to.
    messages = [_message(i, i % 3, "A") for i in range(40)]
    del messages[35]["author"]
    source = _dce(tmp_path / "c.json", messages)
    (one, one_tables, _), (two, two_tables, _) = _both(
        tmp_path, source, monkeypatch, sharded=False
    )
    assert one_tables == two_tables
    assert [row[1] for row in two_tables["quarantine"]] == ["messages[35]"]
    assert two.files[0].quarantined == 1


def test_telegram_shards_load_what_one_read_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A Telegram Desktop single chat, indented by one space as Telegram writes it: 30
    # messages by users 1..3 (i % 3 + 1), every fifth one a reply to the one before.
    chat = {
        "name": "Semelle Club",
        "type": "public_supergroup",
        "id": 42,
        "messages": [
            {
                "id": i + 1,
                "type": "message",
                "date": f"2026-01-01T00:00:{i:02d}",
                "from": f"Membre {i % 3 + 1}",
                "from_id": f"user{i % 3 + 1}",
                **({"reply_to_message_id": i} if i % 5 == 0 and i else {}),
                "text": f"message {i}",
            }
            for i in range(30)
        ],
    }
    source = tmp_path / "result.json"
    source.write_text(json.dumps(chat, indent=1, ensure_ascii=False), "utf-8")
    assert _shards.plan_split(source, "telegram", min_bytes=1) is not None
    (one, one_tables, _), (two, two_tables, _) = _both(
        tmp_path, source, monkeypatch, sharded=True
    )
    assert one_tables == two_tables
    assert len(two_tables["messages"]) == 30
    assert len(two_tables["members"]) == 3
    # 1 community + 1 channel + 3 members + 30 messages = 35 records.
    assert one.files[0].records == two.files[0].records == 35


def test_a_file_after_the_shards_still_wins_and_knows_their_people(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One run, two files: the big one (sharded) and then a later export holding message
    # 1035 (read by the worker, in the second half) edited, by author 2 renamed "Z".
    # The later file's copy wins, and so does its Member record for author 2 (a new read
    # yields its people again): authors 0 and 1 are "C", author 2 "Z", as in one read.
    big = _dce(tmp_path / "a.json", [_message(i, i % 3, "C") for i in range(40)])
    later = _message(35, 2, "Z")
    later["content"] = "edited later"
    small = _dce(tmp_path / "b.json", [later])
    small.write_text(small.read_text("utf-8").replace('"c1"', '"c2"'), "utf-8")
    tables = []
    cut = small.stat().st_size + 1
    assert _shards.plan_split(big, "discord", min_bytes=cut) is not None
    assert _shards.plan_split(small, "discord", min_bytes=cut) is None
    for name, min_bytes in (("one", 1 << 60), ("shards", cut)):
        monkeypatch.setattr(_shards, "SHARD_MIN_BYTES", min_bytes)
        db = tmp_path / f"{name}.duckdb"
        ingest_paths([big, small], db=db, keep_names=True)
        tables.append(_tables(db))
    assert tables[0] == tables[1]
    texts = {row[0]: row[5] for row in tables[1]["messages"]}
    assert texts["discord:g1/1035"] == "edited later"
    assert sorted(row[2] for row in tables[1]["members"]) == ["C", "C", "Z"]
