"""Language detection: fr/en, neighbours, and 'und' for what is too short to tell."""

from __future__ import annotations

from pathlib import Path

import pytest

from tribu.text.language import LanguageDetector


def test_french_english_and_undetermined() -> None:
    texts = [
        "Bonjour à tous, quelqu'un sait quand commence le live ?",
        "Does anyone know when the live stream starts tonight?",
        "ok",  # 2 letters < min_letters=4: und
        "😍😍",  # no letter: und
        "",
    ]
    assert LanguageDetector().predict(texts) == ["fr", "en", "und", "und", "und"]


def test_a_spanish_message_is_not_forced_into_french_or_english() -> None:
    assert LanguageDetector().predict(["Hola amigos, ¿cómo están todos hoy?"]) == ["es"]


def test_batch_equals_one_by_one() -> None:
    detector = LanguageDetector()
    texts = ["Le colis est arrivé cassé", "The parcel arrived broken", "gg wp"]
    assert detector.predict(texts) == [detector.predict([t])[0] for t in texts]


def test_cached_tables_answer_as_the_shipped_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first fit writes the restricted tables to the cache; a later fit maps them and
    answers exactly as py3langid's own model; a damaged cache is ignored."""
    from tribu.text import language

    monkeypatch.setenv("TRIBU_CACHE_DIR", str(tmp_path))
    texts = [
        "Bonjour à tous, le live commence",
        "See you tonight at the meetup",
        "Hola, ¿cómo estáis todos?",
        "ok",
        "Guten Morgen zusammen, wie geht es euch?",
    ]
    first = language.LanguageDetector().fit()
    assert type(first.identifier_).__name__ == "LanguageIdentifier"
    folder = next((tmp_path / "langid").iterdir())
    assert (folder / "next_move.npy").exists()
    cached = language.LanguageDetector().fit()
    assert type(cached.identifier_).__name__ == "_Restricted"
    assert cached.predict(texts) == first.predict(texts)
    assert cached.predict(texts)[:4] == ["fr", "en", "es", "und"]
    (folder / "nb_pc.npy").write_bytes(b"not an array")
    fallback = language.LanguageDetector().fit()
    assert type(fallback.identifier_).__name__ == "LanguageIdentifier"
    assert fallback.predict(texts) == first.predict(texts)
