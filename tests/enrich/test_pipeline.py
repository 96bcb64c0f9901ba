"""enrich_warehouse: incremental, batched, one row per message, embeddings on request."""

from __future__ import annotations

from tribu.enrich.pipeline import enrich_warehouse
from tribu.warehouse.store import open_warehouse

TEXTS = [
    "Trop bien le live, merci !",
    "The parcel arrived broken 😡",
    "Le live commence à 20h",
    "",
    "gg",
]


def _add_messages(db, texts, start=0) -> None:
    con = open_warehouse(db)
    con.executemany(
        "INSERT INTO messages (message_id, community_id, channel_id, author_id, ts, text) "
        "VALUES (?, 'c', 'ch', 'a', now(), ?)",
        [(f"m{start + i}", text) for i, text in enumerate(texts)],
    )
    con.close()


def test_incremental_runs(tmp_path) -> None:
    db = tmp_path / "w.duckdb"
    _add_messages(db, TEXTS)
    first = enrich_warehouse(db, batch_size=2, workers=1)
    assert first.enriched == 5 and first.embedded == 0
    # second run: every message already has its row, nothing to do
    assert enrich_warehouse(db, workers=1).enriched == 0
    _add_messages(db, ["Je n'aime pas du tout"], start=5)
    assert enrich_warehouse(db, workers=1).enriched == 1
    con = open_warehouse(db)
    rows = dict(
        con.execute(
            "SELECT message_id, sentiment FROM enrichment ORDER BY 1"
        ).fetchall()
    )
    langs = dict(con.execute("SELECT message_id, lang FROM enrichment").fetchall())
    con.close()
    assert len(rows) == 6
    assert rows["m0"] > 0.7 and rows["m1"] < 0.3 and rows["m5"] < 0.3
    assert rows["m3"] == 0.5  # empty text: exactly neutral
    assert langs["m0"] == "fr" and langs["m1"] == "en" and langs["m4"] == "und"


def test_two_workers_give_the_same_rows_as_one(tmp_path) -> None:
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    for db in (one, two):
        _add_messages(db, TEXTS * 3)
    enrich_warehouse(one, batch_size=4, workers=1)
    enrich_warehouse(two, batch_size=4, workers=2)
    query = "SELECT message_id, lang, round(sentiment, 6) FROM enrichment ORDER BY 1"
    results = []
    for db in (one, two):
        con = open_warehouse(db)
        results.append(con.execute(query).fetchall())
        con.close()
    assert results[0] == results[1] and len(results[0]) == 15


def test_embeddings_fill_existing_rows(tmp_path) -> None:
    db = tmp_path / "w.duckdb"
    _add_messages(db, TEXTS[:3])
    enrich_warehouse(db, workers=1)
    summary = enrich_warehouse(db, workers=1, embeddings=True)
    assert summary.enriched == 0 and summary.embedded == 3
    con = open_warehouse(db)
    lengths = con.execute("SELECT len(embedding) FROM enrichment").fetchall()
    con.close()
    assert lengths == [(256,), (256,), (256,)]  # the default static model: 256-d
    # already embedded: nothing left to do
    assert enrich_warehouse(db, workers=1, embeddings=True).embedded == 0


def test_chunks_score_each_distinct_text_once_and_map_back() -> None:
    from tribu.enrich import batches

    # texts a b a | c b a (chunks of 3): chunk 1 distinct [a, b], chunk 2 distinct [c, b, a]
    texts = ["a", "b", "a", "c", "b", "a"]
    assert batches.distinct_texts(texts[:3])[1].tolist() == [0, 1, 0]
    seen: list[list[str]] = []

    def upper_range(bound: tuple[int, int]) -> list[str]:
        part = batches.shared_texts(bound)
        seen.append(part)
        return [t.upper() for t in part]

    chunks = list(
        batches.chunked_results(
            texts,
            upper_range,
            lambda part: [t.upper() for t in part],
            lambda parts, inverse: [sum(parts, [])[i] for i in inverse.tolist()],
            workers=1,
            initializer=lambda: None,
            batch_size=2,
            chunk_size=3,
        )
    )
    # batches of 2 distinct texts: [a, b] for chunk 1; [c, b] and [a] for chunk 2
    assert seen == [["a", "b"], ["c", "b"], ["a"]]
    assert chunks == [(0, 3, ["A", "B", "A"]), (3, 6, ["C", "B", "A"])]
    assert batches.shared_texts((0, 6)) == []  # released after the run


def test_repeated_texts_get_one_row_each_with_equal_values(tmp_path) -> None:
    db = tmp_path / "w.duckdb"
    _add_messages(db, ["gg", "Le colis est arrivé cassé 😡", "gg", "gg"])
    assert enrich_warehouse(db, batch_size=1, workers=1).enriched == 4
    con = open_warehouse(db)
    rows = con.execute(
        "SELECT message_id, lang, sentiment FROM enrichment ORDER BY 1"
    ).fetchall()
    con.close()
    assert [r[0] for r in rows] == ["m0", "m1", "m2", "m3"]
    assert rows[0][1:] == rows[2][1:] == rows[3][1:]
    assert rows[1][2] < 0.3


def test_across_chunks_scores_each_text_of_the_run_once() -> None:
    from tribu.enrich import batches

    # texts a b a | c b a (chunks of 3): run distinct [a, b, c]; batches of 2: [a, b], [c]
    texts = ["a", "b", "a", "c", "b", "a"]
    seen: list[list[str]] = []

    def upper_range(bound: tuple[int, int]) -> list[str]:
        part = batches.shared_texts(bound)
        seen.append(part)
        return [t.upper() for t in part]

    chunks = list(
        batches.chunked_results(
            texts,
            upper_range,
            lambda part: [t.upper() for t in part],
            lambda parts, inverse: [sum(parts, [])[i] for i in inverse.tolist()],
            workers=1,
            initializer=lambda: None,
            batch_size=2,
            chunk_size=3,
            across_chunks=True,
        )
    )
    assert seen == [["a", "b"], ["c"]]  # b and a of chunk 2 are not scored again
    assert chunks == [(0, 3, ["A", "B", "A"]), (3, 6, ["C", "B", "A"])]
    assert batches.shared_texts((0, 3)) == []
