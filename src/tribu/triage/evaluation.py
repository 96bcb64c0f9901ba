"""Judge the FAQ bot: ``tribu eval faq FILE.csv --shots N``.

The file has the columns ``text`` and ``label`` (and optionally ``lang``). For each label, its
first N rows in file order become that FAQ entry's phrasings; every other row is asked as a
question. A row with an empty label is an off-topic question: it is asked too, and the right
outcome is that the bot does not answer it. Per language (the ``lang`` column, else detected):

* ``n``: questions with a label;
* ``top1``: share whose best FAQ entry is their label;
* ``answered_share``: share the bot answers (confidence ≥ the threshold);
* ``answered_precision``: share of those answers that are right.

Off-topic rows, when the file has any, give ``off_topic`` (count and share answered, which
should be near 0). Only the FAQ match is judged here, not sentiment nor the handoff rules.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tribu.errors import InputError
from tribu.triage import _models
from tribu.triage.retriever import FaqRetriever

__all__ = ["FaqEvaluation", "evaluate_faq", "read_labelled"]


@dataclass(frozen=True)
class FaqEvaluation:
    """Figures of one evaluation run (``as_json`` is the ``--json`` contract)."""

    shots: int
    threshold: float
    entries: int
    languages: dict[str, dict[str, float | int]]
    off_topic: dict[str, dict[str, float | int]]

    def as_json(self) -> dict[str, Any]:
        """``{"languages": {lang: {n, top1, answered_share, answered_precision}}}``, exactly
        the issue's contract (the off-topic figures are in the text output only)."""
        return {"languages": self.languages}


def read_labelled(path: str | Path) -> list[dict[str, str]]:
    """Rows ``text, label, lang`` of an evaluation file (lang may be empty)."""
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(
            path, None, f"cannot read the file ({exc.strerror})."
        ) from None
    with handle:
        reader = csv.DictReader(handle)
        columns = set(reader.fieldnames or [])
        if not {"text", "label"} <= columns:
            raise InputError(
                path,
                "line 1",
                f"the header needs the columns text and label (and optionally lang); "
                f"got {', '.join(reader.fieldnames or []) or 'nothing'}.",
            )
        rows = []
        for row in reader:
            text = (row.get("text") or "").strip()
            if not text:
                raise InputError(path, f"line {reader.line_num}", "the text is empty.")
            rows.append(
                {
                    "text": text,
                    "label": (row.get("label") or "").strip(),
                    "lang": (row.get("lang") or "").strip().lower(),
                }
            )
    if not rows:
        raise InputError(path, None, "the file has no row.")
    return rows


def evaluate_faq(
    path: str | Path, shots: int = 5, threshold: float | None = None
) -> FaqEvaluation:
    """Run the evaluation described in the module docstring."""
    from tribu.triage.settings import DEFAULT_CONFIDENCE_THRESHOLD

    chosen = DEFAULT_CONFIDENCE_THRESHOLD if threshold is None else threshold
    rows = read_labelled(path)
    missing = [i for i, r in enumerate(rows) if not r["lang"]]
    if missing:
        for i, lang in zip(
            missing,
            _models.detect_language([rows[i]["text"] for i in missing]),
            strict=True,
        ):
            rows[i]["lang"] = lang if lang != "und" else "und"
    taken: dict[str, int] = defaultdict(int)
    phrasings, questions = [], []
    for row in rows:
        label = row["label"]
        if label and taken[label] < shots:
            taken[label] += 1
            phrasings.append((label, row["lang"], row["text"]))
        else:
            questions.append(row)
    if not phrasings:
        raise InputError(path, None, "no labelled row to build the FAQ from.")
    retriever = FaqRetriever().fit(phrasings)
    matches = retriever.match_many([q["text"] for q in questions])
    per_lang: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    off: dict[str, list[bool]] = defaultdict(list)
    for question, match in zip(questions, matches, strict=True):
        says = match.confidence >= chosen
        if question["label"]:
            per_lang[question["lang"]].append((match.faq_id == question["label"], says))
        else:
            off[question["lang"]].append(says)
    languages = {}
    for lang, results in sorted(per_lang.items()):
        answered = [right for right, yes in results if yes]
        languages[lang] = {
            "n": len(results),
            "top1": round(sum(r for r, _ in results) / len(results), 4),
            "answered_share": round(len(answered) / len(results), 4),
            "answered_precision": round(sum(answered) / len(answered), 4)
            if answered
            else 0.0,
        }
    off_topic = {
        lang: {"n": len(flags), "answered_share": round(sum(flags) / len(flags), 4)}
        for lang, flags in sorted(off.items())
    }
    return FaqEvaluation(shots, chosen, len(retriever.entries_), languages, off_topic)
