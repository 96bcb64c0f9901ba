"""`tribu load survey`: Typeform, Google Forms and Tally exports, hand-checked.

Fixtures: tests/data/surveys (SOURCES.md). Every expected number below is counted from those
files by hand; the working is in the comments.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from tribu.business import nps_by_channel
from tribu.cli import app
from tribu.errors import InputError
from tribu.firstparty import load_survey
from tribu.firstparty._survey_read import read_survey
from tribu.warehouse.engines import ibis_tables
from tribu.warehouse.ingest import ingest_paths
from tribu.warehouse.store import open_warehouse

DATA = Path(__file__).resolve().parents[1] / "data"
SURVEYS = DATA / "surveys"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A warehouse holding the Discord poll sample (community discord:900, members 111-444)."""
    path = tmp_path / "w.duckdb"
    ingest_paths([DATA / "polls" / "discord_polls.json"], db=path)
    return path


def _q(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_typeform_csv_quarantines_and_names_bad_rows(db: Path) -> None:
    con = open_warehouse(db)
    try:
        result = load_survey(
            con, SURVEYS / "typeform_drop.csv", community_id="discord:900"
        )
        again = load_survey(
            con, SURVEYS / "typeform_drop.csv", community_id="discord:900"
        )
    finally:
        con.close()
    assert result.tool == "typeform" and result.survey_id == "typeform_drop"
    # Rows 2-5 (tf01-tf04) are good; row 6 has NPS 11, row 7 the date "hier".
    assert result.responses == 4
    assert [where for where, _ in result.quarantined] == ["row 6", "row 7"]
    assert "0 to 10" in result.quarantined[0][1] and "'11'" in result.quarantined[0][1]
    assert "hier" in result.quarantined[1][1]
    survey_rows = "FROM quarantine WHERE source LIKE '%typeform_drop.csv'"
    assert _q(db, f"SELECT locator {survey_rows} ORDER BY 1") == [
        ("row 6",),
        ("row 7",),
    ]
    # Answers: tf01 4 (colour, nps, scale, text), tf02 3, tf03 4, tf04 3 = 14.
    assert result.answers == 14
    assert list(result.questions.values()) == ["choice", "nps", "scale", "text"]
    assert _q(
        db,
        "SELECT choice, count(*) FROM survey_answers WHERE kind = 'choice' "
        "GROUP BY 1 ORDER BY 1",
    ) == [("Noir", 1), ("Terracotta", 1), ("Vert sauge", 2)]
    # Handles 222, 333, 444 are Discord members (author, voters); tf04 names nobody.
    assert (result.linked_members, result.unknown_members) == (3, 0)
    linked = _q(
        db,
        "SELECT count(*) FROM survey_responses r JOIN members m USING (member_id)",
    )
    assert linked == [(3,)]
    # E-mails are never stored; a digest counts respondents.
    assert _q(
        db, "SELECT count(*) FROM survey_responses WHERE respondent_id LIKE '%@%'"
    ) == [(0,)]
    # Same file again: skipped, nothing doubled.
    assert again.skipped
    assert _q(db, "SELECT count(*) FROM survey_responses") == [(4,)]
    assert _q(db, f"SELECT count(*) {survey_rows}") == [(2,)]


def test_nps_answers_feed_the_nps_measures(db: Path) -> None:
    con = open_warehouse(db)
    try:
        load_survey(con, SURVEYS / "typeform_drop.csv", survey_id="drop")
    finally:
        con.close()
    # Scores 9, 10, 6, 8: promoters 2, detractors 1 of 4 -> (2 - 1) / 4 = +25.
    assert _q(db, "SELECT channel, count(*) FROM nps GROUP BY 1") == [
        ("survey:drop", 4)
    ]
    tables = ibis_tables(db)
    out = nps_by_channel(tables["nps"]).execute().set_index("channel")
    assert out.loc["survey:drop", "nps"] == pytest.approx(25.0)


def test_free_text_is_scored_for_sentiment(db: Path) -> None:
    con = open_warehouse(db)
    try:
        load_survey(con, SURVEYS / "typeform_drop.csv")
    finally:
        con.close()
    scores = dict(
        _q(db, "SELECT text, sentiment FROM survey_answers WHERE kind = 'text'")
    )
    assert scores["Trop bien, j'adore les drops !"] > 0.6
    assert scores["Livraison trop lente, déçu."] < 0.4
    assert _q(
        db,
        "SELECT count(*) FROM survey_answers WHERE kind <> 'text' "
        "AND sentiment IS NOT NULL",
    ) == [(0,)]


def test_google_forms_multiple_choice() -> None:
    survey = read_survey(SURVEYS / "google_forms_live.csv")
    assert survey.tool == "google-forms"
    assert survey.questions == {
        "Quel créneau pour le live ?": "choice",
        "Quels produits vous intéressent ?": "multiple",
        "Votre avis en quelques mots": "text",
    }
    labels = [
        a.choice for r in survey.responses for a in r.answers if a.kind == "multiple"
    ]
    # "Sneakers, Casquettes" + "Sneakers" + "Casquettes, Sacs".
    assert sorted(labels) == [
        "Casquettes",
        "Casquettes",
        "Sacs",
        "Sneakers",
        "Sneakers",
    ]
    assert [r.email for r in survey.responses][0] == "ines@example.com"
    # Day first: 07/05/2024 is the 7th of May.
    assert survey.responses[2].ts.day == 7
    # No id column: ids from the cells, stable from one read to the next.
    assert [r.response_id for r in survey.responses] == [
        r.response_id for r in read_survey(SURVEYS / "google_forms_live.csv").responses
    ]


def test_kind_override() -> None:
    survey = read_survey(
        SURVEYS / "google_forms_live.csv",
        {"Quel créneau pour le live ?": "text"},
    )
    assert survey.questions["Quel créneau pour le live ?"] == "text"
    with pytest.raises(InputError, match="unknown kind 'stars'"):
        read_survey(SURVEYS / "google_forms_live.csv", {"x": "stars"})


def test_tally_json() -> None:
    survey = read_survey(SURVEYS / "tally_live.json")
    assert survey.tool == "tally"
    assert [r.response_id for r in survey.responses] == ["t1", "t2"]
    assert [(where, "dix" in why) for where, why, _ in survey.quarantined] == [
        ("$[2]", True)
    ]
    nps = [a.number for r in survey.responses for a in r.answers if a.kind == "nps"]
    assert nps == [9.0, 3.0]
    assert [r.handle for r in survey.responses] == ["222", "333"]
    choices = [
        a.choice for r in survey.responses for a in r.answers if a.kind == "choice"
    ]
    assert choices == ["18 h", "20 h"]  # option ids o1, o2 turned into their text


def test_typeform_api_json() -> None:
    survey = read_survey(SURVEYS / "typeform_api.json")
    (response,) = survey.responses
    assert response.response_id == "tok1"
    kinds = [
        (a.question, a.kind, a.choice or a.number or a.text) for a in response.answers
    ]
    assert kinds == [
        ("colour", "choice", "Sage green"),
        ("extras", "multiple", "Laces"),
        ("extras", "multiple", "Socks"),
        ("nps", "nps", 10.0),
        ("comment", "text", "Love it"),
    ]
    assert survey.quarantined[0][:2] == ("items[1]", "no 'submitted_at'")


def test_cli_load_survey(db: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(
        app,
        [
            "load",
            "survey",
            str(SURVEYS / "tally_live.json"),
            "--db",
            str(db),
            "--community",
            "discord:900",
            "--survey",
            "live",
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    (result,) = json.loads(out.output)
    assert result["responses"] == 2 and result["quarantined"] == [
        ["$[2]", "'Recommanderiez-vous Atelier à un ami ?': 'dix' is not a number."]
    ]
    assert result["nps_rows"] == 2
    bad = runner.invoke(
        app,
        [
            "load",
            "survey",
            str(SURVEYS / "tally_live.json"),
            "--db",
            str(db),
            "--community",
            "discord:nope",
        ],
    )
    assert bad.exit_code != 0
    assert "no community 'discord:nope'" in str(bad.exception or bad.output)


def test_unreadable_files_are_one_line_errors(tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON"):
        read_survey(bad)
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}', encoding="utf-8")
    with pytest.raises(InputError, match="not a Typeform"):
        read_survey(other)
    nodate = tmp_path / "nodate.csv"
    nodate.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="no date column"):
        read_survey(nodate)


def test_forget_erases_the_members_responses(db: Path) -> None:
    from tribu.warehouse.forget import forget_member

    con = open_warehouse(db)
    try:
        load_survey(con, SURVEYS / "typeform_drop.csv", community_id="discord:900")
    finally:
        con.close()
    # tf01 is Inès (handle 222): 4 answers.
    (member,) = _q(
        db, "SELECT member_id FROM survey_responses WHERE response_id = 'tf01'"
    )[0:1]
    report = forget_member(member[0], db=db)
    assert report.rows["survey_responses"] == 1
    assert report.rows["survey_answers"] == 4
    assert _q(db, "SELECT count(*) FROM survey_responses") == [(3,)]


def test_a_repeated_response_id_is_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text(
        "Submission ID,Submitted at,Couleur ?\n"
        "s1,2024-05-06 10:00:00,Noir\n"
        "s2,2024-05-06 11:00:00,Noir\n"
        "s1,2024-05-06 12:00:00,Sable\n",
        encoding="utf-8",
    )
    survey = read_survey(path)
    assert survey.tool == "tally"
    assert [r.response_id for r in survey.responses] == ["s1", "s2"]
    assert [
        (w, "same response id 's1' as row 2" in why) for w, why, _ in survey.quarantined
    ] == [("row 4", True)]
