"""Predictive CLV: BG/NBD for how many more orders, Gamma–Gamma for how much each.

Library choice. Candidates on PyPI were weighed (checked in November 2026):

- ``lifetimes`` 0.11.3 (MIT, Cam Davidson-Pilon): the reference implementation of BG/NBD
  (Fader, Hardie & Lee 2005) and Gamma–Gamma (Fader, Hardie & Lee 2005b), maximum-likelihood
  fits with scipy. The repository was archived in 2020, but the code is small, pure Python on
  numpy/scipy/pandas/autograd, and it imports and fits cleanly with pandas 2.3, numpy 2.4
  and scipy 1.17 (checked on the CDNOW data it ships). Fits take seconds.
- ``btyd`` 0.1a1: the community successor, still alpha, and it pins ``pymc < 5`` and
  ``autograd == 1.4``, which would downgrade shared dependencies.
- ``pymc-marketing`` 0.19: maintained, Bayesian, but it pulls pymc, pytensor (a C compiler at
  run time), arviz and xarray, and a sampled fit on a million customers takes minutes.

tribu uses ``lifetimes`` and keeps every call to it in this module, so swapping it for another
implementation touches one file. This is the one place where a measure does not stay in Ibis:
the fit is a numerical optimisation in Python. It reads the small per-customer summary that
:func:`clv_summary` computes in Ibis (on DuckDB or Spark) and fits on a random sample of at
most ``fit_sample`` customers (population parameters barely move beyond tens of thousands),
then scores every customer with vectorised formulas.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from tribu.business._time import as_of_value
from tribu.business.money import in_reporting_currency
from tribu.metrics._registry import register

__all__ = ["PredictiveCLV", "clv_summary", "predictive_clv"]

_DAY = 86_400


@register("business")
def clv_summary(
    orders: ir.Table,
    *,
    as_of: datetime | None = None,
    rates: Mapping[str, float] | None = None,
    period_days: int = 1,
) -> ir.Table:
    """Per-customer purchase history in the shape BG/NBD and Gamma–Gamma expect.

    Definition (periods of ``period_days`` UTC days, counted from 1970-01-01): orders are
    grouped into purchase periods; ``frequency`` = purchase periods − 1 (repeat purchases);
    ``recency`` = periods from the first to the last purchase period; ``T`` = periods from
    the first purchase period to the one holding ``as_of``; ``monetary_value`` = mean amount
    of the repeat purchase periods (0 when there is none); ``revenue`` = total amount.

    Grain: one row per ``customer_id`` with an order up to ``as_of``. Unit: days, reporting
    currency.

    Parameters
    ----------
    orders
        The ``orders`` table.
    as_of
        The date the data stops; default the latest order.
    rates
        Currency rates into the reporting currency.
    period_days
        Length of a period in days: 1 (the default) for days, 7 for weeks. Weeks are what
        ``tribu business`` uses: coarser, and much faster to score on millions of customers.

    Caveats: the first purchase is left out of ``monetary_value``, as the Gamma–Gamma model
    requires.

    Examples
    --------
    As of 2026-01-31: orders of 30 on 01-01, 20 and 10 on 01-11, 40 on 01-21. Purchase days
    01-01 (30), 01-11 (30), 01-21 (40): frequency 2, recency 20, T 30, monetary_value 35.0,
    revenue 100.
    """
    limit = as_of_value(as_of, orders.ts.max())
    kept = orders.filter(orders.ts <= limit)
    kept = kept.mutate(
        day=(kept.ts.epoch_seconds() / (_DAY * period_days)).floor(),
        money=in_reporting_currency(kept.amount, kept.currency, rates),
    )
    days = kept.group_by(["customer_id", "day"]).aggregate(money=kept.money.sum())
    joined = days.group_by("customer_id").aggregate(
        purchases=days.count(),
        first_day=days.day.min(),
        last_day=days.day.max(),
        revenue=days.money.sum(),
        first_money=days.money.argmin(days.day),
    )
    today = (limit.epoch_seconds() / (_DAY * period_days)).floor()
    frequency = joined.purchases - 1
    return joined.select(
        "customer_id",
        frequency=frequency,
        recency=joined.last_day - joined.first_day,
        T=today - joined.first_day,
        monetary_value=ibis.ifelse(
            frequency > 0, (joined.revenue - joined.first_money) / frequency, 0.0
        ),
        revenue=joined.revenue,
    )


@dataclass
class PredictiveCLV:
    """Predicted value of each customer over a horizon, and how the models were fitted."""

    customers: (
        pd.DataFrame
    )  # customer_id, p_alive, expected_orders, expected_basket, clv
    parameters: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    fitted: bool = False


def predictive_clv(
    summary: pd.DataFrame,
    *,
    horizon_months: int = 12,
    margin: float = 1.0,
    monthly_discount: float = 0.01,
    fit_sample: int = 50_000,
    min_repeat_buyers: int = 20,
    penalizer: float = 0.001,
    period_days: int = 1,
    seed: int = 0,
) -> PredictiveCLV:
    """Fit BG/NBD and Gamma–Gamma on ``summary`` (from :func:`clv_summary`) and score everyone.

    ``clv`` = margin × expected basket (Gamma–Gamma) × Σ over months m = 1..``horizon_months``
    of the orders BG/NBD expects in month m, discounted by ``(1 + monthly_discount)^m``
    (months of 30 days). This is the sum ``lifetimes``' ``customer_lifetime_value`` computes;
    tribu evaluates BG/NBD once per distinct (frequency, recency, T) instead of once per
    customer, which is what makes a million customers take seconds. ``period_days`` must
    be the one the summary was made with. When the data cannot support a fit (too few
    repeat buyers, or the optimiser does not converge) nothing is invented: ``fitted`` is
    False and ``notes`` says why.
    """
    result = PredictiveCLV(pd.DataFrame(columns=["customer_id", "clv"]))
    repeaters = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    if len(repeaters) < min_repeat_buyers:
        result.notes.append(
            f"Only {len(repeaters)} customers bought more than once; the models need at "
            f"least {min_repeat_buyers}."
        )
        return result
    rng = np.random.default_rng(seed)
    sample = summary
    if len(summary) > fit_sample:  # sorted first: engines return groups in any order
        summary = summary.sort_values("customer_id", kind="stable").reset_index(
            drop=True
        )
        sample = summary.iloc[rng.choice(len(summary), fit_sample, replace=False)]
        result.notes.append(f"Fitted on a random sample of {fit_sample:,} customers.")
    sample_repeaters = sample[
        (sample["frequency"] > 0) & (sample["monetary_value"] > 0)
    ]
    fitted = _fit(sample, sample_repeaters, penalizer, result.notes)
    if fitted is None:
        return result
    bgf, ggf = fitted
    corr = repeaters[["frequency", "monetary_value"]].corr().iloc[0, 1]
    if abs(corr) > 0.3:
        result.notes.append(
            f"Frequency and basket are correlated (r = {corr:.2f}); Gamma–Gamma assumes "
            "they are not, so read the CLV with care."
        )
    keys = ["frequency", "recency", "T"]
    histories = summary[keys].drop_duplicates().reset_index(drop=True)
    f, r, t = histories["frequency"], histories["recency"], histories["T"]
    per_month = 30.0 / period_days
    discounted = np.zeros(len(histories))
    previous = np.zeros(len(histories))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p_alive = np.asarray(
            bgf.conditional_probability_alive(f, r, t), dtype="float64"
        )
        for month in range(1, horizon_months + 1):
            expected = np.asarray(
                bgf.conditional_expected_number_of_purchases_up_to_time(
                    month * per_month, f, r, t
                ),
                dtype="float64",
            )
            discounted += (expected - previous) / (1 + monthly_discount) ** month
            previous = expected
        basket = np.asarray(
            ggf.conditional_expected_average_profit(
                summary["frequency"], summary["monetary_value"]
            ),
            dtype="float64",
        )
    histories = histories.assign(
        p_alive=p_alive, expected_orders=previous, discounted_orders=discounted
    )
    scored = summary[["customer_id", *keys]].merge(histories, on=keys, how="left")
    result.customers = pd.DataFrame(
        {
            "customer_id": scored["customer_id"].to_numpy(),
            "p_alive": scored["p_alive"].to_numpy(),
            "expected_orders": scored["expected_orders"].to_numpy(),
            "expected_basket": basket,
            "clv": scored["discounted_orders"].to_numpy() * basket * margin,
        }
    )
    result.parameters = {
        **{f"bgnbd_{k}": float(v) for k, v in bgf.params_.items()},
        **{f"gamma_gamma_{k}": float(v) for k, v in ggf.params_.items()},
    }
    result.fitted = True
    return result


def _fit(
    sample: pd.DataFrame, repeaters: pd.DataFrame, penalizer: float, notes: list[str]
) -> tuple[Any, Any] | None:
    """Fit both models, retrying with a stronger penalty when the optimiser does not converge.

    ``lifetimes`` prints the optimiser's state when it fails; that output is swallowed and the
    outcome is told in ``notes`` instead.
    """
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    error: Exception | None = None
    for strength in dict.fromkeys((penalizer, 0.01, 0.1)):
        bgf = BetaGeoFitter(penalizer_coef=strength)
        ggf = GammaGammaFitter(penalizer_coef=strength)
        try:
            with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
                warnings.simplefilter("ignore")
                bgf.fit(sample["frequency"], sample["recency"], sample["T"])
                ggf.fit(repeaters["frequency"], repeaters["monetary_value"])
        except (
            Exception
        ) as exc:  # lifetimes raises its own ConvergenceError, numpy errors
            error = exc
            continue
        if strength != penalizer:
            notes.append(f"The fit converged with a penalizer of {strength}.")
        return bgf, ggf
    reason = " ".join(str(error).split())
    notes.append(f"The model fit failed ({reason}); no predictive CLV.")
    return None
