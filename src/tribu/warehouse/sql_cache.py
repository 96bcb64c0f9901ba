"""Compile each Ibis expression to SQL once, keep the SQL, reuse it on every later run.

Turning an Ibis expression into SQL (Ibis's rewrites, then sqlglot) costs far more than running
it on a warehouse of a few hundred thousand messages: a profile of ``tribu report`` on 200,000
messages spent about 6 s compiling against 4.6 s executing, and the same measures were compiled
again on every run. :func:`install` wraps a DuckDB backend's ``compile`` so that the SQL of an
expression is looked up first, in memory and then on disk, and compiled only when missing.

**The key is the expression itself**, not a name: the expression's operation graph is pickled
(every table with its full schema, every literal, every operation and its arguments) and hashed
with SHA-256, together with the versions of Ibis, sqlglot and DuckDB and :data:`CACHE_FORMAT`.
So the cache cannot serve stale SQL:

* a filter (community, channel, period) is a literal in the expression: another value is
  another key, compiled once and kept; values are never pasted into cached SQL;
* a schema change (a column added, a type changed) changes the tables' schemas in the key;
* a change of a measure's code changes the expression it builds, hence the key; a new Ibis,
  sqlglot or DuckDB version changes the key too.

Two things that vary from run to run without changing the meaning are normalised: the
connection (its file path is replaced by a constant, so every warehouse shares the cache) and
the numbering of Ibis's self- and join-references (a process-wide counter, renumbered in order
of appearance). An in-memory table (``ibis.memtable``: a small result kept by the scorecard, a
constant list) is keyed by its place and schema, not its data nor its random name: the SQL is
compiled against a stable alias (``__tribu_memtable_0``...), and each use binds the alias to the
table's real name in a leading ``WITH`` clause (names only: the data never enter the SQL).
A row limit and pretty-printing are part of the key; calls with bound parameters
(``ibis.param``) are compiled as before, uncached.

Files: one ``<sha256>.sql`` per expression under :func:`cache_dir` (``$TRIBU_CACHE_DIR/sql``,
else ``$XDG_CACHE_HOME/tribu/sql``, else ``~/.cache/tribu/sql``), written atomically; a folder
that cannot be written is skipped silently (the SQL is still kept in memory). Set
``TRIBU_SQL_CACHE=0`` to turn the cache off. Delete the folder to clear it.

Why a hand-written cache: Ibis has no persistent compile cache (``ibis.options`` has none), and
memoising on Python's ``hash`` would not survive the process (hash seeds are random).
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import pickle
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ibis.expr.operations as ops
import ibis.expr.types as ir
from ibis.backends import BaseBackend

__all__ = [
    "CACHE_FORMAT",
    "SqlCache",
    "cache_dir",
    "expression_key",
    "install",
    "op_key",
]

# Bump when the key or the stored format changes: every older entry is then ignored.
CACHE_FORMAT = 1


def cache_dir() -> Path:
    """The folder of the compiled SQL (see the module docstring for the order of choice)."""
    root = os.environ.get("TRIBU_CACHE_DIR")
    if root:
        return Path(root) / "sql"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "tribu" / "sql"


@functools.cache
def _libraries() -> str:
    from importlib.metadata import version

    return "|".join(
        f"{name} {version(name)}" for name in ("ibis-framework", "sqlglot", "duckdb")
    )


def _versions() -> bytes:
    return f"{CACHE_FORMAT}|{_libraries()}".encode()


class _KeyPickler(pickle.Pickler):
    """Pickles an operation graph with connections, references and memtables normalised."""

    def __init__(self, file: io.BytesIO, memtables: dict[Any, str]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.references: dict[int, int] = {}
        self.memtables = memtables

    def reducer_override(self, obj: Any) -> Any:
        kind = _KINDS.get(type(obj))
        if kind is None:
            kind = _KINDS.setdefault(type(obj), _kind(type(obj)))
        if kind == "other":
            return NotImplemented
        if kind == "backend":
            return (str, (f"backend:{obj.name}",))
        if kind == "reference":
            number = self.references.setdefault(obj.identifier, len(self.references))
            return (tuple, ((type(obj).__name__, number, obj.parent),))
        # An in-memory table's data are not in the SQL, only its name: keyed by place and
        # schema.
        alias = self.memtables.setdefault(
            obj, f"__tribu_memtable_{len(self.memtables)}"
        )
        return (tuple, (("memtable", alias, obj.schema),))


# What the key pickler does with each type (found once per type: isinstance is slow).
_KINDS: dict[type, str] = {}


def _kind(cls: type) -> str:
    if issubclass(cls, BaseBackend):
        return "backend"
    if issubclass(cls, ops.Reference):
        return "reference"
    if issubclass(cls, ops.InMemoryTable):
        return "memtable"
    return "other"


def op_key(op: Any) -> tuple[str, dict[Any, str]] | None:
    memtables: dict[Any, str] = {}
    buffer = io.BytesIO()
    buffer.write(_versions())
    try:
        _KeyPickler(buffer, memtables).dump(op)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None  # something unpicklable (a UDF closure...): compile as before
    return hashlib.sha256(buffer.getbuffer()).hexdigest(), memtables


def expression_key(expr: ir.Expr) -> str | None:
    """SHA-256 of ``expr``'s normalised graph and the library versions; None if unpicklable."""
    found = op_key(expr.op())
    return None if found is None else found[0]


