"""Load exports into the warehouse: detect, stream, stage, merge, in one transaction.

:func:`ingest_paths` is the one entry point (the CLI's ``tribu ingest``, the demo and tests call
it). A run goes:

1. detect each path's connector (:mod:`tribu.connectors._detect`);
2. hash each source (sha256); a source whose content was ingested before is skipped;
3. stream each source's records into staging Parquet files (:mod:`tribu.warehouse._staging`),
   never holding more than one batch of rows;
4. in ONE transaction: merge the staging files into the canonical tables
   (:mod:`tribu.warehouse._merge`), record the runs, apply ``tribu.toml`` (brand accounts,
   campaigns), and commit. Any fault rolls everything back: the warehouse is as it was; a
   warehouse file the failed run created is removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Mapping
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from tribu.config import TribuConfig, load_config, time_zone
from tribu.connectors._detect import Source, detect_sources
from tribu.connectors._files import safe_files
from tribu.warehouse._merge import drop_temp, merge_stage
from tribu.warehouse._people import People
from tribu.warehouse._settings import apply_settings
from tribu.warehouse._shards import ShardWorker, plan_split, stage_in_shards
from tribu.warehouse._staging import BATCH_ROWS, FileCounts, Stage
from tribu.warehouse.identities import identity_keys, sync_people, write_identity_keys
from tribu.warehouse.store import (
    open_warehouse,
    pseudonym_secret,
    resolve_db_path,
    transaction,
)
from tribu.warehouse.summary import CommunitySummary, FileSummary, IngestSummary

__all__ = [
    "INGEST_MEMORY_LIMIT",
    "CommunitySummary",
    "IngestSummary",
    "ingest_paths",
    "source_sha256",
]

INGEST_MEMORY_LIMIT = "512MB"
"""DuckDB's memory limit during a merge; past it DuckDB spills to a temporary folder."""


def source_sha256(path: Path) -> str:
    """sha256 of a file's bytes, or of a folder's files (relative names and contents)."""
    digest = hashlib.sha256()
    files = [path] if path.is_file() else safe_files(path)
    for file in files:
        if file is not path:
            digest.update(str(file.relative_to(path)).encode() + b"\0")
        with file.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


def ingest_paths(
    paths: Iterable[str | os.PathLike[str]],
    *,
    db: str | os.PathLike[str] | duckdb.DuckDBPyConnection | None = None,
    platform: str | None = None,
    keep_names: bool = False,
    config: TribuConfig | str | os.PathLike[str] | None = None,
    column_map: Mapping[str, str] | None = None,
    progress: bool = False,
    batch_rows: int = BATCH_ROWS,
    local_zone: str | None = None,
) -> IngestSummary:
    """Ingest exports (files, folders, zips) into the warehouse and say what was loaded.

    Parameters
    ----------
    paths
        Export files or folders; a folder's files and sub-exports are each detected.
    db
        Warehouse path (default ``$TRIBU_DB`` or ``./tribu.duckdb``), or an open connection.
    platform
        Force one connector (``"discord"``...) instead of detecting.
    keep_names
        Keep platform member ids and real names instead of pseudonyms.
    config
        A loaded :class:`~tribu.config.TribuConfig`, or a path to ``tribu.toml``; by default
        the file :func:`tribu.config.resolve_config_path` finds, if any.
    column_map
        Field -> column map of the generic CSV/JSONL connector (``--map``).
    progress
        Show a Rich progress bar (records read) per source.
    batch_rows
        Records of a kind buffered before they are staged.
    local_zone
        IANA zone (``"Europe/Paris"``) of exports whose times carry no zone (WhatsApp): their
        times are converted from it to UTC. Without it they are taken as UTC.

    Returns
    -------
    IngestSummary
        Per community counts, per file status (ingested or skipped), ignored files, warnings.

    Raises
    ------
    tribu.errors.TribuError
        An unreadable input (InputError and subclasses), a bad config (ConfigError), or a
        warehouse that cannot be used; the warehouse is then unchanged.
    """
    settings = config if isinstance(config, TribuConfig) else load_config(config)
    detection = detect_sources(
        [Path(p) for p in paths],
        platform=platform,
        column_map=column_map,
        local_zone=time_zone(local_zone) if local_zone else None,
    )
    own = not isinstance(db, duckdb.DuckDBPyConnection)
    created = False
    if isinstance(db, duckdb.DuckDBPyConnection):
        con = db
        row = con.execute(
            "SELECT path FROM duckdb_databases() WHERE NOT internal"
        ).fetchone()
        db_path = Path(row[0]) if row and row[0] else Path(":memory:")
    else:
        db_path = resolve_db_path(db)
        # A first ingest that fails must not leave an empty warehouse behind.
        created = not db_path.exists()
        try:
            con = open_warehouse(db)
        except BaseException:
            if created:
                _remove_new_warehouse(db_path)
            raise
    done = False
    try:
        summary = _run(
            con,
            db_path,
            detection.sources,
            settings,
            keep_names=keep_names,
            progress=progress,
            batch_rows=batch_rows,
            summary=IngestSummary(db=db_path, ignored=detection.ignored),
        )
        done = True
        return summary
    finally:
        if own:
            con.close()
            if created and not done:
                _remove_new_warehouse(db_path)


