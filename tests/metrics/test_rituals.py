"""Rituals on the fixture, in Paris time and in UTC."""

from __future__ import annotations

import pytest

from tribu.metrics._tz import local_epoch, offset_transitions


def test_rituals_in_paris(measure) -> None:
    rows = {(r["channel_id"], r["weekday"], r["hour"]): r for r in measure("rituals")}
    # c1 is observed from M1 (01-06 19:00) to LAST (04-10 10:00): 93.625 days, so a weekly
    # ritual needs 0.25 x 93.625 / 7 = 3.34 occurrences, i.e. 4.
    assert set(rows) == {("c1-events", 3, 18)}
    # alice's "Live du jeudi": 17:00 UTC in March, 16:00 UTC on 2 April after the clocks
    # changed (29 March) -> always Thursday 18:00 in Paris: 4 occurrences, weekly; all four
    # posts start with "live" (signature share 4/4).
    live = rows[("c1-events", 3, 18)]
    assert (live["period"], live["occurrences"]) == ("weekly", 4)
    # Attendance within 2 h, host, brand and bot excluded: 03-12 bob, carol (2); 03-19 bob,
    # carol, dave (3); 03-26 bob, carol (bob twice) (2); 04-02 bob, carol, erin (3).
    # Mean 10/4 = 2.5 >= 2. Slope: x 1..4 (mean 2.5), y 2,3,2,3 (mean 2.5):
    # sum((x-2.5)(y-2.5)) = .75 - .25 - .25 + .75 = 1; sum((x-2.5)^2) = 5 -> 0.2.
    assert live["mean_attendance"] == pytest.approx(2.5)
    assert live["attendance_trend"] == pytest.approx(0.2)


def test_each_rule_leaves_out_a_fixture_slot(measure) -> None:
    # The brand's "Soirée dégustation" on the first Tuesdays (6 Jan, 3 Feb, 3 Mar, 20:00
    # Paris): gaps 28, 28 -> monthly, 3 >= max(3, 0.25 x 93.625 / 30.44 = 0.77), but only
    # alice attends (mean 1 < 2): it appears once min_attendance is 1.
    rows = {
        (r["channel_id"], r["weekday"], r["hour"]): r
        for r in measure("rituals", min_attendance=1.0)
    }
    assert set(rows) == {("c1-events", 3, 18), ("c1-events", 1, 20)}
    tasting = rows[("c1-events", 1, 20)]
    assert (tasting["period"], tasting["occurrences"]) == ("monthly", 3)
    assert tasting["mean_attendance"] == 1.0
    # The brand's Thursday posts P1-P3 at 10:00 UTC = 11:00 Paris start with "bienvenue",
    # "notre", "question" (and only P1 has #cafetribu): the best key covers 1 week of 3
    # (< 0.5). Without text similarity they are 3 occurrences, fewer than the 3.34 the span
    # asks; without that rule too they are weekly (coverage 3/3) with attendance 2 (alice,
    # bob), 0, 2 (bob, dave) -> mean 4/3, slope 0, kept once min_attendance is 1.
    relaxed = {"min_attendance": 1.0, "min_text_share": 0.0}
    assert ("c1-general", 3, 11) not in {
        (r["channel_id"], r["weekday"], r["hour"])
        for r in measure("rituals", **relaxed)
    }
    rows = {
        (r["channel_id"], r["weekday"], r["hour"]): r
        for r in measure("rituals", **relaxed, min_span_share=0.0)
    }
    general = rows[("c1-general", 3, 11)]
    assert (general["period"], general["occurrences"]) == ("weekly", 3)
    assert general["mean_attendance"] == pytest.approx(4 / 3)
    assert general["attendance_trend"] == pytest.approx(0.0)


