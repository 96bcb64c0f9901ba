"""The registry of measures: every measure tribu computes, by name.

A measure is a pure function from canonical Ibis tables to an Ibis table. Its positional
parameters are named after the canonical tables it reads (``messages``, ``members``,
``reactions``, ``member_events``, ``enrichment``, ``campaigns``, ...); its keyword-only
parameters are its settings, with defaults. The CLI, the report, the web API and the
documentation test all go through this registry, so a measure registered here is reachable
everywhere and must be documented in ``docs/metrics.md``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import ibis.expr.types as ir

__all__ = ["MEASURES", "Measure", "compute", "measure", "register"]


@dataclass(frozen=True)
class Measure:
    """A named measure and the function that builds it."""

    name: str
    family: str
    function: Callable[..., ir.Table]

    @property
    def tables(self) -> tuple[str, ...]:
        """The canonical tables the measure reads, in order."""
        return tuple(
            p.name
            for p in inspect.signature(self.function).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        )

    @property
    def settings(self) -> dict[str, Any]:
        """The measure's keyword-only settings and their defaults."""
        return {
            p.name: p.default
            for p in inspect.signature(self.function).parameters.values()
            if p.kind is p.KEYWORD_ONLY
        }

    @property
    def summary(self) -> str:
        """First line of the docstring."""
        return (inspect.getdoc(self.function) or "").split("\n", 1)[0]


MEASURES: dict[str, Measure] = {}


def register(
    family: str,
) -> Callable[[Callable[..., ir.Table]], Callable[..., ir.Table]]:
    """Decorator adding a measure function to :data:`MEASURES` under its own name."""

    def add(function: Callable[..., ir.Table]) -> Callable[..., ir.Table]:
        MEASURES[function.__name__] = Measure(function.__name__, family, function)
        return function

    return add


def measure(name: str) -> Measure:
    """Look up a measure by name, with a helpful error."""
    try:
        return MEASURES[name]
    except KeyError:
        known = ", ".join(sorted(MEASURES))
        raise KeyError(f"No measure named {name!r}. Known measures: {known}.") from None


def compute(name: str, tables: Mapping[str, ir.Table], **settings: Any) -> ir.Table:
    """Build measure ``name`` over ``tables`` (canonical name -> Ibis table)."""
    m = measure(name)
    return m.function(*(tables[t] for t in m.tables), **settings)
