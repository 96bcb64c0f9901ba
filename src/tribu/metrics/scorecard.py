"""The community scorecard: the Monday-morning numbers, as plain Python values.

``scorecard(tables, ...)`` filters the canonical tables (community, channel, campaign, period),
builds the measures of :mod:`tribu.metrics`, executes them on whatever engine the tables live
on, and returns a dict of plain values (str, int, float, bool, None, lists and dicts; dates and
times as ISO 8601 strings) that ``tribu kpis``, the HTML report and the dashboard all render.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import ibis
import ibis.expr.types as ir

from tribu.metrics import activity, campaigns, engagement, rituals, roles, sentiment
from tribu.metrics._common import brand_posts, people, people_authored, week_start
from tribu.metrics.filters import filter_tables, parse_moment, timestamp_like
from tribu.metrics.people import active_people

__all__ = ["WEEKDAYS", "filter_tables", "parse_moment", "rows", "scorecard"]

WEEKDAYS = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    return value


def rows(expr: ir.Table, *, limit: int | None = None) -> list[dict[str, Any]]:
    """Execute ``expr`` and return its rows as plain dicts (ISO strings for times)."""
    if limit is not None:
        expr = expr.limit(limit)
    return [
        {k: _plain(v) for k, v in row.items()} for row in expr.to_pyarrow().to_pylist()
    ]


def _materialize(expr: ir.Table) -> ir.Table:
    """Execute ``expr`` once and keep its (small) result as an in-memory Ibis table."""
    return ibis.memtable(expr.to_pyarrow())


def _scalar(expr: ir.Scalar) -> Any:
    return _plain(expr.to_pyarrow().as_py())


def scorecard(
    tables: Mapping[str, ir.Table],
    *,
    community: str | None = None,
    channel: str | None = None,
    campaign: str | None = None,
    since: str | date | datetime | None = None,
    until: str | date | datetime | None = None,
    tz: str = "Europe/Paris",
    with_relays: bool = True,
    top: int = 5,
) -> dict[str, Any]:
    """The community scorecard over ``tables``, as plain Python values.

    Parameters
    ----------
    tables
        Canonical tables (from :func:`tribu.warehouse.engines.ibis_tables`).
    community, channel, campaign
        Narrow to one community / channel / campaign (ids).
    since, until
        Period (ISO dates or date-times, UTC; a bare ``until`` date includes that whole day).
    tz
        Display time zone for rituals (IANA name).
    with_relays
        Compute relays (betweenness, the slowest step) — on by default.
    top
        How many power users, relays and members at risk to list.

    Returns
    -------
    dict
        Keys: ``filters``, ``totals``, ``engagement``, ``time_to_sentiment``, ``activity``,
        ``sentiment``, ``campaigns``, ``roles``, ``rituals`` (see ``docs/metrics.md``).
    """
    t = filter_tables(
        tables,
        community=community,
        channel=channel,
        campaign=campaign,
        since=since,
        until=until,
    )
    messages, members = t["messages"], t["members"]
    events, reactions = t["member_events"], t["reactions"]
    enrichment, camps = t["enrichment"], t["campaigns"]

    # Each measure is executed once; the summaries below read its (small) result.
    authored = people_authored(messages, members)
    totals = {
        "messages": _scalar(messages.count()),
        "active_members": _scalar(authored.author_id.nunique()),
    }
    totals["members"] = _scalar(people(members).count())
    if "person_links" in t:  # community-wide: each person once (docs/people.md)
        counted = _scalar(
            active_people(messages, members, t["person_links"]).active_people.max()
        )
        totals["active_people"] = counted or 0
    posts = brand_posts(messages, members)
    totals["brand_posts"] = _scalar(posts.count())
    joins = activity.member_join_times(members, events)
    start = parse_moment(since, "since")
    stop = parse_moment(until, "until", end=True)
    joined = joins.filter(joins.join_ts.notnull())
    if start is not None:
        joined = joined.filter(joined.join_ts >= timestamp_like(joined.join_ts, start))
    if stop is not None:
        joined = joined.filter(joined.join_ts <= timestamp_like(joined.join_ts, stop))
    totals["new_members"] = _scalar(joined.count())
    totals = {
        k: totals[k]
        for k in (
            "messages",
            "members",
            "active_members",
            "active_people",
            "brand_posts",
            "new_members",
        )
        if k in totals
    }

    er_post = _materialize(
        engagement.engagement_rate_per_post(messages, members, events, reactions)
    )
    weekly = er_post.mutate(week=week_start(er_post.ts))
    er = {
        "brand_posts": totals["brand_posts"],
        "median_engagement_rate": _scalar(er_post.engagement_rate.median()),
        "by_community": rows(
            er_post.group_by("community_id")
            .aggregate(
                brand_posts=er_post.message_id.count(),
                median_engagement_rate=er_post.engagement_rate.median(),
                mean_engagement_rate=er_post.engagement_rate.mean(),
            )
            .order_by("community_id")
        ),
        "weekly": rows(
            weekly.group_by(["community_id", "week"])
            .aggregate(
                brand_posts=weekly.message_id.count(),
                median_engagement_rate=weekly.engagement_rate.median(),
            )
            .order_by(["community_id", "week"])
        ),
    }

    # A community's signal is a property of its export, so it is read from the whole
    # warehouse: a quiet period is censored, not "unmeasurable".
    signals = sentiment.time_to_sentiment_signals(
        tables["messages"], tables["reactions"]
    )
    all_posts = sentiment.time_to_sentiment_per_post(
        messages, members, reactions, enrichment, camps
    )
    all_posts = all_posts.drop("signal").left_join(
        signals.select("community_id", "signal"), "community_id"
    )
    all_posts = _materialize(
        all_posts.mutate(signal=all_posts.signal.fill_null("none"))
    )
    tts_post = sentiment.measurable(all_posts)
    scoped = tts_post.mutate(scope=ibis.literal("all"))
    curve = _materialize(sentiment.survival_curve(scoped, "scope"))
    by_community = _materialize(sentiment.survival_curve(tts_post, "community_id"))
    medians = (
        by_community.filter(by_community.survival <= sentiment.HALF_SURVIVAL)
        .group_by("community_id")
        .aggregate(km_median_hours=ibis._.hours.min())
    )
    counts = tts_post.group_by("community_id").aggregate(
        posts=tts_post.message_id.count(),
        observed=tts_post.observed.cast("int64").sum(),
    )
    per_community = counts.left_join(medians, "community_id").select(
        "community_id", "posts", "observed", "km_median_hours"
    )
    used = all_posts.group_by(["community_id", "signal"]).aggregate(
        posts=all_posts.message_id.count()
    )
    tts = {
        "posts": _scalar(tts_post.count()),
        "unmeasured_posts": _scalar((all_posts.signal == "none").cast("int64").sum())
        or 0,
        "signals": rows(used.order_by("community_id")),
        "km_median_hours": _scalar(
            curve.filter(curve.survival <= sentiment.HALF_SURVIVAL).hours.min()
        ),
        "share_never_reached": _scalar(1.0 - tts_post.observed.cast("float64").mean()),
        "by_community": [
            {
                **r,
                "share_never_reached": (r["posts"] - r["observed"]) / r["posts"],
            }
            for r in rows(per_community.order_by("community_id"))
        ],
    }

    dau = _materialize(activity.daily_active_members(messages, members))
    wau = _materialize(activity.weekly_active_members(messages, members))
    ttfr = _materialize(activity.time_to_first_response(messages, members))
    conv = _materialize(activity.conversations(messages, members))
    act = {
        "daily_active_members_mean": _scalar(dau.active_members.mean()),
        "weekly_active_members_mean": _scalar(wau.active_members.mean()),
        "weekly_active_members": rows(
            wau.group_by("week")
            .aggregate(active_members=wau.active_members.sum())
            .order_by("week")
        ),
        "questions": _scalar(ttfr.count()),
        "unanswered_questions": _scalar(
            ttfr.hours_to_first_response.isnull().cast("int64").sum()
        ),
        "median_hours_to_first_response": _scalar(
            ttfr.hours_to_first_response.median()
        ),
        "conversations": _scalar(conv.conversations.sum()),
    }
    sent = _materialize(sentiment.sentiment_weekly(messages, members, enrichment))
    s_row = rows(
        sent.aggregate(
            messages=sent.messages.sum(),
            weighted=(sent.mean_sentiment * sent.messages.cast("float64")).sum(),
        )
    )[0]
    sent_card = {
        "messages_with_sentiment": s_row["messages"] or 0,
        "mean_sentiment": (
            s_row["weighted"] / s_row["messages"] if s_row["messages"] else None
        ),
    }

    ugc = {
        r["campaign_id"]: r for r in rows(campaigns.ugc_ratio(messages, members, camps))
    }
    cpe = rows(campaigns.cost_per_engagement(messages, members, reactions, camps))
    camp_rows = sorted(
        (
            {
                **ugc[r["campaign_id"]],
                **{
                    k: r[k]
                    for k in (
                        "spend",
                        "currency",
                        "content_messages",
                        "engagements",
                        "cost_per_engagement",
                    )
                },
            }
            for r in cpe
        ),
        key=lambda r: r["campaign_id"],
    )

    if with_relays:
        built = roles.member_roles(messages, members, events)
    else:
        built = roles.role_table(
            messages,
            members,
            events,
            **roles.ROLE_DEFAULTS,  # type: ignore[arg-type]
        ).mutate(betweenness=ibis.null("float64"), is_relay=ibis.literal(False))
    member_roles = _materialize(built)
    flags = rows(
        member_roles.aggregate(
            moderators=member_roles.is_moderator.cast("int64").sum(),
            power_users=member_roles.is_power_user.cast("int64").sum(),
            newcomers=member_roles.is_newcomer.cast("int64").sum(),
            members_at_risk=member_roles.is_at_risk.cast("int64").sum(),
            relays=member_roles.is_relay.cast("int64").sum(),
        )
    )[0]
    listed = ["member_id", "community_id", "display_name", "messages"]
    role_card = {
        **{k: v or 0 for k, v in flags.items()},
        "top_power_users": rows(
            member_roles.filter(member_roles.is_power_user)
            .select(*listed)
            .order_by([ibis.desc("messages"), "member_id"]),
            limit=top,
        ),
        "top_relays": rows(
            member_roles.filter(member_roles.is_relay)
            .select(*listed, "betweenness")
            .order_by([ibis.desc("betweenness"), "member_id"]),
            limit=top,
        ),
        "members_at_risk_list": rows(
            member_roles.filter(member_roles.is_at_risk)
            .select(*listed, "recent_messages", "previous_messages")
            .order_by([ibis.desc("previous_messages"), "member_id"]),
            limit=top,
        ),
    }
    ritual_rows = sorted(
        rows(rituals.rituals(messages, members, tz=tz)),
        key=lambda r: (
            -r["occurrences"],
            r["community_id"],
            r["channel_id"],
            r["weekday"],
            r["hour"],
        ),
    )
    for r in ritual_rows:
        r["weekday_name"] = WEEKDAYS[r["weekday"]]

    return {
        "filters": {
            "community": community,
            "channel": channel,
            "campaign": campaign,
            "since": _plain(parse_moment(since, "since")),
            "until": _plain(parse_moment(until, "until", end=True)),
            "tz": tz,
        },
        "totals": totals,
        "engagement": er,
        "time_to_sentiment": tts,
        "activity": act,
        "sentiment": sent_card,
        "campaigns": camp_rows,
        "roles": role_card,
        "rituals": ritual_rows,
    }