def test_rituals_in_utc(measure) -> None:
    # In UTC the live splits: Thursday 17:00 has 3 occurrences and 16:00 only one; 3 is
    # fewer than the span's 3.34, so there is no ritual at all.
    assert measure("rituals", tz="UTC") == []
    # Without the span rule, 17:00 is weekly with 2, 3, 2 attendees: mean 7/3, slope 0.
    rows = {
        (r["channel_id"], r["weekday"], r["hour"]): r
        for r in measure("rituals", tz="UTC", min_span_share=0.0)
    }
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


def _posts(rows: list[tuple]):  # noqa: ANN202 - an Ibis table
    """Messages of community "k" from (id, channel, author, ts UTC, text, reply_to, thread)."""
    import ibis

    columns = ["message_id", "channel_id", "author_id", "ts", "text"]
    table = ibis.memtable(
        {
            **{c: [r[i] for r in rows] for i, c in enumerate(columns)},
            "reply_to_id": [r[5] for r in rows],
            "thread_id": [r[6] for r in rows],
        },
        schema={
            **dict.fromkeys(columns, "string"),
            "reply_to_id": "string",
            "thread_id": "string",
        },
    )
    return table.mutate(
        community_id=ibis.literal("k"), ts=table.ts.cast("timestamp('UTC')")
    )


def _rituals(tables, rows: list[tuple], **settings: object) -> list[tuple]:  # noqa: ANN001
    from tribu.metrics.rituals import rituals

    con = tables["messages"]._find_backend()
    out = con.to_pyarrow(rituals(_posts(rows), tables["members"], **settings))
    return [
        (r["weekday"], r["hour"], r["period"], r["occurrences"], r["mean_attendance"])
        for r in out.to_pylist()
    ]


def test_monthly_ritual_survives_a_stray_post(tables) -> None:
    # The brand's "Soirée dégustation" on Tuesdays 19:00 UTC (20:00 Paris before 29 March):
    # 6 Jan, 3 Feb, 3 Mar, then 7 Apr at 18:00 UTC (20:00 Paris, summer); on 10 Feb a stray
    # "Promo flash" in the same slot. Signature "soirée": 4 of the 5 weeks (0.8 >= 0.5), so
    # the stray post is ignored: gaps 28, 28, 35, all within 28-35 -> monthly, 4 occurrences
    # (coverage 4 / (91 / 7 + 1) = 0.29 < 0.6: not weekly). Nobody attends: min_attendance 0.
    def post(i: int, ts: str, text: str) -> tuple:
        return (f"x{i}", "e", "brand", ts, text, None, None)

    rows = [
        post(0, "2026-01-06 19:00:00", "Soirée dégustation"),
        post(1, "2026-02-03 19:00:00", "Soirée dégustation"),
        post(2, "2026-02-10 19:00:00", "Promo flash sur le moulin"),
        post(3, "2026-03-03 19:00:00", "Soirée dégustation de mars"),
        post(4, "2026-04-07 18:00:00", "soirée dégustation !"),
    ]
    assert _rituals(tables, rows, min_attendance=0) == [(1, 20, "monthly", 4, 0.0)]
    # Without text similarity the stray post is an occurrence: gaps 28, 7, 21, 35, only 2
    # of 4 monthly (0.5 < 0.6) -> no ritual. Asking the signature in 90 % of weeks: none.
    assert _rituals(tables, rows, min_attendance=0, min_text_share=0) == []
    assert _rituals(tables, rows, min_attendance=0, min_text_share=0.9) == []
    # With the default min_attendance (2) an unattended series is no ritual.
    assert _rituals(tables, rows) == []


