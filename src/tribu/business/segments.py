"""Behavioural segments: recency, frequency and monetary value (RFM) clustered into personae.

The RFM table is an Ibis measure (:func:`customer_rfm`). The clustering runs in Python on that
table, with scikit-learn's :class:`~sklearn.cluster.KMeans` (a seeded, well-kept
implementation; k-means on standardised log features is the textbook way to segment RFM data,
whose raw values are heavily skewed). Personae are then named from the cluster centroids, so the
names follow the data rather than a fixed threshold:

- **Fidèles**: recent and frequent buyers.
- **Gros paniers**: the highest average basket.
- **Nouveaux**: recent first purchases, short tenure, one or few orders.
- **À réactiver**: bought several times, but not lately.
- **Perdus**: one or few orders, long ago.

Each centroid (in standard units of log recency, log frequency, log basket and log tenure)
gets a score for each persona, and the Hungarian algorithm
(:func:`scipy.optimize.linear_sum_assignment`) gives each cluster a different persona with
the highest total score. With fewer than five clusters the least fitting names are unused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from tribu.business._time import as_of_value
from tribu.business.money import in_reporting_currency
from tribu.metrics._registry import register

__all__ = ["PERSONAE", "Segments", "behavioural_segments", "customer_rfm"]

_DAY = 86_400
_FEATURES = ("recency_days", "frequency", "basket", "tenure_days")

# persona -> weights on the standardised (log) features, in _FEATURES order.
PERSONAE: dict[str, tuple[float, float, float, float]] = {
    "Fidèles": (-1.0, 2.0, 0.0, 0.5),
    "Gros paniers": (0.0, 0.0, 3.0, 0.0),
    "Nouveaux": (-1.0, -0.5, 0.0, -2.0),
    "À réactiver": (1.0, 1.0, 0.0, 0.5),
    "Perdus": (2.0, -1.0, 0.0, 0.5),
}


@register("business")
def customer_rfm(
    orders: ir.Table,
    *,
    as_of: datetime | None = None,
    rates: Mapping[str, float] | None = None,
) -> ir.Table:
    """Recency, frequency and monetary value of each customer who ordered.

    Definition: ``recency_days`` = days from the last order to ``as_of``; ``frequency`` =
    number of orders; ``revenue`` = their total; ``basket`` = revenue / frequency (the
    monetary value); ``tenure_days`` = days from the first order to ``as_of``. Orders after
    ``as_of`` are ignored.

    Grain: one row per ``customer_id`` with at least one order. Unit: days, orders,
    reporting currency.

    Parameters
    ----------
    orders
        The ``orders`` table.
    as_of
        The date the data stops; default the latest order.
    rates
        Currency rates into the reporting currency.

    Examples
    --------
    As of 2026-03-31, a customer who ordered 40 on 2026-01-01 and 60 on 2026-03-01:
    recency 30 days, frequency 2, revenue 100, basket 50, tenure 89 days.
    """
    limit = as_of_value(as_of, orders.ts.max())
    kept = orders.filter(orders.ts <= limit)
    kept = kept.mutate(
        s=kept.ts.epoch_seconds(),
        money=in_reporting_currency(kept.amount, kept.currency, rates),
    )
    out = kept.group_by("customer_id").aggregate(
        first_s=kept.s.min(),
        last_s=kept.s.max(),
        frequency=kept.count(),
        revenue=kept.money.sum(),
    )
    limit_s = limit.epoch_seconds()
    return out.select(
        "customer_id",
        recency_days=(limit_s - out.last_s) / _DAY,
        frequency=out.frequency,
        revenue=out.revenue,
        basket=out.revenue / out.frequency,
        tenure_days=(limit_s - out.first_s) / _DAY,
    )


@dataclass(frozen=True)
class Segments:
    """Personae found in an RFM table: who is in which, and a summary of each."""

    customers: pd.DataFrame  # customer_id, persona
    summary: pd.DataFrame  # persona, customers, share, revenue, revenue_share, means...
    centroids: pd.DataFrame  # persona x features, in the features' own units


def behavioural_segments(
    rfm: pd.DataFrame,
    *,
    n_segments: int = 5,
    seed: int = 0,
    fit_sample: int = 200_000,
) -> Segments:
    """Cluster an RFM table (from :func:`customer_rfm`) into named personae.

    Features: log1p of recency, frequency, basket and tenure, standardised. KMeans with
    ``n_init=4`` and ``random_state=seed`` is fitted on at most ``fit_sample`` customers
    (drawn with the same seed) and every customer is assigned to the nearest centroid.
    """
    if rfm.empty:
        empty = pd.DataFrame(columns=["persona", "customers", "share", "revenue"])
        return Segments(pd.DataFrame(columns=["customer_id", "persona"]), empty, empty)
    features = np.log1p(rfm[list(_FEATURES)].astype("float64").clip(lower=0).to_numpy())
    mean, std = features.mean(axis=0), features.std(axis=0)
    std[std == 0] = 1.0
    scaled = (features - mean) / std
    distinct = len(np.unique(scaled.round(9), axis=0))
    k = max(1, min(n_segments, len(PERSONAE), distinct))
    rng = np.random.default_rng(seed)
    sample = scaled
    if len(scaled) > fit_sample:
        sample = scaled[rng.choice(len(scaled), fit_sample, replace=False)]
    from sklearn.cluster import KMeans  # here, not at import: ~0.2 s

    model = KMeans(n_clusters=k, n_init=4, random_state=seed).fit(sample)
    labels = model.predict(scaled)
    names = _persona_names(model.cluster_centers_)
    persona = pd.Series(np.asarray(names, dtype=object)[labels], index=rfm.index)
    assigned = pd.DataFrame({"customer_id": rfm["customer_id"], "persona": persona})
    frame = rfm.assign(persona=persona)
    summary = frame.groupby("persona", sort=False).agg(
        customers=("customer_id", "size"),
        revenue=("revenue", "sum"),
        recency_days=("recency_days", "mean"),
        frequency=("frequency", "mean"),
        basket=("basket", "mean"),
        tenure_days=("tenure_days", "mean"),
    )
    summary.insert(1, "share", summary["customers"] / len(frame))
    total = float(frame["revenue"].sum())
    summary.insert(3, "revenue_share", summary["revenue"] / total if total else np.nan)
    summary = summary.sort_values("revenue", ascending=False).reset_index()
    centroids = pd.DataFrame(
        np.expm1(model.cluster_centers_ * std + mean), columns=list(_FEATURES)
    )
    centroids.insert(0, "persona", names)
    return Segments(assigned, summary, centroids)


def _persona_names(centers: np.ndarray) -> list[str]:
    """Give each centroid a different persona, maximising the total fit score."""
    names = list(PERSONAE)
    weights = np.array([PERSONAE[name] for name in names])  # personae x features
    scores = centers @ weights.T  # clusters x personae
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(-scores)
    chosen = dict(zip(rows.tolist(), cols.tolist(), strict=True))
    return [names[chosen[i]] for i in range(len(centers))]
