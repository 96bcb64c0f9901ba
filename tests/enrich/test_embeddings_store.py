"""The warehouse records which model made its vectors and never mixes two models."""

from __future__ import annotations

import numpy as np
import pytest

from tribu.enrich.embeddings import (
    META_KEY,
    embed_missing,
    embedder_for,
    embeddings_for,
    stored_model,
)
from tribu.errors import ModelError
from tribu.warehouse.store import open_warehouse


def _enriched_warehouse(tmp_path, texts):
    """Messages m0.. with enrichment rows (language and sentiment given, no embedding)."""
    con = open_warehouse(tmp_path / "w.duckdb")
    con.executemany(
        "INSERT INTO messages (message_id, community_id, channel_id, author_id, ts, text) "
        "VALUES (?, 'c', 'ch', 'a', now(), ?)",
        [(f"m{i}", text) for i, text in enumerate(texts)],
    )
    con.execute(
        "INSERT INTO enrichment (message_id, lang, sentiment) "
        "SELECT message_id, 'fr', 0.5 FROM messages"
    )
    return con


def _meta(con) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [META_KEY]).fetchone()
    return None if row is None else row[0]


def test_embed_missing_records_the_static_model(tmp_path) -> None:
    con = _enriched_warehouse(tmp_path, ["Le live commence à 20h", "gg", "gg"])
    assert stored_model(con) is None  # nothing stored yet, nothing recorded
    assert embed_missing(con, workers=1) == 3
    model_id = embedder_for(con).model_id_
    assert model_id.startswith("static-") and _meta(con) == model_id
    lengths = con.execute("SELECT DISTINCT len(embedding) FROM enrichment").fetchall()
    assert lengths == [(256,)]
    assert embed_missing(con, workers=1) == 0  # all done: nothing re-embedded
    con.close()


def test_older_static_model_is_re_embedded_by_embed_missing(tmp_path) -> None:
    con = _enriched_warehouse(tmp_path, ["Le colis est arrivé cassé", "gg"])
    embed_missing(con, workers=1)
    fresh = embeddings_for(con, ["m0", "m1"])
    # pretend the vectors came from an older training run: different weights hash
    con.execute(
        "UPDATE meta SET value = 'static-000000000000' WHERE key = ?", [META_KEY]
    )
    con.execute("UPDATE enrichment SET embedding = [1, 0, 0] WHERE message_id = 'm1'")
    with pytest.raises(
        ModelError, match="static-000000000000.*tribu enrich --embeddings"
    ):
        embeddings_for(con, ["m0"])
    # embed_missing clears every stored vector and embeds both messages again
    assert embed_missing(con, workers=1) == 2
    assert _meta(con) == embedder_for(con).model_id_
    assert np.allclose(embeddings_for(con, ["m0", "m1"]), fresh)
    con.close()


def test_legacy_512_vectors_are_use_and_not_mixed(tmp_path) -> None:
    con = _enriched_warehouse(tmp_path, ["ok", "merci"])
    # a warehouse embedded before the meta record: USE's 512-long vectors, no meta row
    con.execute(
        "UPDATE enrichment SET embedding = list_transform(range(512), x -> 1) "
        "WHERE message_id = 'm0'"
    )
    assert stored_model(con) == "use-multilingual-v3"
    # asking for the static model explicitly would mix: refused, with what to run
    with pytest.raises(ModelError, match="--embedder static"):
        embeddings_for(con, ["m1"], embedder="static")
    con.close()


def test_embeddings_for_records_the_model_on_first_use(tmp_path) -> None:
    con = _enriched_warehouse(tmp_path, ["Trop bien le live !"])
    vectors = embeddings_for(con, ["m0"])
    assert vectors.shape == (1, 256)
    assert np.linalg.norm(vectors[0]) == pytest.approx(1.0, abs=1e-5)
    assert _meta(con).startswith("static-")
    con.close()


def test_cli_embedder_option_switches_model_and_re_embeds(tmp_path) -> None:
    import json

    from typer.testing import CliRunner

    from tribu.cli import app

    db = str(tmp_path / "w.duckdb")
    con = open_warehouse(db)
    con.executemany(
        "INSERT INTO messages (message_id, community_id, channel_id, author_id, ts, text) "
        "VALUES (?, 'c', 'ch', 'a', now(), ?)",
        [("m0", "Le live commence à 20h"), ("m1", "The live starts at 8pm")],
    )
    con.close()
    runner = CliRunner()

    def enrich(*options: str) -> dict:
        args = ["enrich", "--db", db, "--workers", "1", "--json", *options]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    def stored() -> tuple[str | None, list]:
        con = open_warehouse(db)
        lengths = con.execute(
            "SELECT DISTINCT len(embedding) FROM enrichment"
        ).fetchall()
        model = stored_model(con)
        con.close()
        return model, lengths

    assert enrich("--embeddings", "--embedder", "use")["embedded"] == 2
    assert stored() == ("use-multilingual-v3", [(512,)])
    # no --embedder: the warehouse's model (USE) is kept, nothing left to embed
    assert enrich("--embeddings")["embedded"] == 0
    # switching to static re-embeds both messages, never a mix of 512 and 256
    assert enrich("--embeddings", "--embedder", "static")["embedded"] == 2
    model, lengths = stored()
    assert model.startswith("static-") and lengths == [(256,)]
    bad = runner.invoke(
        app, ["enrich", "--db", db, "--embeddings", "--embedder", "bert"]
    )
    assert bad.exit_code != 0 and "choose 'static' or 'use'" in bad.output
