"""Rituals: recurring gatherings (a weekly live, a monthly tasting) hosted by the brand or mods.

A ritual is found from regularity: top-level posts by hosts (brand accounts and moderators) that
come back in the same channel on the same weekday and hour of the *display* time zone, week
after week or month after month. Attendance is how many other people wrote in the channel
during the hours after each occurrence; its trend says whether the ritual grows or fades.
"""

from __future__ import annotations

import math

import ibis
import ibis.expr.types as ir

from tribu.metrics._common import epoch, human_authored
from tribu.metrics._registry import register
from tribu.metrics._tz import local_epoch
from tribu.metrics.roles import moderator_ids

__all__ = ["ritual_occurrences", "rituals"]


def _host_posts(messages: ir.Table, members: ir.Table, tz: str) -> ir.Table:
    mods = moderator_ids(members)
    hosts = members.filter(
        members.is_brand.fill_null(False) | members.member_id.isin(mods.moderator_id)
    ).select(host_id=members.member_id)
    posts = messages.filter(
        messages.reply_to_id.isnull(),
        messages.thread_id.isnull() | (messages.thread_id == messages.message_id),
    )
    posts = posts.semi_join(hosts, posts.author_id == hosts.host_id)
    posts = posts.mutate(t=epoch(posts.ts))
    local = local_epoch(posts.t, tz)
    local_day = (local / 86400).floor().cast("int64")
    return posts.mutate(
        local_day=local_day,
        # 1970-01-01 was a Thursday: +3 makes Monday 0 and weeks start on Monday.
        weekday=((local_day + 3) % 7).cast("int64"),
        hour=((local - local_day * 86400) / 3600).floor().cast("int64"),
        local_week=((local_day + 3) / 7).floor().cast("int64"),
    )


def ritual_occurrences(
    messages: ir.Table,
    members: ir.Table,
    *,
    tz: str = "Europe/Paris",
    min_occurrences: int = 3,
    weekly_min_coverage: float = 0.6,
    monthly_gap_days: tuple[int, int] = (21, 42),
    monthly_min_share: float = 0.6,
    attendance_hours: float = 2.0,
) -> ir.Table:
    """Each occurrence of each ritual with its attendance (see :func:`rituals`).

    Columns: ``community_id``, ``channel_id``, ``weekday``, ``hour``, ``period``,
    ``message_id``, ``author_id``, ``ts``, ``occurrence`` (1, 2, ... in time order),
    ``attendance``.
    """
    posts = _host_posts(messages, members, tz)
    slot = ["community_id", "channel_id", "weekday", "hour"]
    first_in_week = ibis.window(
        group_by=[*slot, "local_week"], order_by=[posts.t, posts.message_id]
    )
    occ = posts.mutate(rank_in_week=ibis.row_number().over(first_in_week))
    occ = occ.filter(occ.rank_in_week == 0)
    in_slot = ibis.window(group_by=slot, order_by=[occ.t, occ.message_id])
    occ = occ.mutate(gap_days=occ.local_day - occ.local_day.lag().over(in_slot))
    slots = occ.group_by(slot).aggregate(
        occurrences=occ.message_id.count().cast("int64"),
        first_day=occ.local_day.min(),
        last_day=occ.local_day.max(),
        monthly_gaps=(
            (occ.gap_days >= monthly_gap_days[0])
            & (occ.gap_days <= monthly_gap_days[1])
        )
        .cast("int64")
        .sum(),
    )
    # Occurrences fall on the same weekday, so the weeks spanned are (last - first) / 7 + 1.
    coverage = slots.occurrences.cast("float64") / (
        (slots.last_day - slots.first_day).cast("float64") / 7.0 + 1.0
    )
    slots = slots.filter(slots.occurrences >= max(min_occurrences, 2)).mutate(
        period=ibis.cases(
            (coverage >= weekly_min_coverage, "weekly"),
            (
                slots.monthly_gaps.cast("float64")
                >= monthly_min_share * (slots.occurrences - 1).cast("float64"),
                "monthly",
            ),
            else_=ibis.null("string"),
        )
    )
    slots = slots.filter(slots.period.notnull()).select(*slot, "period")
    occ = occ.inner_join(slots, slot).select(
        *slot, "period", "message_id", "author_id", "ts", "t"
    )
    order = ibis.window(group_by=slot, order_by=[occ.t, occ.message_id])
    occ = occ.mutate(occurrence=(ibis.row_number().over(order) + 1).cast("int64"))
    chat = human_authored(messages, members)
    chat = chat.select(
        chat_channel=chat.channel_id, chat_author=chat.author_id, chat_t=epoch(chat.ts)
    )
    chat = chat.mutate(chat_hour=(chat.chat_t / 3600).floor().cast("int64"))
    span = int(attendance_hours * 3600)
    # Equality joins on (channel, hour) for each hour the window touches, then the exact
    # bounds: a busy channel is never compared message by message with every occurrence.
    occ_hour = (occ.t / 3600).floor().cast("int64")
    hours_touched = int(math.ceil(attendance_hours)) + 1
    parts = []
    for offset in range(hours_touched):
        keyed = occ.mutate(join_hour=occ_hour + offset)
        joined = keyed.inner_join(
            chat,
            [
                keyed.channel_id == chat.chat_channel,
                keyed.join_hour == chat.chat_hour,
            ],
        )
        parts.append(
            joined.filter(
                joined.chat_t >= joined.t,
                joined.chat_t < joined.t + span,
                joined.chat_author != joined.author_id,
            ).select("message_id", "chat_author")
        )
    came = ibis.union(*parts, distinct=False)
    counts = came.group_by("message_id").aggregate(
        attendance=came.chat_author.nunique().cast("int64")
    )
    out = occ.left_join(counts, "message_id")
    return out.select(
        *slot,
        "period",
        "message_id",
        "author_id",
        "ts",
        "occurrence",
        attendance=out.attendance.fill_null(0),
    )


