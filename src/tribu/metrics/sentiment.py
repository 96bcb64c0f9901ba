"""Time to sentiment (TTS) with censoring, and the weekly sentiment series.

TTS of a brand post = hours until its first positive reaction: a reply with sentiment at or
above a threshold, or a positive emoji reaction whose time is known. A post with none within the
window is *censored* (we only know it waited at least that long), never dropped: the
Kaplan–Meier estimator turns observed and censored durations into a survival curve
S(t) = P(no positive reaction by t), whose median is the typical TTS.

Kaplan–Meier is written with window functions,
``S(t) = exp(sum over event times u <= t of ln(1 - d_u / n_u))``, so it stays an Ibis expression
that runs on DuckDB and Spark alike (a time where every post at risk has its event,
``d = n``, makes S drop to exactly 0).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from tribu.metrics._common import (
    POSITIVE_EMOJI,
    brand_posts,
    community_end,
    epoch,
    human_authored,
    replies,
    week_start,
)
from tribu.metrics._registry import register
from tribu.metrics.campaigns import campaign_messages

__all__ = [
    "HALF_SURVIVAL",
    "SIGNALS",
    "measurable",
    "sentiment_weekly",
    "survival_curve",
    "time_to_sentiment_per_post",
    "time_to_sentiment_signals",
    "time_to_sentiment_summary",
    "time_to_sentiment_survival",
]

# Survival values within this distance of 0.5 count as reaching it (float noise across engines).
HALF_SURVIVAL = 0.5 + 1e-9

SIGNALS: tuple[str, ...] = ("replies+reactions", "replies", "reactions", "none")
"""The values of ``signal``: what a community's time to sentiment can rest on."""


@register("sentiment")
def time_to_sentiment_signals(messages: ir.Table, reactions: ir.Table) -> ir.Table:
    """Which signal each community's time to sentiment rests on, from what its export holds.

    Definition: ``reply_links`` = the community's messages that reply to another message
    (``reply_to_id``) or sit in another message's thread (``thread_id``); ``timed_reactions`` =
    its ``reactions`` rows that carry a time. ``signal`` is ``"replies+reactions"`` when it has
    both, ``"replies"`` or ``"reactions"`` when it has one, ``"none"`` when it has neither: the
    export cannot show a positive reaction at all (WhatsApp text exports carry no replies and
    no reactions), so its brand posts are **left out** of the Kaplan–Meier curve, the median
    and the share never reached, rather than counted as censored (censored means "watched and
    nothing came"; here nothing could be seen).

    Grain: one row per community that has messages. Unit: counts.

    Caveats: DiscordChatExporter and Slack exports give reactions without times, so there TTS
    rests on replies only (a post with many ❤️ and no positive reply is censored).
    Columns: community_id, reply_links, timed_reactions, signal.

    Examples
    --------
    A Discord server with 40 replies and 300 untimed reactions: reply_links 40, timed_reactions
    0, signal "replies". A WhatsApp group: 0 and 0, signal "none".
    """
    linked = messages.reply_to_id.notnull() | (
        messages.thread_id.notnull() & (messages.thread_id != messages.message_id)
    )
    links = messages.group_by("community_id").aggregate(
        reply_links=linked.cast("int64").sum()
    )
    timed = (
        reactions.filter(reactions.ts.notnull())
        .group_by("community_id")
        .aggregate(timed_reactions=ibis._.count())
    )
    joined = links.left_join(timed, "community_id").select(
        "community_id",
        reply_links=ibis._.reply_links.fill_null(0).cast("int64"),
        timed_reactions=ibis._.timed_reactions.fill_null(0).cast("int64"),
    )
    has_replies = joined.reply_links > 0
    has_timed = joined.timed_reactions > 0
    return joined.mutate(
        signal=ibis.cases(
            (has_replies & has_timed, "replies+reactions"),
            (has_replies, "replies"),
            (has_timed, "reactions"),
            else_="none",
        )
    )


