"""Rituals: recurring gatherings (a weekly live, a monthly tasting) hosted by the brand or mods.

A ritual is found from regularity: similar opening posts by hosts (brand accounts and
moderators) that come back in the same channel (a thread is a channel) on the same weekday and
hour of the *display* time zone, week after week or month after month, often enough for the
span observed and with people attending. Attendance is how many people wrote in the channel
during the hours after each occurrence; its trend says whether the ritual grows or fades.
Candidate posts and their text signature come from :mod:`tribu.metrics._ritual_posts`.
"""

from __future__ import annotations

import math

import ibis
import ibis.expr.types as ir

from tribu.metrics._common import epoch
from tribu.metrics._registry import register
from tribu.metrics._ritual_posts import SLOT, host_posts, signed_posts

__all__ = ["ritual_occurrences", "rituals"]


def _community_days(messages: ir.Table) -> ir.Table:
    """Days observed per community: from its first message to its last (any author)."""
    t = epoch(messages.ts)
    span = messages.group_by("community_id").aggregate(first_t=t.min(), last_t=t.max())
    return span.select(
        "community_id",
        span_days=(span.last_t - span.first_t).cast("float64") / 86400.0,
    )


def _with_attendance(
    occ: ir.Table, messages: ir.Table, members: ir.Table, attendance_hours: float
) -> ir.Table:
    """``occ`` plus ``attendance``: distinct people who wrote in the channel after it.

    Bots, brand accounts and the host do not count; thread messages count with their
    thread's channel. Each occurrence is repeated for each hour its window touches and left-
    joined on (channel, hour), then the exact bounds: a busy channel is never compared
    message by message with every occurrence, and ``occ`` is referenced once.
    """
    others = members.filter(
        members.is_bot.fill_null(False) | members.is_brand.fill_null(False)
    ).select(other_id=members.member_id)
    chat = messages.anti_join(others, messages.author_id == others.other_id)
    chat = chat.select(
        chat_channel=chat.channel_id, chat_author=chat.author_id, chat_t=epoch(chat.ts)
    )
    chat = chat.mutate(chat_hour=(chat.chat_t / 3600).floor().cast("int64"))
    span = int(attendance_hours * 3600)
    offsets = ibis.memtable(
        {"hour_offset": list(range(int(math.ceil(attendance_hours)) + 1))}
    )
    keyed = occ.cross_join(offsets)
    keyed = keyed.mutate(
        join_hour=(keyed.t / 3600).floor().cast("int64") + keyed.hour_offset
    )
    joined = keyed.left_join(
        chat,
        [
            keyed.channel_id == chat.chat_channel,
            keyed.join_hour == chat.chat_hour,
            chat.chat_t >= keyed.t,
            chat.chat_t < keyed.t + span,
            chat.chat_author != keyed.author_id,
        ],
    )
    columns = [c for c in occ.columns]
    return joined.group_by(columns).aggregate(
        attendance=joined.chat_author.nunique().cast("int64")
    )


