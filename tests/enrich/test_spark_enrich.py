"""Enrichment on Spark (mapInPandas over a lake) gives the rows the local pipeline gives."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from tribu.warehouse.lake import (
    SECRET_ENV,
    connect_lake,
    ingest_lake,
    read_manifest,
    update_lake,
)

pytestmark = pytest.mark.spark

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLES = [
    DATA / "discord" / "handmade_roles_reactors.json",
    DATA / "slack" / "testarchive.zip",
]


def _enrich_locally(work: Path):  # type: ignore[no-untyped-def]
    from tribu.enrich.pipeline import enrich_warehouse

    return enrich_warehouse(work, workers=0)


def _rows(root: Path) -> list[tuple]:
    con = connect_lake(root)
    try:
        return con.execute(
            "SELECT message_id, lang, sentiment, embedding, topic_id FROM enrichment "
            "ORDER BY message_id"
        ).fetchall()
    finally:
        con.close()


def test_spark_enrichment_matches_the_local_pipeline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("pyspark")
    from tribu.enrich.spark import enrich_lake_on_spark

    monkeypatch.delenv(SECRET_ENV, raising=False)
    local, spark = tmp_path / "local", tmp_path / "spark"
    ingest_lake(SAMPLES, local)
    shutil.copytree(local, spark)
    shutil.copy(tmp_path / "local.secret", tmp_path / "spark.secret")
    update_lake(local, _enrich_locally, changed=lambda s: bool(s.enriched))
    summary = enrich_lake_on_spark(spark)
    # The two samples hold 4 + 147 messages, none enriched before.
    assert summary.enriched == 151
    expected, got = _rows(local), _rows(spark)
    assert len(got) == len(expected) == 151
    for (mid, lang, score, emb, topic), (mid2, lang2, score2, emb2, topic2) in zip(
        expected, got, strict=True
    ):
        assert (mid, lang, emb, topic) == (mid2, lang2, emb2, topic2)
        assert math.isclose(score, score2, rel_tol=1e-9, abs_tol=1e-12), mid
    assert sum(summary.languages.values()) == 151
    # Only the enrichment table got new files; a second run finds nothing and commits nothing.
    manifest = read_manifest(spark)
    assert manifest is not None and manifest.version == 2
    before = read_manifest(local)
    assert before is not None
    again = enrich_lake_on_spark(spark)
    assert again.enriched == 0
    assert read_manifest(spark) == manifest
