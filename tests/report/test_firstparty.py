"""The business and creators pages on the fixture warehouse: hand-worked numbers, words, escaping.

The first-party rows are listed in ``tests/report/fixture_warehouse.py``; every expected number
below is worked out from them in a comment.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.report.fixture_warehouse import HOSTILE_POST, build_fixture_warehouse
from tribu.report.build import render_report
from tribu.report.data import MeasureData, open_tables
from tribu.report.firstparty import (
    FirstPartyPage,
    business_page,
    business_result,
    cell,
    creators_page,
    creators_result,
    firstparty_available,
)
from tribu.report.labels import labels


def block_rows(page: FirstPartyPage, name: str) -> list[dict[str, str]]:
    block = next(b for b in page.blocks if b.name == name)
    return [dict(zip(block.columns, row, strict=True)) for row in block.rows]


def test_pages_are_available_when_the_tables_have_rows(
    measure_data: MeasureData,
) -> None:
    assert firstparty_available(measure_data, "business")
    assert firstparty_available(measure_data, "creators")


def test_business_numbers(measure_data: MeasureData) -> None:
    result, unit = business_result(measure_data)
    s = result.sections
    assert unit == "EUR"  # every amount of the fixture is in euros
    cac = s["cac_by_channel_month"].set_index(["channel"]).loc["instagram"]
    # January instagram: cu1 30 + cu2 50 over 2 customers with a cost = 40
    assert cac.iloc[0]["cac"] == pytest.approx(40.0)
    clv = s["clv_cac_by_channel"].set_index("channel")
    # instagram revenue: cu1 100 + 60, cu2 80, cu4 50 = 290 over 3 customers = 96.67;
    # CAC over all time (cu4's cost is unknown): 80 / 2 = 40; ratio 96.67 / 40 = 2.4167
    assert clv.loc["instagram", "clv"] == pytest.approx(290 / 3)
    assert clv.loc["instagram", "clv_to_cac"] == pytest.approx(290 / 3 / 40)
    rates = s["repurchase_rate_by_cohort"]["rate"].tolist()
    # January: cu1 bought again 22 days later, cu2 never: 1/2; February: cu3's second order
    # is 117 days later (> 90): 0/1; May: cu4 is 12 days old on 06-01, censored: no rate
    assert rates[:2] == [0.5, 0.0] and rates[2] != rates[2]
    nps = s["nps_rating_by_month"]
    # January 10, 9, 3: (2 promoters - 1 detractor) / 3 = 33.3; February 10, 7: 1/2 = 50;
    # March 2, 8: (0 - 1) / 2 = -50. Ratings 4.5, 5, 2.5
    assert nps["nps"].round(1).tolist() == [33.3, 50.0, -50.0]
    assert nps["mean_rating"].tolist() == [4.5, 5.0, 2.5]
    # the ranks agree perfectly (rho 1), but 3 months are fewer than the 6 needed
    assert result.correlation.n == 3 and result.correlation.rho == pytest.approx(1.0)
    members = s["members_vs_non_members"].set_index("group")
    # member cu1: 160; non-members cu2 80, cu3 80, cu4 50: 210 / 3 = 70
    assert members.loc["members", "revenue_per_customer"] == 160.0
    assert members.loc["non-members", "revenue_per_customer"] == 70.0
    assert s["segments"]["customers"].sum() == 4


def test_business_page_in_french(measure_data: MeasureData) -> None:
    page = business_page(measure_data, labels("fr"))
    assert page.available and page.title == "Business"
    assert "Montants en EUR, marge 100,0\u00a0%" in page.notes[0]
    assert page.notes[1].startswith("CLV prédictive\u00a0: Only 2 customers")
    cac = block_rows(page, "business-cac_by_channel_month")
    assert cac[0] == {
        "mois": "2024-01",
        "canal": "instagram",
        "nouveaux clients": "2",
        "dépense": "80,00",
        "CAC": "40,00",
    }
    # February instagram: cu4 has no known cost, so no CAC
    assert cac[1]["CAC"] == "–"
    repurchase = block_rows(page, "business-repurchase_rate_by_cohort")
    assert [r["taux"] for r in repurchase] == ["50,0\u00a0%", "0,0\u00a0%", "–"]
    nps_block = next(b for b in page.blocks if b.name == "business-nps_rating_by_month")
    assert nps_block.notes == [
        "Corrélation de rang NPS ↔ note des avis — Seulement 3 mois : trop peu pour dire "
        "si NPS et notes évoluent ensemble (ρ = 1,00, il en faut au moins 6)."
    ]
    # figures carry the raw numbers: the NPS line is 33.3, 50, -50
    assert [round(v, 1) for v in nps_block.figure["data"][0]["y"]] == [
        33.3,
        50.0,
        -50.0,
    ]


def test_business_page_takes_the_margin_from_tribu_toml(
    fixture_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "tribu.toml"
    config.write_text("[business]\nmargin = 0.5\n")
    monkeypatch.setenv("TRIBU_CONFIG", str(config))
    data = MeasureData(open_tables(fixture_db))
    try:
        result, _ = business_result(data)
        page = business_page(data, labels("en"))
    finally:
        next(iter(data.tables.values())).get_backend().disconnect()
    # instagram CLV at margin 1 is 290 / 3 (test_business_numbers); half of it at 0.5
    clv = result.sections["clv_cac_by_channel"].set_index("channel")
    assert clv.loc["instagram", "clv"] == pytest.approx(290 / 3 / 2)
    assert "margin 50.0" in page.notes[0]


def test_creators_numbers_and_disclosure(measure_data: MeasureData) -> None:
    result, _ = creators_result(measure_data)
    tiers = result.sections["tiers"].set_index("tier")
    # nano paid posts p1 (200 engagements, 3,000 views, 100 €) and p2 (100, 1,500, 50 €):
    # CPE 150 / 300 = 0.5, views per euro 4,500 / 150 = 30, median ER (0.04 + 0.02) / 2;
    # order o3 (80 €) used code NANO10: revenue per euro 80 / 150
    assert tiers.loc["nano", "cpe"] == pytest.approx(0.5)
    assert tiers.loc["nano", "views_per_euro"] == pytest.approx(30.0)
    assert tiers.loc["nano", "median_er"] == pytest.approx(0.03)
    assert tiers.loc["nano", "revenue_per_euro"] == pytest.approx(80 / 150)
    people = result.sections["creators"].set_index("handle")
    # micro: ERs 400 / 20,000 = 0.02 (p3) and 600 / 20,000 = 0.03 (p4): mean 0.025,
    # against the 0.024 benchmark: 1.0417
    assert people.loc["lune.micro", "er_vs_benchmark"] == pytest.approx(0.025 / 0.024)
    flagged = result.sections["disclosure"]
    # p2 is paid (50 €) and has no label; p1 says « Publicité », p4 #CollaborationCommerciale,
    # p3 quotes « publicité » but is not paid: only p2
    assert flagged["post_id"].tolist() == ["p2"]
    assert flagged["text"].tolist() == [HOSTILE_POST]
    assert flagged["reason"].tolist() == ["missing_ad_label"]


def test_creators_page_words(measure_data: MeasureData) -> None:
    page = creators_page(measure_data, labels("en"))
    rows = block_rows(page, "creators-disclosure")
    assert rows == [
        {
            "date": "2024-03-12",
            "handle": "lune.nano",
            "campaign": "camp-printemps",
            "text": HOSTILE_POST,
            "reason": "paid without « Publicité » or « Collaboration commerciale »",
        }
    ]
    advice = next(b for b in page.blocks if b.name == "creators-recommendations")
    # no tier has the 3 paid posts a recommendation needs (nano 2, micro 1)
    assert all("Not enough data" in note for note in advice.notes)
    fr = creators_page(measure_data, labels("fr"))
    assert [b.title for b in fr.blocks][2].startswith("Contrôle de la mention")


def test_report_shows_both_sections_escaped(measure_data: MeasureData) -> None:
    html = render_report(measure_data, lang="en")
    assert 'id="business"' in html and 'id="creators"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert "paid without « Publicité »" in html


def test_report_without_first_party_rows_has_no_such_sections(tmp_path: Path) -> None:
    db = build_fixture_warehouse(tmp_path / "plain.duckdb", first_party=False)
    data = MeasureData(open_tables(db))
    try:
        assert not firstparty_available(data, "business")
        html = render_report(data, lang="fr")
    finally:
        next(iter(data.tables.values())).get_backend().disconnect()
    assert 'id="business"' not in html and 'id="creators"' not in html


def test_mixed_currencies_are_said_not_summed(tmp_path: Path) -> None:
    from tribu.warehouse.store import open_warehouse

    db = build_fixture_warehouse(tmp_path / "mixed.duckdb")
    con = open_warehouse(db)
    con.execute("UPDATE orders SET currency = 'USD' WHERE order_id = 'o1'")
    con.close()
    data = MeasureData(open_tables(db))
    try:
        page = business_page(data, labels("en"))
    finally:
        next(iter(data.tables.values())).get_backend().disconnect()
    assert page.available and page.blocks == []
    assert "EUR, USD" in page.notes[0] and "--rates" in page.notes[0]


@pytest.mark.parametrize(
    ("value", "kind", "lang", "shown"),
    [
        (1234.5, "money", "fr", "1\u202f234,50"),
        (1234.5, "money", "en", "1,234.50"),
        (0.125, "pct", "en", "12.5\u00a0%"),
        ("2024-01-01T00:00:00", "month", "en", "2024-01"),
        (float("nan"), "num", "en", "–"),
        (None, "text", "fr", "–"),
    ],
)
def test_cells(value: object, kind: str, lang: str, shown: str) -> None:
    assert cell(value, kind, lang) == shown
