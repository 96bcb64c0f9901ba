"""`tribu load`, `tribu business` and `tribu creators` on the demo's first-party files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tribu.cli import app
from tribu.demo.first_party import write_first_party

runner = CliRunner()
ORDER = [
    "campaigns",
    "creators",
    "creator-posts",
    "customers",
    "orders",
    "nps",
    "reviews",
    "member-links",
]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    files = write_first_party(folder / "files", seed=7)
    assert list(files) == ORDER
    db = folder / "demo.duckdb"
    for kind in ORDER:
        result = runner.invoke(app, ["load", kind, str(files[kind]), "--db", str(db)])
        assert result.exit_code == 0, result.output
    again = runner.invoke(
        app, ["load", "orders", str(files["orders"]), "--db", str(db), "--json"]
    )
    assert json.loads(again.output)["new"] == 0  # loading twice changes nothing
    return db


def test_business_json_on_the_demo(demo_db: Path) -> None:
    result = runner.invoke(
        app, ["business", "--db", str(demo_db), "--margin", "0.55", "--json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["currency"] == "EUR" and doc["margin"] == 0.55
    assert {r["channel"] for r in doc["clv_cac_by_channel"]} >= {"discord", "organic"}
    assert doc["predictive_clv"]["fitted"]
    assert len(doc["segments"]) == 5
    # The demo's last cohorts are younger than 90 days: censored, without a rate.
    assert doc["repurchase_rate_by_cohort"][-1]["rate"] is None
    members = {r["group"]: r for r in doc["members_vs_non_members"]}
    assert members["members"]["customers"] > 0
    assert doc["nps_rating_correlation"]["n"] >= 6


def test_business_tables_and_csv_section(demo_db: Path) -> None:
    shown = runner.invoke(app, ["business", "--db", str(demo_db)])
    assert shown.exit_code == 0, shown.output
    assert (
        "90-day repurchase rate" in shown.output and "Rank correlation" in shown.output
    )
    csv = runner.invoke(
        app, ["business", "--db", str(demo_db), "--csv", "--section", "nps_by_channel"]
    )
    assert csv.output.splitlines()[0] == (
        "channel,answers,promoters,passives,detractors,nps"
    )


def test_creators_on_the_demo(demo_db: Path) -> None:
    result = runner.invoke(app, ["creators", "--db", str(demo_db), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    tiers = [r["tier"] for r in doc["tiers"]]
    assert tiers == ["nano", "micro", "macro", "mega"]  # the sub-nano creator is unpaid
    # The demo plants three paid posts without « Publicité » and one filter without
    # « Image retouchée ».
    flagged = doc["disclosure"]
    assert sum(r["missing_ad_label"] for r in flagged) == 3
    assert sum(r["missing_image_label"] for r in flagged) == 1
    assert [r["objective"] for r in doc["recommendations"]] == ["reach", "conversion"]
    assert all(r["tier"] for r in doc["recommendations"])
    shown = runner.invoke(app, ["creators", "--db", str(demo_db)])
    assert "Best for conversion" in shown.output


def test_mixed_currencies_need_rates(demo_db: Path, tmp_path: Path) -> None:
    extra = tmp_path / "usd.csv"
    extra.write_text(
        "order_id,customer_id,ts,amount,currency\nusd-1,cu-00001,2026-10-01,10,USD\n"
    )
    db = tmp_path / "copy.duckdb"
    db.write_bytes(demo_db.read_bytes())
    assert (
        runner.invoke(app, ["load", "orders", str(extra), "--db", str(db)]).exit_code
        == 0
    )
    refused = runner.invoke(app, ["business", "--db", str(db), "--json"])
    assert refused.exit_code != 0
    assert "EUR, USD" in str(refused.exception)
    ok = runner.invoke(
        app,
        [
            "business",
            "--db",
            str(db),
            "--json",
            "--rates",
            "EUR=1,USD=0.92",
            "--section",
            "members_vs_non_members",
        ],
    )
    assert ok.exit_code == 0, ok.output
