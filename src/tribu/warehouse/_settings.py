"""Apply ``tribu.toml`` to the warehouse at ingest: brand flags and campaigns.

Brand accounts are flagged while records stream (matched on raw keys and names, see
:mod:`tribu.warehouse._people`); this step also flags, after the merge, the brand accounts listed
by platform id in communities loaded by earlier runs, so adding an account to ``tribu.toml``
takes effect on the next ingest. Campaigns are upserted by ``campaign_id``; their activation
message keys become canonical message ids through the campaign's community.
"""

from __future__ import annotations

import duckdb

from tribu.config import CampaignConfig, TribuConfig
from tribu.warehouse._people import pseudonym_digest

__all__ = ["apply_settings"]


def apply_settings(
    con: duckdb.DuckDBPyConnection,
    config: TribuConfig,
    *,
    secret: bytes,
    keep_names: bool,
) -> list[str]:
    """Flag brand accounts and upsert campaigns; return warnings for the summary."""
    communities = con.execute("SELECT community_id, name FROM communities").fetchall()
    _flag_brands(con, config, communities, secret=secret, keep_names=keep_names)
    warnings: list[str] = []
    for campaign in config.campaigns:
        warnings.extend(_upsert_campaign(con, campaign, communities))
    return warnings


def _flag_brands(
    con: duckdb.DuckDBPyConnection,
    config: TribuConfig,
    communities: list[tuple[str, str]],
    *,
    secret: bytes,
    keep_names: bool,
) -> None:
    ids: list[str] = []
    names: list[tuple[str, str]] = []
    for community_id, name in communities:
        for account in config.brand_accounts(community_id, name):
            ids.append(f"{community_id}/{account}")
            ids.append("m_" + pseudonym_digest(secret, community_id, account)[:16])
            names.append((community_id, account))
    if ids:
        con.execute(
            "UPDATE members SET is_brand = TRUE "
            "WHERE NOT is_brand AND list_contains(?, member_id)",
            [ids],
        )
    if names and keep_names:
        con.executemany(
            "UPDATE members SET is_brand = TRUE "
            "WHERE NOT is_brand AND community_id = ? AND display_name = ?",
            names,
        )


def _resolve_community(
    reference: str | None, communities: list[tuple[str, str]]
) -> list[str]:
    if reference is None:
        return [c for c, _ in communities]
    return [c for c, name in communities if reference in (c, name)]


def _upsert_campaign(
    con: duckdb.DuckDBPyConnection,
    campaign: CampaignConfig,
    communities: list[tuple[str, str]],
) -> list[str]:
    warnings: list[str] = []
    matches = _resolve_community(campaign.community, communities)
    community_id: str | None = None
    if campaign.community is not None:
        if len(matches) == 1:
            community_id = matches[0]
        elif ":" in campaign.community and not matches:
            community_id = campaign.community  # a community_id not loaded yet
        elif not matches:
            warnings.append(
                f"campaign {campaign.campaign_id!r}: community {campaign.community!r} "
                "is not in the warehouse yet."
            )
        else:
            warnings.append(
                f"campaign {campaign.campaign_id!r}: {len(matches)} communities are "
                f"named {campaign.community!r}; give its community_id instead."
            )
    activation: list[str] = []
    for key in campaign.activation_messages:
        if community_id is not None:
            activation.append(f"{community_id}/{key}")
            continue
        candidates = [f"{c}/{key}" for c in matches]
        found = [
            row[0]
            for row in con.execute(
                "SELECT message_id FROM messages WHERE list_contains(?, message_id)",
                [candidates],
            ).fetchall()
        ]
        if found:
            activation.extend(sorted(found))
        else:
            warnings.append(
                f"campaign {campaign.campaign_id!r}: activation message {key!r} "
                "is in no loaded community."
            )
    con.execute(
        "INSERT OR REPLACE INTO campaigns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            campaign.campaign_id,
            campaign.name,
            campaign.objective,
            community_id,
            campaign.starts,
            campaign.ends,
            campaign.spend,
            campaign.currency,
            list(campaign.keywords),
            activation,
        ],
    )
    return warnings
