"""`tribu eval sentiment --json` and `tribu sentiment` on a tiny hand-checked file."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tribu.cli import app

# Six rows, two languages, every text unmistakable for the model and the word lists.
TINY = """text,label,lang
"Trop bien, j'adore, merci !",positive,fr
"C'est nul, je déteste, horrible",negative,fr
Le live commence à 20h,neutral,fr
"Amazing, I love it, thank you!",positive,en
"Terrible, I hate it, awful",negative,en
The meetup is in Leeds on March 12,neutral,en
"""


def test_eval_sentiment_json_shape_and_accuracy(tmp_path) -> None:
    file = tmp_path / "tiny.csv"
    file.write_text(TINY, encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "sentiment", str(file), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["n"] == 6
    assert set(report["languages"]) == {"fr", "en"}
    for lang in ("fr", "en"):
        part = report["languages"][lang]
        assert part["n"] == 3
        assert {"tribu", "vader", "wordlist_fr"} <= set(part["scores"])
        tribu = part["scores"]["tribu"]
        # all three rows right: accuracy 3/3, and F1 = 1 for each of the three classes
        assert tribu["accuracy"] == 1.0 and tribu["macro_f1"] == 1.0
        assert sum(sum(row.values()) for row in tribu["confusion"].values()) == 3
    # the French word list on the French rows: « j'adore », « nul/déteste/horrible », no word
    assert report["languages"]["fr"]["scores"]["wordlist_fr"]["accuracy"] == 1.0


def test_eval_without_lang_column_splits_by_detector(tmp_path) -> None:
    file = tmp_path / "nolang.csv"
    file.write_text(
        "text,label\n"
        '"Franchement le colis est arrivé cassé, je suis déçue",negative\n'
        '"The parcel arrived broken, I am really disappointed",negative\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["eval", "sentiment", str(file), "--json"])
    report = json.loads(result.output)
    assert {k: v["n"] for k, v in report["languages"].items()} == {"fr": 1, "en": 1}
    # one class present (negative): macro-F1 over it alone; right on both rows
    assert report["languages"]["fr"]["scores"]["tribu"]["macro_f1"] == 1.0


def test_bad_label_names_file_and_line(tmp_path) -> None:
    from tribu.errors import InputError
    from tribu.text.evaluation import read_labelled_csv

    file = tmp_path / "bad.csv"
    file.write_text("text,label\nhello,neutral\nbye,happy\n", encoding="utf-8")
    try:
        read_labelled_csv(file)
    except InputError as exc:
        assert "bad.csv, line 3" in str(exc) and "'happy'" in str(exc)
    else:
        raise AssertionError("a bad label must raise InputError")


def test_sentiment_command_json() -> None:
    result = CliRunner().invoke(app, ["sentiment", "Trop bien, merci !", "--json"])
    payload = json.loads(result.output)
    assert payload["label"] == "positive" and payload["sentiment"] > 0.7
    assert abs(sum(payload["probabilities"].values()) - 1.0) < 1e-3