def _remove_new_warehouse(db_path: Path) -> None:
    """Delete the warehouse file a failed first ingest created (and its log and spill)."""
    for leftover in (db_path, db_path.with_name(db_path.name + ".wal")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(db_path.with_name(db_path.name + ".tmp"), ignore_errors=True)


def _scratch_folder(db_path: Path) -> Path:
    """A fresh staging folder next to the warehouse (same disk), stale ones removed.

    Folders are named after the warehouse; we hold DuckDB's write lock on it, so any older
    folder of that name was left by an interrupted run and can go.
    """
    parent = db_path.parent if db_path.name != ":memory:" else None
    if parent is None or not parent.is_dir():
        return Path(tempfile.mkdtemp(prefix=".tribu-ingest-"))
    prefix = f".{db_path.name}.ingest-"
    for stale in parent.glob(f"{prefix}*"):
        shutil.rmtree(stale, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=parent))


def _shardable(source: Source) -> str:
    """The platform whose big files can be read in two shards, or "" (see ``_shards``)."""
    if source.module.__name__ in (
        "tribu.connectors.discord",
        "tribu.connectors.telegram",
    ):
        return source.platform
    return ""


def _known_hashes(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT sha256 FROM ingest_runs WHERE finished_at IS NOT NULL AND sha256 IS NOT NULL"
    ).fetchall()
    return {r[0] for r in rows}


def _progress_bar(enabled: bool) -> Progress | None:
    if not enabled:
        return None
    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("records"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )


def _run(
    con: duckdb.DuckDBPyConnection,
    db_path: Path,
    sources: list[Source],
    settings: TribuConfig,
    *,
    keep_names: bool,
    progress: bool,
    batch_rows: int,
    summary: IngestSummary,
) -> IngestSummary:
    known = _known_hashes(con)
    people = People(pseudonym_secret(con), keep_names=keep_names, config=settings)
    work: list[tuple[FileSummary, Source, FileCounts | None]] = []
    with ExitStack() as stack:
        scratch = _scratch_folder(db_path)
        stack.callback(shutil.rmtree, scratch, ignore_errors=True)
        stage = Stage(scratch, people, batch_rows=batch_rows)
        bar = _progress_bar(progress)
        if bar is not None:
            stack.enter_context(bar)
        # A big file is staged in two shards; the worker process starts now, so that its
        # imports overlap the hashing below.
        splits = [plan_split(s.path, _shardable(s)) for s in sources]
        worker = ShardWorker()
        stack.callback(worker.close)
        if any(splits):
            worker.start()
        started = datetime.now(UTC)
        for split, source in zip(splits, sources, strict=True):
            sha = source_sha256(source.path)
            item = FileSummary(source.path, source.platform, "skipped", sha)
            if sha in known:
                work.append((item, source, None))
                continue
            known.add(sha)
            item.status, item.run_id = "ingested", uuid.uuid4().hex
            task = None
            if bar is not None:
                task = bar.add_task(source.path.name, total=None)
            on_progress = (
                (lambda n, t=task: bar.update(t, completed=n))
                if bar is not None
                else None
            )
            counts = (
                stage_in_shards(
                    stage,
                    split,
                    worker,
                    file_no=len(work),
                    keep_names=keep_names,
                    on_progress=on_progress,
                )
                if split is not None
                else None
            )
            if counts is None:
                counts = stage.consume(
                    source.records(),
                    file_no=len(work),
                    platform=source.platform,
                    source=str(source.path),
                    on_progress=on_progress,
                )
            item.records, item.quarantined = counts.records, counts.quarantined
            work.append((item, source, counts))
        stage.close()
        runs = pa.table(
            {
                "file_no": pa.array(range(len(work)), pa.int32()),
                "run_id": [item.run_id for item, _, _ in work],
                "source": [str(item.path) for item, _, _ in work],
            }
        )
        # Bounded memory, and no insertion order to keep (rows have no order): a third
        # less CPU on large inserts. The caller's settings come back afterwards.
        for setting, value in (
            ("memory_limit", f"'{INGEST_MEMORY_LIMIT}'"),
            ("preserve_insertion_order", "false"),
        ):
            old = con.execute(f"SELECT current_setting('{setting}')").fetchone()
            con.execute(f"SET {setting} = {value}")
            if old:
                stack.callback(con.execute, f"SET {setting} = '{old[0]}'")
        # DuckDB's own progress bar would print into our output; ours says what happens.
        con.execute("SET enable_progress_bar = false")
        if bar is not None:
            bar.add_task("merging into the warehouse", total=None)
        with transaction(con):
            if any(counts is not None for _, _, counts in work):
                merge_stage(
                    con,
                    [scratch, *stage.extra_directories],
                    communities=stage.communities,
                    channels=stage.channels,
                    runs=runs,
                )
                summary.communities = _community_summaries(con, stage, work)
                drop_temp(con)
            finished = datetime.now(UTC)
            for item, _, counts in work:
                if counts is None:
                    continue
                con.execute(
                    "INSERT INTO ingest_runs VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        item.run_id,
                        str(item.path),
                        item.platform,
                        item.sha256,
                        started,
                        finished,
                        json.dumps(
                            {
                                "records": item.records,
                                "quarantined": item.quarantined,
                                "communities": sorted(counts.communities),
                            }
                        ),
                    ],
                )
            summary.warnings.extend(
                apply_settings(
                    con, settings, secret=people.secret, keep_names=keep_names
                )
            )
            _record_identities(con, people, keep_names=keep_names)
    summary.files = [item for item, _, _ in work]
    return summary


