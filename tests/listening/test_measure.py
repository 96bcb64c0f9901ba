"""The registered topic_emergence measure agrees with the listening view's Python numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tribu.listening.measures import topic_emergence
from tribu.listening.periods import period_totals, topic_counts, with_emergence
from tribu.listening.pipeline import update_topics
from tribu.listening.synthetic import SyntheticTruth
from tribu.metrics import MEASURES
from tribu.warehouse.engines import ibis_tables
from tribu.warehouse.store import open_warehouse


def test_registered_and_equal_to_the_python_series(
    warehouse: tuple[Path, SyntheticTruth],
) -> None:
    assert MEASURES["topic_emergence"].function is topic_emergence
    path, _ = warehouse
    con = open_warehouse(path)
    try:
        update_topics(con, strong=False)
        python = with_emergence(
            topic_counts(con, "week"), period_totals(con, "week"), "week"
        )
    finally:
        con.close()
    tables = dict(ibis_tables(path, engine="duckdb"))
    try:
        frame = topic_emergence(tables["messages"], tables["enrichment"]).execute()
    finally:
        next(iter(tables.values())).get_backend().disconnect()
    assert len(frame) > 100
    for row in frame.itertuples():
        expected = python[int(row.topic_id)][
            row.week.date() if hasattr(row.week, "date") else row.week
        ]
        assert row.messages == expected.messages
        assert row.negative == expected.negative
        assert row.baseline_mean == pytest.approx(expected.baseline_mean)
        assert row.emergence == pytest.approx(expected.emergence)
