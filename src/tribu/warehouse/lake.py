"""A Parquet lake: the canonical tables as Parquet files, readable by DuckDB and by Spark.

The lake is the interchange between engines: ``tribu ingest --lake DIR`` writes it, and every
command that reads a warehouse accepts it in place of a DuckDB file (``--db DIR``): DuckDB
reads the Parquet files in place (:func:`connect_lake`), Spark reads them on its executors
(:func:`tribu.warehouse.engines.ibis_tables` with ``engine="spark"``).

Layout of a lake folder::

    DIR/_tribu_lake.json                       the manifest (the commit point)
    DIR/v000002-1f0c.../messages/community=discord_1/month=2024-03/data_0.parquet
    DIR/v000002-1f0c.../members/community=discord_1/data_0.parquet
    DIR/v000002-1f0c.../campaigns/data_0.parquet
    DIR/v000002-1f0c.../<table>/empty.parquet  zero rows: the table's schema, always there

- **Partitions.** Tables with a community and a time (messages, reactions, member_events,
  system_notices) are partitioned by community and UTC month; communities, channels and
  members by community; the others (first-party tables, enrichment, runs...) are one folder.
  The directory names only serve pruning and people: every file holds every column (the true
  ``community_id`` included), so readers never rely on partition discovery.
- **Commit.** A run writes a whole new version folder, then replaces the manifest (write to a
  temporary file, fsync, ``os.replace``: atomic on POSIX file systems). Readers only read the
  files the manifest lists, so a run killed at any point leaves the lake as it was; its
  half-written folder is invisible and removed by the next ingest.
- **Idempotence.** The manifest lists the sha256 of every source ingested (also in the
  ``ingest_runs`` table); a source seen before is skipped, exactly as in a DuckDB warehouse.
- **Pseudonyms.** People are pseudonymised with the same keyed HMAC as the DuckDB warehouse. The
  key never enters the lake: it lives in a file beside it (``DIR.secret``, mode 0600, or the path
  in ``$TRIBU_LAKE_SECRET_FILE``). The manifest holds a fingerprint of the key, so a lake is
  never extended with a different key (which would give one person two pseudonyms).
- **How a run is computed.** The lake's current tables are loaded into a scratch DuckDB file,
  :func:`tribu.warehouse.ingest.ingest_paths` runs on it unchanged (same connectors, staging,
  merge, quarantine and ``tribu.toml`` settings), and the result is written as the new version
  by DuckDB's partitioned ``COPY``. The cost of a run therefore grows with the lake; see
  ``docs/scale.md`` for when this matters and what to do.

We use DuckDB to write and read the Parquet (already the warehouse engine, and its partitioned
``COPY`` writes many partitions in one pass); the lake is plain Parquet that any engine reads.
A lake given as a URI (``s3a://``, ``gs://``, ``abfss://``, ``hdfs://``) is read by Spark only,
through its Hadoop connectors.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import duckdb

from tribu.config import TribuConfig
from tribu.errors import ConfigError, InputError, WarehouseError
from tribu.warehouse.schema import SCHEMA_VERSION, TABLES
from tribu.warehouse.store import open_warehouse
from tribu.warehouse.summary import IngestSummary

T = TypeVar("T")

__all__ = [
    "LAKE_TABLES",
    "MANIFEST",
    "SECRET_ENV",
    "LakeManifest",
    "connect_lake",
    "export_lake",
    "extend_lake",
    "ingest_lake",
    "is_lake",
    "is_uri",
    "lake_secret_path",
    "lake_uri",
    "read_manifest",
    "update_lake",
    "write_version",
]

MANIFEST = "_tribu_lake.json"
"""Name of the manifest file at the root of a lake: the one file a commit replaces."""

SECRET_ENV = "TRIBU_LAKE_SECRET_FILE"
"""Environment variable naming the pseudonym key file of a lake (default ``DIR.secret``)."""

FORMAT = "tribu-lake/1"

# Every canonical table but ``meta`` (it holds the pseudonym key).
LAKE_TABLES: tuple[str, ...] = tuple(name for name in TABLES if name != "meta")

# table -> partition columns written as folders ("community", "month").
_PARTITIONS: dict[str, tuple[str, ...]] = {
    "messages": ("community", "month"),
    "reactions": ("community", "month"),
    "member_events": ("community", "month"),
    "system_notices": ("community", "month"),
    "communities": ("community",),
    "channels": ("community",),
    "members": ("community",),
}

# A URI survives a trip through pathlib as "s3a:/bucket/..." (one slash): accept both.
_URI = re.compile(r"^(s3a|s3|gs|abfss|abfs|wasbs|hdfs):/+(.*)$", re.IGNORECASE)


@dataclass
class LakeManifest:
    """What a committed lake holds: one version folder and the files of each table."""

    version: int
    data: str
    tables: dict[str, list[str]]
    sources: list[str] = field(default_factory=list)
    schema_version: int = SCHEMA_VERSION
    key_check: str | None = None
    committed_at: str = ""

    def files(self, table: str) -> list[str]:
        """Paths of ``table``'s files, relative to the lake root."""
        return list(self.tables.get(table, []))

    def folders(self) -> set[str]:
        """The version folders this manifest's files live in (an older run's may still be)."""
        return {self.data} | {
            rel.split("/", 1)[0] for files in self.tables.values() for rel in files
        }

    def to_json(self) -> str:
        """The manifest as written to ``_tribu_lake.json``."""
        return json.dumps(
            {
                "format": FORMAT,
                "version": self.version,
                "schema_version": self.schema_version,
                "data": self.data,
                "committed_at": self.committed_at,
                "key_check": self.key_check,
                "sources": self.sources,
                "tables": self.tables,
            },
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str, where: str) -> LakeManifest:
        """Parse a manifest, or raise a one-line WarehouseError naming ``where``."""
        try:
            raw = json.loads(text)
            if raw.get("format") != FORMAT:
                raise ValueError(f"format {raw.get('format')!r}, expected {FORMAT!r}")
            manifest = cls(
                version=int(raw["version"]),
                data=str(raw["data"]),
                tables={k: [str(f) for f in v] for k, v in raw["tables"].items()},
                sources=[str(s) for s in raw.get("sources", [])],
                schema_version=int(raw["schema_version"]),
                key_check=raw.get("key_check"),
                committed_at=str(raw.get("committed_at", "")),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise WarehouseError(
                f"{where}: not a tribu lake manifest ({exc})."
            ) from exc
        if manifest.schema_version > SCHEMA_VERSION:
            raise WarehouseError(
                f"{where} was written by a newer tribu (schema version "
                f"{manifest.schema_version}; this tribu knows up to {SCHEMA_VERSION})."
            )
        return manifest


def is_uri(location: str | os.PathLike[str]) -> bool:
    """True when ``location`` is an object-store or HDFS URI (read by Spark only)."""
    return _URI.match(str(location)) is not None


def lake_uri(location: str | os.PathLike[str]) -> str:
    """``location`` as a URI with its two slashes back (``--db`` goes through pathlib)."""
    match = _URI.match(str(location))
    if match is None:
        return str(location)
    return f"{match.group(1).lower()}://{match.group(2)}"


def is_lake(location: str | os.PathLike[str] | None) -> bool:
    """True when ``location`` is a lake: a URI, or a folder holding a manifest."""
    if location is None:
        return False
    if is_uri(location):
        return True
    path = Path(location)
    return path.is_dir() and (path / MANIFEST).is_file()


def read_manifest(root: str | os.PathLike[str]) -> LakeManifest | None:
    """The committed manifest of the local lake ``root``, or None when nothing is committed."""
    path = Path(root) / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise WarehouseError(f"{path}: cannot read the lake manifest ({exc}).") from exc
    return LakeManifest.from_json(text, str(path))


def lake_secret_path(root: str | os.PathLike[str]) -> Path:
    """The pseudonym key file of lake ``root``: ``$TRIBU_LAKE_SECRET_FILE`` or ``DIR.secret``."""
    configured = os.environ.get(SECRET_ENV)
    if configured:
        return Path(configured)
    path = Path(root).absolute()
    return path.with_name(path.name + ".secret")


def _key_check(secret: bytes) -> str:
    """A fingerprint of the key (not the key): sha256 of a label keyed by it, 16 hex digits."""
    return hashlib.sha256(secret + b"\0tribu-lake-key-check").hexdigest()[:16]


def _lake_secret(root: Path, manifest: LakeManifest | None) -> bytes:
    """Read (or, for a new lake, create) the key and check it matches the lake's."""
    path = lake_secret_path(root)
    if path.exists():
        try:
            secret = bytes.fromhex(path.read_text().strip())
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"{path}: cannot read the lake's pseudonym key ({exc}); restore the file "
                f"or point {SECRET_ENV} at the right one."
            ) from exc
        if manifest is not None and manifest.key_check not in (
            None,
            _key_check(secret),
        ):
            raise ConfigError(
                f"{path} is not the pseudonym key this lake was written with; restore the "
                f"right file or point {SECRET_ENV} at it (a new key would give people new "
                "pseudonyms)."
            )
        return secret
    if manifest is not None and manifest.key_check is not None:
        raise ConfigError(
            f"The lake's pseudonym key file {path} is missing; restore it or point "
            f"{SECRET_ENV} at it (a new key would give people new pseudonyms)."
        )
    secret = secrets.token_bytes(32)
    _write_secret(path, secret)
    return secret