def test_shared_hashtag_is_a_signature(tables) -> None:
    # Four Thursdays 10:00 UTC (11:00 Paris, winter) whose first words all differ but which
    # share #PhotoDuJeudi (lower-cased: "photodujeudi", 4 of 4 weeks). bob and carol write
    # 10 minutes later each time: attendance 2, 2, 2, 2. Span 21 days + 10 min: a weekly
    # ritual needs 0.25 x 3.0 = 0.75 (so 3) occurrences; coverage 4 / (21 / 7 + 1) = 1.
    texts = [
        "Thème de la semaine : la mer #PhotoDuJeudi",
        "Ce jeudi, vos chaussures #photodujeudi !",
        "#PhotoDuJeudi : en ville",
        "À vos appareils #photodujeudi",
    ]
    rows = []
    for i, (day, text) in enumerate(zip((5, 12, 19, 26), texts, strict=True)):
        rows.append(
            (f"h{i}", "p", "brand", f"2026-02-{day:02d} 10:00:00", text, None, None)
        )
        for who in ("bob", "carol"):
            rows.append(
                (
                    f"h{i}{who}",
                    "p",
                    who,
                    f"2026-02-{day:02d} 10:10:00",
                    "📸",
                    None,
                    None,
                )
            )
    assert _rituals(tables, rows) == [(3, 11, "weekly", 4, 2.0)]


def test_thread_opener_is_an_occurrence(tables) -> None:
    # A monthly AMA opened inside a thread channel "ama" (its messages carry thread_id =
    # channel id, as Discord threads): the brand's opener on the first Tuesdays 5 May, 2 June,
    # 7 July 17:00 UTC (19:00 Paris, summer) -> gaps 28, 35: monthly, 3 occurrences. In the
    # thread bob asks (top-level) and carol replies to the opener 5 minutes later: 2 people;
    # the brand's answers are replies (no occurrence) and brand accounts never attend.
    rows = []
    for i, day in enumerate(("2026-05-05", "2026-06-02", "2026-07-07")):
        opener = f"a{i}"
        rows += [
            (opener, "ama", "brand", f"{day} 17:00:00", "AMA du mois !", None, "ama"),
            (
                f"{opener}q",
                "ama",
                "bob",
                f"{day} 17:05:00",
                "Une question",
                None,
                "ama",
            ),
            (f"{opener}c", "ama", "carol", f"{day} 17:05:00", "Moi", opener, "ama"),
            (
                f"{opener}r",
                "ama",
                "brand",
                f"{day} 17:06:00",
                "Réponse",
                f"{opener}q",
                "ama",
            ),
        ]
    assert _rituals(tables, rows) == [(1, 19, "monthly", 3, 2.0)]


def test_a_post_drifting_across_the_hour_stays_in_its_slot(tables) -> None:
    # The brand's "Live" on four Thursdays of February (Paris = UTC+1), posted at 17:58,
    # 18:02, 17:55 and 18:04 Paris (16:58, 17:02, 16:55, 17:04 UTC): slots are nearest hours,
    # so all four are Thursday 18:00 (weekday 3). bob and carol write 10 minutes later each
    # time: attendance 2, 2, 2, 2. Span 21 days + 19 min: coverage 4 / (21 / 7 + 1) = 1.
    # (Before slots were rounded, 17:55/17:58 and 18:02/18:04 made two slots of 2 posts,
    # fewer than min_occurrences = 3: no ritual.)
    from datetime import datetime, timedelta

    times = ("16:58", "17:02", "16:55", "17:04")
    rows = []
    for i, (day, hhmm) in enumerate(zip((5, 12, 19, 26), times, strict=True)):
        start = datetime.fromisoformat(f"2026-02-{day:02d} {hhmm}")
        later = str(start + timedelta(minutes=10))
        rows.append(
            (f"d{i}", "lives", "brand", str(start), "Live du jeudi", None, None)
        )
        for who in ("bob", "carol"):
            rows.append((f"d{i}{who}", "lives", who, later, "présent !", None, None))
    assert _rituals(tables, rows) == [(3, 18, "weekly", 4, 2.0)]
    # 23:45 on a Sunday belongs to Monday 00:00, the nearest hour
    late = [
        (
            f"s{i}",
            "night",
            "brand",
            f"2026-02-{day:02d} 22:45:00",
            "Nuit blanche",
            None,
            None,
        )
        for i, day in enumerate((1, 8, 15, 22))
    ]
    assert [r[:3] for r in _rituals(tables, late, min_attendance=0)] == [
        (0, 0, "weekly")
    ]
