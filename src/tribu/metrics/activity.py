"""Activity and health: active members, newcomers, retention, first response, conversations.

"Members" here are people: brand accounts and bots are left out of every count (their messages
still count in ``daily_activity`` when written by the brand). Days and weeks are UTC; weeks
start on Monday.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from tribu.metrics._common import (
    epoch,
    human_authored,
    month_start,
    people,
    people_authored,
    replies,
    safe_ratio,
    week_start,
)
from tribu.metrics._registry import register

__all__ = [
    "conversations",
    "daily_active_members",
    "daily_activity",
    "member_join_times",
    "new_members",
    "retention_by_cohort",
    "time_to_first_response",
    "weekly_active_members",
]


@register("activity")
def daily_active_members(messages: ir.Table, members: ir.Table) -> ir.Table:
    """Members who wrote at least one message that day (DAU).

    Definition: count of distinct authors per community and UTC day, brand accounts and bots
    excluded. Grain: community x day (days without activity are absent). Unit: members.
    Columns: community_id, day, active_members.

    Examples
    --------
    On 19 March Alice, Bob, Carol and Dave write (the brand too, not counted): 4.
    """
    m = people_authored(messages, members)
    m = m.mutate(day=m.ts.date())
    return m.group_by(["community_id", "day"]).aggregate(
        active_members=m.author_id.nunique().cast("int64")
    )


@register("activity")
def weekly_active_members(messages: ir.Table, members: ir.Table) -> ir.Table:
    """Members who wrote at least one message that week (WAU).

    Definition: count of distinct authors per community and week (Monday, UTC), brand accounts
    and bots excluded. Grain: community x week. Unit: members.
    Columns: community_id, week, active_members.

    Examples
    --------
    Week of 9 March: Carol, Alice, Bob write; the bot too (not counted): 3.
    """
    m = people_authored(messages, members)
    m = m.mutate(week=week_start(m.ts))
    return m.group_by(["community_id", "week"]).aggregate(
        active_members=m.author_id.nunique().cast("int64")
    )


@register("activity")
def daily_activity(messages: ir.Table, members: ir.Table) -> ir.Table:
    """Messages written per channel and day, bots excluded.

    Grain: community x channel x UTC day. Unit: messages.
    Columns: community_id, channel_id, day, messages.

    Examples
    --------
    On 10 March in #general: Carol's question, her follow-up, Alice's answer (the bot's reply
    is not counted): 3.
    """
    m = human_authored(messages, members)
    m = m.mutate(day=m.ts.date())
    return m.group_by(["community_id", "channel_id", "day"]).aggregate(
        messages=m.message_id.count().cast("int64")
    )


def member_join_times(members: ir.Table, member_events: ir.Table) -> ir.Table:
    """When each person joined: the earliest of ``members.joined_at`` and their join events.

    Columns: ``member_id``, ``community_id``, ``join_ts`` (null when unknown).
    """
    joins = (
        member_events.filter(member_events.kind == "join")
        .group_by(["member_id", "community_id"])
        .aggregate(first_join=ibis._.ts.min())
    )
    p = people(members)
    out = p.left_join(
        joins,
        [p.member_id == joins.member_id, p.community_id == joins.community_id],
    )
    return out.select(
        member_id=p.member_id,
        community_id=p.community_id,
        join_ts=ibis.coalesce(
            ibis.least(p.joined_at, joins.first_join), p.joined_at, joins.first_join
        ),
    )


@register("activity")
def new_members(members: ir.Table, member_events: ir.Table) -> ir.Table:
    """People who joined the community each week.

    Definition: members (brand and bots excluded) whose join time — the earliest of
    ``members.joined_at`` and their ``join`` events — falls in the week (Monday, UTC).
    Grain: community x week. Unit: members.
    Columns: community_id, week, new_members.

    Caveats: members whose join time is unknown are not counted anywhere.

    Examples
    --------
    Bob's join event on Monday 2 March 2026 counts in the week of 2 March: 1.
    """
    joins = member_join_times(members, member_events)
    joins = joins.filter(joins.join_ts.notnull()).mutate(week=week_start(joins.join_ts))
    return joins.group_by(["community_id", "week"]).aggregate(
        new_members=joins.member_id.count().cast("int64")
    )


def _month_number(d: ir.DateValue) -> ir.IntegerValue:
    return d.year().cast("int64") * 12 + d.month().cast("int64")


@register("activity")
def retention_by_cohort(
    messages: ir.Table, members: ir.Table, member_events: ir.Table
) -> ir.Table:
    """Share of each join-month cohort still writing N months later.

    Definition: a member's cohort is the UTC month they joined (join time as in
    :func:`new_members`, else the month of their first message). ``retained`` = cohort members
    who wrote at least one message in month ``cohort_month + months_since_join``;
    ``retention = retained / cohort_size``.

    Grain: community x cohort month x months since join (months where nobody of the cohort
    wrote are absent). Unit: share in [0, 1].
    Columns: community_id, cohort_month, months_since_join, cohort_size, retained, retention.

    Examples
    --------
    Alice (joined January, writes Jan-Apr) and Fanny (joined January, writes Feb-Mar): cohort
    2026-01 of size 2; month 0 retained 1 (0.5), months 1 and 2 retained 2 (1.0), month 3
    retained 1 (0.5).
    """
    m = people_authored(messages, members)
    active = m.select(
        member_id=m.author_id, community_id=m.community_id, month=month_start(m.ts)
    ).distinct()
    first_month = active.group_by(["member_id", "community_id"]).aggregate(
        first_month=active.month.min()
    )
    joins = member_join_times(members, member_events)
    cohorts = joins.left_join(first_month, ["member_id", "community_id"]).select(
        member_id=joins.member_id,
        community_id=joins.community_id,
        cohort_month=ibis.coalesce(month_start(joins.join_ts), first_month.first_month),
    )
    cohorts = cohorts.filter(cohorts.cohort_month.notnull())
    sizes = cohorts.group_by(["community_id", "cohort_month"]).aggregate(
        cohort_size=cohorts.member_id.count().cast("int64")
    )
    lived = cohorts.inner_join(active, ["member_id", "community_id"])
    lived = lived.mutate(
        months_since_join=_month_number(lived.month) - _month_number(lived.cohort_month)
    )
    lived = lived.filter(lived.months_since_join >= 0)
    retained = lived.group_by(
        ["community_id", "cohort_month", "months_since_join"]
    ).aggregate(retained=lived.member_id.nunique().cast("int64"))
    out = retained.inner_join(sizes, ["community_id", "cohort_month"])
    return out.select(
        "community_id",
        "cohort_month",
        "months_since_join",
        "cohort_size",
        "retained",
        retention=safe_ratio(out.retained, out.cohort_size),
    )


@register("activity")
def time_to_first_response(
    messages: ir.Table, members: ir.Table, *, question_mark: str = "?"
) -> ir.Table:
    """Hours from each member question to its first reply by someone else (CHAOSS).

    Definition: a question is a top-level message by a person (not brand, not bot) whose text
    contains ``question_mark``. Its first response is the earliest reply to it (direct or in
    its thread) written by another author who is not a bot (brand answers count).

    Grain: one row per question. Unit: hours; null when nobody answered.
    Parameters
    ----------
    question_mark
        Text marking a question (default ``"?"``; French and English both use it).

    Columns: message_id, community_id, channel_id, ts, hours_to_first_response.

    Examples
    --------
    Carol asks at 14:00; a bot replies at 14:05 and Carol adds a detail at 14:10 (neither
    counts); Alice answers at 15:00: 1.0 hour.
    """
    m = people_authored(messages, members)
    questions = m.filter(
        m.reply_to_id.isnull(),
        m.thread_id.isnull() | (m.thread_id == m.message_id),
        m.text.contains(question_mark),
    ).select(
        "message_id",
        "community_id",
        "channel_id",
        "ts",
        asker=m.author_id,
        asked_t=epoch(m.ts),
    )
    rep = replies(human_authored(messages, members))
    rep = rep.mutate(reply_t=epoch(rep.reply_ts))
    answered = (
        questions.inner_join(rep, questions.message_id == rep.parent_id)
        .filter(lambda t: (t.reply_author_id != t.asker) & (t.reply_t >= t.asked_t))
        .group_by("message_id")
        .aggregate(first_t=ibis._.reply_t.min())
    )
    out = questions.left_join(answered, "message_id")
    return out.select(
        "message_id",
        "community_id",
        "channel_id",
        "ts",
        hours_to_first_response=(out.first_t - out.asked_t).cast("float64") / 3600.0,
    )


@register("activity")
def conversations(
    messages: ir.Table, members: ir.Table, *, gap_minutes: int = 30
) -> ir.Table:
    """Number of conversations per channel: bursts of messages split by silences.

    Definition: in each channel, messages (bots excluded) are ordered by time; a message starts
    a new conversation when it is the first, or when more than ``gap_minutes`` passed since the
    previous one. Messages inside a thread (``thread_id`` naming another message) belong to
    their thread's conversation and do not break or start one.

    Grain: one row per channel. Unit: conversations.

    Parameters
    ----------
    gap_minutes
        Silence (minutes) after which the next message starts a new conversation (default 30;
        a gap of exactly 30 minutes does not split).

    Columns: community_id, channel_id, conversations, messages.

    Examples
    --------
    Messages at 10:00, 10:30, 11:30, 12:30: 10:30 continues (30 min), 11:30 and 12:30 start new
    ones (60 min each): 3 conversations.
    """
    m = human_authored(messages, members)
    m = m.filter(m.thread_id.isnull() | (m.thread_id == m.message_id))
    m = m.mutate(t=epoch(m.ts))
    # Ties in time need no tie-breaker: equal times give a gap of 0 in any order.
    w = ibis.window(group_by=m.channel_id, order_by=m.t)
    m = m.mutate(previous_t=m.t.lag().over(w))
    starts = ibis.ifelse(
        m.previous_t.isnull() | (m.t - m.previous_t > gap_minutes * 60), 1, 0
    )
    m = m.mutate(starts=starts)
    return m.group_by(["community_id", "channel_id"]).aggregate(
        conversations=m.starts.sum().cast("int64"),
        messages=m.message_id.count().cast("int64"),
    )
