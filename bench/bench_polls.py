"""Benchmark: loading a big questionnaire export, and the polls view over many polls.

1. ``tribu load survey`` of a generated Typeform CSV of 20,000 responses (a choice, an NPS, a
   scale and a free-text question answered by 30 %): reading, validation, sentiment of the
   free text, the write in one transaction. Rows = responses.
2. :func:`tribu.polls.view.polls_view` (every poll measure, once) over a warehouse of 2,000
   polls of 4 answers with 40 named voters each, in a community of 5,000 members and 500,000
   messages over 26 weeks (generated in DuckDB SQL). Rows = polls.

Both run in a child process (seconds, peak memory); the machine's load average is recorded
beside the figures, since the machine is shared.
"""

from __future__ import annotations

import csv
import os
import random
import tempfile
from pathlib import Path
from typing import Any

from bench._measure import measure_in_child, write_result

RESPONSES = 20_000
POLLS = 2_000
MEMBERS = 5_000
MESSAGES = 500_000


def _write_survey(path: Path) -> None:
    rng = random.Random(22)
    comments = [
        "Super live, merci !",
        "Livraison trop lente, déçu.",
        "J'adore la communauté, vivement le prochain drop",
        "Le son coupait souvent pendant le live",
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "#",
                "Quelle couleur ?",
                "Recommanderiez-vous Semelle à un ami ?",
                "Note du live (1-5)",
                "Un mot pour l'équipe ?",
                "email",
                "handle",
                "Submit Date (UTC)",
            ]
        )
        for i in range(RESPONSES):
            out.writerow(
                [
                    f"r{i}",
                    rng.choice(["Vert sauge", "Terracotta", "Sable", "Noir"]),
                    rng.randint(0, 10),
                    rng.randint(1, 5),
                    f"{rng.choice(comments)} ({i})" if rng.random() < 0.3 else "",
                    f"p{i}@example.com",
                    f"u{i % MEMBERS}",
                    f"2026-09-{1 + i % 28:02d} {i % 24:02d}:00:00",
                ]
            )


def _load(db: str, path: str) -> int:
    from tribu.firstparty import load_survey
    from tribu.warehouse.store import open_warehouse

    con = open_warehouse(db)
    try:
        return load_survey(con, path).responses
    finally:
        con.close()


def _generate_polls(db: Path) -> None:
    from tribu.warehouse.store import open_warehouse

    con = open_warehouse(db)
    con.execute("INSERT INTO communities VALUES ('c0', 'discord', 'Bench', 'b', now())")
    con.execute(
        "INSERT INTO members (member_id, community_id, display_name) "
        f"SELECT 'm' || i, 'c0', 'member ' || i FROM range({MEMBERS}) t(i)"
    )
    con.execute(
        f"""
        INSERT INTO messages (message_id, community_id, channel_id, author_id, ts, text)
        SELECT 'msg' || i, 'c0', 'ch0', 'm' || (i * 7919 % {MEMBERS}),
               TIMESTAMPTZ '2026-05-01 00:00:00+00' + to_seconds(i * 31), 'message ' || i
        FROM range({MESSAGES}) t(i)
        """
    )
    con.execute(
        f"""
        INSERT INTO polls
        SELECT 'p' || i, 'c0', 'ch0', 'msg' || (i * 250), 'm0',
               TIMESTAMPTZ '2026-05-01 00:00:00+00' + to_seconds(i * 250 * 31),
               'Question ' || i, 'discord', FALSE, TRUE, NULL, 40
        FROM range({POLLS}) t(i)
        """
    )
    con.execute(
        f"""
        INSERT INTO poll_options
        SELECT 'p' || i, j + 1, 'Answer ' || j, 10
        FROM range({POLLS}) t(i), range(4) u(j)
        """
    )
    con.execute(
        f"""
        INSERT INTO poll_votes
        SELECT 'p' || i, (k % 4) + 1, 'm' || ((i * 131 + k * 17) % {MEMBERS})
        FROM range({POLLS}) t(i), range(40) u(k)
        """
    )
    con.close()


def _view(db: str) -> int:
    from tribu.polls.view import polls_view
    from tribu.warehouse.engines import ibis_tables

    view = polls_view(ibis_tables(db))
    return len(view.sections["polls"])


def run() -> dict[str, Any]:
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        survey = folder / "typeform.csv"
        _write_survey(survey)
        db = folder / "survey.duckdb"
        from tribu.warehouse.store import open_warehouse

        open_warehouse(db).close()
        seconds, rows, peak = measure_in_child(_load, str(db), str(survey))
        polls_db = folder / "polls.duckdb"
        _generate_polls(polls_db)
        view_seconds, polls, view_peak = measure_in_child(_view, str(polls_db))
    return write_result(
        "polls",
        {
            "load_average_at_start": [round(x, 2) for x in load],
            "survey_load": {
                "what": "tribu load survey of a Typeform CSV (4 questions, 30 % free "
                "text scored for sentiment)",
                "rows": rows,
                "seconds": round(seconds, 2),
                "rows_per_second": round(rows / seconds),
                "peak_memory_mb": round(peak),
            },
            "polls_view": {
                "what": f"polls_view: every poll measure over {POLLS:,} polls (4 answers, "
                f"40 named voters each), {MEMBERS:,} members, {MESSAGES:,} messages",
                "rows": polls,
                "seconds": round(view_seconds, 2),
                "rows_per_second": round(polls / view_seconds),
                "peak_memory_mb": round(view_peak),
            },
        },
    )
