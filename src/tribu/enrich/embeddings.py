"""The embedding pass of the enrichment stage: sentence vectors of messages, stored in the
warehouse, for clustering, FAQ retrieval and campaign matching.

The embedders themselves (``static``, the default, and ``use``) are text models:
:class:`tribu.text.Embedder`, listed in :mod:`tribu.text.registry`. This module decides which
messages need a vector, runs the embedder over them in chunks and stores the result.

Storage: ``enrichment.embedding`` is ``TINYINT[]``, each vector scaled so its largest component
is ±127 and rounded (:func:`quantise`): 256 bytes a message with the static model. Cosine
similarity is scale-free, so DuckDB's ``list_cosine_similarity`` works on the stored lists
directly, and :func:`dequantise` gives back unit vectors.

Which model made the stored vectors is recorded in the ``meta`` table (key
``embedding_model``, e.g. ``static-1a2b3c4d5e6f`` or ``use-multilingual-v3``). Vectors of two
models are never mixed: :func:`embed_missing` with another model re-embeds every message;
:func:`embeddings_for` follows the warehouse's model and raises :class:`ModelError` (telling
what to run) if that model is not the one installed. A warehouse with vectors but no record
predates the record: its 512-long vectors are USE's.

Embeddings are computed only on demand: :func:`embed_missing` for every message still without
one (``tribu enrich --embeddings``), :func:`embeddings_for` for the messages a feature needs
(clustering, FAQ retrieval, campaign matching), each computed once and then read back.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from tribu import text
from tribu.enrich.batches import chunked_results, progress_bar, shared_texts
from tribu.enrich.scoring import enrich_batch
from tribu.enrich.writes import (
    EMBEDDING_META_KEY,
    insert_enrichment,
    record_model,
    store_vectors,
)
from tribu.errors import ModelError
from tribu.text.embedders import (
    DEFAULT_EMBEDDER,
    EMBEDDING_DIM,
    USE_MODEL_ID,
    Embedder,
    embedder_family,
)

__all__ = [
    "DEFAULT_EMBEDDER",
    "EMBEDDING_DIM",
    "META_KEY",
    "dequantise",
    "embed_missing",
    "embedder_for",
    "embeddings_for",
    "quantise",
    "stored_model",
]

META_KEY = EMBEDDING_META_KEY
# Messages per write with the static model: each UPDATE scans the table, so fewer is faster.
STATIC_CHUNK = 100_000


def quantise(vectors: np.ndarray) -> np.ndarray:
    """int8 copy of each row, scaled so its largest absolute component is 127 (zeros stay 0)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    peak = np.abs(vectors).max(axis=1, keepdims=True)
    scale = np.divide(127.0, peak, out=np.zeros_like(peak), where=peak > 0)
    stored: np.ndarray = np.rint(vectors * scale).astype(np.int8)
    return stored


def dequantise(stored: np.ndarray) -> np.ndarray:
    """Unit float32 vectors from stored rows (int8 or float); all-zero rows stay zero."""
    return text.unit_rows(stored)


_ACTIVE: list[str] = [DEFAULT_EMBEDDER]  # the embedder of the running pass


def _embed_texts(texts: list[str]) -> np.ndarray:
    return quantise(text.embedder(_ACTIVE[0]).transform(texts))


def _embed_range(bounds: tuple[int, int]) -> np.ndarray:
    return _embed_texts(shared_texts(bounds))


