"""Label terms: FR and EN stop-words out, URLs, mentions, emoji and numbers never in a label."""

from __future__ import annotations

from tribu.listening.text import STOP_WORDS, label_terms, words


def test_french_and_english_stop_words_are_removed() -> None:
    assert label_terms("Je ne sais pas si la livraison est rapide", bigrams=False) == [
        "sais",
        "livraison",
        "rapide",
    ]
    assert label_terms("Is the delivery to Belgium free?", bigrams=False) == [
        "delivery",
        "belgium",
        "free",
    ]
    for word in (
        "le",
        "la",
        "les",
        "des",
        "est",
        "the",
        "and",
        "is",
        "mdr",
        "lol",
        "svp",
    ):
        assert word in STOP_WORDS


def test_urls_mentions_emoji_and_numbers_are_not_terms() -> None:
    terms = label_terms(
        "@lea regarde https://shop.example.com/loop 😍 la Loop 42 #trail"
    )
    assert terms == ["regarde", "loop", "trail"]
    assert not any("http" in t or "@" in t or "😍" in t or "42" in t for t in terms)


def test_a_removed_item_breaks_a_phrase_but_a_stop_word_does_not() -> None:
    # "semelle" and "décolle" meet once "se" is gone: a phrase; the link between "colis" and
    # "bloqué" is a removed URL: no phrase across it.
    assert "semelle décolle" in label_terms("ma semelle se décolle")
    assert "colis bloqué" not in label_terms("colis https://x.fr bloqué")


def test_elisions_repeats_and_case() -> None:
    assert words("J'ADORE l'appli trooop") == ["adore", "appli", "troop"]
