"""Hand the warehouse's canonical tables to the measures as Ibis tables, on DuckDB or Spark.

Measures are Ibis expressions (``tribu.metrics``); this module decides where they run.

- ``engine="duckdb"`` (default): the warehouse file is opened read-only through Ibis's DuckDB
  backend. Nothing is copied.
- ``engine="spark"``: every table is exported to Parquet next to the warehouse
  (``<db>.parquet/<table>/part-0.parquet``) and read by a local Spark session (``local[2]``,
  web UI off, session time zone UTC, logs at ERROR). The export is refreshed only when the
  warehouse file changed (its size and modification time are kept in ``<db>.parquet/_stamp``).

``db`` may also be a Parquet lake (:mod:`tribu.warehouse.lake`: a folder holding a manifest,
or a ``s3a://``, ``gs://``, ``abfss://``, ``hdfs://`` URI). DuckDB then reads the lake's files in
place; Spark reads them directly (no export, no DuckDB on the way), so the message table never
passes through the driver.

The Spark master and settings come from :mod:`tribu.warehouse.spark_settings` (``--spark-master``,
``$TRIBU_SPARK_MASTER``, ``[spark]`` in ``tribu.toml``, spark-submit, else ``local[2]``).

Ibis was picked because one expression compiles to both engines' SQL; PySpark because it is the
engine users scale out to. Spark is imported lazily: the ``spark`` extra is optional.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any, Literal

import ibis
import ibis.expr.types as ir

from tribu.errors import ConfigError, WarehouseError
from tribu.warehouse import lake, result_cache, sql_cache
from tribu.warehouse.schema import TABLES
from tribu.warehouse.spark_settings import (
    check_master,
    explain_read_error,
    spark_settings,
)
from tribu.warehouse.store import open_warehouse, resolve_db_path

__all__ = [
    "ENGINES",
    "Engine",
    "export_parquet",
    "ibis_tables",
    "parquet_dir",
    "spark_lake_tables",
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
    if db is not None and lake.is_uri(db):
        if engine != "spark":
            raise ConfigError(
                f"{lake.lake_uri(db)}: a lake on an object store is read with --engine spark."
            )
        return spark_lake_tables(lake.lake_uri(db))
    path = resolve_db_path(db)
    if lake.is_lake(path):
        if engine == "spark":
            return spark_lake_tables(str(path.absolute()))
        lake_con = ibis.duckdb.from_connection(lake.connect_lake(path))
        if not utc_naive:
            return {name: lake_con.table(name) for name in _MEASURED_TABLES}
        return {name: _naive(lake_con, name) for name in _MEASURED_TABLES}
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


def spark_lake_tables(location: str) -> dict[str, ir.Table]:
    """The lake's tables as Ibis tables on the Spark session, read from its Parquet files.

    ``location`` is a local folder or a URI Spark's connectors reach. The manifest is read
    through Spark too (so an object store needs no other client); faults are one line.
    """
    session = spark_session()
    base = location.rstrip("/")
    manifest_path = f"{base}/{lake.MANIFEST}"
    try:
        text = _hadoop_text(session, manifest_path)
    except Exception as exc:  # noqa: BLE001 - Py4J/Spark errors have no common base
        raise explain_read_error(base, exc) from exc
    manifest = lake.LakeManifest.from_json(text, manifest_path)
    backend = ibis.pyspark.connect(session)
    tag = f"{abs(hash(base)):x}_{manifest.version}"
    tables: dict[str, ir.Table] = {}
    for name in _MEASURED_TABLES:
        files = [f"{base}/{rel}" for rel in manifest.files(name)]
        view = f"tribu_lake_{name}_{tag}"
        try:
            frame = session.read.parquet(*files)
        except Exception as exc:  # noqa: BLE001
            raise explain_read_error(base, exc) from exc
        frame.createOrReplaceTempView(view)
        tables[name] = backend.table(view)
    return tables


def _hadoop_text(session: Any, location: str) -> str:
    """A small text file read through Hadoop's file system API (any connector Spark has).

    Not ``spark.read.text``: Spark's file sources skip names starting with ``_``.
    """
    context = session.sparkContext
    jvm = context._jvm
    path = jvm.org.apache.hadoop.fs.Path(location)
    stream = path.getFileSystem(context._jsc.hadoopConfiguration()).open(path)
    try:
        return str(jvm.org.apache.commons.io.IOUtils.toString(stream, "UTF-8"))
    finally:
        stream.close()


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
    """The process's Spark session: no web UI, UTC, quiet logs.

    The master and extra settings come from :func:`tribu.warehouse.spark_settings.
    spark_settings` (``local[2]`` by default). In local mode the driver gets 3 GB of heap
    (``$TRIBU_SPARK_MEMORY`` to change it); ``[spark.conf]`` settings win over these defaults.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ConfigError(
            "The Spark engine needs pyspark. Install it with: pip install 'tribu[spark]'."
        ) from exc
    settings = spark_settings()
    check_master(settings)
    log_config = Path(tempfile.gettempdir()) / "tribu-spark-log4j2.properties"
    log_config.write_text(_LOG4J2)
    java_opts = f"-Dlog4j2.configurationFile=file:{log_config}"
    builder = SparkSession.builder.appName("tribu")
    if settings.master is not None:
        builder = builder.master(settings.master)
    defaults = {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.ansi.enabled": "false",
        "spark.driver.extraJavaOptions": java_opts,
    }
    if settings.master is not None and settings.master.startswith("local"):
        defaults["spark.sql.shuffle.partitions"] = "4"
        # local mode runs everything in the driver: give it room (the default is 1 GB).
        defaults["spark.driver.memory"] = os.environ.get("TRIBU_SPARK_MEMORY", "3g")
        # Python workers (mapInPandas) run this interpreter, which has tribu and its models
        # (pyspark reads the variable when the context starts; "python3" otherwise).
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    for key, value in {**defaults, **settings.conf}.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - Py4J/Spark errors have no common base
        raise ConfigError(
            f"Cannot start Spark on master {settings.master or '(from spark-submit)'} "
            f"(from {settings.origin}): {str(exc).strip().splitlines()[0][:300]}"
        ) from exc
    session.sparkContext.setLogLevel("ERROR")
    return session