def _worker_init(model: str = DEFAULT_EMBEDDER) -> None:
    """Start a worker: one BLAS thread, ``model`` loaded and chosen (spawned workers do not
    inherit the parent's choice)."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    _ACTIVE[0] = model
    text.embedder(model)


def stored_model(con: Any) -> str | None:
    """Id of the model that made the warehouse's stored vectors, or None if none is stored.

    Read from ``meta`` (key ``embedding_model``); a warehouse with vectors but no record was
    embedded before the record existed, when USE (512 dimensions) was the only model.
    """
    found = con.execute(
        "SELECT len(embedding) FROM enrichment WHERE embedding IS NOT NULL LIMIT 1"
    ).fetchone()
    if found is None:  # no vector stored: whatever made earlier ones does not matter
        return None
    row = con.execute("SELECT value FROM meta WHERE key = ?", [META_KEY]).fetchone()
    if row is not None:
        return str(row[0])
    return USE_MODEL_ID if found[0] == 512 else f"unknown-{found[0]}d"


def embedder_for(con: Any, model: str | None = None) -> Embedder:
    """The loaded embedder to use with this warehouse: ``model`` if given, else the family of
    the warehouse's stored vectors (``static`` or ``use``), else the default.

    Features that compare a new text (a FAQ question, a campaign brief) with stored vectors
    embed it with this, so both come from the same model.
    """
    stored = stored_model(con)
    name = model or (embedder_family(stored) if stored else DEFAULT_EMBEDDER)
    return text.embedder(name)


def embed_missing(
    con: Any,
    *,
    workers: int = 2,
    batch_size: int = 5_000,
    progress: bool = False,
    embedder: str | None = None,
) -> int:
    """Embed and store every enriched message whose embedding is still NULL; return how many.

    ``embedder`` (``static`` or ``use``) defaults to the warehouse's model (see
    :func:`embedder_for`). If the stored vectors come from another model (another family, or
    an older static model), they are all cleared first and every message is re-embedded, so
    the warehouse never mixes two models. Each distinct text (spaces normalised) is embedded
    once; USE runs in ``workers`` forked processes (one BLAS thread each), the static model in
    this process (forking costs more than it saves). Messages without an enrichment row are
    left to ``tribu enrich``.
    """
    model = embedder_for(con, embedder)
    _ACTIVE[0] = model.model
    stored = stored_model(con)
    if stored is not None and stored != model.model_id_:
        con.execute(
            "UPDATE enrichment SET embedding = NULL WHERE embedding IS NOT NULL"
        )
    record_model(con, model.model_id_)
    table = con.execute(
        "SELECT m.message_id, m.text FROM messages m JOIN enrichment e USING (message_id) "
        "WHERE e.embedding IS NULL ORDER BY m.message_id"
    ).to_arrow_table()
    ids = table.column("message_id").combine_chunks()
    texts = [
        " ".join((body or "").split()) for body in table.column("text").to_pylist()
    ]
    if not texts:
        return 0
    use = model.model == "use"
    chunks = chunked_results(
        texts,
        _embed_range,
        _embed_texts,
        lambda parts, inverse: np.concatenate(parts)[inverse],
        workers=workers if use else 1,
        initializer=functools.partial(_worker_init, model.model),
        batch_size=batch_size if use else STATIC_CHUNK,
        chunk_size=batch_size * 4 if use else STATIC_CHUNK,
    )
    with progress_bar(progress, len(texts), "Embedding messages") as advance:
        for start, stop, quantised in chunks:
            store_vectors(con, ids.slice(start, stop - start), quantised)
            advance(stop - start)
    return len(texts)


def embeddings_for(
    con: Any, message_ids: Sequence[str], embedder: str | None = None
) -> np.ndarray:
    """Unit vectors (len(message_ids), dim) float32 for these messages, computed once.

    Stored embeddings are read back; missing ones are computed in this process, stored (a
    message without an enrichment row gets one, with its language and sentiment) and
    returned. This is what clustering, FAQ retrieval and campaign matching call, so only the
    messages they need are ever embedded.

    ``embedder`` defaults to the warehouse's model (see :func:`embedder_for`).

    Raises
    ------
    tribu.errors.WarehouseError
        If a message id is not in the ``messages`` table.
    tribu.errors.ModelError
        If the stored vectors come from another model than the one chosen (or installed):
        similarities across two models mean nothing, so nothing is mixed.
    """
    import pyarrow as pa

    from tribu.errors import WarehouseError

    model = embedder_for(con, embedder)
    stored = stored_model(con)
    if stored is not None and stored != model.model_id_:
        raise ModelError(
            f"warehouse meta {META_KEY!r}: stored embeddings come from {stored!r}, not "
            f"{model.model_id_!r}; run `tribu enrich --embeddings --embedder "
            f"{model.model}` to re-embed every message with it."
        )
    wanted = list(dict.fromkeys(message_ids))
    if not wanted:
        return np.zeros((0, model.dim_), dtype=np.float32)
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
        _ACTIVE[0] = model.model
        quantised = _embed_texts(texts)
        not_enriched = [i for i, mid in enumerate(missing) if not found[mid][3]]
        if not_enriched:
            langs, scores = enrich_batch([texts[i] for i in not_enriched])
            insert_enrichment(
                con,
                pa.array([missing[i] for i in not_enriched], pa.string()),
                langs,
                scores,
            )
        record_model(con, model.model_id_)
        store_vectors(con, pa.array(missing, pa.string()), quantised)
        vectors.update(zip(missing, quantised.astype(np.float32), strict=True))
    return dequantise(np.stack([vectors[mid] for mid in message_ids]))
