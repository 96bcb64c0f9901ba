"""Embedder: unit vectors, shared across French and English, duplicates embedded once."""

from __future__ import annotations

import numpy as np

from tribu.enrich.embeddings import Embedder


def test_translations_are_closer_than_unrelated_messages() -> None:
    vectors = Embedder(dtype="float32").transform(
        [
            "Le colis est arrivé cassé",
            "The parcel arrived broken",
            "Le live commence à 20h",
            "",
        ]
    )
    assert vectors.shape == (4, 512)
    assert np.allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, atol=1e-3)
    assert not vectors[3].any()  # empty text: zero vector
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_float16_by_default_and_duplicates_identical() -> None:
    vectors = Embedder().transform(["gg", "gg"])
    assert vectors.dtype == np.float16 and (vectors[0] == vectors[1]).all()
