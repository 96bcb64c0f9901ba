"""The static sentence embedder: a message is the normalised weighted sum of its token vectors.

Its token vectors are distilled from Google's multilingual Universal Sentence Encoder by
:mod:`training.train_embeddings` and shipped in ``tribu/text/models/``:

* ``embedding_static.npz``: ``vectors`` (int8, one row per vocabulary word then one per n-gram
  bucket) and ``scales`` (float32, one per row: row = vectors * scale);
* ``embedding_static_vocabulary.txt``: the words, one a line, line i = row i;
* ``embedding_static.json``: the settings (dimensions, buckets, weighting) and the figures of
  the training run.

Embedding a message is a sparse bag of tokens (:func:`bag_of_tokens`) times the token matrix,
then L2 normalisation: no neural network, a few microseconds a message. scipy's sparse matrix
product does the sum. model2vec distils static embedders the same way, but its models live on
the Hugging Face hub and it distils from PyTorch models; here the teacher is USE (pure numpy) and
the weights ship in the repository.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from tribu.errors import ModelError
from tribu.text.registry import model_dir
from tribu.text.tokens import ngram_buckets, tokens
from tribu.text.vectors import unit_rows

__all__ = ["MODEL_DIR", "MODEL_STEM", "StaticModel", "bag_of_tokens", "token_rows"]

MODEL_DIR = model_dir()
MODEL_STEM = "embedding_static"


def token_rows(
    token: str, vocabulary: dict[str, int], buckets: int
) -> tuple[list[int], float]:
    """Rows of one token and the weight of each: its own row (weight 1), or its n-gram buckets
    sharing a weight of 1 when the token is out of vocabulary."""
    row = vocabulary.get(token)
    if row is not None:
        return [row], 1.0
    size = len(vocabulary)
    rows = [size + b for b in ngram_buckets(token, buckets)]
    return rows, 1.0 / len(rows)


def bag_of_tokens(
    texts: Sequence[str],
    vocabulary: dict[str, int],
    buckets: int,
    cache: dict[str, tuple[list[int], float]] | None = None,
) -> sparse.csr_matrix:
    """Sparse (len(texts), vocabulary + buckets) matrix: token weights, each row divided by
    the square root of its number of tokens (so long and short messages weigh alike before
    normalisation). A text without tokens gives an empty row.

    ``cache`` maps token -> rows and is filled as a side effect: repeated words are looked up
    once per process.
    """
    cache = {} if cache is None else cache
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for text in texts:
        words = tokens(text) if text else []
        start = len(indices)
        for word in words:
            found = cache.get(word)
            if found is None:
                found = cache[word] = token_rows(word, vocabulary, buckets)
            rows, weight = found
            indices.extend(rows)
            data.extend([weight] * len(rows))
        if words:
            scale = 1.0 / len(words) ** 0.5
            for i in range(start, len(data)):
                data[i] *= scale
        indptr.append(len(indices))
    return sparse.csr_matrix(
        (
            np.asarray(data, dtype=np.float32),
            np.asarray(indices, dtype=np.int32),
            np.asarray(indptr, dtype=np.int64),
        ),
        shape=(len(texts), len(vocabulary) + buckets),
    )


class StaticModel:
    """The distilled token matrix, loaded from ``models/embedding_static*``.

    Attributes
    ----------
    vocabulary : dict[str, int]
        Word -> row.
    vectors : numpy.ndarray
        float32 (rows, dim): vocabulary rows then bucket rows.
    settings : dict
        The JSON written by the training script.
    model_id : str
        ``static-<first 12 hex of the SHA-256 of the weights file>``: changes when the model
        is retrained, so the warehouse can tell which model made its vectors.
    """

    def __init__(self, folder: Path = MODEL_DIR) -> None:
        weights = folder / f"{MODEL_STEM}.npz"
        words = folder / f"{MODEL_STEM}_vocabulary.txt"
        settings = folder / f"{MODEL_STEM}.json"
        for path in (weights, words, settings):
            if not path.exists():
                raise ModelError(
                    f"{path}: static embedding model file missing; rebuild it with "
                    "`make train-embeddings` or reinstall tribu."
                )
        self.settings: dict[str, Any] = json.loads(settings.read_text("utf-8"))
        with np.load(weights, allow_pickle=False) as stored:
            self.vectors = (
                stored["vectors"].astype(np.float32) * stored["scales"][:, None]
            )
        vocabulary = words.read_text("utf-8").split("\n")
        self.vocabulary = {word: row for row, word in enumerate(vocabulary) if word}
        self.buckets = int(self.settings["buckets"])
        if self.vectors.shape[0] != len(self.vocabulary) + self.buckets:
            raise ModelError(
                f"{weights}: {self.vectors.shape[0]} rows but {len(self.vocabulary)} words "
                f"+ {self.buckets} buckets; rebuild with `make train-embeddings`."
            )
        digest = hashlib.sha256(weights.read_bytes()).hexdigest()[:12]
        self.model_id = f"static-{digest}"
        self._cache: dict[str, tuple[list[int], float]] = {}

    @property
    def dim(self) -> int:
        """Number of dimensions of the vectors."""
        return int(self.vectors.shape[1])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """float32 unit vectors (len(texts), dim); a text without tokens gives zeros."""
        if len(self._cache) > 500_000:  # bound the memory of the word cache
            self._cache.clear()
        summed = bag_of_tokens(texts, self.vocabulary, self.buckets, self._cache) @ (
            self.vectors
        )
        return unit_rows(summed)