@register("rituals")
def rituals(
    messages: ir.Table,
    members: ir.Table,
    *,
    tz: str = "Europe/Paris",
    min_occurrences: int = 3,
    weekly_min_coverage: float = 0.6,
    monthly_gap_days: tuple[int, int] = (21, 42),
    monthly_min_share: float = 0.6,
    attendance_hours: float = 2.0,
) -> ir.Table:
    """Recurring gatherings: slot, period, occurrences, mean attendance and its trend.

    Definition: host posts are top-level messages by brand accounts and moderators. They are
    grouped by slot = (channel, weekday, hour) on the wall clock of ``tz``; within a slot the
    first post of each week is an occurrence. A slot with at least ``min_occurrences`` is a
    *weekly* ritual when its occurrences cover at least ``weekly_min_coverage`` of the weeks
    from the first to the last (``occurrences / ((last day - first day) / 7 + 1)``; a skipped
    week is tolerated), else a *monthly* one when at least ``monthly_min_share`` of the gaps
    between consecutive occurrences lie within ``monthly_gap_days`` (21 to 42 days: every 3
    to 6 weeks; an unrelated post in the same slot does not break it). Attendance of an
    occurrence = distinct people (bots and the host excluded)
    who wrote in the channel within ``attendance_hours`` after it.
    ``attendance_trend`` = least-squares slope of attendance against the occurrence number
    (1, 2, 3, ...): people gained (or lost, if negative) per occurrence; null with one point.

    Grain: one row per ritual. Unit: weekday 0 = Monday ... 6 = Sunday; hour 0-23 in ``tz``;
    attendance in people.

    Parameters
    ----------
    tz
        Display time zone (IANA name, default "Europe/Paris"): a Thursday 18:00 live stays at
        18:00 across daylight-saving changes.
    min_occurrences
        Fewest occurrences for a ritual (default 3).
    weekly_min_coverage
        Share of the spanned weeks a weekly ritual must occur in (default 0.6).
    monthly_gap_days, monthly_min_share
        Bounds (days) of a monthly gap (21 to 42) and the share of gaps that must be
        monthly (0.6).
    attendance_hours
        Hours after an occurrence during which writing in the channel counts as attending (2).

    Caveats: a ritual whose hour moves is split; text similarity of the posts is not used; a
    host posting in the same slot nearly every week (a scheduled announcement) is a ritual
    too, which its attendance then qualifies.
    Columns: community_id, channel_id, weekday, hour, period, occurrences, mean_attendance,
    attendance_trend, first_ts, last_ts.

    Examples
    --------
    A moderator's "Live du jeudi" on four Thursdays at 18:00 Paris (17:00 UTC in March, 16:00
    UTC after the clocks change) with 2, 3, 2, 3 attendees: weekly, mean 2.5, trend
    sum((x - 2.5)(y - 2.5)) / sum((x - 2.5)^2) = 1 / 5 = 0.2 per occurrence.
    """
    occ = ritual_occurrences(
        messages,
        members,
        tz=tz,
        min_occurrences=min_occurrences,
        weekly_min_coverage=weekly_min_coverage,
        monthly_min_share=monthly_min_share,
        monthly_gap_days=monthly_gap_days,
        attendance_hours=attendance_hours,
    )
    x = occ.occurrence.cast("float64")
    y = occ.attendance.cast("float64")
    sums = occ.group_by(
        ["community_id", "channel_id", "weekday", "hour", "period"]
    ).aggregate(
        occurrences=occ.message_id.count().cast("int64"),
        mean_attendance=y.mean(),
        sx=x.sum(),
        sy=y.sum(),
        sxy=(x * y).sum(),
        sxx=(x * x).sum(),
        first_ts=occ.ts.min(),
        last_ts=occ.ts.max(),
    )
    n = sums.occurrences.cast("float64")
    denominator = n * sums.sxx - sums.sx * sums.sx
    trend = ibis.ifelse(
        denominator > 0,
        (n * sums.sxy - sums.sx * sums.sy) / denominator,
        ibis.null("float64"),
    )
    return sums.select(
        "community_id",
        "channel_id",
        "weekday",
        "hour",
        "period",
        "occurrences",
        "mean_attendance",
        attendance_trend=trend,
        first_ts=sums.first_ts,
        last_ts=sums.last_ts,
    )
