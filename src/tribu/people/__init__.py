"""The people layer: one person behind the members of several communities.

``tribu.people.engine`` suggests which members are one person (evidence, confidence,
vetoes), ``tribu.people.store`` merges, rejects and undoes in the warehouse with the history
of decisions, ``tribu.people.synthetic`` writes the labelled set the engine is measured on.
See ``docs/people.md``.
"""

from __future__ import annotations

__all__: list[str] = []