def _write_secret(path: Path, secret: bytes) -> None:
    """Create the key file, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as fh:
        fh.write(secret.hex() + "\n")


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _file_list(root: Path | str, files: Iterable[str]) -> str:
    return "[" + ", ".join(_sql_string(f"{root}/{f}") for f in files) + "]"


def connect_lake(root: str | os.PathLike[str]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection whose views read the lake's tables in place.

    Every canonical table but ``meta`` is a view over the Parquet files the manifest lists;
    ``meta`` holds only the schema version (the pseudonym key stays outside the lake). Nothing
    is copied: DuckDB reads the files as queries need them.
    """
    if is_uri(root):
        raise ConfigError(
            f"{lake_uri(root)}: DuckDB reads lakes on a local or mounted folder; read a lake on an "
            "object store with --engine spark."
        )
    manifest = read_manifest(root)
    if manifest is None:
        raise WarehouseError(
            f"No lake at {root} (no {MANIFEST}). Run 'tribu ingest --lake {root} ...' first."
        )
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute(f"CREATE TABLE meta ({TABLES['meta']})")
        con.execute(
            "INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
        )
        base = Path(root).absolute()
        for name in LAKE_TABLES:
            files = manifest.files(name)
            if not files:  # a table added by a newer schema than the lake's: empty
                con.execute(f"CREATE TABLE {name} ({TABLES[name]})")
                continue
            con.execute(
                f"CREATE VIEW {name} AS SELECT * FROM read_parquet("
                f"{_file_list(base, files)}, hive_partitioning = false, union_by_name = true)"
            )
    except duckdb.Error as exc:
        con.close()
        raise WarehouseError(f"{root}: cannot read the lake ({exc}).") from exc
    return con


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    """Hold the lake's writer lock (one ingest at a time; readers need none)."""
    with (root / ".lock").open("a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise WarehouseError(
                f"{root}: another tribu run is writing this lake; wait for it to finish."
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _load(con: duckdb.DuckDBPyConnection, root: Path, manifest: LakeManifest) -> None:
    """Fill the scratch warehouse ``con`` with the lake's committed tables."""
    for name in LAKE_TABLES:
        files = manifest.files(name)
        if not files:
            continue
        columns = ", ".join(
            f'"{c}"'
            for (c,) in con.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = ? ORDER BY ordinal_position",
                [name],
            ).fetchall()
        )
        con.execute(
            f"INSERT INTO {name} ({columns}) SELECT {columns} FROM read_parquet("
            f"{_file_list(root, files)}, hive_partitioning = false, union_by_name = true)"
        )