def ritual_occurrences(
    messages: ir.Table,
    members: ir.Table,
    *,
    tz: str = "Europe/Paris",
    min_occurrences: int = 3,
    min_span_share: float = 0.25,
    weekly_min_coverage: float = 0.6,
    monthly_gap_days: tuple[int, int] = (28, 35),
    monthly_min_share: float = 0.6,
    min_text_share: float = 0.5,
    attendance_hours: float = 2.0,
    min_attendance: float = 2.0,
) -> ir.Table:
    """Each occurrence of each ritual with its attendance (see :func:`rituals`).

    Columns: ``community_id``, ``channel_id``, ``weekday``, ``hour``, ``period``,
    ``message_id``, ``author_id``, ``ts``, ``occurrence`` (1, 2, ... in time order),
    ``attendance``.
    """
    posts = signed_posts(host_posts(messages, members, tz), min_text_share)
    first_in_week = ibis.window(
        group_by=[*SLOT, "local_week"], order_by=[posts.t, posts.message_id]
    )
    occ = posts.mutate(rank_in_week=ibis.row_number().over(first_in_week))
    occ = occ.filter(occ.rank_in_week == 0)
    in_slot = ibis.window(group_by=SLOT, order_by=[occ.t, occ.message_id])
    occ = occ.mutate(gap_days=occ.local_day - occ.local_day.lag().over(in_slot))
    low, high = monthly_gap_days
    # Slot statistics as window functions over the slot (no aggregate joined back).
    slot = ibis.window(group_by=SLOT)
    occ = occ.mutate(
        occurrences=occ.message_id.count().over(slot).cast("int64"),
        first_day=occ.local_day.min().over(slot),
        last_day=occ.local_day.max().over(slot),
        monthly_gaps=((occ.gap_days >= low) & (occ.gap_days <= high))
        .fill_null(False)
        .cast("int64")
        .sum()
        .over(slot),
    )
    occ = occ.inner_join(_community_days(messages), "community_id")
    n = occ.occurrences.cast("float64")
    # Occurrences fall on the same weekday, so the weeks spanned are (last - first) / 7 + 1.
    coverage = n / ((occ.last_day - occ.first_day).cast("float64") / 7.0 + 1.0)
    # Expected occurrences over the community's observed span: days / 7 or days / 30.44.
    weekly_enough = n >= min_span_share * occ.span_days / 7.0
    monthly_enough = n >= min_span_share * occ.span_days / 30.4375
    monthly_regular = occ.monthly_gaps.cast("float64") >= monthly_min_share * (n - 1.0)
    occ = occ.filter(occ.occurrences >= max(min_occurrences, 2)).mutate(
        period=ibis.cases(
            ((coverage >= weekly_min_coverage) & weekly_enough, "weekly"),
            (monthly_regular & monthly_enough, "monthly"),
            else_=ibis.null("string"),
        )
    )
    occ = occ.filter(occ.period.notnull())
    order = ibis.window(group_by=SLOT, order_by=[occ.t, occ.message_id])
    occ = occ.select(
        *SLOT,
        "period",
        "message_id",
        "author_id",
        "ts",
        "t",
        occurrence=(ibis.row_number().over(order) + 1).cast("int64"),
    )
    out = _with_attendance(occ, messages, members, attendance_hours)
    mean = out.attendance.cast("float64").mean().over(ibis.window(group_by=SLOT))
    out = out.mutate(slot_attendance=mean)
    out = out.filter(out.slot_attendance >= min_attendance)
    return out.select(
        *SLOT,
        "period",
        "message_id",
        "author_id",
        "ts",
        "occurrence",
        "attendance",
    )


