"""Campaign measures: which messages belong to a campaign, the UGC ratio, cost per engagement.

Campaigns come from the ``campaigns`` table (filled from ``tribu.toml`` and first-party CSV at
ingest). A message is *campaign-related* when, inside the campaign's window
(``starts <= ts <= ends``) and community (when the campaign names one), it

- is one of the campaign's ``activation_message_ids``, or replies to one (directly or in its
  thread), or
- contains one of the campaign's ``keywords`` (hashtags and links are keywords too), compared
  case-insensitively as substrings.

Semantic closeness to activation posts (embeddings) is not used yet: ``enrichment.embedding`` is
optional and a brute-force similarity join would not keep the benchmark's budget. It is a
planned setting, documented in ``docs/metrics.md``.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from tribu.metrics._common import safe_ratio
from tribu.metrics._registry import register
from tribu.metrics.engagement import post_engagements

__all__ = ["campaign_messages", "cost_per_engagement", "ugc_ratio"]

_COLUMNS = ("message_id", "community_id", "channel_id", "author_id", "ts")


def _in_campaign(t: ir.Table) -> ir.BooleanValue:
    return (
        (t.ts >= t.starts)
        & (t.ts <= t.ends)
        & (t.campaign_community.isnull() | (t.campaign_community == t.community_id))
    )


def campaign_messages(messages: ir.Table, campaigns: ir.Table) -> ir.Table:
    """Every (campaign, message) pair where the message is campaign-related (see module doc).

    Columns: ``campaign_id``, ``message_id``, ``community_id``, ``channel_id``, ``author_id``,
    ``ts``, ``reaction_count``; one row per pair.
    """
    base = campaigns.select(
        "campaign_id", "starts", "ends", campaign_community=campaigns.community_id
    )
    # Unnest first, lower after: Spark refuses a generator nested in an expression.
    kw = campaigns.select("campaign_id", raw_keyword=campaigns.keywords.unnest())
    kw = kw.select("campaign_id", keyword=kw.raw_keyword.lower()).filter(
        lambda t: t.keyword.notnull() & (t.keyword.length() > 0)
    )
    kw = kw.inner_join(base, "campaign_id")
    m = messages.filter(messages.text.notnull()).mutate(lowered=messages.text.lower())
    # Campaigns naming their community join on it (a hash join); the others on time only.
    scoped = kw.filter(kw.campaign_community.notnull())
    anywhere = kw.filter(kw.campaign_community.isnull())
    by_keyword = []
    for part, predicates in (
        (scoped, [m.community_id == scoped.campaign_community]),
        (anywhere, [m.ts >= anywhere.starts, m.ts <= anywhere.ends]),
    ):
        joined = m.inner_join(part, predicates)
        by_keyword.append(
            joined.filter(
                _in_campaign(joined), joined.lowered.contains(joined.keyword)
            ).select("campaign_id", *_COLUMNS, "reaction_count")
        )

    act = campaigns.select(
        "campaign_id", activation_id=campaigns.activation_message_ids.unnest()
    ).inner_join(base, "campaign_id")
    linked = []
    for column in ("message_id", "reply_to_id", "thread_id"):
        joined = messages.inner_join(act, messages[column] == act.activation_id)
        linked.append(
            joined.filter(_in_campaign(joined)).select(
                "campaign_id", *_COLUMNS, "reaction_count"
            )
        )
    return ibis.union(*by_keyword, *linked, distinct=True)


@register("campaigns")
def ugc_ratio(messages: ir.Table, members: ir.Table, campaigns: ir.Table) -> ir.Table:
    """Share of a campaign's messages written by members (user-generated content).

    Definition: ``ugc_ratio = ugc_messages / campaign_messages`` where campaign_messages = every
    campaign-related message in the campaign's window (brand, bots, members alike) and
    ugc_messages = those whose author is neither a brand account nor a bot.

    Grain: one row per campaign (a campaign with no related message has ratio null).
    Unit: a share in [0, 1].

    Caveats: campaign-related = activation messages, replies to them, and keyword matches
    (case-insensitive substrings); semantic closeness is not used yet. Paid creators posting in
    the community count as members unless their account is marked ``is_brand``.
    Columns: campaign_id, name, ugc_messages, campaign_messages, ugc_ratio.

    Examples
    --------
    7 related messages in March: 2 by the brand, 1 by a bot, 4 by members -> 4 / 7 = 0.571.
    """
    related = campaign_messages(messages, campaigns)
    not_people = members.filter(
        members.is_brand.fill_null(False) | members.is_bot.fill_null(False)
    ).select(other_id=members.member_id)
    flagged = related.left_join(
        not_people, related.author_id == not_people.other_id
    ).select("campaign_id", "message_id", is_ugc=ibis._.other_id.isnull())
    counts = flagged.group_by("campaign_id").aggregate(
        ugc_messages=flagged.is_ugc.sum().cast("int64"),
        campaign_messages=flagged.message_id.count().cast("int64"),
    )
    out = campaigns.select("campaign_id", "name").left_join(counts, "campaign_id")
    out = out.select(
        "campaign_id",
        "name",
        ugc_messages=out.ugc_messages.fill_null(0),
        campaign_messages=out.campaign_messages.fill_null(0),
    )
    return out.mutate(ugc_ratio=safe_ratio(out.ugc_messages, out.campaign_messages))


@register("campaigns")
def cost_per_engagement(
    messages: ir.Table,
    members: ir.Table,
    reactions: ir.Table,
    campaigns: ir.Table,
    *,
    window_days: int = 7,
) -> ir.Table:
    """Cost per engagement of a campaign: spend / engagements on the campaign's own content.

    Definition: ``cost_per_engagement = spend / engagements`` where the campaign's content is
    its campaign-related messages written by a brand account, and engagements are the reactions
    and replies each of them received within ``window_days`` (as for the engagement rate).

    Grain: one row per campaign. Unit: ``currency`` per engagement.

    Parameters
    ----------
    window_days
        Days after each content message during which engagements count (default 7).

    Caveats: null when the campaign has no spend recorded, or no engagement (never a division by
    zero). Spend is taken as recorded, in the campaign's currency; no conversion.
    Columns: campaign_id, name, spend, currency, content_messages, engagements,
    cost_per_engagement.

    Examples
    --------
    300 EUR spent; the brand's two campaign posts got 5 and 1 engagements -> 300 / 6 = 50 EUR.
    """
    brand = members.filter(members.is_brand.fill_null(False)).select(
        brand_id=members.member_id
    )
    # The content is the brand's own: match only brand messages against the campaigns.
    by_brand = messages.semi_join(brand, messages.author_id == brand.brand_id)
    content = campaign_messages(by_brand, campaigns)
    eng = post_engagements(
        content.select("message_id", "author_id", "ts", "reaction_count").distinct(),
        messages,
        members,
        reactions,
        window_days=window_days,
    )
    per_campaign = (
        content.select("campaign_id", "message_id")
        .inner_join(eng, "message_id")
        .group_by("campaign_id")
        .aggregate(
            content_messages=ibis._.message_id.count().cast("int64"),
            engagements=ibis._.engagements.sum().cast("int64"),
        )
    )
    out = campaigns.select("campaign_id", "name", "spend", "currency").left_join(
        per_campaign, "campaign_id"
    )
    out = out.select(
        "campaign_id",
        "name",
        "spend",
        "currency",
        content_messages=out.content_messages.fill_null(0),
        engagements=out.engagements.fill_null(0),
    )
    return out.mutate(cost_per_engagement=safe_ratio(out.spend, out.engagements))
