"""Rebuild the shipped sentiment weights: ``python -m tribu.enrich.train_sentiment``.

Reads the permissively licensed training files (``../shared/data/train/sentiment/*.csv`` next to
the repository, or ``--data DIR``; see their ``SOURCES.md``), keeps 15 % of each file apart as a
held-out split (stratified, seed 0), adds tribu's own chat-style examples
(:mod:`tribu.enrich._chat_examples` and :mod:`tribu.enrich._chat_examples_more`), fits
:class:`tribu.enrich.sentiment.SentimentScorer` and
writes ``sentiment.npz``, ``sentiment_vocabulary.txt`` and ``sentiment.json`` (data, weights,
held-out and development figures) into ``tribu/enrich/models/``.

Each file gets a weight: chat-like text counts more than film reviews or subtitles, because
reviews and subtitles are not what tribu scores (see the data's ``NOTES.md``).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

from tribu.enrich._chat_examples import chat_examples
from tribu.enrich._chat_examples_more import more_chat_examples
from tribu.enrich.evaluation import LabelledRow, evaluate, read_labelled_csv
from tribu.enrich.sentiment import SentimentScorer, shipped_model_dir

__all__ = ["FILE_WEIGHTS", "default_data_dir", "dev_rows", "main", "training_split"]

REPO_ROOT = Path(__file__).resolve().parents[3]
# Sample weight per training file: chat-like sources count most.
FILE_WEIGHTS = {
    "en_goemotions_reddit.csv": 1.0,
    "en_xed_subtitles.csv": 0.4,
    "en_uci_amazon_imdb.csv": 0.5,
    "en_neutral_slurp.csv": 0.5,
    "fr_allocine_movies.csv": 0.6,
    "fr_xed_subtitles.csv": 0.6,
    "fr_neutral_tatoeba.csv": 0.6,
    "fr_neutral_piaf_questions.csv": 0.5,
}
CHAT_WEIGHT = 1.0
HELDOUT_SHARE = 0.15
SEED = 0


def default_data_dir() -> Path:
    """The shared training folder beside the repository."""
    return REPO_ROOT.parent / "shared" / "data" / "train" / "sentiment"


def dev_rows() -> list[LabelledRow]:
    """tribu's hand-labelled development set (``tests/data/sentiment/dev_*.csv``)."""
    folder = REPO_ROOT / "tests" / "data" / "sentiment"
    return [
        row
        for lang in ("fr", "en")
        for row in read_labelled_csv(folder / f"dev_{lang}.csv")
    ]


def _key(text: str) -> str:
    return "".join(re.findall(r"\w+", unicodedata.normalize("NFKC", text).lower()))


def training_split(
    data_dir: Path | None = None,
) -> tuple[list[tuple[str, str, str, float]], dict[str, list[LabelledRow]]]:
    """(training rows with weights, held-out rows per file) from the shared training files."""
    from sklearn.model_selection import train_test_split

    folder = data_dir or default_data_dir()
    if not folder.is_dir():
        from tribu.errors import InputError

        raise InputError(folder, None, "training folder not found; pass --data DIR.")
    train: list[tuple[str, str, str, float]] = []
    heldout: dict[str, list[LabelledRow]] = {}
    for name, weight in FILE_WEIGHTS.items():
        with (folder / name).open(encoding="utf-8", newline="") as handle:
            rows = [(r["text"], r["label"], r["lang"]) for r in csv.DictReader(handle)]
        labels = [label for _, label, _ in rows]
        stratify = labels if len(set(labels)) > 1 else None
        kept, held = train_test_split(
            rows, test_size=HELDOUT_SHARE, random_state=SEED, stratify=stratify
        )
        train.extend((text, label, lang, weight) for text, label, lang in kept)
        heldout[name] = [(text, label, lang) for text, label, lang in held]
    return train, heldout


def _summary(report: dict[str, Any]) -> dict[str, Any]:
    return {
        lang: {
            "n": part["n"],
            "macro_f1": {name: s["macro_f1"] for name, s in part["scores"].items()},
        }
        for lang, part in report["languages"].items()
    }


def main(argv: list[str] | None = None) -> int:
    """Train, evaluate on held-out and development data, write the weights."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, help="training CSV folder")
    parser.add_argument(
        "--out", type=Path, default=None, help="where to write the weights"
    )
    parser.add_argument("--C", type=float, default=1.0, help="inverse regularisation")
    parser.add_argument(
        "--chat-weight", type=float, default=CHAT_WEIGHT, help="weight of chat examples"
    )
    parser.add_argument(
        "--class-weight", default=None, help="'balanced' to even out the classes"
    )
    parser.add_argument(
        "--no-more-chat",
        dest="more_chat",
        action="store_false",
        help="leave out the second set of chat templates (_chat_examples_more)",
    )
    args = parser.parse_args(argv)

    train, heldout = training_split(args.data)
    dev = dev_rows()
    dev_keys = {_key(text) for text, _, _ in dev}
    own = chat_examples() + (more_chat_examples() if args.more_chat else [])
    chat = [
        (text, label, lang, args.chat_weight)
        for text, label, lang in own
        if _key(text) not in dev_keys
    ]
    rows = [row for row in train + chat if _key(row[0]) not in dev_keys]
    print(f"training on {len(rows)} rows ({len(chat)} chat examples)", file=sys.stderr)
    scorer = SentimentScorer(C=args.C, class_weight=args.class_weight).fit(
        [r[0] for r in rows], [r[1] for r in rows], sample_weight=[r[3] for r in rows]
    )
    held_rows = [row for part in heldout.values() for row in part]
    held_report = evaluate(held_rows, scorer)
    dev_report = evaluate(dev, scorer)
    metadata = {
        "model": "logistic regression, 3 classes, words+negation marks, word pairs, "
        "hashed char 3-5-grams (2^18 buckets), word-list sums and compound scores",
        "C": args.C,
        "class_weight": args.class_weight,
        "n_features": int(scorer.coef_.shape[0]),
        "training_rows": len(rows),
        "file_weights": FILE_WEIGHTS,
        "chat_examples": len(chat),
        "more_chat_templates": args.more_chat,
        "chat_weight": args.chat_weight,
        "heldout_share": HELDOUT_SHARE,
        "seed": SEED,
        "heldout_macro_f1": _summary(held_report),
        "dev_macro_f1": _summary(dev_report),
        "data_licences": "CC BY 4.0 (GoEmotions, XED, UCI sentences, SLURP), MIT (Allocine "
        "by T. Blard, PIAF by Etalab), CC BY 2.0 FR (Tatoeba); see docs/enrichment.md",
    }
    scorer.save(args.out or shipped_model_dir(), metadata)
    print(f"held-out: {metadata['heldout_macro_f1']}", file=sys.stderr)
    print(f"dev: {metadata['dev_macro_f1']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
