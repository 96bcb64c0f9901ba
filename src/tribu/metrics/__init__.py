"""Community measures: pure Ibis expressions over the canonical tables.

Importing this package registers every community measure in :data:`MEASURES` (one module per
family: engagement, sentiment, campaigns, activity, roles, rituals). Build one with
:func:`compute` over the tables from :func:`tribu.warehouse.engines.ibis_tables`, or get the
whole community scorecard with :func:`tribu.metrics.scorecard.scorecard`.
"""

from tribu.metrics import (
    activity,
    campaigns,
    engagement,
    people,
    rituals,
    role_lists,
    roles,
    sentiment,
)
from tribu.metrics._registry import MEASURES, Measure, compute, measure, register

__all__ = [
    "MEASURES",
    "Measure",
    "activity",
    "campaigns",
    "compute",
    "engagement",
    "measure",
    "people",
    "register",
    "rituals",
    "role_lists",
    "roles",
    "sentiment",
]
