"""Word-list baselines and the sums the model uses as features."""

from __future__ import annotations

from tribu.text._text import analyse
from tribu.text.lexicons import FrenchWordList, VaderWordList, lexicon_sums


def test_negated_word_flips_and_damps() -> None:
    # "aime" 2.0 in scope of « n' »: 2.0 * -0.74 = -1.48, a negative sum of 1.48
    assert lexicon_sums(analyse("je n'aime pas"), {"aime": 2.0}) == (0.0, 1.48)


def test_booster_strengthens() -> None:
    # "bien" 1.0 after booster « trop »: 1.0 + 0.293
    assert lexicon_sums(analyse("trop bien"), {"bien": 1.0}) == (1.293, 0.0)


def test_two_word_entry_counts_once() -> None:
    lexicon = {"pas-terrible": -2.0, "terrible": -1.6}
    assert lexicon_sums(analyse("pas terrible"), lexicon) == (0.0, 2.0)


def test_baselines_label_clear_cases() -> None:
    assert FrenchWordList().predict(["génial", "nul", "le live est à 20h"]) == [
        "positive",
        "negative",
        "neutral",
    ]
    assert VaderWordList().predict(["great", "awful", "at 8pm"]) == [
        "positive",
        "negative",
        "neutral",
    ]
