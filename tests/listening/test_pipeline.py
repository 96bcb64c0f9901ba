"""update_topics and listening_view on a generated warehouse: ids, increments, errors, forget."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tribu.errors import WarehouseError
from tribu.listening.pipeline import update_topics
from tribu.listening.synthetic import SyntheticTruth
from tribu.listening.view import ListeningError, listening_view, topic_messages
from tribu.warehouse.forget import erase
from tribu.warehouse.store import open_warehouse


def _ids_by_word(con: object, words: list[str]) -> dict[str, int]:
    rows = con.execute(  # type: ignore[attr-defined]
        "SELECT topic_id, label FROM topics WHERE active"
    ).fetchall()
    found = {}
    for word in words:
        hits = [t for t, label in rows if word in label]
        if len(hits) == 1:
            found[word] = hits[0]
    return found


def test_ids_are_stable_from_run_to_run(
    warehouse: tuple[Path, SyntheticTruth],
) -> None:
    path, truth = warehouse
    con = open_warehouse(path)
    try:
        first = update_topics(con, strong=False)
        assert first.reclustered and first.topics >= 20
        before = _ids_by_word(con, truth.background_words + truth.burst_words)
        assignment = dict(
            con.execute("SELECT message_id, topic_id FROM enrichment").fetchall()
        )
        # A second plain run has nothing new to assign and changes nothing.
        again = update_topics(con, strong=False)
        assert not again.reclustered and again.assigned == 0
        # A full rebuild keeps every topic's id (same centres, matched at cosine ≥ 0.8).
        rebuilt = update_topics(con, recluster=True, strong=False)
        assert rebuilt.reclustered and rebuilt.new_topics == 0
        after = _ids_by_word(con, truth.background_words + truth.burst_words)
        assert len(before) >= 23
        assert after == before
        same = dict(
            con.execute("SELECT message_id, topic_id FROM enrichment").fetchall()
        )
        assert same == assignment
    finally:
        con.close()


def test_new_period_is_assigned_incrementally_and_new_topics_get_new_ids(
    warehouse: tuple[Path, SyntheticTruth],
) -> None:
    path, truth = warehouse
    con = open_warehouse(path)
    try:
        cut = truth.burst_week_start
        # Hide the burst week and after, listen, then bring them back.
        con.execute("CREATE TABLE later AS SELECT * FROM messages WHERE ts >= ?", [cut])
        con.execute("DELETE FROM messages WHERE ts >= ?", [cut])
        update_topics(con, strong=False)
        before = _ids_by_word(con, truth.background_words)
        highest = con.execute("SELECT max(topic_id) FROM topics").fetchone()[0]
        con.execute("INSERT INTO messages SELECT * FROM later")
        run = update_topics(con, strong=False, min_pool=50)
        assert not run.reclustered
        assert run.assigned == con.execute("SELECT count(*) FROM later").fetchone()[0]
        # Steady topics keep their ids into the new period...
        assert _ids_by_word(con, truth.background_words) == before
        # ...and the three bursts that did not exist before are new topics with new ids.
        new = _ids_by_word(con, truth.burst_words[:3])
        assert len(new) == 3 and all(i > highest for i in new.values())
        view = listening_view(con, until=cut + timedelta(days=6, hours=23))
        shown = {t["topic_id"]: t["status"] for t in view["topics"]}
        assert all(shown.get(i) == "new" for i in new.values())
    finally:
        con.close()


def test_too_few_messages_in_the_period_is_one_clear_error(
    warehouse: tuple[Path, SyntheticTruth],
) -> None:
    path, truth = warehouse
    con = open_warehouse(path)
    try:
        update_topics(con, strong=False)
        start = truth.burst_week_start
        with pytest.raises(ListeningError, match=r"Only \d+ message\(s\) in the week"):
            listening_view(con, since=start, until=start + timedelta(minutes=30))
        with pytest.raises(ListeningError, match="No message matches"):
            listening_view(con, community="nowhere")
    finally:
        con.close()


def test_without_enrichment_the_error_names_the_command(tmp_path: Path) -> None:
    con = open_warehouse(tmp_path / "raw.duckdb")
    try:
        con.execute(
            "INSERT INTO messages (message_id, community_id, channel_id, author_id, ts, "
            "text) VALUES ('x', 'c', 'ch', 'm', now(), 'bonjour')"
        )
        with pytest.raises(WarehouseError, match="tribu enrich --embeddings"):
            update_topics(con)
    finally:
        con.close()


def test_forget_removes_a_person_from_topic_examples_and_pages(
    warehouse: tuple[Path, SyntheticTruth],
) -> None:
    path, _ = warehouse
    con = open_warehouse(path)
    try:
        update_topics(con, strong=False)
        view = listening_view(con)
        top = view["topics"][0]
        author = top["examples"][0]["author_id"]
        erase(con, author)
        again = listening_view(con)
        topic = next(t for t in again["topics"] if t["topic_id"] == top["topic_id"])
        assert all(e["author_id"] != author for e in topic["examples"])
        page = topic_messages(con, top["topic_id"], per_page=1000)
        assert all(m["author_id"] != author for m in page["messages"])
        assert page["total"] == len(page["messages"])
    finally:
        con.close()


def test_view_numbers_add_up(warehouse: tuple[Path, SyntheticTruth]) -> None:
    path, _ = warehouse
    con = open_warehouse(path)
    try:
        update_topics(con, strong=False)
        view = listening_view(con, limit=100)
        period_messages = view["messages"]
        for t in view["topics"]:
            assert t["share"] == pytest.approx(
                t["messages"] / period_messages, abs=1e-4
            )
            assert sum(c["messages"] for c in t["channels"]) == t["messages"]
            assert t["series"][-1]["messages"] == t["messages"]
            assert len(t["examples"]) <= 3
        clustered = sum(t["messages"] for t in view["topics"])
        assert view["clustered_share"] == pytest.approx(
            clustered / period_messages, abs=1e-4
        )
    finally:
        con.close()
