"""Row normalisation shared by the embedders, the stored-vector reader and the quality checks."""

from __future__ import annotations

import numpy as np

__all__ = ["unit_rows"]


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """float32 rows scaled to length 1; an all-zero row (a text without tokens) stays zero."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit: np.ndarray = np.divide(
        vectors, norms, out=np.zeros_like(vectors), where=norms > 0
    )
    return unit