def _bind_memtables(sql: str, memtables: dict[Any, str]) -> str:
    """Prefix ``sql`` with one CTE per in-memory table: its stable alias -> its real name.

    Only names Ibis generated are written here (quoted as identifiers), never a value.
    """
    if not memtables:
        return sql
    import sqlglot as sg

    ctes = ", ".join(
        f"{sg.to_identifier(alias, quoted=True).sql('duckdb')} AS (SELECT * FROM "
        f"{sg.to_identifier(op.name, quoted=True).sql('duckdb')})"
        for op, alias in memtables.items()
    )
    if sql[:5].upper() == "WITH ":
        return f"WITH {ctes}, {sql[5:]}"
    return f"WITH {ctes} {sql}"


def _with_aliases(expr: ir.Expr, memtables: dict[Any, str]) -> ir.Expr:
    """``expr`` with each in-memory table replaced by a table named by its alias."""
    if not memtables:
        return expr
    replacements = {
        op: ops.DatabaseTable(
            alias, schema=op.schema, source=None, namespace=ops.Namespace()
        )
        for op, alias in memtables.items()
    }
    return expr.op().replace(replacements).to_expr()


class SqlCache:
    """Compiled SQL by expression key, in memory and in one folder on disk."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder if folder is not None else cache_dir()
        self._memory: dict[str, str] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> str | None:
        """The SQL stored under ``key``, or None."""
        sql = self._memory.get(key)
        if sql is not None:
            return sql
        try:
            sql = (self.folder / f"{key}.sql").read_text(encoding="utf-8")
        except OSError:
            return None
        self._memory[key] = sql
        return sql

    def put(self, key: str, sql: str) -> None:
        """Keep ``sql`` under ``key`` (on disk when the folder can be written)."""
        self._memory[key] = sql
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = self.folder / f".{key}.{os.getpid()}.{threading.get_ident()}.tmp"
            tmp.write_text(sql, encoding="utf-8")
            tmp.replace(self.folder / f"{key}.sql")
        except OSError:
            pass

    def compile_with(
        self, compile: Callable[..., str], expr: ir.Expr, /, **kwargs: Any
    ) -> str:
        """``compile(expr, **kwargs)``, served from the cache when it can be."""
        if kwargs.get("params"):
            return compile(expr, **kwargs)
        found = op_key(expr.op())
        if found is None:
            return compile(expr, **kwargs)
        key, memtables = found
        if kwargs:  # a row limit ("default": Ibis's option) or pretty-printing
            import ibis

            shape = f"{sorted(kwargs.items())}|{ibis.options.sql.default_limit}"
            key = hashlib.sha256(f"{key}|{shape}".encode()).hexdigest()
        sql = self.get(key)
        if sql is not None:
            with self._lock:
                self.hits += 1
            return _bind_memtables(sql, memtables)
        try:
            sql = compile(_with_aliases(expr, memtables), **kwargs)
        except Exception:  # an alias Ibis cannot compile: the plain way, not cached
            return compile(expr, **kwargs)
        with self._lock:
            self.misses += 1
        self.put(key, sql)
        return _bind_memtables(sql, memtables)


_SHARED: SqlCache | None = None


def _shared() -> SqlCache:
    global _SHARED
    if _SHARED is None or _SHARED.folder != cache_dir():
        _SHARED = SqlCache()
    return _SHARED


def install(backend: Any, cache: SqlCache | None = None) -> Any:
    """Make ``backend.compile`` go through the SQL cache; return the backend.

    Does nothing when ``TRIBU_SQL_CACHE`` is ``0`` (or ``false``/``no``/``off``), or when the
    backend already goes through a cache.
    """
    if os.environ.get("TRIBU_SQL_CACHE", "1").strip().lower() in (
        "0",
        "false",
        "no",
        "off",
    ):
        return backend
    if getattr(backend, "_tribu_sql_cache", None) is not None:
        return backend
    store = cache if cache is not None else _shared()
    original = backend.compile

    def compile(expr: ir.Expr, /, **kwargs: Any) -> str:
        return store.compile_with(original, expr, **kwargs)

    backend.compile = compile
    backend._tribu_sql_cache = store
    return backend
