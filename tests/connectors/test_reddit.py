"""The Reddit connector on the three real API recordings, hand-made dumps and bad input.

The recordings' counts were worked out with a separate 20-line script that walks every
response body with ``json.loads`` and collects each ``{"kind": "t1"|"t3"|"more", "data"}``
node, then counts unique fullnames, authors, ``parent_id`` prefixes and scores; with jq for
spot checks (``jq -r '.interactions[1].response.body.string' FILE | jq ...``). None of the
numbers below was copied from the connector's output.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import zstandard

from tribu.connectors import reddit
from tribu.errors import InputError


def _summary(kinds: dict[str, list]) -> dict[str, int]:
    messages = kinds.get("Message", [])
    return {
        "messages": len(messages),
        "distinct_messages": len({m.message_key for m in messages}),
        "authors": len({m.author_key for m in messages}),
        "replies": sum(m.reply_to_key is not None for m in messages),
        "replies_to_comments": sum(
            (m.reply_to_key or "").startswith("t1_") for m in messages
        ),
        "reactions": sum(r.count for r in kinds.get("Reaction", [])),
        "joins": len(kinds.get("MemberEvent", [])),
    }


CASSETTES = [
    (
        # 27 interactions (1 token, 1 full tree, 13 morechildren, 6 "continue this thread"
        # GETs...): 547 t1 and 7 t3 nodes, of which 541 unique comments + 1 submission
        # (3hahrw, refetched 6 times) = 542 messages. 422 distinct authors, the 16
        # "[deleted]" comments counting as one. Replies: every comment = 541 (397 to a
        # t1_ parent, 144 to the t3_). Positive scores add up to 20,980 over 444 things
        # (57 negative ones give none). No joins on Reddit.
        "TestCommentForest.test_replace__all.json",
        dict(
            messages=542,
            distinct_messages=542,
            authors=422,
            replies=541,
            replies_to_comments=397,
            reactions=20980,
            joins=0,
        ),
    ),
    (
        # /r/askreddit/comments?limit=100: 100 t1 comments by 97 authors, all replies
        # (55 to comments, 45 to submissions), each with score 1 -> 100 upvotes.
        "TestSubredditListings.test_comments.json",
        dict(
            messages=100,
            distinct_messages=100,
            authors=97,
            replies=100,
            replies_to_comments=55,
            reactions=100,
            joins=0,
        ),
    ),
    (
        # Thread 2gmzqe: the submission by bboe (score 11), paneer_burrito's comment
        # (score 1) and bboe's reply to it (score 1): 3 messages, 2 authors, 2 replies
        # (1 to a comment), 11 + 1 + 1 = 13 upvotes.
        "TestSubmission.test_comments.json",
        dict(
            messages=3,
            distinct_messages=3,
            authors=2,
            replies=2,
            replies_to_comments=1,
            reactions=13,
            joins=0,
        ),
    ),
]


@pytest.mark.parametrize(
    ("file_name", "expected"), CASSETTES, ids=lambda v: str(v)[:24]
)
def test_recorded_sessions_give_the_counts_worked_out(
    test_data: Path, by_kind, file_name: str, expected: dict[str, int]
) -> None:
    path = test_data / "reddit" / file_name
    assert reddit.detect(path)
    kinds = by_kind(reddit.read(path))
    assert _summary(kinds) == expected
    assert "Quarantined" not in kinds
    assert len(kinds["Community"]) == 1


def test_comment_forest_details(test_data: Path, by_kind) -> None:
    path = test_data / "reddit" / "TestCommentForest.test_replace__all.json"
    kinds = by_kind(reddit.read(path))
    (community,) = kinds["Community"]
    assert (community.community_key, community.name) == ("funny", "r/funny")
    (channel,) = kinds["Channel"]
    assert (channel.channel_key, channel.kind) == ("t3_3hahrw", "thread")
    assert {m.thread_key for m in kinds["Message"]} == {"t3_3hahrw"}
    # 18 "more" stubs: 12 list 24 ids, of which cu5tkk4 and cu5pbdh never come back in
    # the morechildren answers; the 6 "continue this thread" stubs (cu61zil, cu5v5h7,
    # cu5uyz1, cu5x40j, cu5w5nv, cu61tk1) were each followed by a GET.
    (notice,) = kinds["SystemNotice"]
    assert (notice.kind, notice.channel_key) == ("not_loaded", "t3_3hahrw")
    assert notice.text.startswith("2 comments")
    assert "0 'continue this thread'" in notice.text
    # The 16 "[deleted]" comments share the one anonymous member.
    deleted = [m for m in kinds["Message"] if m.author_key == reddit.DELETED]
    assert len(deleted) == 16
    assert sum(m.member_key == reddit.DELETED for m in kinds["Member"]) == 1
    # 13 comments carry an edit time.
    assert sum(m.edited_at is not None for m in kinds["Message"]) == 13
    # cu5pg2h (score -142) gets no reaction.
    message = next(m for m in kinds["Message"] if m.message_key == "t1_cu5pg2h")
    assert message.reaction_count == 0
    assert not [r for r in kinds["Reaction"] if r.message_key == "t1_cu5pg2h"]


def test_submission_text_and_times(test_data: Path, by_kind) -> None:
    kinds = by_kind(
        reddit.read(test_data / "reddit" / "TestSubmission.test_comments.json")
    )
    submission, comment, reply = kinds["Message"]
    assert submission.message_key == "t3_2gmzqe"
    assert submission.text.startswith("[PRAW] HTTPS enabled PRAW testing needed\n\n")
    assert submission.ts == datetime.fromtimestamp(1410935671, UTC)
    assert (comment.reply_to_key, reply.reply_to_key) == ("t3_2gmzqe", "t1_cklfmye")
    assert [r.emoji for r in kinds["Reaction"]] == ["upvote"] * 3


def test_listing_comments_make_one_channel_per_submission(
    test_data: Path, by_kind
) -> None:
    path = test_data / "reddit" / "TestSubredditListings.test_comments.json"
    kinds = by_kind(reddit.read(path))
    # 52 distinct link_id among the 100 comments; channels named from link_title.
    assert len(kinds["Channel"]) == 52
    assert all(not c.name.startswith("t3_") for c in kinds["Channel"])
    assert kinds["Community"][0].name == "r/AskReddit"


@pytest.mark.parametrize(
    "file_name", ["handmade_sneakersfr.ndjson", "handmade_sneakersfr.ndjson.zst"]
)
def test_dump_plain_and_zstd(test_data: Path, by_kind, file_name: str) -> None:
    path = test_data / "reddit" / file_name
    assert reddit.detect(path)
    kinds = by_kind(reddit.read(path))
    # 9 lines: 1 abc1, 2 c1, 3 c2, 4 c3, 5 blank, 6 broken JSON, 7 c4, 8 c5 without
    # created_utc, 9 abc2 -> messages abc1, c1, c2, c3, c4, abc2 = 6; quarantined lines
    # 6 and 8. Authors: lea_run, marc_trail, [deleted] (c2, c3), AutoModerator = 4.
    # Replies: c1 -> t3_abc1, c2 -> t1_c1, c3 -> t1_c1, c4 -> t3_abc1 = 4 (2 to comments).
    # Upvotes: abc1 12 + c1 5 + c4 1 = 18 (c2 0, c3 -3 and abc2 0 give none).
    assert _summary(kinds) == dict(
        messages=6,
        distinct_messages=6,
        authors=4,
        replies=4,
        replies_to_comments=2,
        reactions=18,
        joins=0,
    )
    assert [q.locator for q in kinds["Quarantined"]] == ["line 6", "line 8"]
    assert "created_utc" in kinds["Quarantined"][1].reason
    assert [c.channel_key for c in kinds["Channel"]] == ["t3_abc1", "t3_abc2"]
    assert kinds["Community"][0].community_key == "sneakersfr"
    messages = {m.message_key: m for m in kinds["Message"]}
    assert (
        messages["t3_abc1"].text
        == "Vos avis sur la Semelle V2 ?\n\nJe cherche des retours."
    )
    assert messages["t3_abc2"].attachment_count == 1  # an image post
    assert messages["t1_c1"].mention_keys == ["lea_run"]
    assert messages["t1_c1"].edited_at == datetime.fromtimestamp(1709281000, UTC)
    assert messages["t1_c4"].ts == datetime(
        2024, 3, 1, 8, 1, 40, tzinfo=UTC
    )  # a string
    assert messages["t1_c4"].author_is_bot  # AutoModerator
    assert sum(m.member_key == reddit.DELETED for m in kinds["Member"]) == 1


def test_multi_frame_zstd(tmp_path: Path, test_data: Path, by_kind) -> None:
    data = (test_data / "reddit" / "handmade_sneakersfr.ndjson").read_bytes()
    compressor = zstandard.ZstdCompressor(level=3)
    path = tmp_path / "two_frames.zst"
    path.write_bytes(compressor.compress(data[:400]) + compressor.compress(data[400:]))
    assert len(by_kind(reddit.read(path))["Message"]) == 6


# --- bad input ---------------------------------------------------------------------------


def test_truncated_zstd(tmp_path: Path, test_data: Path) -> None:
    data = (test_data / "reddit" / "handmade_sneakersfr.ndjson.zst").read_bytes()
    cut = tmp_path / "cut.zst"
    cut.write_bytes(data[:-5])
    with pytest.raises(InputError, match="cut.zst, after line 0: the zstd stream ends"):
        list(reddit.read(cut))


def test_garbage_zstd(tmp_path: Path) -> None:
    garbage = tmp_path / "RC_2024-01.zst"
    garbage.write_bytes(bytes(range(256)) * 4)
    assert not reddit.detect(garbage)
    with pytest.raises(InputError, match="zstd stream is corrupt"):
        list(reddit.read(garbage))


def test_garbage_dump(tmp_path: Path) -> None:
    garbage = tmp_path / "dump.ndjson"
    garbage.write_bytes(bytes(range(1, 256)) * 4)
    assert not reddit.detect(garbage)
    with pytest.raises(InputError, match=r"dump.ndjson, line 1: is not a Reddit dump"):
        list(reddit.read(garbage))


@pytest.mark.parametrize("file_name", ["empty.ndjson", "empty.json"])
def test_empty_file(tmp_path: Path, file_name: str) -> None:
    empty = tmp_path / file_name
    empty.write_bytes(b"")
    assert not reddit.detect(empty)
    with pytest.raises(InputError, match="empty"):
        list(reddit.read(empty))


def test_truncated_recording(tmp_path: Path, test_data: Path) -> None:
    data = (test_data / "reddit" / "TestSubmission.test_comments.json").read_bytes()
    cut = tmp_path / "cut.json"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(
        InputError,
        match=r"cut\.json, interactions\[\d+\], line \d+, column \d+: .*ends early",
    ):
        list(reddit.read(cut))


def test_truncated_api_json(tmp_path: Path) -> None:
    cut = tmp_path / "listing.json"
    cut.write_text('{"kind": "Listing", "data": {"children": [{"kind": "t1", "da')
    assert reddit.detect(cut)
    with pytest.raises(InputError, match="listing.json, line 1, column"):
        list(reddit.read(cut))


def test_unreadable_thing_in_api_json_is_quarantined(tmp_path: Path, by_kind) -> None:
    path = tmp_path / "listing.json"
    path.write_text(
        '{"kind": "Listing", "data": {"children": ['
        '{"kind": "t1", "data": {"id": "a", "name": "t1_a", "subreddit": "x",'
        ' "link_id": "t3_z", "parent_id": "t3_z", "body": "ok", "author": "u",'
        ' "created_utc": 1}},'
        '{"kind": "t1", "data": {"id": "b", "name": "t1_b", "subreddit": "x",'
        ' "body": "no times", "author": "u"}}]}}'
    )
    kinds = by_kind(reddit.read(path))
    assert [m.message_key for m in kinds["Message"]] == ["t1_a"]
    assert [q.locator for q in kinds["Quarantined"]] == ["t1_b"]


def test_a_zip_is_not_read_as_reddit(tmp_path: Path, make_zip) -> None:
    # Reddit files are never zips: one holding "../evil" is refused as not JSON, and
    # nothing is extracted anywhere.
    archive = make_zip(tmp_path / "dump.json", {"../evil.ndjson": b"{}"})
    assert not reddit.detect(archive)
    with pytest.raises(InputError, match="dump.json"):
        list(reddit.read(archive))
    assert not (tmp_path.parent / "evil.ndjson").exists()


def test_detect_claims_no_other_platform_s_sample(real_data: Path) -> None:
    others = [
        p
        for p in sorted(real_data.rglob("*"))
        if p.is_file() and p.suffix != ".md" and p.parent.name != "reddit"
    ]
    assert len(others) > 20
    assert [p.name for p in others if reddit.detect(p)] == []
