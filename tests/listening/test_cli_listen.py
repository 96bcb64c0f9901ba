"""`tribu listen` and `tribu eval clusters` on the command line: contract, escaping, errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tribu.cli import app
from tribu.listening.synthetic import SyntheticTruth
from tribu.warehouse.store import open_warehouse

runner = CliRunner()

TOPIC_KEYS = {
    "topic_id", "label", "terms", "status", "emergence", "trend", "messages", "share",
    "baseline_mean", "mean_sentiment", "negative_share", "negative_burst", "first_seen",
    "new", "series", "communities", "channels", "examples",
}  # fmt: skip
HOSTILE = "[bold red]PWNED[/] <script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil")'


def _hostile(path: Path, truth: SyntheticTruth) -> None:
    """Put hostile text in every message of the burst week's first topic word."""
    con = open_warehouse(path)
    try:
        con.execute(
            "UPDATE messages SET text = ? || ' ' || text WHERE contains(text, ?)",
            [HOSTILE, truth.burst_words[0]],
        )
        con.execute(
            "UPDATE messages SET text = ? || ' ' || text WHERE contains(text, ?)",
            [FORMULA, truth.burst_words[1]],
        )
    finally:
        con.close()


@pytest.mark.usefixtures("stored_space")
def test_json_contract_and_hostile_text(
    warehouse: tuple[Path, SyntheticTruth], tmp_path: Path
) -> None:
    path, truth = warehouse
    _hostile(path, truth)
    out_csv = tmp_path / "topics.csv"
    result = runner.invoke(
        app,
        ["listen", "--db", str(path), "--json", "--csv", str(out_csv), "--limit", "8"],
    )
    assert result.exit_code == 0, result.output
    view = json.loads(result.stdout)
    assert set(view) == {
        "period", "scope", "messages", "clustered_share", "baseline_periods", "topics",
        "affinities", "terms", "run",
    }  # fmt: skip
    assert set(view["period"]) == {"kind", "start", "end"}
    assert view["period"]["kind"] == "week"
    assert set(view["affinities"]) == {"domains", "hashtags", "accounts"}
    assert 1 <= len(view["topics"]) <= 8
    for topic in view["topics"]:
        assert set(topic) == TOPIC_KEYS
        assert topic["status"] in {"new", "emerging", "steady", "fading"}
        for example in topic["examples"]:
            assert set(example) == {
                "message_id",
                "author_id",
                "ts",
                "channel_id",
                "text",
            }
    # JSON keeps the text as it is (surfaces escape it where they show it)
    assert any(HOSTILE in e["text"] for t in view["topics"] for e in t["examples"])
    # CSV: a cell starting with '=' is defused
    cells = [c for row in csv.reader(out_csv.open(encoding="utf-8")) for c in row]
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    assert not any(c.startswith("=") for c in cells)

    human = runner.invoke(app, ["listen", "--db", str(path), "--no-update"])
    assert human.exit_code == 0, human.output
    # Rich did not read the member's markup: the brackets are printed, not interpreted.
    assert "[bold red]PWNED[/]" in human.stdout.replace("\n", "")


def test_listen_bad_options_and_empty_warehouse(tmp_path: Path) -> None:
    bad = runner.invoke(
        app, ["listen", "--db", str(tmp_path / "x.duckdb"), "--period", "day"]
    )
    assert bad.exit_code == 2
    assert "week" in bad.output
    empty = runner.invoke(app, ["listen", "--db", str(tmp_path / "x.duckdb")])
    assert empty.exit_code == 1
    assert "tribu ingest" in str(empty.exception) or "tribu ingest" in empty.output


def test_eval_clusters_bad_files_exit_2(tmp_path: Path) -> None:
    no_columns = tmp_path / "a.csv"
    no_columns.write_text("question,topic\nhello,x\n", encoding="utf-8")
    one_label = tmp_path / "b.csv"
    one_label.write_text("text,label\nhello,x\nbonjour,x\n", encoding="utf-8")
    for path, words in (
        (no_columns, "'text' and 'label'"),
        (one_label, "two different"),
    ):
        result = runner.invoke(app, ["eval", "clusters", str(path)])
        assert result.exit_code == 2
        assert words in result.output
        assert "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1


def test_eval_clusters_json_shape(tmp_path: Path) -> None:
    # Two obvious topics per language, four paraphrases each: the real recipe, blind.
    rows = [
        ("where is my parcel", "delivery", "en"),
        ("my package has not arrived", "delivery", "en"),
        ("tracking of my order is stuck", "delivery", "en"),
        ("when will my delivery come", "delivery", "en"),
        ("my promo code does not work", "promo", "en"),
        ("the discount code is invalid", "promo", "en"),
        ("coupon code refused at checkout", "promo", "en"),
        ("is there a promo code", "promo", "en"),
        ("où est mon colis", "livraison", "fr"),
        ("mon colis n'est pas arrivé", "livraison", "fr"),
        ("le suivi de ma commande est bloqué", "livraison", "fr"),
        ("quand arrive ma livraison", "livraison", "fr"),
        ("mon code promo ne marche pas", "promo", "fr"),
        ("le code de réduction est invalide", "promo", "fr"),
        ("code promo refusé au paiement", "promo", "fr"),
        ("il y a un code promo ?", "promo", "fr"),
    ]
    path = tmp_path / "set.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label", "lang"])
        writer.writerows(rows)
    result = runner.invoke(app, ["eval", "clusters", str(path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {"languages"}
    assert set(report["languages"]) == {"en", "fr"}
    for part in report["languages"].values():
        assert set(part) == {
            "n",
            "v_measure",
            "nmi",
            "ari",
            "clusters",
            "unclustered_share",
        }
        assert part["n"] == 8
        assert 0 <= part["v_measure"] <= 1 and 0 <= part["unclustered_share"] <= 1
