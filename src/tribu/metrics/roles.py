"""Roles: moderators, power users, newcomers, members at risk, relays.

Each member (bots excluded) gets flags computed over the tables given (filter them first to
measure a period). "Now" is the community's last message: newcomers and members at risk are
judged against it, so an old export reads as it was when exported.

All flags are pure Ibis except relays, which need betweenness centrality from NetworkX
(:mod:`tribu.metrics._graph`, the single documented exception).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from tribu.metrics._common import (
    community_end,
    epoch,
    human_authored,
    replies,
)
from tribu.metrics._graph import betweenness
from tribu.metrics._registry import register
from tribu.metrics.activity import member_join_times

__all__ = [
    "MODERATOR_ROLE_WORDS",
    "ROLE_DEFAULTS",
    "interaction_edges",
    "member_roles",
    "moderator_ids",
    "role_table",
]

# A platform role whose lower-cased name contains one of these makes a moderator.
MODERATOR_ROLE_WORDS: tuple[str, ...] = ("mod", "admin", "owner", "staff", "animat")


# Defaults of the role settings shared by member_roles, the role lists and the scorecard.
ROLE_DEFAULTS: dict[str, float | int] = {
    "power_share": 0.05,
    "min_messages": 5,
    "min_top_week_share": 0.75,
    "newcomer_days": 30,
    "at_risk_days": 28,
    "min_previous_messages": 3,
}


def moderator_ids(members: ir.Table) -> ir.Table:
    """Members holding a moderator-like platform role (see :data:`MODERATOR_ROLE_WORDS`).

    Columns: ``moderator_id``.
    """
    roles = members.select(moderator_id=members.member_id, raw=members.roles.unnest())
    roles = roles.select("moderator_id", role=roles.raw.lower())
    hit = ibis.or_(*(roles.role.contains(word) for word in MODERATOR_ROLE_WORDS))
    return roles.filter(hit).select("moderator_id").distinct()


def interaction_edges(messages: ir.Table, members: ir.Table) -> ir.Table:
    """Undirected member-to-member edges: who replied to or mentioned whom (bots left out).

    Columns: ``community_id``, ``source``, ``target`` (source < target), one row per pair.
    """
    m = human_authored(messages, members)
    rep = replies(m)
    parents = m.select(
        "community_id", parent_message_id=m.message_id, parent_author_id=m.author_id
    )
    by_reply = rep.inner_join(parents, rep.parent_id == parents.parent_message_id)
    by_reply = by_reply.select(
        "community_id", a=by_reply.reply_author_id, b=by_reply.parent_author_id
    )
    mentioned = m.filter(m.mentions.notnull()).select(
        "community_id", a=m.author_id, b=m.mentions.unnest()
    )
    pairs = ibis.union(by_reply, mentioned, distinct=False)
    pairs = pairs.filter(pairs.b.notnull(), pairs.a != pairs.b)
    bots = members.filter(members.is_bot.fill_null(False)).select(
        bot_id=members.member_id
    )
    pairs = pairs.anti_join(bots, pairs.b == bots.bot_id)
    return pairs.select(
        "community_id",
        source=ibis.least(pairs.a, pairs.b),
        target=ibis.greatest(pairs.a, pairs.b),
    ).distinct()


def _top(
    value: ir.NumericValue,
    community: ir.StringValue,
    share: float,
    eligible: ir.BooleanValue,
) -> ir.BooleanValue:
    """True for the top ``share`` of eligible members by ``value`` (at least one; ties kept)."""
    w = ibis.window(group_by=[community, eligible], order_by=ibis.desc(value))
    count_w = ibis.window(group_by=[community, eligible])
    rank = ibis.rank().over(w) + 1
    limit = ibis.greatest(
        (eligible.cast("int64").sum().over(count_w) * share).ceil(), 1
    )
    return eligible & (rank <= limit)


def _top_weeks(m: ir.Table, members: ir.Table, power_share: float) -> ir.Table:
    """Weeks each person ranked in the top ``power_share`` of that week's active people.

    ``m`` has ``community_id``, ``author_id`` and ``week``. Ranks count people only (brand
    accounts and bots left out); at least one person per week is on top, ties kept.
    Columns: ``author_id``, ``community_id``, ``top_weeks``.
    """
    others = members.filter(
        members.is_bot.fill_null(False) | members.is_brand.fill_null(False)
    ).select(other_id=members.member_id)
    people = m.anti_join(others, m.author_id == others.other_id)
    weekly = people.group_by(["community_id", "week", "author_id"]).aggregate(
        n=people.count()
    )
    in_week = ibis.window(
        group_by=["community_id", "week"], order_by=ibis.desc(weekly.n)
    )
    active = weekly.count().over(ibis.window(group_by=["community_id", "week"]))
    weekly = weekly.mutate(
        on_top=(ibis.rank().over(in_week) + 1)
        <= ibis.greatest((active * power_share).ceil(), 1)
    )
    return weekly.group_by(["author_id", "community_id"]).aggregate(
        top_weeks=weekly.on_top.cast("int64").sum()
    )


def role_table(
    messages: ir.Table,
    members: ir.Table,
    member_events: ir.Table,
    *,
    power_share: float,
    min_messages: int,
    min_top_week_share: float,
    newcomer_days: int,
    at_risk_days: int,
    min_previous_messages: int,
) -> ir.Table:
    """The roles table of :func:`member_roles` with every setting given explicitly."""
    end = community_end(messages).mutate(end_t=epoch(ibis._.end_ts))
    m = messages.mutate(t=epoch(messages.ts))
    # Week number (Monday-based, UTC) from the epoch: counting distinct weeks needs no date.
    m = m.mutate(week=(((m.t / 86400).floor() + 3) / 7).floor().cast("int64"))
    m = m.inner_join(end.select("community_id", "end_t"), "community_id")
    recent_from = m.end_t - at_risk_days * 86400
    previous_from = m.end_t - 2 * at_risk_days * 86400
    activity = m.group_by(["author_id", "community_id"]).aggregate(
        messages=m.message_id.count().cast("int64"),
        recent=(m.t > recent_from).cast("int64").sum(),
        previous=((m.t > previous_from) & (m.t <= recent_from)).cast("int64").sum(),
        last_ts=m.ts.max(),
    )
    weeks = m.group_by("community_id").aggregate(
        community_weeks=m.week.nunique().cast("int64")
    )
    activity = activity.inner_join(weeks, "community_id").select(
        activity, weeks.community_weeks
    )
    top = _top_weeks(m, members, power_share)
    activity = activity.left_join(top, ["author_id", "community_id"]).select(
        activity, top_weeks=ibis.coalesce(top.top_weeks, 0)
    )
    joins = member_join_times(members, member_events)
    leaves = (
        member_events.filter(member_events.kind == "leave")
        .group_by(["member_id", "community_id"])
        .aggregate(last_leave=ibis._.ts.max())
    )
    mods = moderator_ids(members)
    humans = members.filter(~members.is_bot.fill_null(False))
    t = (
        humans.select(
            "member_id",
            "community_id",
            "display_name",
            is_person=~members.is_brand.fill_null(False),
        )
        .left_join(
            activity,
            [
                ibis._.member_id == activity.author_id,
                ibis._.community_id == activity.community_id,
            ],
        )
        .select(
            "member_id",
            "community_id",
            "display_name",
            "is_person",
            "top_weeks",
            "community_weeks",
            "recent",
            "previous",
            "last_ts",
            messages=ibis.coalesce(ibis._.messages, 0),
        )
    )
    t = t.left_join(joins, ["member_id", "community_id"]).select(
        t, join_ts=joins.join_ts
    )
    t = t.left_join(leaves, ["member_id", "community_id"]).select(
        t, last_leave=leaves.last_leave
    )
    ends = end.select("community_id", "end_t")
    t = t.left_join(ends, "community_id").select(t, end_t=ends.end_t)
    t = t.mutate(is_moderator=t.member_id.isin(mods.moderator_id))
    has_left = t.last_leave.notnull() & (
        t.join_ts.isnull() | (t.last_leave >= t.join_ts)
    )
    t = t.mutate(
        is_power_user=t.is_person
        & (t.messages >= min_messages)
        & (
            t.top_weeks.fill_null(0).cast("float64")
            >= min_top_week_share * t.community_weeks.cast("float64")
        ),
        is_newcomer=t.is_person
        & t.join_ts.notnull()
        & (epoch(t.join_ts) > t.end_t - newcomer_days * 86400)
        & ~has_left,
        is_at_risk=t.is_person
        & (t.previous.fill_null(0) >= min_previous_messages)
        & (t.recent.fill_null(0) * 2 <= t.previous.fill_null(0)),
    )
    return t.select(
        "member_id",
        "community_id",
        "display_name",
        "messages",
        "is_moderator",
        "is_power_user",
        "is_newcomer",
        "is_at_risk",
        "is_person",
        recent_messages=t.recent.fill_null(0).cast("int64"),
        previous_messages=t.previous.fill_null(0).cast("int64"),
        last_message_ts=t.last_ts,
    )


_ROLE_DOC = """

    Parameters
    ----------
    power_share
        Share of a week's active people (by messages that week) who are on top that week
        (default 0.05; at least one per week; ties kept).
    min_top_week_share
        Share of the community's weeks (weeks with any message) a power user was on top in
        (default 0.75): sustained, not one burst.
    min_messages
        Fewest messages of a power user over the tables given (5): in a tiny community the
        one person who wrote in a week is not a power user on one message.
    newcomer_days
        A newcomer joined within this many days before the community's last message (30) and
        has not left.
    at_risk_days
        Length of the two periods compared for members at risk (28 days each, ending at the
        community's last message). At risk: at least ``min_previous_messages`` (3) messages in
        the previous period and at most half as many in the recent one.
"""


@register("roles")
def member_roles(
    messages: ir.Table,
    members: ir.Table,
    member_events: ir.Table,
    *,
    power_share: float = 0.05,
    min_messages: int = 5,
    min_top_week_share: float = 0.75,
    newcomer_days: int = 30,
    at_risk_days: int = 28,
    min_previous_messages: int = 3,
    relay_share: float = 0.1,
    exact_max_nodes: int = 1000,
    samples: int = 64,
) -> ir.Table:
    """Every member's roles: moderator, power user, newcomer, at risk, relay.

    Definitions: *moderator* = a platform role whose name contains mod, admin, owner, staff or
    animat(eur/rice). *Power user* = sustained top activity: among the top ``power_share``
    (5 %) of the week's active people by messages in at least ``min_top_week_share`` (75 %)
    of the community's weeks (Monday-based UTC weeks with any message), and at least
    ``min_messages`` in all. *Newcomer* = joined recently and still there. *At risk* =
    activity halved or worse against the previous period. *Relay* = among the top
    ``relay_share`` of the community's people by betweenness in the reply/mention graph,
    with betweenness > 0 (brand accounts are in the graph but never labelled relays).

    Grain: one row per member (bots excluded). Unit: flags; betweenness in [0, 1].

    Caveats: betweenness is computed by NetworkX outside the engine (the one exception to
    pure Ibis); exact up to ``exact_max_nodes`` (1,000) members in a community, else estimated
    from ``samples`` (64) source members (pivots) drawn with a fixed seed.
    Columns: member_id, community_id, display_name, messages, is_moderator, is_power_user,
    is_newcomer, is_at_risk, betweenness, is_relay, recent_messages, previous_messages,
    last_message_ts.

    Power users on the demo (``tribu demo``, seed 7): 17 flagged, all 13 of the cast's power
    users (5 Discord, 3 Telegram, 3 Slack, 2 WhatsApp) and 4 moderators, busy by design
    (precision 0.76, recall 1.0; the former top 20 % of active people flagged 250: precision
    0.05).

    Examples
    --------
    Fanny wrote 4 messages in the 28 days before the last 28, and 1 since: 1 <= 4 / 2, at
    risk. Carol links Alice and the brand to Erin and Fanny: betweenness 8/15, the relay.
    """
    roles = role_table(
        messages,
        members,
        member_events,
        power_share=power_share,
        min_messages=min_messages,
        min_top_week_share=min_top_week_share,
        newcomer_days=newcomer_days,
        at_risk_days=at_risk_days,
        min_previous_messages=min_previous_messages,
    )
    scores = betweenness(
        interaction_edges(messages, members),
        exact_max_nodes=exact_max_nodes,
        samples=samples,
    )
    t = roles.left_join(scores, ["member_id", "community_id"]).select(
        roles, betweenness=ibis.coalesce(scores.betweenness, 0.0)
    )
    t = t.mutate(
        is_relay=_top(t.betweenness, t.community_id, relay_share, t.is_person)
        & (t.betweenness > 0)
    )
    return t.select(
        "member_id",
        "community_id",
        "display_name",
        "messages",
        "is_moderator",
        "is_power_user",
        "is_newcomer",
        "is_at_risk",
        "betweenness",
        "is_relay",
        "recent_messages",
        "previous_messages",
        "last_message_ts",
    )


member_roles.__doc__ = (member_roles.__doc__ or "") + _ROLE_DOC
