"""Creator engagement: ER per post and per creator against tier benchmarks, CPE, tiers."""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

from tribu.business.money import in_reporting_currency
from tribu.creators.tiers import TIER_BENCHMARKS, tier_of
from tribu.metrics._registry import register

__all__ = ["creator_engagement", "creator_post_engagement", "tier_performance"]


def _benchmark(
    tier: ir.StringValue, benchmarks: Mapping[str, float]
) -> ir.FloatingValue:
    branches = [
        (tier == name, ibis.literal(value)) for name, value in benchmarks.items()
    ]
    if not branches:
        return ibis.null("float64")
    return ibis.cases(*branches, else_=ibis.null("float64"))


@register("creators")
def creator_post_engagement(
    creators: ir.Table,
    creator_posts: ir.Table,
    *,
    rates: Mapping[str, float] | None = None,
) -> ir.Table:
    """Engagements, engagement rate (ER) and cost per engagement (CPE) of each creator post.

    Definition: ``engagements`` = likes + comments + shares + saves (a blank count is 0);
    ``er`` = engagements / the creator's followers (empty without followers);
    ``cpe`` = cost / engagements for a post with a cost (empty when 0 engagements).

    Grain: one row per post, with the creator's ``handle``, ``followers`` and ``tier``.
    Unit: ``er`` a fraction (0.05 = 5 %); ``cost`` and ``cpe`` in the reporting currency.

    Parameters
    ----------
    creators, creator_posts
        The canonical tables.
    rates
        Currency rates into the reporting currency.

    Caveats: followers are today's count, not the count on the day of the post.

    Examples
    --------
    A post by a creator with 5,000 followers: 180 likes, 12 comments, 5 shares, 3 saves →
    200 engagements, ER 200 / 5,000 = 0.04; cost 100 → CPE 100 / 200 = 0.5.
    """
    joined = creator_posts.left_join(
        creators, creator_posts.creator_id == creators.creator_id
    )
    engagements = (
        joined.likes.fill_null(0)
        + joined.comments.fill_null(0)
        + joined.shares.fill_null(0)
        + joined.saves.fill_null(0)
    )
    cost = in_reporting_currency(joined.cost, joined.currency, rates)
    out = joined.select(
        post_id=joined.post_id,
        creator_id=creator_posts.creator_id,
        handle=joined.handle,
        followers=joined.followers,
        tier=tier_of(joined.followers),
        campaign_id=joined.campaign_id,
        ts=joined.ts,
        views=joined.views,
        engagements=engagements,
        cost=cost,
    )
    return out.mutate(
        er=ibis.ifelse(out.followers > 0, out.engagements / out.followers, ibis.null()),
        cpe=ibis.ifelse(out.engagements > 0, out.cost / out.engagements, ibis.null()),
    )


@register("creators")
def creator_engagement(
    creators: ir.Table,
    creator_posts: ir.Table,
    *,
    benchmarks: Mapping[str, float] = TIER_BENCHMARKS,
    rates: Mapping[str, float] | None = None,
) -> ir.Table:
    """Each creator's mean ER per post against the benchmark of their tier, and their CPE.

    Definition: ``er`` = mean of the post ERs (:func:`creator_post_engagement`);
    ``er_vs_benchmark`` = er / the tier's benchmark (1.0 = on par, empty without a
    benchmark); ``cpe`` = total cost / total engagements of the creator's paid posts.

    Grain: one row per creator with at least one post. Unit: fractions; CPE in the reporting
    currency per engagement.

    Parameters
    ----------
    creators, creator_posts
        The canonical tables.
    benchmarks
        Tier -> benchmark ER; indicative defaults in :data:`TIER_BENCHMARKS`.
    rates
        Currency rates into the reporting currency.

    Examples
    --------
    A nano creator (5,000 followers, benchmark 0.04) with two posts of 200 and 100
    engagements: ERs 0.04 and 0.02, mean 0.03, er_vs_benchmark 0.75. Costs 100 and 50:
    CPE 150 / 300 = 0.5.
    """
    posts = creator_post_engagement(creators, creator_posts, rates=rates)
    paid = posts.cost.fill_null(0) > 0
    out = posts.group_by(["creator_id", "handle", "followers", "tier"]).aggregate(
        posts=posts.count(),
        er=posts.er.mean(),
        engagements=posts.engagements.sum(),
        paid_engagements=ibis.ifelse(paid, posts.engagements, 0).sum(),
        spend=posts.cost.fill_null(0).sum(),
    )
    benchmark = _benchmark(out.tier, benchmarks)
    return out.mutate(
        benchmark=benchmark,
        er_vs_benchmark=ibis.ifelse(benchmark > 0, out.er / benchmark, ibis.null()),
        cpe=ibis.ifelse(
            out.paid_engagements > 0, out.spend / out.paid_engagements, ibis.null()
        ),
    ).order_by(["tier", "creator_id"])


