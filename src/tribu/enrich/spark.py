"""Enrichment on Spark: language and sentiment of a lake's messages, computed on executors.

:func:`enrich_lake_on_spark` reads the lake's messages that have no ``enrichment`` row (a
left anti join, on Spark), scores their texts in Arrow batches on the executors with
``mapInPandas`` and the same function the local pipeline uses
(:func:`tribu.enrich.scoring.enrich_batch`: the models ship inside the tribu package, so
executors need no network, only tribu installed, e.g. ``--py-files`` or a cluster library),
and writes the new rows as Parquet into a new lake version
(:func:`tribu.warehouse.lake.extend_lake`): the other tables are not rewritten and nothing is
collected to the driver but a count. Embeddings and topics stay on the local pipeline.

``mapInPandas`` was picked over a Python UDF because it hands each task whole Arrow batches:
the models are loaded once per task and score a batch at a time, as the local workers do.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tribu.enrich.pipeline import EnrichSummary
from tribu.errors import ConfigError

__all__ = ["ENRICHMENT_SCHEMA", "enrich_lake_on_spark"]

ENRICHMENT_SCHEMA = (
    "message_id string, lang string, sentiment double, embedding array<tinyint>, "
    "topic_id int"
)
"""The lake's ``enrichment`` columns, as Spark types."""


def _score(batches: Iterator[Any]) -> Iterator[Any]:
    """mapInPandas body: (message_id, text) batches -> enrichment rows (on an executor)."""
    import pandas as pd

    from tribu.enrich.scoring import enrich_batch, load_models

    load_models()
    for batch in batches:
        texts = [t if isinstance(t, str) else "" for t in batch["text"].tolist()]
        langs, scores = enrich_batch(texts) if texts else ([], [])
        yield pd.DataFrame(
            {
                "message_id": batch["message_id"].astype(object),
                "lang": pd.Series(langs, dtype=object),
                "sentiment": pd.Series(scores, dtype="float64"),
                "embedding": pd.Series([None] * len(texts), dtype=object),
                "topic_id": pd.Series([None] * len(texts), dtype="Int32"),
            }
        )


def enrich_lake_on_spark(
    lake: str | os.PathLike[str], *, batch_rows: int = 5_000
) -> EnrichSummary:
    """Enrich every message of the local lake ``lake`` without an enrichment row, on Spark.

    The session is tribu's (:func:`tribu.warehouse.engines.spark_session`: ``--spark-master``,
    ``[spark]`` in ``tribu.toml``, spark-submit or ``local[2]``). Returns the same summary as
    the local pipeline (no embeddings). A run with nothing to enrich writes nothing.
    """
    from tribu.warehouse.engines import spark_session
    from tribu.warehouse.lake import extend_lake, is_uri

    if is_uri(lake):
        raise ConfigError(
            f"{lake}: enrichment writes a new lake version to a local or mounted folder."
        )
    started = time.perf_counter()
    session = spark_session()
    session.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(batch_rows))
    root = Path(lake).absolute()
    counts: dict[str, int] = {}

    def write(folder: Path, manifest: Any) -> None:
        def frame(table: str) -> Any:
            return session.read.parquet(*[f"{root}/{f}" for f in manifest.files(table)])

        todo = (
            frame("messages")
            .select("message_id", "text")
            .join(frame("enrichment").select("message_id"), "message_id", "left_anti")
        )
        rows = todo.mapInPandas(_score, schema=ENRICHMENT_SCHEMA)
        rows.write.mode("overwrite").parquet(str(folder / "spark"))
        written = session.read.parquet(str(folder / "spark"))
        by_lang = written.groupBy("lang").count().collect()
        counts.update({r["lang"] or "": int(r["count"]) for r in by_lang})
        if not counts:  # nothing new: no file, so no new version
            shutil.rmtree(folder / "spark")

    extend_lake(root, "enrichment", write)
    return EnrichSummary(
        enriched=sum(counts.values()),
        embedded=0,
        seconds=time.perf_counter() - started,
        languages=counts,
    )
