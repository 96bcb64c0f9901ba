"""Engagement rate (ER): how much a community answers the brand's posts.

ER of a brand post = engagements on it within a window / community size when it was posted.
The community's ER is the median over its brand posts (a median, because one viral post would
drag a mean). All functions are pure Ibis.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from tribu.metrics._common import (
    brand_posts,
    epoch,
    human_authored,
    replies,
    safe_ratio,
    week_start,
)
from tribu.metrics._registry import register

__all__ = [
    "community_size_at",
    "engagement_rate_per_community",
    "engagement_rate_per_post",
    "engagement_rate_weekly",
    "post_engagements",
]

# Epoch seconds standing for "since always" (a member whose join time is unknown).
_SINCE_ALWAYS = -(10**12)


def member_spans(members: ir.Table, member_events: ir.Table) -> ir.Table:
    """When each non-bot member joined and left, in epoch seconds.

    Joined = the earliest of ``members.joined_at`` and the member's ``join`` events; null when
    neither is known (the member then counts as present since always). Left = the member's last
    ``leave`` event if it is later than the join (a member who came back after leaving counts as
    present; a later rejoin is not followed). Columns: ``member_id``, ``community_id``,
    ``joined``, ``left``.
    """
    events = member_events.mutate(t=epoch(member_events.ts))
    per_member = events.group_by(["member_id", "community_id"]).aggregate(
        first_join=events.t.min(where=events.kind == "join"),
        last_leave=events.t.max(where=events.kind == "leave"),
    )
    humans = members.filter(~members.is_bot.fill_null(False))
    spans = humans.left_join(
        per_member,
        [
            humans.member_id == per_member.member_id,
            humans.community_id == per_member.community_id,
        ],
    ).select(
        member_id=humans.member_id,
        community_id=humans.community_id,
        joined=ibis.least(epoch(humans.joined_at), per_member.first_join),
        last_leave=per_member.last_leave,
    )
    joined = ibis.coalesce(spans.joined, _SINCE_ALWAYS)
    return spans.select(
        "member_id",
        "community_id",
        "joined",
        left=ibis.ifelse(
            spans.last_leave.notnull() & (spans.last_leave >= joined),
            spans.last_leave,
            ibis.null("int64"),
        ),
    )


def community_size_at(
    posts: ir.Table, members: ir.Table, member_events: ir.Table
) -> ir.Table:
    """Community size (non-bot members present) at each post's time.

    ``posts`` needs ``message_id``, ``community_id`` and ``ts``. A running sum over a timeline of
    +1 (join) / -1 (leave) / 0 (post) per community gives the size at every post, so no post is
    compared with every member. Events at the very second of a post count as before it.
    Returns ``message_id``, ``community_size``.
    """
    spans = member_spans(members, member_events)
    joins = spans.select(
        "community_id",
        message_id=ibis.null("string"),
        t=ibis.coalesce(spans.joined, _SINCE_ALWAYS),
        is_post=ibis.literal(0),
        delta=ibis.literal(1),
    )
    leaves = spans.filter(spans.left.notnull()).select(
        "community_id",
        message_id=ibis.null("string"),
        t=spans.left,
        is_post=ibis.literal(0),
        delta=ibis.literal(-1),
    )
    marks = posts.select(
        "community_id",
        "message_id",
        t=epoch(posts.ts),
        is_post=ibis.literal(1),
        delta=ibis.literal(0),
    )
    timeline = ibis.union(joins, leaves, marks, distinct=False)
    running = ibis.cumulative_window(
        group_by=timeline.community_id, order_by=[timeline.t, timeline.is_post]
    )
    sized = timeline.mutate(community_size=timeline.delta.sum().over(running))
    return sized.filter(sized.is_post == 1).select(
        "message_id", community_size=sized.community_size.cast("int64")
    )


def post_engagements(
    posts: ir.Table,
    messages: ir.Table,
    members: ir.Table,
    reactions: ir.Table,
    *,
    window_days: int = 7,
) -> ir.Table:
    """Reactions and replies each post received within ``window_days`` of being posted.

    Replies: direct replies and thread messages by someone other than the post's author, bots
    excluded. Reactions: the ``reactions`` rows of the post whose time is unknown or within the
    window; when the export has no reaction rows for the post, its ``reaction_count``.
    Returns ``message_id``, ``reactions``, ``replies``, ``engagements``.
    """
    window = window_days * 86400
    p = posts.select(
        post_id=posts.message_id,
        post_author=posts.author_id,
        post_t=epoch(posts.ts),
        reaction_count=posts.reaction_count,
    )
    rep = replies(human_authored(messages, members))
    rep = rep.mutate(reply_t=epoch(rep.reply_ts))
    joined = p.inner_join(rep, p.post_id == rep.parent_id).filter(
        lambda t: (
            (t.reply_author_id != t.post_author)
            & (t.reply_t >= t.post_t)
            & (t.reply_t <= t.post_t + window)
        )
    )
    reply_counts = joined.group_by("post_id").aggregate(replies=joined.reply_id.count())
    r = reactions.select(
        reacted_id=reactions.message_id,
        count=reactions["count"],
        reaction_t=epoch(reactions.ts),
    )
    rj = p.inner_join(r, p.post_id == r.reacted_id)
    in_window = rj.reaction_t.isnull() | (
        (rj.reaction_t >= rj.post_t) & (rj.reaction_t <= rj.post_t + window)
    )
    reaction_rows = rj.group_by("post_id").aggregate(
        reaction_rows=rj.reacted_id.count(),
        rows_reactions=rj["count"].sum(where=in_window),
    )
    out = p.left_join(reply_counts, "post_id").left_join(reaction_rows, "post_id")
    out = out.select(
        message_id=out.post_id,
        reactions=ibis.ifelse(
            out.reaction_rows.notnull(),
            out.rows_reactions.fill_null(0).cast("int64"),
            out.reaction_count.fill_null(0).cast("int64"),
        ),
        replies=out.replies.fill_null(0).cast("int64"),
    )
    return out.mutate(engagements=out.reactions + out.replies)


@register("engagement")
def engagement_rate_per_post(
    messages: ir.Table,
    members: ir.Table,
    member_events: ir.Table,
    reactions: ir.Table,
    *,
    window_days: int = 7,
) -> ir.Table:
    """Engagement rate of each brand post: engagements within the window / community size.

    Definition: ``engagement_rate = engagements / community_size`` where engagements =
    reactions + replies (shares are not in community exports) received within
    ``window_days`` days, and community size = non-bot members present when the post was made
    (brand accounts included, so a community of one has size 1).

    Grain: one row per brand post (top-level message by a ``members.is_brand`` author).
    Unit: engagements per member (a ratio; 0.25 = one engagement per four members).

    Parameters
    ----------
    window_days
        Days after the post during which reactions and replies count (default 7).

    Caveats: community size comes from join/leave events where the export has them, else from
    ``members.joined_at``; a member with neither counts as present since always (the fallback
    for exports without join data). Reactions without a time count whatever the window. When
    the export has no reaction rows for a post, its platform ``reaction_count`` is used.
    Columns: message_id, community_id, channel_id, ts, reactions, replies, engagements,
    community_size, engagement_rate.

    Examples
    --------
    A post seen by 4 members, with 3 reactions and 2 replies within 7 days: ER = 5 / 4 = 1.25.
    """
    posts = brand_posts(messages, members)
    eng = post_engagements(posts, messages, members, reactions, window_days=window_days)
    size = community_size_at(posts, members, member_events)
    out = (
        posts.select("message_id", "community_id", "channel_id", "ts")
        .inner_join(eng, "message_id")
        .inner_join(size, "message_id")
    )
    return out.mutate(engagement_rate=safe_ratio(out.engagements, out.community_size))


@register("engagement")
def engagement_rate_per_community(
    messages: ir.Table,
    members: ir.Table,
    member_events: ir.Table,
    reactions: ir.Table,
    *,
    window_days: int = 7,
) -> ir.Table:
    """Community engagement rate: the median ER over the community's brand posts.

    Definition: ``median_engagement_rate = median(engagement_rate)`` over the brand posts of
    :func:`engagement_rate_per_post` (interpolated median: the mean of the two middle values
    when the count is even). Grain: one row per community with at least one brand post.
    Unit: engagements per member.

    Parameters
    ----------
    window_days
        Passed to :func:`engagement_rate_per_post` (default 7).

    Columns: community_id, brand_posts, median_engagement_rate, mean_engagement_rate.

    Examples
    --------
    Post ERs 0, 0.2, 0.25, 0.5, 0.5, 1.0, 1.25: median = 0.5 (the 4th of 7).
    """
    per_post = engagement_rate_per_post(
        messages, members, member_events, reactions, window_days=window_days
    )
    return per_post.group_by("community_id").aggregate(
        brand_posts=per_post.message_id.count(),
        median_engagement_rate=per_post.engagement_rate.median(),
        mean_engagement_rate=per_post.engagement_rate.mean(),
    )


@register("engagement")
def engagement_rate_weekly(
    messages: ir.Table,
    members: ir.Table,
    member_events: ir.Table,
    reactions: ir.Table,
    *,
    window_days: int = 7,
) -> ir.Table:
    """Weekly series of the community engagement rate (median over that week's brand posts).

    Grain: one row per community and week (weeks start on Monday, UTC) with a brand post.
    Unit: engagements per member.

    Parameters
    ----------
    window_days
        Passed to :func:`engagement_rate_per_post` (default 7).

    Columns: community_id, week (date), brand_posts, median_engagement_rate.

    Examples
    --------
    Two posts in the week of Monday 2 March 2026 with ER 0.25 and 1.25: median 0.75.
    """
    per_post = engagement_rate_per_post(
        messages, members, member_events, reactions, window_days=window_days
    )
    per_post = per_post.mutate(week=week_start(per_post.ts))
    return per_post.group_by(["community_id", "week"]).aggregate(
        brand_posts=per_post.message_id.count(),
        median_engagement_rate=per_post.engagement_rate.median(),
    )