@register("sentiment")
def time_to_sentiment_per_post(
    messages: ir.Table,
    members: ir.Table,
    reactions: ir.Table,
    enrichment: ir.Table,
    campaigns: ir.Table,
    *,
    threshold: float = 0.6,
    window_days: int = 7,
) -> ir.Table:
    """Hours from each brand post to its first positive reaction, or censored.

    Definition: the first event among (a) a reply (direct or in the post's thread) by someone
    other than the author and not a bot, with ``enrichment.sentiment >= threshold``, and (b) a
    ``reactions`` row with a known time and a positive emoji (❤️ 👍 🔥 🎉 👏 ... and their Slack
    names). ``observed`` is true when it came within ``window_days``; then ``duration_hours`` is
    the time to it. Otherwise the post is censored: ``duration_hours`` is the time it was
    watched, ``min(window, end of data - post time)``, where the end of data is the community's
    last message.

    ``signal`` is the community's (see :func:`time_to_sentiment_signals`); posts of a community
    whose signal is ``"none"`` stay in this table but are left out of the survival curve and
    the summary.

    Grain: one row per brand post. Unit: hours.

    Parameters
    ----------
    threshold
        Sentiment (0 to 1) from which a reply counts as positive (default 0.6).
    window_days
        How long a post is watched (default 7 days = 168 hours).

    Caveats: needs ``tribu enrich`` for reply sentiment (without it, only timed reactions
    count). ``campaign_id`` is the post's campaign (the smallest id when several match).
    Columns: message_id, community_id, channel_id, campaign_id, ts, duration_hours, observed,
    signal.

    Examples
    --------
    A reply at 0.5 after 30 min and one at 0.8 after 1 h 30: duration 1.5, observed. A post
    made 24 h before the last message with nothing positive: duration 24, censored.
    """
    window = window_days * 86400
    posts = brand_posts(messages, members)
    p = posts.select(
        "message_id",
        "community_id",
        "channel_id",
        "ts",
        post_author=posts.author_id,
        post_t=epoch(posts.ts),
    )
    rep = replies(human_authored(messages, members))
    scores = enrichment.select(enriched_id="message_id", sentiment="sentiment")
    rep = rep.inner_join(scores, rep.reply_id == scores.enriched_id)
    rep = rep.filter(rep.sentiment >= threshold).mutate(event_t=epoch(rep.reply_ts))
    by_reply = (
        p.inner_join(rep, p.message_id == rep.parent_id)
        .filter(lambda t: t.reply_author_id != t.post_author)
        .filter(lambda t: (t.event_t >= t.post_t) & (t.event_t <= t.post_t + window))
        .group_by("message_id")
        .aggregate(first_reply_t=ibis._.event_t.min())
    )
    good = reactions.filter(
        reactions.ts.notnull(), reactions.emoji.isin(list(POSITIVE_EMOJI))
    ).select(
        reacted_id="message_id", reactor_id="member_id", event_t=epoch(reactions.ts)
    )
    by_reaction = (
        p.inner_join(good, p.message_id == good.reacted_id)
        .filter(lambda t: t.reactor_id.isnull() | (t.reactor_id != t.post_author))
        .filter(lambda t: (t.event_t >= t.post_t) & (t.event_t <= t.post_t + window))
        .group_by("message_id")
        .aggregate(first_reaction_t=ibis._.event_t.min())
    )
    ends = community_end(messages).mutate(end_t=epoch(ibis._.end_ts))
    # Only the posts themselves can be related: match them, not every message.
    post_campaign = (
        campaign_messages(posts, campaigns)
        .group_by("message_id")
        .aggregate(campaign_id=ibis._.campaign_id.min())
    )
    signals = time_to_sentiment_signals(messages, reactions).select(
        "community_id", "signal"
    )
    t = (
        p.left_join(by_reply, "message_id")
        .left_join(by_reaction, "message_id")
        .left_join(ends.select("community_id", "end_t"), "community_id")
        .left_join(post_campaign, "message_id")
        .left_join(signals, "community_id")
    )
    first_t = ibis.coalesce(
        ibis.least(t.first_reply_t, t.first_reaction_t),
        t.first_reply_t,
        t.first_reaction_t,
    )
    watched_until = ibis.least(t.post_t + window, ibis.greatest(t.end_t, t.post_t))
    return t.select(
        "message_id",
        "community_id",
        "channel_id",
        "campaign_id",
        "ts",
        duration_hours=(ibis.coalesce(first_t, watched_until) - t.post_t).cast(
            "float64"
        )
        / 3600.0,
        observed=first_t.notnull(),
        signal=t.signal.fill_null("none"),
    )


