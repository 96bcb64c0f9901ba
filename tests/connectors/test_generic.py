"""The generic CSV/JSONL connector: column maps, dates, quarantine, whole-file faults."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tribu.connectors import generic
from tribu.connectors._records import Channel, Community, Message, Quarantined
from tribu.errors import ConfigError, InputError

CSV = (
    "body,created_at,user,display,chan,likes,tags\n"
    "Bonjour à tous,2026-03-01T10:00:00Z,u1,Alice,général,3,\n"
    '"Deux\nlignes",1772359500,u2,Bob,général,0,u1;u3\n'
    "sans date,hier soir,u2,Bob,général,0,\n"
)
MAP = (
    "text=body,ts=created_at,author=user,author_name=display,channel=chan,"
    "reactions=likes,mentions=tags,platform=forum"
)


def test_parse_column_map():
    assert generic.parse_column_map("text=body, ts=created_at") == {
        "text": "body",
        "ts": "created_at",
    }
    with pytest.raises(ConfigError, match="unknown field 'txt'"):
        generic.parse_column_map("txt=body")
    with pytest.raises(ConfigError, match="not FIELD=COLUMN"):
        generic.parse_column_map("text")


def test_csv_with_a_column_map(tmp_path):
    path = tmp_path / "forum.csv"
    path.write_text(CSV, encoding="utf-8")
    column_map = generic.parse_column_map(MAP)
    assert generic.detect(path, column_map=column_map)
    assert not generic.detect(path)  # default columns text/ts/author are absent
    records = list(generic.read(path, column_map=column_map))
    kinds = [type(r).__name__ for r in records]
    # Community and channel first, then the two good rows; the third row is quarantined.
    assert kinds == ["Community", "Channel", "Message", "Message", "Quarantined"]
    community, channel, first, second, bad = records
    assert community == Community("forum", "forum", "forum")
    assert channel == Channel("forum", "général", "général")
    assert isinstance(first, Message) and isinstance(second, Message)
    assert (first.text, first.author_key, first.author_name) == (
        "Bonjour à tous",
        "u1",
        "Alice",
    )
    assert first.ts == datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    assert first.reaction_count == 3
    # 1772359500 s = 2026-03-01T10:05:00Z; the quoted cell spans two lines.
    assert second.ts == datetime(2026, 3, 1, 10, 5, tzinfo=UTC)
    assert second.text == "Deux\nlignes" and second.mention_keys == ["u1", "u3"]
    assert isinstance(bad, Quarantined)
    assert bad.locator == "line 5" and "'hier soir' is in no known layout" in bad.reason


def test_derived_ids_are_stable_and_distinct(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(CSV, encoding="utf-8")
    column_map = generic.parse_column_map(MAP)
    ids = [
        r.message_key
        for r in generic.read(path, column_map=column_map)
        if isinstance(r, Message)
    ]
    again = [
        r.message_key
        for r in generic.read(path, column_map=column_map)
        if isinstance(r, Message)
    ]
    assert ids == again and len(set(ids)) == 2


def test_jsonl_defaults_and_bad_lines(tmp_path):
    path = tmp_path / "chat.jsonl"
    lines = [
        json.dumps({"text": "hi", "ts": "2026-03-01T11:00:00+01:00", "author": "a",
                    "message_id": 7, "is_bot": "yes", "mentions": ["b"], "community": "C"}),
        '{"text": "cut',
        json.dumps([1, 2]),
        json.dumps({"text": "no author", "ts": "2026-03-01T10:00:00Z"}),
    ]  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert generic.detect(path)
    records = list(generic.read(path))
    messages = [r for r in records if isinstance(r, Message)]
    bad = [r for r in records if isinstance(r, Quarantined)]
    [m] = messages
    # +01:00 at 11:00 is 10:00 UTC.
    assert (m.message_key, m.community_key, m.author_is_bot) == ("7", "C", True)
    assert m.ts == datetime(2026, 3, 1, 10, 0, tzinfo=UTC) and m.mention_keys == ["b"]
    assert [q.locator for q in bad] == ["line 2", "line 3", "line 4"]
    assert "missing author" in bad[2].reason


def test_no_readable_date_refuses_the_file(tmp_path):
    path = tmp_path / "dates.csv"
    path.write_text(
        "text,ts,author\nsalut,31/02/2026 25h,u1\nre,mardi,u2\n", encoding="utf-8"
    )
    with pytest.raises(
        InputError, match=r"dates\.csv, line 2: no row has a date in a known layout"
    ):
        list(generic.read(path))


def test_binary_csv_is_an_input_error(tmp_path):
    path = tmp_path / "junk.csv"
    path.write_bytes(b"text,ts,author\n" + bytes(range(128, 256)) * 4)
    with pytest.raises(InputError, match="junk.csv.*not UTF-8"):
        list(generic.read(path))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-01T10:00:00Z", datetime(2026, 3, 1, 10, tzinfo=UTC)),
        ("2026-03-01 10:00:00", datetime(2026, 3, 1, 10, tzinfo=UTC)),
        (1772359200, datetime(2026, 3, 1, 10, tzinfo=UTC)),
        (1772359200000, datetime(2026, 3, 1, 10, tzinfo=UTC)),
        ("1772359200.5", datetime(2026, 3, 1, 10, 0, 0, 500000, tzinfo=UTC)),
    ],
)
def test_parse_timestamp(value, expected):
    assert generic.parse_timestamp(value) == expected
