"""Hand the warehouse's canonical tables to the measures as Ibis tables, on DuckDB or Spark.

Measures are Ibis expressions (``tribu.metrics``); this module decides where they run.

- ``engine="duckdb"`` (default): the warehouse file is opened read-only through Ibis's DuckDB
  backend. Nothing is copied.
- ``engine="spark"``: every table is exported to Parquet next to the warehouse
  (``<db>.parquet/<table>/part-0.parquet``) and read by a local Spark session (``local[2]``,
  web UI off, session time zone UTC, logs at ERROR). The export is refreshed only when the
  warehouse file changed (its size and modification time are kept in ``<db>.parquet/_stamp``).

Ibis was picked because one expression compiles to both engines' SQL; PySpark because it is the
engine users scale out to. Spark is imported lazily: the ``spark`` extra is optional.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import Any, Literal

import ibis
import ibis.expr.types as ir

from tribu.errors import ConfigError, WarehouseError
from tribu.warehouse import result_cache, sql_cache
from tribu.warehouse.schema import TABLES
from tribu.warehouse.store import open_warehouse, resolve_db_path

__all__ = [
    "ENGINES",
    "Engine",
    "export_parquet",
    "ibis_tables",
    "parquet_dir",
    "spark_session",
]

Engine = Literal["duckdb", "spark"]
ENGINES: tuple[str, ...] = ("duckdb", "spark")

# Canonical tables handed to measures (``meta`` holds the pseudonym secret: never exported).
_MEASURED_TABLES = tuple(name for name in TABLES if name != "meta")

_LOG4J2 = """\
status = error
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = stderr
appender.console.type = Console
appender.console.name = stderr
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %p %c: %m%n
"""


def ibis_tables(
    db: str | os.PathLike[str] | None = None,
    engine: str = "duckdb",
    *,
    utc_naive: bool = False,
) -> dict[str, ir.Table]:
    """Return the canonical tables of the warehouse as Ibis tables on ``engine``.

    Parameters
    ----------
    db
        Warehouse path; ``None`` means ``$TRIBU_DB`` or ``./tribu.duckdb``.
    engine
        ``"duckdb"`` (read the file in place, read-only) or ``"spark"`` (Parquet export read
        by a local Spark session).
    utc_naive
        DuckDB only: hand times over as plain UTC timestamps (``timestamp``, as Spark does)
        instead of ``timestamp('UTC')``. The measures give the same numbers either way, but
        DuckDB then skips its calendar library on every row (several times faster on millions
        of messages); the scorecard commands use it.

    Returns
    -------
    dict
        Canonical table name -> Ibis table (every table of the schema but ``meta``).
    """
    if engine not in ENGINES:
        raise ConfigError(
            f"The engine must be one of {', '.join(ENGINES)}. Got {engine!r} instead."
        )
    path = resolve_db_path(db)
    # Fails with a clear message when the file is missing or has an old schema.
    open_warehouse(path, read_only=True).close()
    if engine == "duckdb":
        con = ibis.duckdb.connect(str(path), read_only=True)
        con.raw_sql("SET enable_progress_bar = false")
        sql_cache.install(con)  # each expression's SQL compiled once, kept across runs
        result_cache.install(con)  # read-only: a query asked twice is answered once
        if not utc_naive:
            return {name: con.table(name) for name in _MEASURED_TABLES}
        return {name: _naive(con, name) for name in _MEASURED_TABLES}
    folder = export_parquet(path)
    spark_con = ibis.pyspark.connect(spark_session())
    return {
        name: spark_con.read_parquet(str(folder / name), table_name=f"tribu_{name}")
        for name in _MEASURED_TABLES
    }


def _naive(con: Any, name: str) -> ir.Table:
    """Table ``name`` with its UTC times as plain timestamps, converted without ICU."""
    table = con.table(name)
    zoned = [
        column
        for column, dtype in table.schema().items()
        if dtype.is_timestamp() and dtype.timezone is not None
    ]
    if not zoned:
        return table
    replaced = ", ".join(f'make_timestamp(epoch_us("{c}")) AS "{c}"' for c in zoned)
    return con.sql(f'SELECT * REPLACE ({replaced}) FROM "{name}"')


def parquet_dir(db: str | os.PathLike[str] | None = None) -> Path:
    """The folder holding the Parquet export of warehouse ``db``: ``<db>.parquet``."""
    path = resolve_db_path(db)
    return path.with_name(path.name + ".parquet")


def _stamp(path: Path) -> dict[str, Any]:
    stat = path.stat()
    return {
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "tables": _MEASURED_TABLES,
    }


def export_parquet(db: str | os.PathLike[str] | None = None) -> Path:
    """Export every canonical table to ``<db>.parquet/<table>/``; skip if already current.

    The export is written to a temporary folder and renamed into place, so a reader never sees
    half an export.
    """
    path = resolve_db_path(db)
    folder = parquet_dir(path)
    stamp = _stamp(path)
    stamp_file = folder / "_stamp"
    if stamp_file.exists():
        try:
            if json.loads(stamp_file.read_text()) == json.loads(json.dumps(stamp)):
                return folder
        except ValueError:
            pass
    work = Path(tempfile.mkdtemp(prefix=folder.name + ".", dir=folder.parent))
    try:
        con = open_warehouse(path, read_only=True)
        try:
            for name in _MEASURED_TABLES:
                (work / name).mkdir()
                target = str(work / name / "part-0.parquet").replace("'", "''")
                con.execute(f"COPY {name} TO '{target}' (FORMAT PARQUET)")
        finally:
            con.close()
        (work / "_stamp").write_text(json.dumps(stamp))
        if folder.exists():
            shutil.rmtree(folder)
        work.rename(folder)
    except OSError as exc:
        shutil.rmtree(work, ignore_errors=True)
        raise WarehouseError(
            f"{folder}: cannot write the Parquet export for Spark ({exc})."
        ) from exc
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return folder


@cache
def spark_session() -> Any:
    """The process's local Spark session: ``local[2]``, no web UI, UTC, quiet logs.

    The driver gets 3 GB of heap (``$TRIBU_SPARK_MEMORY`` to change it).
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ConfigError(
            "The Spark engine needs pyspark. Install it with: pip install 'tribu[spark]'."
        ) from exc
    log_config = Path(tempfile.gettempdir()) / "tribu-spark-log4j2.properties"
    log_config.write_text(_LOG4J2)
    java_opts = f"-Dlog4j2.configurationFile=file:{log_config}"
    session = (
        SparkSession.builder.master("local[2]")
        .appName("tribu")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        # local mode runs everything in the driver: give it room (the default is 1 GB).
        .config("spark.driver.memory", os.environ.get("TRIBU_SPARK_MEMORY", "3g"))
        .config("spark.driver.extraJavaOptions", java_opts)
        .config("spark.sql.ansi.enabled", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session
