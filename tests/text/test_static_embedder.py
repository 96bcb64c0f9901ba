"""The static embedder: tokens, bag of tokens, shipped model, closeness of meanings."""

from __future__ import annotations

import numpy as np
import pytest

from tribu.text.static_embedder import (
    MODEL_DIR,
    StaticModel,
    bag_of_tokens,
    token_rows,
)
from tribu.text.tokens import ngram_buckets, tokens


def test_tokens_split_elisions_and_keep_emoji() -> None:
    # lower case; « trooop » shortened to « troop »; the clitic keeps its apostrophe
    # (typographic one normalised); "!!!" -> "!!" -> two "!" tokens; @mention -> <user>;
    # link -> <url>; 2024 (4 digits) -> <num>, 20 stays; "h" separate; ❤️ loses its
    # variation selector; the comma goes
    assert tokens("J'adore trooop l’appli!!! @lea https://x.fr/a 2024, 20h ❤️") == [
        "j'",
        "adore",
        "troop",
        "l'",
        "appli",
        "!",
        "!",
        "<user>",
        "<url>",
        "<num>",
        "20",
        "h",
        "❤",
    ]
    # a quote after a word that is not a French clitic is dropped, not kept
    assert tokens("'cool' <@123>") == ["cool", "<user>"]


def test_ngram_buckets_of_a_short_word() -> None:
    # "<ok>" has the 3-grams "<ok" and "ok>" and the 4-gram "<ok>": three buckets
    found = ngram_buckets("ok", 1_000)
    assert len(found) == 3 and all(0 <= b < 1_000 for b in found)
    assert ngram_buckets("ok", 1_000) == found  # CRC-32: same in every process
    # "trooop" marked is 8 characters: 6 + 5 + 4 grams of sizes 3, 4, 5
    assert len(ngram_buckets("trooop", 1_000)) == 15


def test_bag_of_tokens_weights() -> None:
    vocabulary = {"le": 0, "colis": 1}
    bag = bag_of_tokens(["le colis", "le zz", ""], vocabulary, buckets=10).toarray()
    # "le colis": two known tokens, each weight 1 / sqrt(2)
    assert np.allclose(bag[0, :2], [2**-0.5, 2**-0.5]) and not bag[0, 2:].any()
    # "le zz": "zz" is unknown, its 3 n-gram buckets ("<zz", "zz>", "<zz>") share weight 1,
    # so together they weigh like "le"; the row is divided by sqrt(2)
    rows, weight = token_rows("zz", vocabulary, 10)
    assert len(rows) == 3 and weight == pytest.approx(1 / 3)
    assert bag[1, 0] == pytest.approx(2**-0.5)
    assert bag[1, 2:].sum() == pytest.approx(2**-0.5)
    assert not bag[2].any()  # no tokens: empty row


@pytest.fixture(scope="module")
def model() -> StaticModel:
    return StaticModel()


def test_model_loads_offline_from_the_repository_files(model: StaticModel) -> None:
    files = sorted(MODEL_DIR.glob("embedding_static*"))
    assert [f.name for f in files] == [
        "embedding_static.json",
        "embedding_static.npz",
        "embedding_static_vocabulary.txt",
    ]
    assert sum(f.stat().st_size for f in files) < 8_000_000
    assert model.dim == model.settings["dim"] == 256
    assert model.model_id.startswith("static-") and len(model.model_id) == 19


def test_unit_vectors_deterministic_and_zero_for_no_tokens(model: StaticModel) -> None:
    texts = ["Le colis est arrivé cassé", "gg", "...", "xqzwv blorpt"]
    first = model.encode(texts)
    again = StaticModel().encode(texts)  # a fresh load gives the same numbers
    assert first.shape == (4, 256) and first.dtype == np.float32
    assert np.array_equal(first, again)
    norms = np.linalg.norm(first, axis=1)
    # "..." has no token (punctuation goes): zero vector; unknown words still land on
    # their n-gram buckets, so "xqzwv blorpt" gets a unit vector
    assert np.allclose(norms[[0, 1, 3]], 1.0, atol=1e-5) and norms[2] == 0


def _cos(vectors: np.ndarray, a: int, b: int) -> float:
    return float(vectors[a] @ vectors[b])


def test_french_paraphrase_is_closer_than_an_unrelated_sentence(
    model: StaticModel,
) -> None:
    vectors = model.encode(
        [
            "Ma commande n'est toujours pas arrivée",
            "Je n'ai toujours pas reçu mon colis",
            "Le live de ce soir était génial",
        ]
    )
    assert _cos(vectors, 0, 1) > _cos(vectors, 0, 2)


def test_french_and_english_translations_land_close(model: StaticModel) -> None:
    vectors = model.encode(
        [
            "Le colis est arrivé cassé",
            "The parcel arrived broken",
            "Merci beaucoup pour votre aide",
            "Thank you so much for your help",
        ]
    )
    # each translation is nearer its pair than the other pair's sentences
    assert _cos(vectors, 0, 1) > max(_cos(vectors, 0, 2), _cos(vectors, 0, 3))
    assert _cos(vectors, 2, 3) > max(_cos(vectors, 2, 0), _cos(vectors, 2, 1))


def test_a_typo_still_lands_near_the_right_message(model: StaticModel) -> None:
    # "coliss" is not in the vocabulary: it becomes the mean of its n-gram buckets ("<co",
    # "col", "oli", ...), learnt from the rare training words that share those n-grams; with
    # "mon" and "est" in common, the typo'd message must stay nearer than an unrelated one
    assert "coliss" not in model.vocabulary
    vectors = model.encode(
        ["mon colis est arrivé", "mon coliss est arriver", "trop bien le live"]
    )
    assert _cos(vectors, 0, 1) > _cos(vectors, 0, 2)