def _month() -> str:
    return "coalesce(strftime(ts AT TIME ZONE 'UTC', '%Y-%m'), 'none')"


def _community() -> str:
    # A folder-safe spelling of the id; the exact id stays in the rows.
    return "regexp_replace(community_id, '[^A-Za-z0-9_.-]', '_', 'g')"


def write_version(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, list[str]]:
    """Write every lake table of ``con`` under ``folder``; return table -> relative files."""
    tables: dict[str, list[str]] = {}
    for name in LAKE_TABLES:
        target = folder / name
        target.mkdir(parents=True)
        # Zero rows, every column: the table's schema even when it is empty.
        con.execute(
            f"COPY (SELECT * FROM {name} LIMIT 0) TO "
            f"{_sql_string(str(target / 'empty.parquet'))} (FORMAT PARQUET)"
        )
        parts = _PARTITIONS.get(name, ())
        extra = []
        if "community" in parts:
            extra.append(f"{_community()} AS community")
        if "month" in parts:
            extra.append(f"{_month()} AS month")
        if parts:
            con.execute(
                f"COPY (SELECT *, {', '.join(extra)} FROM {name}) TO "
                f"{_sql_string(str(target))} (FORMAT PARQUET, PARTITION_BY "
                f"({', '.join(parts)}), OVERWRITE_OR_IGNORE, FILENAME_PATTERN 'data_{{i}}')"
            )
        else:
            count = con.execute(f"SELECT count(*) FROM {name}").fetchone()
            if count and count[0]:
                con.execute(
                    f"COPY {name} TO {_sql_string(str(target / 'data_0.parquet'))} "
                    "(FORMAT PARQUET)"
                )
        tables[name] = sorted(
            f"{folder.name}/{p.relative_to(folder).as_posix()}"
            for p in target.rglob("*.parquet")
        )
    return tables


