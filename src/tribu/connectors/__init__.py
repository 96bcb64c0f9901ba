"""Connectors: one module per export format, each turning files into canonical records.

A connector module has:

- ``name``: the platform it reads (``"discord"``), also the ``--platform`` value;
- ``detect(path) -> bool``: a cheap sniff of a file or folder (reads at most a few kilobytes);
- ``read(path) -> Iterator[Record]``: streams :mod:`tribu.connectors._records` records,
  yielding :class:`~tribu.connectors._records.Quarantined` for what it cannot read and raising
  :class:`~tribu.errors.InputError` only when the whole file is unusable.

Built-ins are listed once, in :data:`CONNECTOR_MODULES`.
"""

from __future__ import annotations

__all__ = ["CONNECTOR_MODULES"]

CONNECTOR_MODULES = (
    "tribu.connectors.discord",
    "tribu.connectors.slack",
    "tribu.connectors.telegram",
    "tribu.connectors.whatsapp",
    "tribu.connectors.messenger",
    "tribu.connectors.discourse",
    "tribu.connectors.reddit",
    "tribu.connectors.generic",
)