def _record_identities(
    con: duckdb.DuckDBPyConnection, people: People, *, keep_names: bool
) -> None:
    """Identity keys of the members met (hashed), and a person for each new member."""
    write_identity_keys(
        con,
        {
            member_id: identity_keys(
                people.secret,
                keep_names=keep_names,
                member_key=key,
                raw_name=name,
                email=email,
                phone=phone,
            )
            for member_id, (key, name, email, phone) in people.traits.items()
        },
    )
    sync_people(con)


def _community_summaries(
    con: duckdb.DuckDBPyConnection,
    stage: Stage,
    work: list[tuple[FileSummary, Source, FileCounts | None]],
) -> list[CommunitySummary]:
    result = {
        cid: CommunitySummary(cid, platform, name)
        for cid, (platform, name, _) in stage.communities.items()
    }
    for cid, messages, existed, first, last in con.execute(
        """
        SELECT w.community_id, count(*), count(e.message_id), min(w.ts), max(w.ts)
        FROM _winners w LEFT JOIN _existing e USING (message_id) GROUP BY 1
        """
    ).fetchall():
        community = result[cid]
        community.messages, community.new_messages = messages, messages - existed
        # DuckDB answers in the session's time zone; the summary speaks UTC.
        community.first_ts = first.astimezone(UTC) if first else None
        community.last_ts = last.astimezone(UTC) if last else None
    for cid, count in con.execute(
        "SELECT community_id, count(*) FROM _member_rows GROUP BY 1"
    ).fetchall():
        result[cid].members = count
    channels: dict[str, set[str]] = {}
    for channel_id, (cid, *_rest) in stage.channels.items():
        channels.setdefault(cid, set()).add(channel_id)
    for cid, channel_id in con.execute(
        "SELECT DISTINCT community_id, channel_id FROM _stage_messages"
    ).fetchall():
        channels.setdefault(cid, set()).add(channel_id)
    for cid, ids in channels.items():
        result[cid].channels = len(ids)
    for cid, count in con.execute(
        "SELECT community_id, coalesce(sum(count), 0) FROM _kept_reactions GROUP BY 1"
    ).fetchall():
        result[cid].reactions = int(count)
    for cid, count in con.execute(
        """
        SELECT community_id, count(*) FROM (
            SELECT DISTINCT community_id, member_id, ts FROM _stage_member_events
            WHERE kind = 'join') GROUP BY 1
        """
    ).fetchall():
        result[cid].joins = count
    for item, _, counts in work:
        if counts is not None:
            for cid in counts.communities:
                result[cid].quarantined += item.quarantined
    return sorted(result.values(), key=lambda c: c.community_id)
