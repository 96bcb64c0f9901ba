"""90-day repurchase rate by first-order cohort, with customers too young left out (censored)."""

from __future__ import annotations

from datetime import datetime

import ibis
import ibis.expr.types as ir

from tribu.business._time import as_of_value
from tribu.metrics._registry import register

__all__ = ["repurchase_rate_by_cohort"]

_DAY = 86_400


@register("business")
def repurchase_rate_by_cohort(
    orders: ir.Table, *, window_days: int = 90, as_of: datetime | None = None
) -> ir.Table:
    """Share of customers who ordered again within ``window_days`` of their first order.

    Definition: for each customer, the first order is their earliest ``orders.ts`` and the
    second their next order strictly later. Eligible customers are those whose first order
    is at least ``window_days`` before ``as_of``; the others are censored (too young to be
    judged) and counted apart, never as non-repeaters. ``rate = repurchased / eligible``,
    where repurchased = eligible customers whose second order came within ``window_days``
    (inclusive) of the first. Orders after ``as_of`` are ignored.

    Grain: one row per first-order cohort ``month``. Unit: ``rate`` is a fraction 0–1.

    Parameters
    ----------
    orders
        The ``orders`` table.
    window_days
        The repurchase window, in days (90).
    as_of
        The date the data stops; default the latest order.

    Caveats: two orders the same second count as one purchase; the last
    ``window_days`` of cohorts are partly or wholly censored.

    Examples
    --------
    As of 2026-06-30 with a 90-day window, January 2026 cohort: A first 01-05, again 02-01
    (27 days: repurchased); B first 01-10, again 05-01 (111 days: not within 90); C first
    01-20, never again. Eligible 3, repurchased 1, rate 1/3. D first ordered 2026-05-01
    (60 days before as-of): censored in the May cohort, eligible 0, rate empty.
    """
    limit = as_of_value(as_of, orders.ts.max())
    limit_s = limit.epoch_seconds()
    kept = orders.filter(orders.ts <= limit)
    stamped = kept.select(
        customer_id=kept.customer_id, ts=kept.ts, s=kept.ts.epoch_seconds()
    )
    firsts = stamped.group_by("customer_id").aggregate(
        first_ts=stamped.ts.min(), first_s=stamped.s.min()
    )
    later = stamped.join(firsts, "customer_id").filter(lambda t: t.s > t.first_s)
    seconds = later.group_by("customer_id").aggregate(second_s=later.s.min())
    people = firsts.left_join(
        seconds, firsts.customer_id == seconds.customer_id
    ).select(firsts.customer_id, firsts.first_ts, firsts.first_s, seconds.second_s)
    window = window_days * _DAY
    people = people.mutate(
        month=people.first_ts.truncate("M").date(),
        eligible=(limit_s - people.first_s) >= window,
    )
    people = people.mutate(
        repurchased=people.eligible
        & people.second_s.notnull()
        & ((people.second_s - people.first_s) <= window)
    )
    out = people.group_by("month").aggregate(
        customers=people.count(),
        eligible=people.eligible.cast("int64").sum(),
        repurchased=people.repurchased.cast("int64").sum(),
    )
    return out.mutate(
        censored=out.customers - out.eligible,
        rate=ibis.ifelse(out.eligible > 0, out.repurchased / out.eligible, ibis.null()),
    ).order_by("month")
