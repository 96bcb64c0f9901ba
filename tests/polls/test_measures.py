"""Poll measures on the hand-counted samples (tests/data/polls, tests/data/surveys).

Wilson bounds are checked three ways: against SciPy's ``binomtest(...).proportion_ci``, against
the values worked by hand in docs/metrics.md (``poll_results``), and at the edges (0 and n).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from scipy.stats import binomtest

import tribu.polls  # noqa: F401  (registers the poll measures)
from tribu.firstparty import load_files, load_survey
from tribu.metrics import compute
from tribu.warehouse.engines import ibis_tables
from tribu.warehouse.ingest import ingest_paths
from tribu.warehouse.store import open_warehouse

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("polls")
    config = folder / "tribu.toml"
    config.write_text(
        '[[communities]]\nmatch = "Club Running Paris"\nbrand_accounts = ["111"]\n'
        '[[communities]]\nmatch = "discord:900"\nbrand_accounts = ["111"]\n',
        encoding="utf-8",
    )
    path = folder / "w.duckdb"
    ingest_paths([DATA / "polls"], db=path, config=config, keep_names=True)
    (folder / "customers.csv").write_text(
        "customer_id,acquired_at\nc1,2024-01-01\n", encoding="utf-8"
    )
    (folder / "links.csv").write_text(
        "customer_id,member_id\nc1,slack:slack_simple_poll/U04ZOE\n", encoding="utf-8"
    )
    con = open_warehouse(path)
    try:
        load_files(con, "customers", [folder / "customers.csv"])
        load_files(con, "member-links", [folder / "links.csv"])
        load_survey(
            con,
            DATA / "surveys" / "typeform_drop.csv",
            survey_id="drop",
            community_id="discord:900",
        )
    finally:
        con.close()
    return path


def _run(db: Path, name: str, **settings: object) -> pd.DataFrame:
    return compute(name, ibis_tables(db), **settings).to_pandas()


def test_poll_results_shares_and_wilson(db: Path) -> None:
    out = _run(db, "poll_results")
    colour = out[out.poll_id == "telegram:1700000001/10"].sort_values("position")
    # 5, 3, 1 votes of 9 voters (total_voters).
    assert colour.votes.tolist() == [5, 3, 1]
    assert colour.base.tolist() == [9, 9, 9]
    assert colour.share.tolist() == pytest.approx([5 / 9, 3 / 9, 1 / 9])
    assert colour.share_low.iloc[0] == pytest.approx(0.2667, abs=5e-5)
    assert colour.share_high.iloc[0] == pytest.approx(0.8112, abs=5e-5)
    # Every row agrees with SciPy's Wilson interval.
    for row in out.itertuples():
        ci = binomtest(int(row.votes), int(row.base)).proportion_ci(method="wilson")
        assert (row.share_low, row.share_high) == pytest.approx(
            (ci.low, ci.high), abs=1e-9
        )
    # Telegram live-time vote: 3 + 2 + 0 = 5 votes from 4 voters: shares add past 1.
    live = out[out.poll_id == "telegram:1700000001/12"]
    assert live.share.sum() == pytest.approx(5 / 4)
    # WhatsApp: no total_voters, base = 4 + 2 + 1 votes.
    crew = out[out.community_id == "whatsapp:Atelier Crew"]
    assert crew.base.unique().tolist() == [7]


def test_hand_worked_wilson_values(db: Path) -> None:
    out = _run(db, "survey_results").set_index("option")
    # docs/metrics.md: 2 of 4 -> [0.150, 0.850]; 1 of 4 -> [0.046, 0.699].
    assert out.loc["Vert sauge", ["votes", "base"]].tolist() == [2, 4]
    assert out.loc["Vert sauge", "share_low"] == pytest.approx(0.1500, abs=5e-4)
    assert out.loc["Vert sauge", "share_high"] == pytest.approx(0.8500, abs=5e-4)
    assert out.loc["Noir", "share_low"] == pytest.approx(0.0456, abs=5e-4)
    assert out.loc["Noir", "share_high"] == pytest.approx(0.6994, abs=5e-4)
    # 0 of 4 (Discord "Black" has 0 of 9; Slack "Black" 0 of 3): lower bound 0.
    polls = _run(db, "poll_results")
    zero = polls[polls.votes == 0]
    assert (zero.share_low == 0).all()
    slack_black = zero[zero.poll_id.str.startswith("slack")]
    # 0 of 3: (z²/6) / (1 + z²/3) * 2 = 0.5615.
    assert slack_black.share_high.iloc[0] == pytest.approx(0.5615, abs=5e-4)


def test_confidence_setting(db: Path) -> None:
    wide = _run(db, "survey_results", confidence=0.99).set_index("option")
    ci = binomtest(2, 4).proportion_ci(confidence_level=0.99, method="wilson")
    assert wide.loc["Vert sauge", "share_low"] == pytest.approx(ci.low)


def test_survey_scores(db: Path) -> None:
    out = _run(db, "survey_scores").set_index("kind")
    # NPS 9, 10, 6, 8 -> (2 - 1) / 4 = +25, mean 8.25; live 5, 4, 3, 4 -> mean 4.
    assert out.loc["nps", "nps"] == pytest.approx(25.0)
    assert out.loc["nps", "mean"] == pytest.approx(8.25)
    assert out.loc["scale", "mean"] == pytest.approx(4.0)
    assert out.loc["text", "responses"] == 2
    assert out.loc["text", "negative"] == 1  # "Livraison trop lente, déçu."


def test_participation(db: Path) -> None:
    out = _run(db, "poll_participation").set_index("poll_id")
    # Telegram, week of Mon 6 May 2024: people who wrote are Inès (222) only (111 is the
    # brand): colour vote 9 voters / 1 = 9.0; live vote 4 / 1.
    assert out.loc["telegram:1700000001/10", ["voters", "active_members"]].tolist() == [
        9,
        1,
    ]
    assert out.loc["telegram:1700000001/12", "participation"] == pytest.approx(4.0)
    # Discord multi-select with totalVoteCount 3; week: Inès and Marc wrote (brand 111
    # excluded; Marc's poll message was quarantined, so only Inès): 3 / 1.
    assert out.loc["discord:900/5003", ["voters", "active_members"]].tolist() == [3, 1]
    # Slack: no total, 3 named voters; U01BRAND (no brand configured) and Inès wrote: 3 / 2.
    slack = out[out.index.str.startswith("slack")].iloc[0]
    assert (slack.voters, slack.active_members) == (3, 2)
    survey = _run(db, "survey_participation").iloc[0]
    # 4 responses in the week of 6 May / 1 active member of discord:900.
    assert (survey.responses, survey.active_members) == (4, 1)


def test_segments(db: Path) -> None:
    out = _run(db, "poll_votes_by_segment")
    slack = out[out.poll_id.str.startswith("slack")].set_index(["option", "audience"])
    # Zoé (linked to customer c1) chose Terracotta; Inès and Marc Sage green.
    assert slack.loc[("Terracotta", "customers"), ["votes", "voters"]].tolist() == [
        1,
        1,
    ]
    assert slack.loc[("Sage green", "members"), ["votes", "voters"]].tolist() == [2, 2]
    survey = _run(db, "survey_answers_by_segment")
    unknown = survey[survey.audience == "unknown"]
    assert unknown[["option", "role", "votes"]].values.tolist() == [
        ["Noir", "not a member", 1]
    ]
    members = survey[survey.audience == "members"].set_index("option")
    assert members.loc["Vert sauge", ["votes", "responses"]].tolist() == [2, 3]
