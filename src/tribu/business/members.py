"""Community members versus other customers: do members buy more, more often, again?"""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

from tribu.business.lifetime_value import customer_value
from tribu.metrics._registry import register

__all__ = ["members_vs_non_members"]


@register("business")
def members_vs_non_members(
    customers: ir.Table,
    orders: ir.Table,
    *,
    margin: float = 1.0,
    rates: Mapping[str, float] | None = None,
) -> ir.Table:
    """Compare customers linked to a community member with the other customers.

    Definition: a customer is a member when ``customers.member_id`` is set (from a
    ``member-links`` file). For each group: ``customers``, ``buyers`` (≥ 1 order),
    ``repeat_share`` (share of buyers with ≥ 2 orders), ``orders_per_customer``,
    ``revenue_per_customer`` and ``clv`` (mean historical CLV, see
    :func:`~tribu.business.lifetime_value.customer_value`).

    Grain: one row per ``group`` (``members``, ``non-members``). Unit: counts, fractions,
    reporting currency.

    Parameters
    ----------
    customers, orders
        The canonical tables.
    margin
        Gross margin as a fraction.
    rates
        Currency rates into the reporting currency.

    Caveats: a comparison, not a cause: keen customers join communities as much as
    communities make keen customers. Only customers you linked count as members.

    Examples
    --------
    Members m1 (orders 50, 30) and m2 (no order); non-member n1 (order 20); margin 1.
    Members: customers 2, buyers 1, repeat_share 1.0, orders_per_customer 1.0,
    revenue_per_customer 40.0. Non-members: 1, 1, 0.0, 1.0, 20.0.
    """
    values = customer_value(customers, orders, margin=margin, rates=rates)
    values = values.mutate(
        group=ibis.ifelse(values.member_id.notnull(), "members", "non-members")
    )
    out = values.group_by("group").aggregate(
        customers=values.count(),
        buyers=(values.orders >= 1).cast("int64").sum(),
        repeat_buyers=(values.orders >= 2).cast("int64").sum(),
        orders_per_customer=values.orders.mean(),
        revenue_per_customer=values.revenue.mean(),
        clv=values.clv_historical.mean(),
    )
    return out.select(
        "group",
        "customers",
        "buyers",
        repeat_share=ibis.ifelse(
            out.buyers > 0, out.repeat_buyers / out.buyers, ibis.null()
        ),
        orders_per_customer=out.orders_per_customer,
        revenue_per_customer=out.revenue_per_customer,
        clv=out.clv,
    ).order_by("group")
