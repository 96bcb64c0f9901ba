"""Rituals on the fixture, in Paris time and in UTC."""

from __future__ import annotations

import pytest

from tribu.metrics._tz import local_epoch, offset_transitions


def test_rituals_in_paris(measure) -> None:
    rows = {(r["channel_id"], r["weekday"], r["hour"]): r for r in measure("rituals")}
    assert set(rows) == {
        ("c1-events", 3, 18),
        ("c1-general", 3, 11),
        ("c1-events", 1, 20),
    }
    # alice's "Live du jeudi": 17:00 UTC in March, 16:00 UTC on 2 April after the clocks
    # changed (29 March) -> always Thursday 18:00 in Paris: 4 occurrences, weekly.
    live = rows[("c1-events", 3, 18)]
    assert (live["period"], live["occurrences"]) == ("weekly", 4)
    # Attendance within 2 h, host and bot excluded: 03-12 bob, carol (2); 03-19 bob, carol,
    # dave (3); 03-26 bob, carol (bob twice) (2); 04-02 bob, carol, erin (3).
    # Mean 10/4 = 2.5. Slope: x 1..4 (mean 2.5), y 2,3,2,3 (mean 2.5):
    # sum((x-2.5)(y-2.5)) = .75 - .25 - .25 + .75 = 1; sum((x-2.5)^2) = 5 -> 0.2.
    assert live["mean_attendance"] == pytest.approx(2.5)
    assert live["attendance_trend"] == pytest.approx(0.2)
    # The brand's Thursday posts P1-P3 at 10:00 UTC = 11:00 Paris: attendance 2 (alice,
    # bob), 0, 2 (bob, dave) -> mean 4/3, slope 0. P4 (12:00 Paris) stays alone.
    general = rows[("c1-general", 3, 11)]
    assert (general["period"], general["occurrences"]) == ("weekly", 3)
    assert general["mean_attendance"] == pytest.approx(4 / 3)
    assert general["attendance_trend"] == pytest.approx(0.0)
    # The brand's tasting on the first Tuesday (6 Jan, 3 Feb, 3 Mar, 20:00 Paris): gaps of
    # 28 days -> monthly; alice attends each: mean 1.
    tasting = rows[("c1-events", 1, 20)]
    assert (tasting["period"], tasting["occurrences"]) == ("monthly", 3)
    assert tasting["mean_attendance"] == 1.0


def test_rituals_in_utc(measure) -> None:
    rows = {
        (r["channel_id"], r["weekday"], r["hour"]): r
        for r in measure("rituals", tz="UTC")
    }
    # In UTC the live splits: Thursday 17:00 has 3 occurrences (2, 3, 2 attendees: mean 7/3,
    # slope 0) and 16:00 only one (not a ritual).
    live = rows[("c1-events", 3, 17)]
    assert live["occurrences"] == 3
    assert live["mean_attendance"] == pytest.approx(7 / 3)
    assert ("c1-events", 3, 16) not in rows


def test_paris_offsets() -> None:
    first, changes = offset_transitions("Europe/Paris")
    assert first == 3600
    # 29 March 2026 01:00 UTC: Paris moves to UTC+2 (epoch 1774746000).
    assert (1774746000, 7200) in changes
    import ibis

    con = ibis.duckdb.connect()
    before = con.execute(local_epoch(ibis.literal(1774745999, "int64"), "Europe/Paris"))
    after = con.execute(local_epoch(ibis.literal(1774746000, "int64"), "Europe/Paris"))
    assert (before - 1774745999, after - 1774746000) == (3600, 7200)


def test_unknown_time_zone() -> None:
    from tribu.errors import ConfigError

    with pytest.raises(ConfigError, match="Mars/Olympus"):
        offset_transitions("Mars/Olympus")


def test_monthly_ritual_survives_a_stray_post(tables) -> None:
    # The brand posts on Tuesdays 19:00 UTC (20:00 Paris, winter/spring before 29 March):
    # 6 Jan, 3 Feb, 10 Feb (a stray post), 3 Mar, then 7 Apr at 18:00 UTC (20:00 Paris, summer).
    # Gaps 28, 7, 21, 35 days: 3 of 4 within 21-42 (0.75 >= 0.6) -> monthly, 5 occurrences.
    # Coverage 5 / (91 / 7 + 1) = 0.36 < 0.6 -> not weekly.
    import ibis

    from tribu.metrics.rituals import rituals

    days = [
        "2026-01-06 19:00:00",
        "2026-02-03 19:00:00",
        "2026-02-10 19:00:00",
        "2026-03-03 19:00:00",
        "2026-04-07 18:00:00",
    ]
    posts = ibis.memtable(
        {
            "message_id": [f"x{i}" for i in range(5)],
            "community_id": ["c1"] * 5,
            "channel_id": ["c1-events"] * 5,
            "author_id": ["brand"] * 5,
            "ts": days,
        }
    ).mutate(
        ts=ibis._.ts.cast("timestamp('UTC')"),
        reply_to_id=ibis.null("string"),
        thread_id=ibis.null("string"),
    )
    con = tables["messages"]._find_backend()
    out = con.to_pyarrow(rituals(posts, tables["members"])).to_pylist()
    assert [(r["weekday"], r["hour"], r["period"], r["occurrences"]) for r in out] == [
        (1, 20, "monthly", 5)
    ]
    # Requiring every gap to be monthly (share 1.0) rejects it.
    strict = con.to_pyarrow(rituals(posts, tables["members"], monthly_min_share=1.0))
    assert strict.num_rows == 0
