"""The ``[triage]`` section of ``tribu.toml``: thresholds, text cap, webhook.

::

    [triage]
    sentiment_threshold = 0.3     # below: to a human
    confidence_threshold = 0.3    # FAQ match confidence needed to answer
    max_text_chars = 4000         # longer messages are cut (and the decision says so)

    [triage.webhook]
    url = "https://example.org/tribu-hook"
    secret = "a long random string"
    max_attempts = 6              # first try included
    timeout_seconds = 5

Unknown keys and wrong types are a :class:`~tribu.errors.ConfigError` naming the file and key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from tribu.config import TribuConfig, load_config
from tribu.errors import ConfigError

__all__ = [
    "DEFAULT_CONFIDENCE_THRESHOLD",
    "DEFAULT_SENTIMENT_THRESHOLD",
    "TriageSettings",
    "WebhookSettings",
    "triage_settings",
]

DEFAULT_SENTIMENT_THRESHOLD = 0.3
DEFAULT_CONFIDENCE_THRESHOLD = 0.3


@dataclass(frozen=True)
class WebhookSettings:
    """Where handoff events are POSTed, and how hard to try."""

    url: str
    secret: str
    max_attempts: int = 6
    timeout_seconds: float = 5.0
    backoff_seconds: float = 1.0


@dataclass(frozen=True)
class TriageSettings:
    """The triage's settings (defaults when ``tribu.toml`` has no ``[triage]``)."""

    sentiment_threshold: float = DEFAULT_SENTIMENT_THRESHOLD
    confidence_threshold: float = DEFAULT_CONFIDENCE_THRESHOLD
    max_text_chars: int = 4000
    webhook: WebhookSettings | None = None


def _number(where: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"'{where}' must be a number; got {value!r}.")
    if not low <= value <= high:
        raise ConfigError(f"'{where}' must be between {low} and {high}; got {value!r}.")
    return float(value)


def _keys(where: str, table: Any, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise ConfigError(f"'{where}' must be a table ([{where}]); got {table!r}.")
    for key in table:
        if key not in allowed:
            raise ConfigError(
                f"unknown key '{where}.{key}'. Known keys: {', '.join(sorted(allowed))}."
            )
    return table


def _webhook(table: Any) -> WebhookSettings:
    table = _keys(
        "triage.webhook",
        table,
        {"url", "secret", "max_attempts", "timeout_seconds", "backoff_seconds"},
    )
    url, secret = table.get("url"), table.get("secret")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ConfigError(f"'triage.webhook.url' must be an http(s) URL; got {url!r}.")
    if not isinstance(secret, str) or len(secret) < 16:
        raise ConfigError(
            "'triage.webhook.secret' must be a string of at least 16 characters "
            "(the receiver checks signatures with it)."
        )
    return WebhookSettings(
        url=url,
        secret=secret,
        max_attempts=int(
            _number("triage.webhook.max_attempts", table.get("max_attempts", 6), 1, 50)
        ),
        timeout_seconds=_number(
            "triage.webhook.timeout_seconds", table.get("timeout_seconds", 5), 0.1, 120
        ),
        backoff_seconds=_number(
            "triage.webhook.backoff_seconds", table.get("backoff_seconds", 1), 0, 3600
        ),
    )


def triage_settings(
    config: TribuConfig | str | os.PathLike[str] | None = None,
) -> TriageSettings:
    """Read ``[triage]`` from a loaded config, a ``tribu.toml`` path, or the default file."""
    loaded = config if isinstance(config, TribuConfig) else load_config(config)
    where = f"{loaded.path}: " if loaded.path else ""
    try:
        table = _keys(
            "triage",
            loaded.raw.get("triage", {}),
            {
                "sentiment_threshold",
                "confidence_threshold",
                "max_text_chars",
                "webhook",
            },
        )
        hook = table.get("webhook")
        return TriageSettings(
            sentiment_threshold=_number(
                "triage.sentiment_threshold",
                table.get("sentiment_threshold", DEFAULT_SENTIMENT_THRESHOLD),
                0,
                1,
            ),
            confidence_threshold=_number(
                "triage.confidence_threshold",
                table.get("confidence_threshold", DEFAULT_CONFIDENCE_THRESHOLD),
                0,
                1,
            ),
            max_text_chars=int(
                _number(
                    "triage.max_text_chars",
                    table.get("max_text_chars", 4000),
                    20,
                    100_000,
                )
            ),
            webhook=None if hook is None else _webhook(hook),
        )
    except ConfigError as exc:
        raise ConfigError(f"{where}{exc}") from None