def _commit(root: Path, manifest: LakeManifest) -> None:
    """Make ``manifest`` the lake's state in one atomic rename (the commit point)."""
    temporary = root / f".{MANIFEST}.{uuid.uuid4().hex}"
    with temporary.open("w", encoding="utf-8") as fh:
        fh.write(manifest.to_json())
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(temporary, root / MANIFEST)
    directory = os.open(root, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _sweep(root: Path, manifest: LakeManifest | None) -> None:
    """Remove version folders no file of ``manifest`` is in, and scratch of earlier runs.

    Only under the writer lock: a folder not referenced is a dead run's or a replaced
    version's.
    """
    keep = manifest.folders() if manifest is not None else set()
    for child in root.iterdir():
        if child.name in keep or child.name in (MANIFEST, ".lock"):
            continue
        if child.name.startswith(("v", ".ingest-", f".{MANIFEST}.")) and (
            child.is_dir() or child.name.startswith(f".{MANIFEST}.")
        ):
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)


def update_lake(
    lake: str | os.PathLike[str],
    action: Callable[[Path], T],
    *,
    changed: Callable[[T], bool],
    create: bool = False,
) -> T:
    """Run ``action`` on a scratch warehouse holding the lake, then commit what it wrote.

    ``action`` gets the scratch DuckDB file (the lake's tables and pseudonym key loaded in
    it) and may do anything a command does to a warehouse. When ``changed(result)`` says it
    wrote something, the scratch tables become the lake's next version (one atomic manifest
    replace); otherwise nothing is written. Any fault or kill leaves the lake as it was.
    ``create``: start a new lake when the folder holds none (ingest), else refuse.
    """
    if is_uri(lake):
        raise ConfigError(
            f"{lake_uri(lake)}: tribu writes lakes to a local or mounted folder; write the "
            "lake there and copy it to the object store (see docs/scale.md)."
        )
    root = Path(lake).absolute()
    if root.exists() and not root.is_dir():
        raise ConfigError(f"{root}: a lake is a folder; this is a file.")
    if not create and not (root / MANIFEST).is_file():
        raise WarehouseError(
            f"No lake at {root} (no {MANIFEST}). Run 'tribu ingest --lake {root} ...' first."
        )
    if (
        root.is_dir()
        and not (root / MANIFEST).exists()
        and any(c for c in root.iterdir() if not c.name.startswith((".", "v")))
    ):
        raise ConfigError(
            f"{root}: this folder holds other files and no {MANIFEST}; give an empty or "
            "new folder for the lake."
        )
    root.mkdir(parents=True, exist_ok=True)
    with _locked(root):
        manifest = read_manifest(root)
        secret = _lake_secret(root, manifest)
        _sweep(root, manifest)
        scratch = Path(tempfile.mkdtemp(prefix=".ingest-", dir=root))
        try:
            work = scratch / "work.duckdb"
            con = open_warehouse(work)
            try:
                con.execute(
                    "UPDATE meta SET value = ? WHERE key = 'pseudonym_secret'",
                    [secret.hex()],
                )
                if manifest is not None:
                    _load(con, root, manifest)
            finally:
                con.close()
            result = action(work)
            if manifest is not None and not changed(result):
                return result
            version = (manifest.version if manifest else 0) + 1
            data = f"v{version:06d}-{uuid.uuid4().hex[:8]}"
            con = open_warehouse(work, read_only=True)
            try:
                tables = write_version(con, root / data)
                sources = _sources(con)
            finally:
                con.close()
            committed = LakeManifest(
                version=version,
                data=data,
                tables=tables,
                sources=sources,
                key_check=_key_check(secret),
                committed_at=datetime.now(UTC).isoformat(timespec="seconds"),
            )
            _commit(root, committed)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        _sweep(root, committed)
    return result


