"""The listening measure: each topic's weekly volume and its emergence score, in Ibis.

Registered in the measure registry (family ``listening``), so it runs on DuckDB and Spark,
is reachable from ``/api/v1/measures/topic_emergence`` and documented in docs/metrics.md. The
listening view (:mod:`tribu.listening.periods`) computes the same numbers in Python and adds
the statuses; a test checks that both agree.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from tribu.metrics._common import epoch, week_start
from tribu.metrics._registry import register

__all__ = ["topic_emergence"]


@register("listening")
def topic_emergence(
    messages: ir.Table,
    enrichment: ir.Table,
    *,
    baseline: int = 4,
    negative_below: float = 0.3,
) -> ir.Table:
    """Weekly messages of each conversation topic and their emergence against its own past.

    Definition: for topic t (``enrichment.topic_id`` ≥ 0, filled by ``tribu listen``) and week
    w (Monday, UTC), ``messages`` = c its messages that week; ``baseline_mean`` = μ the mean of
    its weekly messages over the ``baseline`` weeks before w (weeks without any of its
    messages count as 0; weeks before the first week holding any topic message are not
    counted, so the first week has no baseline and μ = 0); ``emergence = (c − μ) / √(μ + 1)``,
    a Poisson z-score (the variance of a count is its mean) with one added so that a topic
    coming from nothing scores c. ``negative`` counts its messages with sentiment below
    ``negative_below``; ``mean_sentiment`` is their mean sentiment. ``tribu listen`` calls a
    topic *emerging* at emergence ≥ 3 with at least 5 messages and 2 baseline weeks, *new* in
    the week of its first message, *fading* at emergence ≤ −2 or at half its baseline (see
    docs/listening.md).

    Grain: one row per topic and week with at least one of its messages. Unit: messages,
    z-score.

    Parameters
    ----------
    baseline
        Weeks before the current one that make a topic's baseline (default 4).
    negative_below
        Sentiment under which a message counts as negative (default 0.3, triage's threshold).

    Caveats: needs ``tribu enrich --embeddings`` then ``tribu listen``; unclustered messages
    (topic −1) and those not yet looked at (NULL) are not counted. Weeks without a message of
    the topic have no row (their emergence is that of c = 0).
    Columns: topic_id, week, messages, negative, mean_sentiment, baseline_mean, emergence.

    Examples
    --------
    A topic with 4, 6, 5 and 5 messages in the four weeks before, then 20: μ = 20 / 4 = 5,
    emergence = (20 − 5) / √6 = 6.124. In the second week of the data, with 6 messages after
    4: μ = 4 / 1 = 4 (one week of baseline), emergence = (6 − 4) / √5 = 0.894.
    """
    tagged = enrichment.select(
        tagged_id="message_id", topic_id="topic_id", sentiment="sentiment"
    )
    joined = messages.inner_join(tagged, messages.message_id == tagged.tagged_id)
    joined = joined.filter(joined.topic_id >= 0).mutate(week=week_start(joined.ts))
    counts = joined.group_by(["topic_id", "week"]).aggregate(
        messages=joined.message_id.count().cast("int64"),
        negative=(joined.sentiment < negative_below).cast("int64").sum(),
        mean_sentiment=joined.sentiment.mean(),
    )
    days = epoch(counts.week.cast("timestamp")) // 86_400
    counts = counts.mutate(index=(days - days.min().over(ibis.window())) // 7)
    window = ibis.window(group_by="topic_id", order_by="index", range=(-baseline, -1))
    periods = ibis.least(baseline, counts.index)
    before = counts.messages.sum().over(window).fill_null(0)
    mean = ibis.ifelse(periods > 0, before.cast("float64") / periods, 0.0)
    counts = counts.mutate(baseline_mean=mean)
    return counts.select(
        "topic_id",
        "week",
        "messages",
        "negative",
        "mean_sentiment",
        "baseline_mean",
        emergence=(counts.messages - counts.baseline_mean)
        / (counts.baseline_mean + 1).sqrt(),
    )
