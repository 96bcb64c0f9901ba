"""Read ``tribu.toml``: brand accounts per community, campaigns, and other settings.

The file is found from an explicit path (``--config PATH``), else the ``TRIBU_CONFIG``
environment variable, else ``./tribu.toml`` when it exists; with none of these, the settings are
empty. The format is documented in ``docs/configuration.md``.

Only the sections tribu's ingest reads (``[[communities]]`` and ``[[campaigns]]``) are checked
here, strictly: an unknown key or a value of the wrong type is a :class:`~tribu.errors.ConfigError`
naming the file and the key. Other top-level sections are kept untouched in
:attr:`TribuConfig.raw` for the parts of tribu that own them.

We read TOML with the standard library's :mod:`tomllib` (Python 3.11+): no extra dependency.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tribu.errors import ConfigError

__all__ = [
    "CONFIG_ENV",
    "CampaignConfig",
    "CommunityConfig",
    "DEFAULT_CONFIG",
    "TribuConfig",
    "load_config",
    "resolve_config_path",
    "time_zone",
]

CONFIG_ENV = "TRIBU_CONFIG"
DEFAULT_CONFIG = "tribu.toml"
OBJECTIVES = ("reach", "conversion")


def time_zone(name: str) -> ZoneInfo:
    """The IANA time zone called ``name``, or a one-line ConfigError saying what is expected."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"The time zone must be an IANA name such as 'Europe/Paris' or 'UTC'. "
            f"Got {name!r} instead."
        ) from exc


@dataclass(frozen=True)
class CommunityConfig:
    """Settings of the communities a ``match`` selects (by name or ``community_id``)."""

    match: str
    brand_accounts: tuple[str, ...] = ()


@dataclass(frozen=True)
class CampaignConfig:
    """A marketing campaign, upserted into the ``campaigns`` table at ingest.

    ``starts`` and ``ends`` are UTC datetimes; a bare date as ``ends`` means the end of that
    day (23:59:59.999999 UTC), so a campaign "ending on the 21st" covers the 21st.
    ``activation_messages`` are platform message keys, turned into canonical message ids
    through the campaign's community at ingest.
    """

    campaign_id: str
    name: str
    starts: datetime
    ends: datetime
    objective: str | None = None
    community: str | None = None
    spend: float | None = None
    currency: str | None = None
    keywords: tuple[str, ...] = ()
    activation_messages: tuple[str, ...] = ()


@dataclass(frozen=True)
class TribuConfig:
    """Everything read from ``tribu.toml`` (empty when there is no file)."""

    path: Path | None = None
    communities: tuple[CommunityConfig, ...] = ()
    campaigns: tuple[CampaignConfig, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict)

    def brand_accounts(self, community_id: str, name: str | None) -> frozenset[str]:
        """Brand account keys or display names listed for a community, matched by id or name."""
        found: set[str] = set()
        for entry in self.communities:
            if entry.match in (community_id, name):
                found.update(entry.brand_accounts)
        return frozenset(found)


def resolve_config_path(path: str | os.PathLike[str] | None = None) -> Path | None:
    """Return the config path: ``path``, else ``$TRIBU_CONFIG``, else ``./tribu.toml`` if present.

    An explicit path or environment value that does not exist is an error; a missing
    ``./tribu.toml`` is not (the settings are then empty).
    """
    if path is not None:
        chosen = Path(path)
    elif os.environ.get(CONFIG_ENV):
        chosen = Path(os.environ[CONFIG_ENV])
    elif Path(DEFAULT_CONFIG).is_file():
        return Path(DEFAULT_CONFIG)
    else:
        return None
    if not chosen.is_file():
        raise ConfigError(
            f"{chosen}: no such config file. Pass an existing tribu.toml with --config "
            f"or unset {CONFIG_ENV}."
        )
    return chosen