def measurable(per_post: ir.Table) -> ir.Table:
    """The posts of :func:`time_to_sentiment_per_post` whose community has a signal."""
    return per_post.filter(per_post.signal != "none")


def survival_curve(per_post: ir.Table, by: str) -> ir.Table:
    """Kaplan-Meier curve of measurable ``per_post`` rows (duration_hours, observed) per ``by``."""
    keyed = measurable(per_post)
    keyed = keyed.filter(keyed[by].notnull())
    grouped = keyed.group_by([by, "duration_hours"]).aggregate(
        events=keyed.observed.cast("int64").sum(),
        leaving=keyed.message_id.count().cast("int64"),
    )
    from_end = ibis.cumulative_window(
        group_by=grouped[by], order_by=ibis.desc(grouped.duration_hours)
    )
    grouped = grouped.mutate(at_risk=grouped.leaving.sum().over(from_end))
    step_log = ibis.ifelse(
        grouped.events < grouped.at_risk,
        (1.0 - grouped.events.cast("float64") / grouped.at_risk.cast("float64")).ln(),
        0.0,
    )
    step_zero = ibis.ifelse(grouped.events >= grouped.at_risk, 1, 0)
    from_start = ibis.cumulative_window(
        group_by=grouped[by], order_by=grouped.duration_hours
    )
    grouped = grouped.mutate(
        log_survival=step_log.sum().over(from_start),
        zeroed=step_zero.sum().over(from_start),
    )
    return grouped.select(
        by,
        hours=grouped.duration_hours,
        at_risk=grouped.at_risk.cast("int64"),
        events=grouped.events.cast("int64"),
        survival=ibis.ifelse(grouped.zeroed > 0, 0.0, grouped.log_survival.exp()),
    )


@register("sentiment")
def time_to_sentiment_survival(
    messages: ir.Table,
    members: ir.Table,
    reactions: ir.Table,
    enrichment: ir.Table,
    campaigns: ir.Table,
    *,
    by: str = "community_id",
    threshold: float = 0.6,
    window_days: int = 7,
) -> ir.Table:
    """Kaplan–Meier curve of time to sentiment: share of brand posts still waiting at t hours.

    Definition: at each distinct duration t (observed or censored) of the posts of
    :func:`time_to_sentiment_per_post` whose community has a signal, ``at_risk`` n = posts
    whose duration is >= t, ``events`` d = posts observed at t, and ``survival`` S(t) =
    product over event times u <= t of (1 - d_u / n_u), computed as
    ``exp(sum(ln(1 - d/n)))`` (0 once d = n).

    Grain: one row per group and distinct duration. Unit: hours; survival in [0, 1].

    Parameters
    ----------
    by
        Grouping column: ``"community_id"`` (default), ``"channel_id"`` or ``"campaign_id"``
        (posts without a campaign are left out). The output's first column takes its name.
    threshold, window_days
        As in :func:`time_to_sentiment_per_post` (0.6, 7 days).

    Columns: <by>, hours, at_risk, events, survival.

    Examples
    --------
    7 posts, 3 reached at 1 h, 1 at 1.5 h, 1 at 3 h, censored at 24 and 168 h:
    S(1) = 4/7, S(1.5) = 4/7 x 3/4 = 3/7, S(3) = 3/7 x 2/3 = 2/7, then flat.
    """
    per_post = time_to_sentiment_per_post(
        messages,
        members,
        reactions,
        enrichment,
        campaigns,
        threshold=threshold,
        window_days=window_days,
    )
    return survival_curve(per_post, by)


