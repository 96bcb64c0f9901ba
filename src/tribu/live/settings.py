"""The ``[live]`` section of ``tribu.toml`` and the receivers' secrets (from the environment).

.. code-block:: toml

    [live]
    keep_names = false      # the warehouse was filled with --keep-names
    worker = true           # tribu serve applies queued events itself
    interval = 0.5          # seconds between two rounds of the worker
    alerts_every = 0        # seconds between two evaluations of the alert rules (0: off)

Secrets never go in ``tribu.toml`` (it is often committed): each receiver reads its own from
the environment of ``tribu serve``, and answers ``404`` (off) while it is not set:

- ``TRIBU_SLACK_SIGNING_SECRET`` — the Slack app's *Signing Secret*;
- ``TRIBU_TELEGRAM_SECRET_TOKEN`` — the ``secret_token`` given to Telegram's ``setWebhook``;
- ``TRIBU_HOOK_SECRET`` — the key of the generic signed webhook.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from tribu.config import TribuConfig, load_config
from tribu.errors import ConfigError

__all__ = ["SECRET_ENV", "LiveSettings", "live_settings"]

SECRET_ENV = {
    "slack": "TRIBU_SLACK_SIGNING_SECRET",
    "telegram": "TRIBU_TELEGRAM_SECRET_TOKEN",
    "generic": "TRIBU_HOOK_SECRET",
}


@dataclass(frozen=True)
class LiveSettings:
    """What the receivers and the worker need."""

    secrets: Mapping[str, str]
    keep_names: bool = False
    worker: bool = True
    interval: float = 0.5
    alerts_every: float = 0.0


def live_settings(
    config: TribuConfig | None = None, env: Mapping[str, str] | None = None
) -> LiveSettings:
    """Read ``[live]`` (strictly: an unknown key is a ConfigError) and the secrets."""
    loaded = config if config is not None else load_config(None)
    table = loaded.raw.get("live", {})
    where = f"{loaded.path}: " if loaded.path else ""
    if not isinstance(table, dict):
        raise ConfigError(f"{where}[live] must be a table.")
    unknown = set(table) - {"keep_names", "worker", "interval", "alerts_every"}
    if unknown:
        raise ConfigError(
            f"{where}[live] has unknown keys: {', '.join(sorted(unknown))}."
        )
    for key in ("keep_names", "worker"):
        if key in table and not isinstance(table[key], bool):
            raise ConfigError(f"{where}live.{key} must be true or false.")
    interval = table.get("interval", 0.5)
    if (
        isinstance(interval, bool)
        or not isinstance(interval, int | float)
        or not 0.05 <= interval <= 60
    ):
        raise ConfigError(
            f"{where}live.interval must be a number of seconds in [0.05, 60]."
        )
    every = table.get("alerts_every", 0)
    if isinstance(every, bool) or not isinstance(every, int | float) or every < 0:
        raise ConfigError(f"{where}live.alerts_every must be a number of seconds ≥ 0.")
    source = os.environ if env is None else env
    secrets = {name: source[var] for name, var in SECRET_ENV.items() if source.get(var)}
    return LiveSettings(
        secrets,
        keep_names=bool(table.get("keep_names", False)),
        worker=bool(table.get("worker", True)),
        interval=float(interval),
        alerts_every=float(every),
    )
