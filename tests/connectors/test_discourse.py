"""Discourse connector: exact counts on every real sample, and bad input.

Counts were worked out by reading each file (``jq '.post_stream.posts[] | .post_type'``,
``jq '.latest_posts | length'``), not from the parser's output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.connectors._tally import tally
from tribu.connectors import discourse
from tribu.connectors._records import (
    Channel,
    Community,
    Member,
    Message,
    SystemNotice,
)
from tribu.errors import InputError

DATA = Path(__file__).resolve().parent.parent / "data" / "discourse"

REAL_FILES = [
    # 4 posts: #1 samsaffron (type 1), #2 samsaffron (type 2 "now pinned": a notice), #3
    # stienman (type 1, 5 likes, an image only), #14 splattne (type 1, replies to #1, 5 likes,
    # a GroundhogDay.gif image). 3 messages, 3 authors, 1 reply, 10 likes, 2 images.
    (
        "topic.json",
        {
            "messages": 3,
            "authors": 3,
            "replies": 1,
            "reactions": 10,
            "notices": 1,
            "attachments": 2,
        },
    ),
    # 1 post (#2 of topic 57), 3 likes.
    ("topic_posts.json", {"messages": 1, "authors": 1, "reactions": 3}),
    # 4 latest posts: johndoe (user 1) x2, system (-1) x2; no likes. Post 10's cooked HTML
    # holds one picture (discourse-edit-post-animated.gif) and one emoji image (not counted;
    # the second .gif grep finds is in its "raw" markdown).
    ("posts_latest.json", {"messages": 4, "authors": 2, "attachments": 1}),
    # the same minus post 15.
    ("posts_before.json", {"messages": 3, "authors": 2, "attachments": 1}),
    # topic lists: no posts, so no messages.
    ("latest.json", {}),
    ("category_latest_topics.json", {}),
    ("user_list.json", {}),
]


@pytest.mark.parametrize(
    ("name", "expected"), REAL_FILES, ids=[n for n, _ in REAL_FILES]
)
def test_counts_match_the_file(name: str, expected: dict[str, int]) -> None:
    path = DATA / name
    assert discourse.detect(path)
    counts = tally(discourse.read(path))
    assert counts == {key: 0 for key in counts} | {"communities": 1} | expected


def test_topic_posts_keys_text_and_roles() -> None:
    records = list(discourse.read(DATA / "topic.json"))
    messages = {m.message_key: m for m in records if isinstance(m, Message)}
    assert sorted(messages) == ["57#1", "57#14", "57#3"]
    assert messages["57#14"].reply_to_key == "57#1"
    assert messages["57#14"].text == "What? So I have to post this every day?"
    assert messages["57#1"].text.startswith("Welcome!\n\nTry is a sandbox")
    assert messages["57#1"].edited_at is not None  # version 5
    members = {m.member_key: m for m in records if isinstance(m, Member)}
    assert members["15"].roles == ["staff"]  # moderator false, staff true, no admin key
    notices = [n for n in records if isinstance(n, SystemNotice)]
    assert [n.kind for n in notices] == ["pin"]


def test_topic_lists_give_channels_and_members() -> None:
    records = list(discourse.read(DATA / "category_latest_topics.json"))
    # topics 5 and 4 under category 2; users[] holds fuzzy (id 3).
    channels = sorted(
        (c.channel_key, c.parent_channel_key or "")
        for c in records
        if isinstance(c, Channel)
    )
    assert channels == [
        ("category:2", ""),
        ("topic:4", "category:2"),
        ("topic:5", "category:2"),
    ]
    assert [m.member_key for m in records if isinstance(m, Member)] == ["3"]


def test_user_list_roles_and_bots() -> None:
    records = list(discourse.read(DATA / "user_list.json"))
    members = {m.member_key: m for m in records if isinstance(m, Member)}
    # 20 users; test_user (1) is admin; system (-1) is admin and moderator, and a bot.
    assert len(members) == 20
    assert members["1"].roles == ["admin"]
    assert members["-1"].roles == ["admin", "moderator"]
    assert [k for k, m in members.items() if m.is_bot] == ["-1"]


def test_posts_by_the_system_user_are_bot_messages() -> None:
    records = list(discourse.read(DATA / "posts_latest.json"))
    bots = [
        m.message_key for m in records if isinstance(m, Message) and m.author_is_bot
    ]
    assert bots == ["7#1", "2#1"]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b'{"post_stream": {"posts": [{"id": 1, "cooked": "<p>',
        b"\x89PNG\x00\xff",
        b'{"a": 1}',
    ],
    ids=["empty", "truncated", "garbage", "unknown-shape"],
)
def test_bad_files_raise_input_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "t.json"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        list(discourse.read(path))
    assert str(path) in str(caught.value)


def test_our_topic_fixture() -> None:
    # forum.example/t_900.json, written for tribu. 5 posts: #1 lea (admin, staff; 2 likes and
    # plugin reactions heart x3, tada x1), #2 marc (moderator; replies to #1, an uploaded image,
    # edited: version 2), #3 system small action "pinned.enabled" (a notice), #4 zoe whisper
    # (type 4: a message, replies to #2), #5 has no created_at nor user_id (quarantined).
    path = DATA / "forum.example" / "t_900.json"
    records = list(discourse.read(path))
    assert tally(records) == {
        "communities": 1,
        "messages": 3,
        "authors": 3,
        "replies": 2,
        "reactions": 6,
        "joins": 0,
        "leaves": 0,
        "notices": 1,
        "attachments": 1,
        "quarantined": 1,
    }
    assert records[0] == Community("forum.example", "discourse", "forum.example")
    messages = {m.message_key: m for m in records if isinstance(m, Message)}
    # entities unescaped, emoji images kept as their alt text, one line break between blocks
    assert (
        messages["900#1"].text == "Bienvenue & bonjour :wave: !\n\nPrésentez-vous @marc"
    )
    # 09:00 at +01:00 is 08:00 UTC
    assert messages["900#1"].ts.isoformat() == "2024-03-01T08:00:00+00:00"
    # @lea was seen (post #1) before post #2 mentions her: resolved to her id; the script
    # element's text is dropped.
    assert messages["900#2"].mention_keys == ["7"]
    assert messages["900#2"].text == "Salut @lea, voici ma paire :"
    assert messages["900#2"].edited_at is not None
    members = {m.member_key: m.roles for m in records if isinstance(m, Member)}
    assert members == {"7": ["admin", "staff"], "8": ["moderator", "staff"], "9": []}
    notices = [n for n in records if isinstance(n, SystemNotice)]
    assert [(n.kind, n.text) for n in notices] == [("pin", "pinned.enabled")]
