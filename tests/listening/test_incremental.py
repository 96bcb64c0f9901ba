"""An incremental run leaves the warehouse as a full recomputation would, touching only what
the new messages change: topic sizes and dates, ``topic_periods`` row for row, labels of the
topics that grew materially only."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tribu.listening.labelling import RELABEL_GROWTH, to_relabel
from tribu.listening.periods import period_of, topic_period_records
from tribu.listening.pipeline import update_topics
from tribu.listening.synthetic import SyntheticTruth
from tribu.warehouse.store import open_warehouse


def _stored_periods(con: Any) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    rows = con.execute("SELECT * FROM topic_periods").fetchall()
    return {(r[0], r[1], r[2]): r[3:] for r in rows}


def _recomputed(con: Any) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    return {(r[0], r[1], r[2]): r[3:] for r in topic_period_records(con)}


def _same_rows(got: dict[Any, Any], expected: dict[Any, Any]) -> None:
    assert set(got) == set(expected)
    for key, row in expected.items():
        messages, negative, mean, share, emergence, status = got[key]
        assert (messages, negative, status) == (row[0], row[1], row[5]), key
        assert mean == (None if row[2] is None else pytest.approx(row[2])), key
        assert share == pytest.approx(row[3]), key
        assert emergence == pytest.approx(row[4]), key


def _hide_then_listen(con: Any, where: str, params: list[Any]) -> int:
    """Listen without the messages matching ``where``, then bring them back."""
    con.execute(f"CREATE TABLE later AS SELECT * FROM messages WHERE {where}", params)
    con.execute(f"DELETE FROM messages WHERE {where}", params)
    update_topics(con, strong=False)
    con.execute("INSERT INTO messages SELECT * FROM later")
    return int(con.execute("SELECT count(*) FROM later").fetchone()[0])


# The new messages: the last two weeks (the usual Monday run), one message in 20 from the
# fourth week on (a late export: baselines of stored periods change), and the first week
# (older than every stored period: that kind is rewritten in full).
CASES = {
    "last weeks": ("ts >= ?", lambda t: [t.burst_week_start]),
    "scattered": (
        "ts >= ? AND hash(message_id) % 20 = 0",
        lambda t: [t.burst_week_start - timedelta(weeks=5)],
    ),
    "older than all": ("ts < ?", lambda t: [t.burst_week_start - timedelta(weeks=7)]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_incremental_run_equals_a_full_recomputation(
    case: str, warehouse: tuple[Path, SyntheticTruth]
) -> None:
    path, truth = warehouse
    where, params = CASES[case]
    con = open_warehouse(path)
    try:
        hidden = _hide_then_listen(con, where, params(truth))
        assert hidden > 50
        run = update_topics(con, strong=False, min_pool=50)
        assert not run.reclustered and run.assigned == hidden
        _same_rows(_stored_periods(con), _recomputed(con))
        sizes = con.execute(
            """
            SELECT t.topic_id, t.messages, t.first_seen, t.last_seen, s.n, s.first, s.last
            FROM topics t JOIN (
                SELECT e.topic_id, count(*) AS n, min(m.ts) AS first, max(m.ts) AS last
                FROM enrichment e JOIN messages m USING (message_id)
                WHERE e.topic_id >= 0 GROUP BY 1) s USING (topic_id)
            """
        ).fetchall()
        assert sizes
        for topic, n, first, last, n2, first2, last2 in sizes:
            assert (n, first, last) == (n2, first2, last2), topic
        assert not con.execute(
            "SELECT count(*) FROM enrichment e SEMI JOIN messages m USING (message_id) "
            "WHERE e.topic_id IS NULL AND e.embedding IS NOT NULL"
        ).fetchone()[0]
    finally:
        con.close()


def test_only_the_periods_of_the_new_messages_are_rewritten(
    warehouse: tuple[Path, SyntheticTruth],
) -> None:
    path, truth = warehouse
    con = open_warehouse(path)
    try:
        _hide_then_listen(con, "ts >= ?", [truth.burst_week_start])
        # Mark every stored row; the rows the incremental run rewrites come back unmarked.
        con.execute("ALTER TABLE topic_periods ADD COLUMN mark INTEGER")
        con.execute("UPDATE topic_periods SET mark = 1")
        update_topics(con, strong=False)
        marks = con.execute(
            "SELECT period, min(period_start) FROM topic_periods WHERE mark IS NULL "
            "GROUP BY 1"
        ).fetchall()
    finally:
        con.close()
    rewritten = dict(marks)
    # The burst week is the first period holding a new message; weeks before it are kept.
    assert rewritten["week"] == period_of(truth.burst_week_start, "week")
    assert rewritten["month"] == period_of(truth.burst_week_start, "month")


def test_only_new_or_materially_grown_topics_are_relabelled(
    warehouse: tuple[Path, SyntheticTruth],
) -> None:
    path, truth = warehouse
    con = open_warehouse(path)
    try:
        # One message in 25 of the last weeks: each known topic grows by a few percent.
        _hide_then_listen(
            con,
            "ts >= ? AND hash(message_id) % 25 = 0",
            [truth.burst_week_start - timedelta(weeks=2)],
        )
        before = dict(
            con.execute("SELECT topic_id, labelled_messages FROM topics").fetchall()
        )
        run = update_topics(con, strong=False)
        after = dict(
            con.execute("SELECT topic_id, labelled_messages FROM topics").fetchall()
        )
        assert not run.new_topics
        assert run.relabelled == sum(after[t] != before[t] for t in before) == 0
        # A topic that grew by a quarter since its label was made is relabelled.
        topic, size = con.execute(
            "SELECT topic_id, messages FROM topics WHERE active ORDER BY 1 LIMIT 1"
        ).fetchone()
        made = int(size / (1 + RELABEL_GROWTH))
        con.execute(
            "UPDATE topics SET labelled_messages = ? WHERE topic_id = ?", [made, topic]
        )
        con.execute(
            "UPDATE topics SET labelled_messages = messages WHERE topic_id <> ?",
            [topic],
        )
        assert to_relabel(con) == {topic}
    finally:
        con.close()
