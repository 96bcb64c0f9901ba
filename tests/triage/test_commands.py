"""``tribu eval faq`` and ``tribu triage replay`` through the CLI, on small hand-made inputs."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.triage.conftest import DATA, SEMELLE_FAQ
from tribu import cli
from tribu.warehouse.store import open_warehouse


def test_eval_faq_json_is_the_contract() -> None:
    # faq_eval_tiny.csv: 3 labels x 2 shots become the FAQ; the 4 other rows are asked. Three
    # are copies of a phrasing of their own label (right); the last is a "delivery" phrasing
    # labelled "returns" (wrong by construction): top-1 = 3/4. All four are copies of a
    # phrasing, so all are answered: answered 4/4, precision 3/4.
    result = CliRunner().invoke(
        cli.app,
        ["eval", "faq", str(DATA / "faq_eval_tiny.csv"), "--shots", "2", "--json"],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "languages": {
            "en": {
                "n": 4,
                "top1": 0.75,
                "answered_share": 1.0,
                "answered_precision": 0.75,
            }
        }
    }


def test_replay_shares_and_examples(tmp_path: Path) -> None:
    # 6 messages: the brand's question and a bot's are not replayed; "merci !" is no
    # question. Left: 3 questions by members: a delivery question (answered), a request for
    # a human (asks_for_human), an angry one (complaint or negative sentiment).
    db = tmp_path / "w.duckdb"
    con = open_warehouse(db)
    con.execute(
        "INSERT INTO members (member_id, community_id, display_name, is_brand, is_bot) "
        "VALUES ('a', 'c', 'A', false, false), ('b', 'c', 'B', true, false), "
        "('r', 'c', 'R', false, true)"
    )
    texts = [
        ("1", "a", "Combien coûte la livraison ?"),
        ("2", "a", "je veux parler à un conseiller, c'est possible ?"),
        ("3", "a", "Toujours pas reçu mon colis après 3 semaines, c'est une arnaque ?"),
        ("4", "a", "merci !"),
        ("5", "b", "Vous avez vu la nouvelle collection ?"),
        ("6", "r", "Which channel should I use?"),
    ]
    con.executemany(
        "INSERT INTO messages (message_id, community_id, channel_id, author_id, ts, text) "
        "VALUES (?, 'c', 'ch', ?, TIMESTAMPTZ '2026-03-01 10:00:00+00' + "
        "INTERVAL (CAST(? AS INTEGER)) MINUTE, ?)",
        [(m, a, m, t) for m, a, t in texts],
    )
    con.close()
    result = CliRunner().invoke(
        cli.app,
        ["triage", "replay", "--db", str(db), "--faq", str(SEMELLE_FAQ), "--json"],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert (payload["messages"], payload["questions"]) == (4, 3)
    assert payload["answered_share"] == round(1 / 3, 4)
    assert payload["handoff_share"] == round(2 / 3, 4)
    reasons = payload["handoff_by_reason"]
    assert reasons.pop("asks_for_human") == round(1 / 3, 4)
    assert list(reasons.values()) == [round(1 / 3, 4)]
    assert set(reasons) <= {"complaint", "negative_sentiment"}
    assert payload["examples"]["faq_match"][0]["faq_id"] == "livraison-frais"
