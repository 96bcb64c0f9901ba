"""Keep the ``topics`` table's sizes, dates and labels up to date after a listening run.

:func:`refresh_topics` recomputes them from the whole warehouse (first run, ``--recluster``);
:func:`add_assignments` and :func:`relabel` are what an incremental run does instead, in
proportion to the new messages:

* sizes, first and last seen move by the new messages alone (``messages + n``,
  ``least(first_seen, …)``, ``greatest(last_seen, …)``), read from the run's assignments;
* a topic is relabelled only when its membership changed materially: it is new, or it has
  grown by at least ``RELABEL_GROWTH`` (a quarter) since its label was made
  (``topics.labelled_messages``). A few messages more do not change a topic's distinctive
  words, and relabelling reads text;
* the relabelled topics' samples are read as in a full run (up to ``LABEL_SAMPLE`` messages
  per topic and language, chosen by the hash of their id), but the other topics, which only
  serve as the c-TF-IDF background (how common a term is elsewhere), are read through a
  thinner deterministic sample (ids whose hash is a multiple of a step chosen so that about
  ``REFERENCE_ROWS`` (10,000) messages are looked at: the background only needs how common
  each term is, which that many messages tell), so relabelling two topics does not read every
  message of the warehouse.
"""

from __future__ import annotations

from typing import Any

from tribu.listening.labels import class_tfidf, label_of, top_terms
from tribu.listening.text import label_terms

__all__ = [
    "LABEL_SAMPLE",
    "REFERENCE_ROWS",
    "RELABEL_GROWTH",
    "add_assignments",
    "refresh_topics",
    "relabel",
    "to_relabel",
]

LABEL_SAMPLE = 400
RELABEL_GROWTH = 0.25
REFERENCE_ROWS = 10_000


def refresh_topics(con: Any) -> None:
    """Sizes, first and last seen of every topic from the warehouse; every label."""
    con.execute(
        """
        UPDATE topics SET messages = s.n, first_seen = s.first, last_seen = s.last
        FROM (SELECT e.topic_id, count(*) AS n, min(m.ts) AS first, max(m.ts) AS last
              FROM enrichment e JOIN messages m USING (message_id)
              WHERE e.topic_id >= 0 GROUP BY 1) s
        WHERE topics.topic_id = s.topic_id
        """
    )
    relabel(con, None)


def add_assignments(con: Any, assignments: str) -> None:
    """Add the messages of the registered relation ``assignments`` (``topic_id``, ``ts``)."""
    con.execute(
        f"""
        UPDATE topics SET messages = topics.messages + s.n,
               first_seen = coalesce(least(topics.first_seen, s.first), s.first),
               last_seen = coalesce(greatest(topics.last_seen, s.last), s.last)
        FROM (SELECT topic_id, count(*) AS n, min(ts) AS first, max(ts) AS last
              FROM {assignments} WHERE topic_id >= 0 GROUP BY 1) s
        WHERE topics.topic_id = s.topic_id
        """
    )


def to_relabel(con: Any, growth: float = RELABEL_GROWTH) -> set[int]:
    """Active topics never labelled or grown by ``growth`` since their label was made."""
    rows = con.execute(
        "SELECT topic_id FROM topics WHERE active AND (labelled_messages IS NULL "
        "OR messages >= (1 + ?) * labelled_messages)",
        [growth],
    ).fetchall()
    return {int(r[0]) for r in rows}


def relabel(
    con: Any, topics: set[int] | None, label_sample: int = LABEL_SAMPLE
) -> None:
    """Labels (all, French, English) of ``topics`` (every active topic when None)."""
    active = {
        int(r[0])
        for r in con.execute("SELECT topic_id FROM topics WHERE active").fetchall()
    }
    if topics is not None:
        active &= topics
        if not active:
            return
        row = con.execute(
            "SELECT count(*) FROM enrichment WHERE topic_id IS NOT NULL"
        ).fetchone()
        step = max(1, int(row[0]) // REFERENCE_ROWS) if row else 1
        scope = "(e.topic_id IN (SELECT unnest(?)) OR hash(e.message_id) % ? = 0)"
        params: list[Any] = [sorted(active), step, label_sample]
    else:
        scope, params = "TRUE", [label_sample]
    # Pick the sample's ids on enrichment alone, then read only their texts.
    rows = con.execute(
        f"""
        WITH picked AS (
            SELECT topic_id, lang, message_id FROM (
                SELECT e.topic_id, e.lang, e.message_id,
                       row_number() OVER (PARTITION BY e.topic_id, e.lang
                                          ORDER BY hash(e.message_id)) AS r
                FROM enrichment e WHERE e.topic_id IS NOT NULL AND {scope})
            WHERE r <= ?)
        SELECT p.topic_id, p.lang, m.text FROM picked p JOIN messages m USING (message_id)
        WHERE m.text IS NOT NULL
        """,
        params,
    ).fetchall()
    split: dict[str, list[str]] = {}

    def terms_of(text: str) -> list[str]:
        # Each text is weighed three times (all, English, French): split it once.
        found = split.get(text)
        if found is None:
            found = split[text] = label_terms(text)
        return found

    labels: dict[str, dict[int, str]] = {}
    terms_all: dict[int, list[str]] = {}
    for lang in (None, "en", "fr"):
        texts: dict[int, list[str]] = {}
        for topic, row_lang, text in rows:
            if lang is None or row_lang == lang:
                texts.setdefault(int(topic), []).append(text)
        weights = class_tfidf(texts, min_count=2, terms_of=terms_of)
        chosen = {t: top_terms(w) for t, w in weights.items() if t in active}
        labels[lang or "all"] = {
            t: label_of(terms) for t, terms in chosen.items() if terms
        }
        if lang is None:
            terms_all = chosen
    import pyarrow as pa

    ordered = sorted(active)
    table = pa.table(
        {
            "topic_id": pa.array(ordered, pa.int32()),
            "label": [labels["all"].get(t, label_of([])) for t in ordered],
            "label_en": pa.array([labels["en"].get(t) for t in ordered], pa.string()),
            "label_fr": pa.array([labels["fr"].get(t) for t in ordered], pa.string()),
            "terms": pa.array(
                [terms_all.get(t, []) for t in ordered], pa.list_(pa.string())
            ),
        }
    )
    con.register("_topic_labels", table)
    try:
        con.execute(
            "UPDATE topics SET label = l.label, label_en = l.label_en, "
            "label_fr = l.label_fr, terms = l.terms, labelled_messages = topics.messages "
            "FROM _topic_labels l WHERE topics.topic_id = l.topic_id"
        )
    finally:
        con.unregister("_topic_labels")