def extend_lake(
    lake: str | os.PathLike[str],
    table: str,
    write: Callable[[Path, LakeManifest], object],
) -> int:
    """Add files to one table of the lake without rewriting the rest; return files added.

    ``write(folder, manifest)`` writes new Parquet files of ``table`` (every column of the
    table) under ``folder``, a new version folder; Spark jobs use it to add rows computed on
    executors (:mod:`tribu.enrich.spark`). The other tables keep their files. Committed as
    any run (manifest replace), so a failed or killed writer leaves the lake as it was.
    """
    if table not in LAKE_TABLES:
        raise ConfigError(f"No lake table {table!r}.")
    root = Path(lake).absolute()
    manifest = read_manifest(root)
    if manifest is None:
        raise WarehouseError(
            f"No lake at {root} (no {MANIFEST}). Run 'tribu ingest --lake {root} ...' first."
        )
    with _locked(root):
        manifest = read_manifest(root)
        assert manifest is not None
        _sweep(root, manifest)
        data = f"v{manifest.version + 1:06d}-{uuid.uuid4().hex[:8]}"
        folder = root / data / table
        folder.mkdir(parents=True)
        write(folder, manifest)
        added = sorted(
            f"{data}/{p.relative_to(root / data).as_posix()}"
            for p in folder.rglob("*.parquet")
            if not p.name.startswith((".", "_"))
        )
        if not added:
            shutil.rmtree(root / data, ignore_errors=True)
            return 0
        tables = {name: list(files) for name, files in manifest.tables.items()}
        tables[table] = [*tables.get(table, []), *added]
        committed = LakeManifest(
            version=manifest.version + 1,
            data=data,
            tables=tables,
            sources=manifest.sources,
            key_check=manifest.key_check,
            committed_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        _commit(root, committed)
        _sweep(root, committed)
    return len(added)


def export_lake(
    db: str | os.PathLike[str] | None, lake: str | os.PathLike[str]
) -> LakeManifest:
    """Write the DuckDB warehouse ``db`` as a new lake at ``lake`` (same rows, same key).

    The warehouse's pseudonym key goes to the lake's key file (outside the lake), so later
    ``tribu ingest --lake`` runs give the same people the same pseudonyms as the warehouse
    did. Refuses a folder that already holds a lake.
    """
    if is_uri(lake):
        raise ConfigError(
            f"{lake_uri(lake)}: tribu writes lakes to a local or mounted folder; write the "
            "lake there and copy it to the object store (see docs/scale.md)."
        )
    root = Path(lake).absolute()
    if (root / MANIFEST).exists():
        raise ConfigError(f"{root} already holds a lake; give a new folder.")
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise ConfigError(f"{root}: give a new or empty folder for the lake.")
    con = open_warehouse(db, read_only=True)
    try:
        from tribu.warehouse.store import pseudonym_secret

        secret = pseudonym_secret(con)
        root.mkdir(parents=True, exist_ok=True)
        with _locked(root):
            key_file = lake_secret_path(root)
            if key_file.exists():
                if bytes.fromhex(key_file.read_text().strip()) != secret:
                    raise ConfigError(
                        f"{key_file} already holds another pseudonym key; move it away "
                        f"or point {SECRET_ENV} elsewhere."
                    )
            else:
                _write_secret(key_file, secret)
            data = f"v{1:06d}-{uuid.uuid4().hex[:8]}"
            try:
                tables = write_version(con, root / data)
                manifest = LakeManifest(
                    version=1,
                    data=data,
                    tables=tables,
                    sources=_sources(con),
                    key_check=_key_check(secret),
                    committed_at=datetime.now(UTC).isoformat(timespec="seconds"),
                )
                _commit(root, manifest)
            except BaseException:
                shutil.rmtree(root / data, ignore_errors=True)
                raise
    finally:
        con.close()
    return manifest


def _sources(con: duckdb.DuckDBPyConnection) -> list[str]:
    return sorted(
        r[0]
        for r in con.execute(
            "SELECT DISTINCT sha256 FROM ingest_runs "
            "WHERE finished_at IS NOT NULL AND sha256 IS NOT NULL"
        ).fetchall()
    )


def ingest_lake(
    paths: Iterable[str | os.PathLike[str]],
    lake: str | os.PathLike[str],
    *,
    platform: str | None = None,
    keep_names: bool = False,
    config: TribuConfig | str | os.PathLike[str] | None = None,
    column_map: Mapping[str, str] | None = None,
    progress: bool = False,
    local_zone: str | None = None,
) -> IngestSummary:
    """Ingest exports into the lake at ``lake`` and commit a new version; return the summary.

    Same parameters and result as :func:`tribu.warehouse.ingest.ingest_paths` (the summary's
    ``db`` is the lake folder). When every source was ingested before, nothing is written.
    A given path that cannot be read (an :class:`~tribu.errors.InputError` naming it) is set
    aside, recorded in ``quarantine`` (locator ``whole file``) and in the summary's warnings,
    and the other paths are loaded; when it is the only path, the error is raised. Any other
    fault leaves the lake exactly as it was.
    """
    from tribu.warehouse.ingest import ingest_paths

    remaining = [Path(p) for p in paths]
    refused: list[tuple[Path, str]] = []

    def action(work: Path) -> IngestSummary:
        # A file that cannot be read is set aside (ingest_paths rolled the scratch warehouse
        # back) and the others are loaded again without it; the file is then quarantined.
        while True:
            try:
                summary = ingest_paths(
                    remaining,
                    db=work,
                    platform=platform,
                    keep_names=keep_names,
                    config=config,
                    column_map=column_map,
                    progress=progress,
                    local_zone=local_zone,
                )
                break
            except InputError as exc:
                bad = _culprit(remaining, exc.path)
                if bad is None or len(remaining) == 1:
                    raise
                remaining.remove(bad)
                refused.append((bad, str(exc)))
        if refused:
            con = duckdb.connect(str(work))
            try:
                run_id = uuid.uuid4().hex
                for path, reason in refused:
                    con.execute(
                        "INSERT INTO quarantine VALUES (?, ?, 'whole file', ?, NULL)",
                        [run_id, str(path), reason],
                    )
                    summary.warnings.append(
                        f"{path}: not loaded, quarantined whole (run_id {run_id}): {reason}"
                    )
            finally:
                con.close()
        return summary

    summary = update_lake(
        lake,
        action,
        changed=lambda s: any(f.status == "ingested" for f in s.files),
        create=True,
    )
    summary.db = Path(lake).absolute()
    return summary


def _culprit(paths: list[Path], where: str) -> Path | None:
    """The given path that the failing file ``where`` is (or is inside of)."""
    for path in paths:
        text = str(path)
        if where == text or where.startswith((text + os.sep, text + "!", text + ":")):
            return path
    return None
