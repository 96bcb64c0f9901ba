"""Language detection: fr/en, neighbours, and 'und' for what is too short to tell."""

from __future__ import annotations

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
