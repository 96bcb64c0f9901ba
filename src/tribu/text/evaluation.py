"""Check the sentiment model against labelled messages, beside the word-list baselines.

:func:`read_labelled_csv` reads a CSV with columns ``text,label[,lang]`` (labels negative,
neutral, positive); :func:`evaluate` scores tribu's model and every baseline of
:data:`tribu.text.lexicons.BASELINES` on it, per language, and returns the object that
``tribu eval sentiment --json`` prints::

    {"n": 123, "languages": {"fr": {"n": 60, "scores": {"tribu": {"accuracy": 0.71,
     "macro_f1": 0.69, "confusion": {...}}, "vader": {...}, "wordlist_fr": {...}}}}}

Macro-F1 is averaged over the classes present among the labels of that language's rows (a file
without neutral rows is not penalised for a neutral class it does not have; predicting neutral
there still counts as an error). Rows without a ``lang`` column are split by
:class:`tribu.text.language.LanguageDetector`. Metrics come from scikit-learn.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tribu.errors import InputError
from tribu.text.sentiment import CLASSES, SentimentScorer

__all__ = ["LabelledRow", "evaluate", "label_scores", "read_labelled_csv"]

LabelledRow = tuple[str, str, str | None]
_ALIASES = {"neg": "negative", "neu": "neutral", "pos": "positive", "0": "negative",
            "1": "neutral", "2": "positive"}  # fmt: skip


def read_labelled_csv(path: str | os.PathLike[str]) -> list[LabelledRow]:
    """Rows (text, label, lang or None) of a labelled CSV, checked line by line."""
    file = Path(path)
    try:
        handle = file.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(file, None, f"cannot open the file ({exc.strerror}).") from exc
    rows: list[LabelledRow] = []
    with handle:
        reader = csv.DictReader(handle)
        fields = [f.strip().lower() for f in reader.fieldnames or []]
        if "text" not in fields or "label" not in fields:
            raise InputError(
                file,
                "line 1",
                f"the header must have columns text,label[,lang]; got {fields}.",
            )
        reader.fieldnames = fields
        for row in reader:
            label = (row.get("label") or "").strip().lower()
            label = _ALIASES.get(label, label)
            if label not in CLASSES:
                raise InputError(
                    file,
                    f"line {reader.line_num}",
                    f"label {row.get('label')!r} is not negative, neutral or positive.",
                )
            lang = (row.get("lang") or "").strip().lower() or None
            rows.append((row.get("text") or "", label, lang))
    if not rows:
        raise InputError(file, None, "no labelled rows after the header.")
    return rows


def label_scores(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 over the classes present in ``truth``, and the confusion matrix."""
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    present = [c for c in CLASSES if c in set(truth)]
    matrix = confusion_matrix(truth, predicted, labels=list(CLASSES))
    return {
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(
            float(
                f1_score(
                    truth, predicted, labels=present, average="macro", zero_division=0
                )
            ),
            4,
        ),
        # rows: true label, columns: predicted label
        "confusion": {
            true: {pred: int(matrix[i, j]) for j, pred in enumerate(CLASSES)}
            for i, true in enumerate(CLASSES)
        },
    }


def evaluate(
    rows: Sequence[LabelledRow], scorer: SentimentScorer | None = None
) -> dict[str, Any]:
    """Score tribu and the word-list baselines on labelled rows, per language."""
    from tribu.text.language import LanguageDetector
    from tribu.text.lexicons import BASELINES

    scorer = scorer or SentimentScorer()
    texts = [text for text, _, _ in rows]
    missing = [i for i, (_, _, lang) in enumerate(rows) if lang is None]
    langs = [lang for _, _, lang in rows]
    if missing:
        detected = LanguageDetector().predict([texts[i] for i in missing])
        for i, lang in zip(missing, detected, strict=True):
            langs[i] = lang
    predictors = {"tribu": scorer.predict}
    for baseline in BASELINES:
        predictors[baseline.name] = baseline().predict
    report: dict[str, Any] = {"n": len(rows), "languages": {}}
    for lang in sorted({str(lang) for lang in langs}):
        index = [i for i, value in enumerate(langs) if value == lang]
        subset = [texts[i] for i in index]
        truth = [rows[i][1] for i in index]
        report["languages"][lang] = {
            "n": len(index),
            "scores": {
                name: label_scores(truth, predict(subset))
                for name, predict in predictors.items()
            },
        }
    return report
