"""The "Sondages" section in the report, the /polls page and /api/v1/polls: escaped, typed.

The fixture warehouse (tests/report/fixture_warehouse.py) gets a hostile poll on the brand's
live post l1 (c-lune) and a questionnaire; numbers are small and worked by hand.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient

from tests.report.fixture_warehouse import (
    HOSTILE_IMG,
    HOSTILE_SCRIPT,
    build_fixture_warehouse,
)
from tribu.report.build import write_report
from tribu.web.app import create_app
from tribu.web.auth import TokenStore
from tribu.web.throttle import TokenThrottle


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, TestClient, str]:
    folder = tmp_path_factory.mktemp("polls_site")
    db = build_fixture_warehouse(folder / "fixture.duckdb")
    con = duckdb.connect(str(db))
    try:
        ts = "2024-03-08 18:00:00+00"
        con.execute(
            "INSERT INTO polls VALUES ('l1', 'c-lune', 'ch-lives', 'l1', 'm-brand', ?, ?, "
            "'discord', FALSE, TRUE, NULL, 4)",
            [ts, f"Heure du live ? {HOSTILE_SCRIPT}"],
        )
        con.executemany(
            "INSERT INTO poll_options VALUES ('l1', ?, ?, ?)",
            [(1, "18 h", 3), (2, HOSTILE_IMG, 1)],
        )
        con.executemany(
            "INSERT INTO poll_votes VALUES ('l1', ?, ?)",
            [(1, "m-alice"), (1, "m-carol"), (1, "m-dave"), (2, "m-bob")],
        )
        con.execute(
            "INSERT INTO survey_responses VALUES ('r1', 'drop', 'c-lune', ?, 'm-alice', "
            "NULL, NULL, 'typeform')",
            [ts],
        )
        con.executemany(
            "INSERT INTO survey_answers VALUES ('r1', 'drop', ?, ?, ?, ?, ?, ?, ?)",
            [
                ("q1", "Couleur ?", "choice", HOSTILE_SCRIPT, None, None, None),
                ("q2", "Un mot ?", "text", None, None, HOSTILE_IMG, 0.5),
            ],
        )
    finally:
        con.close()
    tokens = TokenStore(folder / "tokens.json")
    _, viewer = tokens.create("viewer", "tests")
    app = create_app(
        db, tokens=tokens, watch=False, throttle=TokenThrottle(limit=10_000)
    )
    return db, TestClient(app, base_url="https://testserver"), viewer


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_report_has_the_sondages_section_escaped(site, tmp_path: Path) -> None:
    db, _, _ = site
    page = write_report(db, tmp_path / "r.html", lang="fr").read_text(encoding="utf-8")
    start = page.index('id="sondages"')
    section = page[start : page.index("</section>", start)]
    assert "<h2>Sondages</h2>" in section
    assert HOSTILE_SCRIPT not in page and HOSTILE_IMG not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section
    # 3 of 4 voters chose 18 h: 75 %, Wilson 95 % [30 %, 95 %].
    assert "75\u00a0%" in section and "30\u00a0% – 95\u00a0%" in section
    assert "posé par la marque" in section


def test_report_without_polls_has_no_section(tmp_path: Path) -> None:
    db = build_fixture_warehouse(tmp_path / "plain.duckdb")
    page = write_report(db, tmp_path / "r.html", lang="fr").read_text(encoding="utf-8")
    assert 'id="sondages"' not in page


def test_api_polls_json_and_csv(site) -> None:
    _, client, viewer = site
    assert client.get("/api/v1/polls").status_code == 401
    answer = client.get("/api/v1/polls", headers=_auth(viewer))
    assert answer.status_code == 200
    body = answer.json()
    (poll,) = body["polls"]
    assert poll["asked_by_brand"] is True and poll["voters"] == 4
    assert (
        poll["question"] == f"Heure du live ? {HOSTILE_SCRIPT}"
    )  # JSON keeps the text
    shares = {r["option"]: r["share"] for r in body["poll_results"]}
    assert shares == {"18 h": 0.75, HOSTILE_IMG: 0.25}
    assert len(body["poll_segments"]) >= 1
    assert body["survey_results"][0]["option"] == HOSTILE_SCRIPT
    bad = client.get("/api/v1/polls?confidence=2", headers=_auth(viewer))
    assert bad.status_code == 422
    download = client.get(
        "/api/v1/polls.csv?section=poll_results", headers=_auth(viewer)
    )
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert [r["votes"] for r in rows] == ["3", "1"]
    # A spreadsheet formula cell would be defused; the image tag stays inert text.
    assert rows[1]["option"].endswith("onerror=alert(1)>")


def test_polls_page_escapes_member_text(site) -> None:
    _, client, viewer = site
    page = client.get("/polls?lang=fr", headers=_auth(viewer))
    assert page.status_code == 200
    assert HOSTILE_SCRIPT not in page.text and HOSTILE_IMG not in page.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.text
    assert 'href="/api/v1/polls.csv"' in page.text
    assert 'id="nav-polls"' in page.text