@register("sentiment")
def time_to_sentiment_summary(
    messages: ir.Table,
    members: ir.Table,
    reactions: ir.Table,
    enrichment: ir.Table,
    campaigns: ir.Table,
    *,
    by: str = "community_id",
    threshold: float = 0.6,
    window_days: int = 7,
) -> ir.Table:
    """Kaplan–Meier median time to sentiment and the share of posts never reached.

    Definition: ``km_median_hours`` = the first duration at which the Kaplan–Meier survival
    falls to 0.5 or below (null when it never does: more than half the posts were censored
    before reaching it); ``share_never_reached`` = censored posts / posts. Posts of a
    community whose export holds no signal (:func:`time_to_sentiment_signals`) are left out.

    Grain: one row per group (community by default). Unit: hours; share in [0, 1].

    Parameters
    ----------
    by
        ``"community_id"`` (default), ``"channel_id"`` or ``"campaign_id"``.
    threshold, window_days
        As in :func:`time_to_sentiment_per_post` (0.6, 7 days).

    Columns: <by>, posts, observed, km_median_hours, share_never_reached.

    Examples
    --------
    With the curve S(1) = 4/7, S(1.5) = 3/7: median 1.5 hours; 2 of 7 posts censored -> 0.286.
    """
    per_post = time_to_sentiment_per_post(
        messages,
        members,
        reactions,
        enrichment,
        campaigns,
        threshold=threshold,
        window_days=window_days,
    )
    per_post = measurable(per_post)
    per_post = per_post.filter(per_post[by].notnull())
    curve = survival_curve(per_post, by)
    medians = (
        curve.filter(curve.survival <= HALF_SURVIVAL)
        .group_by(by)
        .aggregate(km_median_hours=ibis._.hours.min())
    )
    counts = per_post.group_by(by).aggregate(
        posts=per_post.message_id.count().cast("int64"),
        observed=per_post.observed.cast("int64").sum(),
    )
    out = counts.left_join(medians, by).select(
        by, "posts", "observed", "km_median_hours"
    )
    return out.mutate(
        share_never_reached=(out.posts - out.observed).cast("float64")
        / out.posts.cast("float64")
    )


@register("sentiment")
def sentiment_weekly(
    messages: ir.Table, members: ir.Table, enrichment: ir.Table
) -> ir.Table:
    """Weekly mean sentiment of the messages in each channel.

    Definition: ``mean_sentiment = mean(enrichment.sentiment)`` over the week's messages that
    have a sentiment, bots excluded. Sentiment is in [0, 1]: 0 very negative, 0.5 neutral,
    1 very positive.

    Grain: one row per community, channel and week (Monday, UTC). Unit: sentiment score.

    Caveats: needs ``tribu enrich``; messages without a sentiment are not counted.
    Columns: community_id, channel_id, week, messages, mean_sentiment.

    Examples
    --------
    Five messages at 0.6, 0.5, 0.8, 0.9, 0.5 in a week: mean 3.3 / 5 = 0.66.
    """
    m = human_authored(messages, members)
    scores = enrichment.select(enriched_id="message_id", sentiment="sentiment")
    scored = m.inner_join(scores, m.message_id == scores.enriched_id)
    scored = scored.filter(scored.sentiment.notnull())
    scored = scored.mutate(week=week_start(scored.ts))
    return scored.group_by(["community_id", "channel_id", "week"]).aggregate(
        messages=scored.message_id.count().cast("int64"),
        mean_sentiment=scored.sentiment.mean(),
    )