def load_config(path: str | os.PathLike[str] | None = None) -> TribuConfig:
    """Read and check ``tribu.toml`` (see :func:`resolve_config_path` for where it is found).

    Raises
    ------
    ConfigError
        When the file is missing (given explicitly), is not TOML, or a key is unknown or of
        the wrong type; the message names the file and the key.
    """
    found = resolve_config_path(path)
    if found is None:
        return TribuConfig()
    try:
        data = tomllib.loads(found.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{found}: not valid TOML ({exc}).") from exc
    communities = tuple(
        _community(found, i, item)
        for i, item in enumerate(_table_list(found, data, "communities"))
    )
    campaigns = tuple(
        _campaign(found, i, item)
        for i, item in enumerate(_table_list(found, data, "campaigns"))
    )
    seen: set[str] = set()
    for i, campaign in enumerate(campaigns):
        if campaign.campaign_id in seen:
            raise ConfigError(
                f"{found}: campaigns[{i}].campaign_id {campaign.campaign_id!r} is used "
                "twice; give each campaign its own id."
            )
        seen.add(campaign.campaign_id)
    return TribuConfig(
        path=found, communities=communities, campaigns=campaigns, raw=data
    )


def _table_list(path: Path, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(
            f"{path}: '{key}' must be an array of tables ([[{key}]]); "
            f"got {type(value).__name__}."
        )
    return value


def _check_keys(
    path: Path, where: str, item: dict[str, Any], allowed: set[str], required: set[str]
) -> None:
    for key in item:
        if key not in allowed:
            raise ConfigError(
                f"{path}: unknown key '{where}.{key}'. Known keys: "
                f"{', '.join(sorted(allowed))}."
            )
    for key in sorted(required):
        if key not in item:
            raise ConfigError(f"{path}: '{where}' needs the key '{key}'.")


def _string(path: Path, where: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(
            f"{path}: '{where}' must be a non-empty string; got {value!r}."
        )
    return value


def _strings(path: Path, where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ConfigError(
            f"{path}: '{where}' must be a list of strings; got {value!r}."
        )
    # Platform ids are often written as numbers; accept them as their decimal text.
    out = []
    for i, item in enumerate(value):
        if isinstance(item, bool) or not isinstance(item, str | int):
            raise ConfigError(f"{path}: '{where}[{i}]' must be a string; got {item!r}.")
        out.append(str(item))
    return tuple(out)


def _community(path: Path, index: int, item: dict[str, Any]) -> CommunityConfig:
    where = f"communities[{index}]"
    _check_keys(path, where, item, {"match", "brand_accounts"}, {"match"})
    return CommunityConfig(
        match=_string(path, f"{where}.match", item["match"]),
        brand_accounts=_strings(
            path, f"{where}.brand_accounts", item.get("brand_accounts", [])
        ),
    )


def _moment(path: Path, where: str, value: Any, *, end_of_day: bool) -> datetime:
    if isinstance(value, str):
        try:
            value = (
                date.fromisoformat(value)
                if len(value) == 10
                else datetime.fromisoformat(value)
            )
        except ValueError:
            raise ConfigError(
                f"{path}: '{where}' must be a date like 2026-03-01 or an ISO datetime; "
                f"got {value!r}."
            ) from None
    if isinstance(value, datetime):
        return (
            value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        )
    if isinstance(value, date):
        start = datetime.combine(value, time(), tzinfo=UTC)
        return start + timedelta(days=1, microseconds=-1) if end_of_day else start
    raise ConfigError(f"{path}: '{where}' must be a date; got {value!r}.")


def _campaign(path: Path, index: int, item: dict[str, Any]) -> CampaignConfig:
    where = f"campaigns[{index}]"
    allowed = {
        "campaign_id",
        "name",
        "objective",
        "community",
        "starts",
        "ends",
        "spend",
        "currency",
        "keywords",
        "activation_messages",
    }
    _check_keys(path, where, item, allowed, {"campaign_id", "name", "starts", "ends"})
    starts = _moment(path, f"{where}.starts", item["starts"], end_of_day=False)
    ends = _moment(path, f"{where}.ends", item["ends"], end_of_day=True)
    if ends < starts:
        raise ConfigError(f"{path}: '{where}.ends' comes before '{where}.starts'.")
    objective = item.get("objective")
    if objective is not None and objective not in OBJECTIVES:
        raise ConfigError(
            f"{path}: '{where}.objective' must be one of {', '.join(OBJECTIVES)}; "
            f"got {objective!r}."
        )
    spend = item.get("spend")
    if spend is not None and (
        isinstance(spend, bool) or not isinstance(spend, int | float) or spend < 0
    ):
        raise ConfigError(
            f"{path}: '{where}.spend' must be a number ≥ 0; got {spend!r}."
        )
    community = item.get("community")
    currency = item.get("currency")
    return CampaignConfig(
        campaign_id=_string(path, f"{where}.campaign_id", item["campaign_id"]),
        name=_string(path, f"{where}.name", item["name"]),
        starts=starts,
        ends=ends,
        objective=objective,
        community=None
        if community is None
        else _string(path, f"{where}.community", community),
        spend=None if spend is None else float(spend),
        currency=None
        if currency is None
        else _string(path, f"{where}.currency", currency),
        keywords=_strings(path, f"{where}.keywords", item.get("keywords", [])),
        activation_messages=_strings(
            path, f"{where}.activation_messages", item.get("activation_messages", [])
        ),
    )
