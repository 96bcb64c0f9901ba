"""From exports to the HTML report in one process: ingest, enrich, measures, report.

``tribu analyse EXPORT... --out report.html`` is the one command a newcomer runs. It chains
:func:`tribu.warehouse.ingest.ingest_paths`, :func:`tribu.enrich.pipeline.enrich_warehouse` and
:func:`tribu.report.write_report` in one Python process, so modules are imported once and the
command pays one start-up, not three; the measures' SQL comes from the compiled-SQL cache
(:mod:`tribu.warehouse.sql_cache`) after the first run.

The warehouse goes next to the report (``report.html`` -> ``report.duckdb``) unless ``db`` is
given. Running it again on the same exports is cheap and gives the same report: ingest is
idempotent and enrichment is incremental.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tribu.errors import InputError

__all__ = ["STAGES", "AnalyseSummary", "analyse", "default_db"]

# The stages, in order, as the progress display names them.
STAGES: tuple[str, ...] = ("ingest", "enrich", "report")


@dataclass
class AnalyseSummary:
    """What one ``analyse`` run did: the files written, the counts, seconds per stage."""

    report: Path
    db: Path
    messages: int = 0
    enriched: int = 0
    quarantined: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain values, for ``--json``."""
        return {
            "report": str(self.report),
            "db": str(self.db),
            "messages": self.messages,
            "enriched": self.enriched,
            "quarantined": self.quarantined,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
            "total_seconds": round(sum(self.seconds.values()), 3),
        }


def default_db(out: str | os.PathLike[str]) -> Path:
    """The warehouse next to report ``out``: same folder, same stem, ``.duckdb``."""
    path = Path(out)
    return path.with_name(path.stem + ".duckdb")


def analyse(
    paths: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    db: str | os.PathLike[str] | None = None,
    lang: str | None = None,
    platform: str | None = None,
    keep_names: bool = False,
    config: str | os.PathLike[str] | None = None,
    local_zone: str | None = None,
    workers: int = 2,
    on_stage: Callable[[str], None] | None = None,
) -> AnalyseSummary:
    """Ingest ``paths``, enrich the new messages, write the report to ``out``.

    Parameters
    ----------
    paths
        Export files, zips or folders (as ``tribu ingest`` takes them).
    out
        The HTML report to write.
    db
        The warehouse; default :func:`default_db` of ``out``.
    lang
        Report language, ``"fr"`` or ``"en"``; None picks French when most messages are.
    platform, keep_names, config, local_zone
        As ``tribu ingest`` (force a connector, keep real names, ``tribu.toml``, zone).
    workers
        Enrichment worker processes.
    on_stage
        Called with each stage's name (:data:`STAGES`) as it starts, for a progress display.

    Raises
    ------
    InputError
        A path does not exist (checked before anything is written).
    """
    missing = [Path(p) for p in paths if not Path(p).exists()]
    if missing:
        raise InputError(missing[0], None, "no such file or folder.")
    report_path = Path(out)
    warehouse = Path(db) if db is not None else default_db(report_path)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    summary = AnalyseSummary(report=report_path, db=warehouse)

    def stage(name: str) -> float:
        if on_stage is not None:
            on_stage(name)
        return time.perf_counter()

    started = stage("ingest")
    from tribu.enrich.batches import early_workers
    from tribu.enrich.scoring import worker_init

    # Forked now, while this process is small and holds no warehouse: the workers load the
    # models while the ingest runs, and stay small (see ``early_workers``).
    pool = early_workers(workers, worker_init)
    try:
        from tribu.warehouse.ingest import ingest_paths

        ingested = ingest_paths(
            paths,
            db=warehouse,
            platform=platform,
            keep_names=keep_names,
            config=config,
            local_zone=local_zone,
        )
        summary.messages = sum(c.messages for c in ingested.communities)
        summary.quarantined = ingested.quarantined
        summary.seconds["ingest"] = time.perf_counter() - started

        started = stage("enrich")
        from tribu.enrich.pipeline import enrich_warehouse

        enriched = enrich_warehouse(warehouse, workers=workers, pool=pool)
        summary.enriched = enriched.enriched
        summary.seconds["enrich"] = time.perf_counter() - started
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()

    started = stage("report")
    from tribu.report import write_report

    write_report(warehouse, report_path, lang=lang)
    summary.seconds["report"] = time.perf_counter() - started
    return summary