@register("creators")
def tier_performance(
    creators: ir.Table,
    creator_posts: ir.Table,
    orders: ir.Table,
    *,
    benchmarks: Mapping[str, float] = TIER_BENCHMARKS,
    rates: Mapping[str, float] | None = None,
) -> ir.Table:
    """What each creator tier brought for its cost: reach, engagement, and attributed sales.

    Definition, over paid posts (cost > 0): ``spend``, ``views``, ``engagements``;
    ``views_per_euro`` = views / spend (reach for the money; the unit is the reporting
    currency), ``cpe`` = spend / engagements, ``median_er`` = median post ER.
    Conversion: ``attributed_orders`` and ``attributed_revenue`` are orders whose
    ``promo_code`` is the code of a creator of the tier (``creators.promo_code``);
    ``revenue_per_euro`` = attributed revenue / spend. Without promo codes on orders these
    are 0 and conversion cannot be judged.

    Grain: one row per tier. Unit: counts, reporting currency, ratios.

    Parameters
    ----------
    creators, creator_posts, orders
        The canonical tables.
    benchmarks
        Tier -> benchmark ER, shown beside the median.
    rates
        Currency rates into the reporting currency.

    Caveats: a promo code captures only buyers who type it (an undercount, the same for
    every tier); views are as reported by the creator.

    Examples
    --------
    Nano: two paid posts costing 100 and 50, with 3,000 and 1,500 views: views_per_euro
    4,500 / 150 = 30. Orders with the nano creator's code: 2 for 60 in total:
    revenue_per_euro 60 / 150 = 0.4.
    """
    posts = creator_post_engagement(creators, creator_posts, rates=rates)
    paid = posts.filter(posts.cost.fill_null(0) > 0)
    reach = paid.group_by("tier").aggregate(
        creators=paid.creator_id.nunique(),
        paid_posts=paid.count(),
        spend=paid.cost.sum(),
        views=paid.views.fill_null(0).sum(),
        posts_with_views=paid.views.count(),
        engagements=paid.engagements.sum(),
        median_er=paid.er.median(),
    )
    coded = creators.filter(creators.promo_code.notnull()).select(
        "promo_code", tier=tier_of(creators.followers)
    )
    money = in_reporting_currency(orders.amount, orders.currency, rates)
    sold = orders.mutate(money=money).filter(orders.promo_code.notnull())
    sales = (
        sold.join(coded, sold.promo_code.upper() == coded.promo_code.upper())
        .group_by("tier")
        .aggregate(
            attributed_orders=ibis._.count(), attributed_revenue=ibis._.money.sum()
        )
    )
    joined = reach.left_join(sales, reach.tier == sales.tier)
    out = joined.select(
        tier=reach.tier,
        creators=reach.creators,
        paid_posts=reach.paid_posts,
        spend=reach.spend,
        views=reach.views,
        posts_with_views=reach.posts_with_views,
        engagements=reach.engagements,
        median_er=reach.median_er,
        attributed_orders=sales.attributed_orders.fill_null(0),
        attributed_revenue=sales.attributed_revenue.fill_null(0.0),
    )
    return out.mutate(
        benchmark=_benchmark(out.tier, benchmarks),
        views_per_euro=ibis.ifelse(out.spend > 0, out.views / out.spend, ibis.null()),
        cpe=ibis.ifelse(out.engagements > 0, out.spend / out.engagements, ibis.null()),
        revenue_per_euro=ibis.ifelse(
            out.spend > 0, out.attributed_revenue / out.spend, ibis.null()
        ),
    ).order_by("tier")
