"""The embedding pass: int8 storage keeps cosines, vectors computed once and read back.

The storage test runs the ``use`` model (512-d); the warehouse tests the default static one
(256-d). The embedders themselves are tested in tests/text/test_embedders.py.
"""

from __future__ import annotations

import numpy as np

from tribu.text import Embedder


def test_int8_storage_keeps_cosines() -> None:
    from tribu.enrich.embeddings import dequantise, quantise

    vectors = Embedder(model="use", dtype="float32").transform(
        [
            "Le colis est arrivé cassé",
            "The parcel arrived broken",
            "gg",
            "Le live à 20h",
        ]
    )
    stored = quantise(vectors)
    assert stored.dtype == np.int8 and np.abs(stored).max(axis=1).tolist() == [127] * 4
    back = dequantise(stored)
    # rounding moves each component by at most half a step (peak/254), so cosines between
    # messages barely move: well under 0.01 here
    assert np.abs(back @ back.T - vectors @ vectors.T).max() < 0.01
    assert np.allclose(np.linalg.norm(back, axis=1), 1.0, atol=1e-5)
    # an all-zero vector (empty text) stays zero instead of dividing by zero
    assert not dequantise(quantise(np.zeros((1, 512)))).any()


def _warehouse(tmp_path, texts):
    from tribu.warehouse.store import open_warehouse

    con = open_warehouse(tmp_path / "w.duckdb")
    con.executemany(
        "INSERT INTO messages (message_id, community_id, channel_id, author_id, ts, text) "
        "VALUES (?, 'c', 'ch', 'a', now(), ?)",
        [(f"m{i}", text) for i, text in enumerate(texts)],
    )
    return con


def test_embeddings_for_computes_once_and_caches(tmp_path, monkeypatch) -> None:
    import tribu.enrich.embeddings as module
    from tribu.enrich.pipeline import enrich_warehouse

    con = _warehouse(
        tmp_path, ["Le colis est arrivé cassé", "The parcel arrived broken"]
    )
    con.close()
    enrich_warehouse(tmp_path / "w.duckdb", workers=1)  # m0, m1 enriched, no embedding
    from tribu.warehouse.store import open_warehouse

    con = open_warehouse(tmp_path / "w.duckdb")
    con.execute(
        "INSERT INTO messages (message_id, community_id, channel_id, author_id, ts, text) "
        "VALUES ('m2', 'c', 'ch', 'a', now(), 'Trop bien le live !')"
    )
    embedded: list[str] = []
    real = module._embed_texts
    monkeypatch.setattr(
        module, "_embed_texts", lambda texts: embedded.extend(texts) or real(texts)
    )
    first = module.embeddings_for(con, ["m0", "m2"])
    assert embedded == ["Le colis est arrivé cassé", "Trop bien le live !"]
    assert first.shape == (2, 256) and first.dtype == np.float32
    # m2 had no enrichment row: it got one, with language and sentiment
    row = con.execute(
        "SELECT lang, sentiment FROM enrichment WHERE message_id='m2'"
    ).fetchone()
    assert row[0] == "fr" and row[1] > 0.6
    again = module.embeddings_for(con, ["m2", "m1", "m0"])
    assert embedded[2:] == ["The parcel arrived broken"]  # only m1 was new
    assert np.allclose(again[[2, 0]], first)  # read back from the table as stored
    # the translation pair is closer than the unrelated message
    assert again[1] @ again[2] > again[1] @ again[0]
    stored = con.execute(
        "SELECT count(*) FROM enrichment WHERE embedding IS NOT NULL"
    ).fetchone()
    con.close()
    assert stored == (3,)


def test_embeddings_for_unknown_id_is_an_error(tmp_path) -> None:
    import pytest

    from tribu.enrich.embeddings import embeddings_for
    from tribu.errors import WarehouseError

    con = _warehouse(tmp_path, ["ok"])
    with pytest.raises(WarehouseError, match="nope"):
        embeddings_for(con, ["m0", "nope"])
    con.close()
