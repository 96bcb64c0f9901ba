"""The sentiment model's data: shared training files, tribu's own chat, held-out and evaluation
splits. Read by :mod:`training.train_sentiment`, the benchmark and the threshold tests.

Splits are deterministic: 15 % of each shared file and of each hand-written file is held out
(stratified, seed 0); the *inner* split takes 15 % of each shared file's training part again
(seed 1) for choosing settings. No training row may equal (after :func:`text_key`) a row of an
evaluation set in ``tests/data/sentiment/``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from training.chat_examples import own_examples
from training.paths import EVALUATION_DIR, HANDWRITTEN_DIR, default_data_dir
from tribu.text.evaluation import LabelledRow, read_labelled_csv

__all__ = [
    "FILE_WEIGHTS",
    "HANDWRITTEN_DIR",
    "HELDOUT_SHARE",
    "INNER_SEED",
    "INNER_SHARE",
    "SEED",
    "TrainingRow",
    "default_data_dir",
    "dev_rows",
    "evaluation_keys",
    "handwritten_split",
    "inner_split",
    "own_examples",
    "stratified",
    "text_key",
    "training_split",
]

# Sample weight per training file. Chat-like sources were weighted up before (Reddit 1.0,
# subtitles 0.4-0.6, reviews 0.5-0.6); equal weights scored better on the inner split (SELECTION).
FILE_WEIGHTS = {
    "en_goemotions_reddit.csv": 1.0,
    "en_xed_subtitles.csv": 1.0,
    "en_uci_amazon_imdb.csv": 1.0,
    "en_neutral_slurp.csv": 1.0,
    "fr_allocine_movies.csv": 1.0,
    "fr_xed_subtitles.csv": 1.0,
    "fr_neutral_tatoeba.csv": 1.0,
    "fr_neutral_piaf_questions.csv": 1.0,
}
# One training row: text, label, language (None: unknown), sample weight.
TrainingRow = tuple[str, str, str | None, float]
INNER_SHARE = 0.15
INNER_SEED = 1
HELDOUT_SHARE = 0.15
SEED = 0


def dev_rows() -> list[LabelledRow]:
    """tribu's hand-labelled development set (``tests/data/sentiment/dev_*.csv``)."""
    return [
        row
        for lang in ("fr", "en")
        for row in read_labelled_csv(EVALUATION_DIR / f"dev_{lang}.csv")
    ]


@cache
def evaluation_keys() -> frozenset[str]:
    """Normalised keys of every hand-labelled evaluation set (``tests/data/sentiment/*.csv``:
    the development set, the blind set): no training row may match one. Read once."""
    return frozenset(
        text_key(text)
        for path in EVALUATION_DIR.glob("*.csv")
        for text, _, _ in read_labelled_csv(path)
    )


@cache
def handwritten_split() -> tuple[list[LabelledRow], list[LabelledRow]]:
    """(training part, held-out part) of tribu's hand-written chat messages, read once.

    ``training/sentiment/*.csv`` at the repository root (see its README.md): each file is split
    like the shared training files (15 % held out, stratified, seed 0); rows matching an
    evaluation set are dropped first. Callers must not modify the lists.
    """
    excluded = evaluation_keys()
    kept: list[LabelledRow] = []
    held: list[LabelledRow] = []
    for path in sorted(HANDWRITTEN_DIR.glob("*.csv")):
        rows = [r for r in read_labelled_csv(path) if text_key(r[0]) not in excluded]
        train_part, held_part = stratified(rows, HELDOUT_SHARE, SEED)
        kept.extend(train_part)
        held.extend(held_part)
    return kept, held


def text_key(text: str) -> str:
    """The form two texts are compared in: letters and digits only, lower-cased; a text
    without any (emoji, "?") is its own key, so that "😡" and "😍" do not collide."""
    normal = unicodedata.normalize("NFKC", text).lower()
    return "".join(re.findall(r"\w+", normal)) or "".join(normal.split())


def _file_splits(
    data_dir: Path | None,
) -> list[tuple[str, list[LabelledRow], list[LabelledRow]]]:
    """(file name, training part, held-out part) of each training file."""
    folder = data_dir or default_data_dir()
    if not folder.is_dir():
        from tribu.errors import InputError

        raise InputError(folder, None, "training folder not found; pass --data DIR.")
    out = []
    for name in FILE_WEIGHTS:
        rows = read_labelled_csv(folder / name)
        kept, held = stratified(rows, HELDOUT_SHARE, SEED)
        out.append((name, kept, held))
    return out


def stratified(
    rows: list[LabelledRow], share: float, seed: int
) -> tuple[list[LabelledRow], list[LabelledRow]]:
    """(kept, held) with ``share`` of ``rows`` held out, stratified by label, seeded."""
    from sklearn.model_selection import train_test_split

    labels = [label for _, label, _ in rows]
    stratify = labels if len(set(labels)) > 1 else None
    kept, held = train_test_split(
        rows, test_size=share, random_state=seed, stratify=stratify
    )
    return list(kept), list(held)


def training_split(
    data_dir: Path | None = None,
) -> tuple[list[TrainingRow], dict[str, list[LabelledRow]]]:
    """(training rows with weights, held-out rows per file) from the shared training files."""
    train: list[TrainingRow] = []
    heldout: dict[str, list[LabelledRow]] = {}
    for name, kept, held in _file_splits(data_dir):
        weight = FILE_WEIGHTS[name]
        train.extend((text, label, lang, weight) for text, label, lang in kept)
        heldout[name] = held
    return train, heldout


def inner_split(
    data_dir: Path | None = None,
) -> tuple[list[TrainingRow], list[LabelledRow]]:
    """(inner training rows with weights, inner validation rows), both from the training part.

    The validation rows are 15 % of each file's training part (stratified, seed 1): every
    setting is chosen on them, so the held-out split and the development set stay unseen.
    """
    train: list[TrainingRow] = []
    validation: list[LabelledRow] = []
    for name, kept, _ in _file_splits(data_dir):
        inner, check = stratified(kept, INNER_SHARE, INNER_SEED)
        weight = FILE_WEIGHTS[name]
        train.extend((text, label, lang, weight) for text, label, lang in inner)
        validation.extend(check)
    return train, validation
