"""Run each distinct query once per read-only connection: later identical queries reuse the rows.

The report asks some questions twice: the rituals chart and the scorecard both run the
``rituals`` measure, the engagement chart and the scorecard both run
``engagement_rate_per_post``. On a read-only connection the warehouse cannot change, so the
second answer is the first. :func:`install` wraps the DuckDB backend's query runner so that a
query whose key was answered before returns the same Arrow table (Arrow tables are immutable;
callers build their own frames from it).

The key is the compiled-SQL key of the expression (:func:`tribu.warehouse.sql_cache.op_key`:
the whole operation graph, literals and schemas included) plus a fingerprint of the data of
every in-memory table in it (their data are not in the graph's key), plus the row limit.
Queries with bound parameters are not cached. Results above :data:`MAX_ROWS` rows are not kept,
and the oldest answers are dropped beyond :data:`MAX_BYTES` in all, so memory stays bounded on
a long-lived dashboard.

Only read-only connections get it: :func:`tribu.warehouse.engines.ibis_tables` opens the
warehouse read-only.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any

__all__ = ["MAX_BYTES", "MAX_ROWS", "ResultCache", "install"]

MAX_ROWS = 200_000  # larger answers are not kept
MAX_BYTES = 256 * 2**20  # all answers kept, in total


def _data_fingerprint(op: Any) -> str | None:
    """SHA-256 of an in-memory table's rows (Arrow IPC bytes), or None if too large."""
    import pyarrow as pa

    table = op.data.to_pyarrow(op.schema)
    if table.num_rows > MAX_ROWS:
        return None
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


class _Answer:
    """Stands for a DuckDB relation whose rows are already known."""

    def __init__(self, table: Any) -> None:
        self._table = table

    def to_arrow_table(self) -> Any:
        return self._table


class _Recorder:
    """A DuckDB relation that keeps its rows in the cache once fetched."""

    def __init__(self, relation: Any, cache: ResultCache, key: str) -> None:
        self._relation = relation
        self._cache = cache
        self._key = key

    def to_arrow_table(self) -> Any:
        table = self._relation.to_arrow_table()
        self._cache.put(self._key, table)
        return table

    def __getattr__(self, name: str) -> Any:
        return getattr(self._relation, name)


class ResultCache:
    """Arrow answers by query key, least recently used dropped beyond :data:`MAX_BYTES`."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._answers: OrderedDict[str, Any] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0

    def key(self, expr: Any, limit: Any) -> str | None:
        """The query key of ``expr`` (None: not cacheable)."""
        from tribu.warehouse.sql_cache import op_key

        found = op_key(expr.op())
        if found is None:
            return None
        key, memtables = found
        digest = hashlib.sha256(f"{key}|limit={limit}".encode())
        for op in memtables:
            fingerprint = _data_fingerprint(op)
            if fingerprint is None:
                return None
            digest.update(fingerprint.encode())
        return digest.hexdigest()

    def get(self, key: str) -> Any:
        """The table answered under ``key``, or None."""
        with self._lock:
            table = self._answers.get(key)
            if table is not None:
                self._answers.move_to_end(key)
                self.hits += 1
            return table

    def put(self, key: str, table: Any) -> None:
        """Keep ``table`` under ``key`` if it is small enough."""
        if table.num_rows > MAX_ROWS or table.nbytes > self.max_bytes:
            return
        with self._lock:
            if key in self._answers:
                return
            self._answers[key] = table
            self._bytes += table.nbytes
            while self._bytes > self.max_bytes and self._answers:
                _, old = self._answers.popitem(last=False)
                self._bytes -= old.nbytes


def install(backend: Any, cache: ResultCache | None = None) -> Any:
    """Route ``backend``'s queries through a :class:`ResultCache`; return the backend."""
    if getattr(backend, "_tribu_result_cache", None) is not None:
        return backend
    store = cache if cache is not None else ResultCache()
    original = backend._to_duckdb_relation

    def to_relation(
        expr: Any, /, *, params: Any = None, limit: Any = None, **kwargs: Any
    ) -> Any:
        key = None if params else store.key(expr.as_table(), limit)
        if key is not None:
            table = store.get(key)
            if table is not None:
                return _Answer(table)
        relation = original(expr, params=params, limit=limit, **kwargs)
        return relation if key is None else _Recorder(relation, store, key)

    backend._to_duckdb_relation = to_relation
    backend._tribu_result_cache = store
    return backend
