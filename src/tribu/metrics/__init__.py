"""Community measures: pure Ibis expressions over the canonical tables.

Importing this package registers every measure in :data:`MEASURES`.
"""

from tribu.metrics._registry import MEASURES, Measure, compute, measure, register

__all__ = ["MEASURES", "Measure", "compute", "measure", "register"]
