"""c-TF-IDF worked by hand on a tiny fixture (the example of tribu.listening.labels)."""

from __future__ import annotations

import math

import pytest

from tribu.listening.labels import class_tfidf, label_of, top_terms


def test_class_tfidf_by_hand() -> None:
    # a: terms semelle ×2, décolle, neuve, "semelle décolle", "semelle neuve" -> n(a) = 6
    # b: livraison ×2, lente, "livraison lente" -> n(b) = 4; A = (6 + 4) / 2 = 5
    # W(semelle, a) = 2/6 · log(1 + 5/2) = 0.41759
    # W(décolle, a) = 1/6 · log(1 + 5/1) = 0.29863
    # W(livraison, b) = 2/4 · log(1 + 5/2) = 0.62638
    weights = class_tfidf(
        {0: ["semelle décolle", "semelle neuve"], 1: ["livraison lente", "livraison"]}
    )
    assert weights[0]["semelle"] == pytest.approx(2 / 6 * math.log(3.5))
    assert weights[0]["semelle"] == pytest.approx(0.41759, abs=1e-5)
    assert weights[0]["décolle"] == pytest.approx(0.29863, abs=1e-5)
    assert weights[1]["livraison"] == pytest.approx(0.62638, abs=1e-5)
    assert set(weights[1]) == {"livraison", "lente", "livraison lente"}


def test_a_word_shared_by_every_cluster_weighs_less_than_a_distinctive_one() -> None:
    # "loop" is in both clusters (f = 2), "colle" and "taille" in one each (f = 1 each).
    weights = class_tfidf({0: ["loop colle"], 1: ["loop taille"]}, min_count=1)
    assert weights[0]["colle"] > weights[0]["loop"]


def test_min_count_keeps_one_off_words_out_of_labels() -> None:
    weights = class_tfidf({0: ["colis bloqué", "colis perdu Kevin"]}, min_count=2)
    assert set(weights[0]) == {"colis"}


def test_top_terms_prefers_phrases_and_breaks_ties_alphabetically() -> None:
    weights = {"semelle": 0.4, "décolle": 0.3, "semelle décolle": 0.35, "neuve": 0.1}
    # semelle (0.4) kept; "semelle décolle" (0.35) replaces it; décolle is inside; neuve.
    assert top_terms(weights, top=3) == ["semelle décolle", "neuve"]
    assert top_terms({"b": 1.0, "a": 1.0}) == ["a", "b"]
    assert label_of(["a", "b"]) == "a · b"
    assert label_of([]) == "(no words)"