@register("rituals")
def rituals(
    messages: ir.Table,
    members: ir.Table,
    *,
    tz: str = "Europe/Paris",
    min_occurrences: int = 3,
    min_span_share: float = 0.25,
    weekly_min_coverage: float = 0.6,
    monthly_gap_days: tuple[int, int] = (28, 35),
    monthly_min_share: float = 0.6,
    min_text_share: float = 0.5,
    attendance_hours: float = 2.0,
    min_attendance: float = 2.0,
) -> ir.Table:
    """Recurring gatherings: slot, period, occurrences, mean attendance and its trend.

    Definition: host posts are the posts brand accounts and moderators open a conversation with (not
    replies: top-level in a channel, a thread's first message, or top-level inside a thread channel
    such as a Discord thread). They are grouped by slot = (channel, weekday, nearest hour) on the
    wall clock of ``tz``: 17:58 and 18:02 are both the 18:00 slot. A ritual's posts look alike: the
    slot's *signature* is the leading word or hashtag (lower-cased) found in the most weeks, and it
    must be in at least ``min_text_share`` of the weeks with a host post in the slot; posts without
    it are ignored. The first signed post of each week is an occurrence. A slot with at least
    ``min_occurrences`` is *weekly* when its occurrences cover at least ``weekly_min_coverage`` of
    the weeks from its first to its last
    (``occurrences / ((last day - first day) / 7 + 1)``; a skipped week is tolerated), else
    *monthly* when at least ``monthly_min_share`` of the gaps between consecutive
    occurrences last ``monthly_gap_days`` (28 to 35 days: a first Tuesday, a last Friday,
    every four weeks). Either way it must also have at least ``min_span_share`` of the
    occurrences the community's observed span allows (span from its first to its last
    message, in days, / 7 for weekly, / 30.44 for monthly): three posts in a six-month export
    are no weekly ritual. Attendance of an occurrence = distinct people (bots, brand accounts
    and the host excluded) who wrote in the channel, thread messages included, within
    ``attendance_hours`` after it; a ritual's mean attendance must reach ``min_attendance``
    (an announcement nobody answers is no gathering).
    ``attendance_trend`` = least-squares slope of attendance against the occurrence number
    (1, 2, 3, ...): people gained (or lost, if negative) per occurrence; null with one point.

    Grain: one row per ritual. Unit: weekday 0 = Monday ... 6 = Sunday; hour 0-23 in ``tz``
    (the nearest hour: 23:45 on Sunday is Monday 0); attendance in people.

    Parameters
    ----------
    tz
        Display time zone (IANA name, default "Europe/Paris"): a Thursday 18:00 live stays at
        18:00 across daylight-saving changes.
    min_occurrences
        Fewest occurrences for a ritual (default 3).
    min_span_share
        Share of the occurrences expected over the community's observed span a ritual needs
        (0.25: a weekly ritual in a 26-week export needs 7 occurrences, a monthly one in 6
        months needs 2, so ``min_occurrences`` rules).
    weekly_min_coverage
        Share of the spanned weeks a weekly ritual must occur in (default 0.6).
    monthly_gap_days, monthly_min_share
        Bounds (days) of a monthly gap (28 to 35) and the share of gaps that must be
        monthly (0.6).
    min_text_share
        Share of the slot's weeks whose host post carries the signature (0.5); 0 turns text
        similarity off (every host post of the slot counts).
    attendance_hours
        Hours after an occurrence during which writing in the channel counts as attending (2).
    min_attendance
        Fewest people attending an occurrence on average (2.0); 0 keeps unanswered
        announcements.

    Caveats: a ritual whose time drifts across the half hour (18:28 one week, 18:32 the next)
    is split; text
    similarity is a shared first word or hashtag, not meaning; a ritual announced in one
    channel and held in another (an AMA in a thread) is found where it is held.
    Precision on the demo (``tribu demo``, seed 7, defaults): 4 rituals reported, all real
    (the Friday live in Discord #lives, weekly, falling trend; the monthly AMA in its Discord
    thread; the Monday news post on Telegram; the WhatsApp run-club call, Saturday 18:00, the demo
    ingesting the WhatsApp export with ``--tz Europe/Paris``), none spurious (before
    these rules: 23 reported, 17 of them moderators' everyday chatter on Slack and Discord
    as "monthly" slots, and the AMA missed). The Monday news posts on
    Discord and Slack, which nobody answers, and the AMA's pinned notice are left out by
    ``min_attendance`` (0 lists them); without text similarity (``min_text_share=0``) three
    moderators' chatter slots on Slack come back as "monthly".
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
        min_span_share=min_span_share,
        weekly_min_coverage=weekly_min_coverage,
        monthly_gap_days=monthly_gap_days,
        monthly_min_share=monthly_min_share,
        min_text_share=min_text_share,
        attendance_hours=attendance_hours,
        min_attendance=min_attendance,
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
        *SLOT,
        "period",
        "occurrences",
        "mean_attendance",
        attendance_trend=trend,
        first_ts=sums.first_ts,
        last_ts=sums.last_ts,
    )
