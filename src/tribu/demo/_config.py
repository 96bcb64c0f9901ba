"""Write the demo's ``tribu.toml``: its communities' brand accounts and its three campaigns.

The standard library reads TOML (``tomllib``) but does not write it; the file is small and
flat, so it is written here by hand, every string quoted as a JSON string (a valid TOML basic
string), and a test reads it back with ``tomllib``.
"""

from __future__ import annotations

import json
from pathlib import Path

from tribu.demo._model import CAMPAIGNS
from tribu.demo._population import BRAND_NAMES

__all__ = ["write_config"]


def _quote(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _strings(values: list[str] | tuple[str, ...]) -> str:
    return "[" + ", ".join(_quote(v) for v in values) + "]"


def write_config(
    path: Path, communities: list[str], activations: dict[str, list[str]]
) -> Path:
    """Write `path`: one ``[[communities]]`` per community name, one ``[[campaigns]]`` each.

    `activations` maps a campaign id to the platform keys of its activation posts.
    """
    lines = [
        "# tribu settings of the demo community (written by `tribu demo`).",
        "# Brand accounts are flagged at ingest; campaigns feed the campaign measures.",
        "",
    ]
    for name in communities:
        lines += [
            "[[communities]]",
            f"match = {_quote(name)}",
            f"brand_accounts = {_strings(BRAND_NAMES)}",
            "",
        ]
    for campaign in CAMPAIGNS:
        lines += [
            "[[campaigns]]",
            f"campaign_id = {_quote(campaign.campaign_id)}",
            f"name = {_quote(campaign.name)}",
            f"objective = {_quote(campaign.objective)}",
            f"starts = {_quote(campaign.starts.isoformat())}",
            f"ends = {_quote(campaign.ends.isoformat())}",
            f"spend = {campaign.spend:.1f}",
            'currency = "EUR"',
            f"keywords = {_strings(campaign.keywords)}",
            f"activation_messages = {_strings(activations.get(campaign.campaign_id, []))}",
            "",
        ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
