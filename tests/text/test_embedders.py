"""Embedder: unit vectors, shared across French and English, duplicates embedded once.

The first test runs the ``use`` model (512-d); the second both.
"""

from __future__ import annotations

import numpy as np

from tribu.text import Embedder


def test_translations_are_closer_than_unrelated_messages() -> None:
    vectors = Embedder(model="use", dtype="float32").transform(
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
    for model in ("use", "static"):
        vectors = Embedder(model=model).transform(["gg", "gg"])
        assert vectors.dtype == np.float16 and (vectors[0] == vectors[1]).all()
        assert vectors[0].any()
