"""The emergence quality bar on a generated warehouse (tribu.listening.synthetic).

5 topics are injected as bursts into 20 steady ones in week 9 (3 from nothing, 2 that
murmured before). The top 5 emerging topics of the burst week must hold at least 4 of them,
and each week without a burst may raise at most one false *emerging* topic.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tribu.listening.pipeline import update_topics
from tribu.listening.synthetic import SyntheticTruth
from tribu.listening.view import listening_view
from tribu.warehouse.store import open_warehouse


def test_bursts_are_the_top_emerging_and_quiet_weeks_stay_quiet(
    generated: tuple[Path, SyntheticTruth], tmp_path: Path
) -> None:
    import shutil

    path = tmp_path / "w.duckdb"
    shutil.copy(generated[0], path)
    truth = generated[1]
    con = open_warehouse(path)
    try:
        update_topics(con, strong=False)
        end = truth.burst_week_start + timedelta(days=7) - timedelta(seconds=1)
        view = listening_view(con, until=end, limit=50)
        rising = [t for t in view["topics"] if t["status"] in ("emerging", "new")][:5]
        hits = sum(any(w in t["label"] for w in truth.burst_words) for t in rising)
        assert hits >= 4
        for weeks_before in range(1, 8):
            quiet = listening_view(
                con, until=end - timedelta(weeks=weeks_before), limit=50
            )
            false_alarms = [
                t
                for t in quiet["topics"]
                if t["status"] == "emerging"
                and not any(w in t["label"] for w in truth.burst_words)
            ]
            assert len(false_alarms) <= 1, quiet["period"]
    finally:
        con.close()
