"""Historical customer lifetime value (CLV) and its ratio to CAC, per channel.

Historical CLV is what a customer has brought so far: revenue × gross margin. The predictive
CLV (what they will bring) is in :mod:`tribu.business.predictive`.
"""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

from tribu.business.acquisition import cac_by_channel
from tribu.business.money import in_reporting_currency
from tribu.metrics._registry import register

__all__ = ["clv_cac_by_channel", "customer_value"]


@register("business")
def customer_value(
    customers: ir.Table,
    orders: ir.Table,
    *,
    margin: float = 1.0,
    rates: Mapping[str, float] | None = None,
) -> ir.Table:
    """Historical CLV of each customer: revenue so far × gross margin.

    Definition: ``clv_historical = margin × Σ orders.amount`` (converted to the reporting
    currency) over all the customer's orders. Customers without orders have 0.

    Grain: one row per customer of ``customers``, with ``channel``, ``member_id``,
    ``orders``, ``revenue``, ``first_order``, ``last_order``, ``clv_historical``.
    Unit: reporting currency.

    Parameters
    ----------
    customers, orders
        The canonical tables.
    margin
        Gross margin as a fraction (0.55 for 55 %). The default 1.0 gives revenue, which
        overstates value: set your own.
    rates
        Currency rates into the reporting currency.

    Caveats: orders of customers absent from ``customers`` are left out; refunds should be
    loaded as their net amount.

    Examples
    --------
    Customer c1 ordered 50 and 30 with a margin of 0.5: revenue 80, CLV 40.0.
    """
    money = in_reporting_currency(orders.amount, orders.currency, rates)
    totals = (
        orders.mutate(money=money)
        .group_by("customer_id")
        .aggregate(
            orders=ibis._.count(),
            revenue=ibis._.money.sum(),
            first_order=ibis._.ts.min(),
            last_order=ibis._.ts.max(),
        )
    )
    joined = customers.left_join(totals, customers.customer_id == totals.customer_id)
    return joined.select(
        customer_id=customers.customer_id,
        channel=customers.channel.fill_null("unknown"),
        member_id=customers.member_id,
        orders=totals.orders.fill_null(0),
        revenue=totals.revenue.fill_null(0.0),
        first_order=totals.first_order,
        last_order=totals.last_order,
        clv_historical=totals.revenue.fill_null(0.0) * margin,
    )


@register("business")
def clv_cac_by_channel(
    customers: ir.Table,
    orders: ir.Table,
    *,
    margin: float = 1.0,
    rates: Mapping[str, float] | None = None,
) -> ir.Table:
    """Mean historical CLV, CAC and their ratio per acquisition channel.

    Definition: ``clv_to_cac = mean(clv_historical) / CAC`` over the channel's customers,
    with CLV from :func:`customer_value` and CAC from :func:`cac_by_channel`. A ratio of 3 or
    more is the usual rule of thumb for a healthy channel; a CAC of 0 gives no ratio.

    Grain: one row per ``channel``. Unit: ``clv`` and ``cac`` in the reporting currency,
    ``clv_to_cac`` a plain ratio.

    Parameters
    ----------
    customers, orders
        The canonical tables.
    margin
        Gross margin as a fraction, as in :func:`customer_value`.
    rates
        Currency rates into the reporting currency.

    Caveats: historical CLV grows with the customers' age, so young channels look worse;
    compare with the predictive CLV.

    Examples
    --------
    Instagram: two customers costing 10 and 20 (CAC 15) with revenues 80 and 40, margin 0.5:
    CLVs 40 and 20, mean 30, ratio 30 / 15 = 2.0.
    """
    values = customer_value(customers, orders, margin=margin, rates=rates)
    clv = values.group_by("channel").aggregate(
        customers=values.count(),
        clv=values.clv_historical.mean(),
        revenue=values.revenue.sum(),
    )
    cac = cac_by_channel(customers, rates=rates)
    joined = clv.left_join(cac, clv.channel == cac.channel)
    return joined.select(
        channel=clv.channel,
        customers=clv.customers,
        revenue=clv.revenue,
        clv=clv.clv,
        cac=cac.cac,
        clv_to_cac=ibis.ifelse(cac.cac > 0, clv.clv / cac.cac, ibis.null()),
    ).order_by("channel")
