"""CAC: what it cost to acquire a customer, per acquisition channel and month."""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

from tribu.business.money import in_reporting_currency
from tribu.metrics._registry import register

__all__ = ["cac_by_channel", "cac_by_channel_month"]


def _acquisitions(customers: ir.Table, rates: Mapping[str, float] | None) -> ir.Table:
    return customers.mutate(
        channel=customers.channel.fill_null("unknown"),
        cost=in_reporting_currency(
            customers.acquisition_cost, customers.currency, rates
        ),
    )


@register("business")
def cac_by_channel_month(
    customers: ir.Table, *, rates: Mapping[str, float] | None = None
) -> ir.Table:
    """Customer acquisition cost (CAC) per acquisition channel and calendar month.

    Definition: CAC = acquisition spend / new customers, where the spend is the sum of
    ``customers.acquisition_cost`` (converted to the reporting currency) and the new
    customers are those whose ``acquired_at`` falls in the month. Customers whose cost is
    blank are unknown, not free: they count in ``new_customers`` but not in the division,
    which uses ``customers_with_cost``.

    Grain: one row per (``month``, ``channel``); a blank channel is ``unknown``.
    Unit: reporting currency per customer.

    Parameters
    ----------
    customers
        The ``customers`` table.
    rates
        Currency rates into the reporting currency (see :mod:`tribu.business.money`).

    Caveats: organic channels usually carry a cost of 0, so their CAC is 0 by construction;
    spend you cannot split per customer should be spread over the customers it brought.

    Examples
    --------
    Three customers in January 2026: two from ``instagram`` costing 10 and 20, one from
    ``organic`` costing 0. Instagram: spend 30 / 2 customers = CAC 15.0; organic: 0 / 1 = 0.0.
    """
    rows = _acquisitions(customers, rates)
    rows = rows.mutate(month=rows.acquired_at.truncate("M").date())
    out = rows.group_by(["month", "channel"]).aggregate(
        new_customers=rows.count(),
        customers_with_cost=rows.cost.count(),
        spend=rows.cost.sum(),
    )
    return out.mutate(
        cac=ibis.ifelse(
            out.customers_with_cost > 0,
            out.spend / out.customers_with_cost,
            ibis.null(),
        )
    ).order_by(["month", "channel"])


@register("business")
def cac_by_channel(
    customers: ir.Table, *, rates: Mapping[str, float] | None = None
) -> ir.Table:
    """Customer acquisition cost (CAC) per acquisition channel, over all time.

    Definition: as :func:`cac_by_channel_month`, without the month: sum of acquisition
    costs / customers with a known cost. Grain: one row per ``channel``. Unit: reporting
    currency per customer.

    Parameters
    ----------
    customers
        The ``customers`` table.
    rates
        Currency rates into the reporting currency.

    Examples
    --------
    Instagram customers costing 10, 20 and one blank: spend 30, ``new_customers`` 3,
    ``customers_with_cost`` 2, CAC 15.0.
    """
    rows = _acquisitions(customers, rates)
    out = rows.group_by("channel").aggregate(
        new_customers=rows.count(),
        customers_with_cost=rows.cost.count(),
        spend=rows.cost.sum(),
    )
    return out.mutate(
        cac=ibis.ifelse(
            out.customers_with_cost > 0,
            out.spend / out.customers_with_cost,
            ibis.null(),
        )
    ).order_by("channel")
