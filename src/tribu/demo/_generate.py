"""Generate the whole demo: four communities of Semelle in their platforms' real export formats.

:func:`generate` tells one story per platform (same brand, same calendar, same campaigns), writes
each in its format, then ``tribu.toml`` and ``manifest.json`` (what was written, counted). It is
deterministic: the same seed gives the same bytes, because every random draw comes from a
``random.Random`` seeded with the seed and the platform's name.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from tribu.demo import _rituals as rituals
from tribu.demo._config import write_config
from tribu.demo._counts import PlatformCounts
from tribu.demo._discord import write_discord
from tribu.demo._model import CAMPAIGNS, END, START, Post
from tribu.demo._polls import add_colour_votes, add_live_time_vote
from tribu.demo._population import CastSpec, name_pool, population
from tribu.demo._shared_people import shared_people
from tribu.demo._simulate import (
    ChannelSpec,
    Community,
    add_chatter,
    add_joins,
    add_reactions,
)
from tribu.demo._slack import write_slack
from tribu.demo._telegram import write_telegram
from tribu.demo._whatsapp import write_whatsapp

__all__ = ["COMMUNITY_NAMES", "DemoFiles", "generate"]

COMMUNITY_NAMES = {
    "discord": "Semelle — Le Club",
    "telegram": "Semelle Officiel",
    "slack": "semelle-ambassadeurs",
    "whatsapp": "Semelle Runners Paris",
}
AMA_THREAD = "AMA avec l'équipe Semelle"
SLACK_ZIP = "semelle-ambassadeurs.zip"


@dataclass(frozen=True)
class DemoFiles:
    """What :func:`generate` wrote.

    Attributes
    ----------
    root : the output folder.
    discord : the DiscordChatExporter JSON files, one per channel and thread.
    telegram, slack, whatsapp : the Telegram ``result.json``, the Slack zip, the WhatsApp text.
    config : ``tribu.toml``; manifest : ``manifest.json`` (the counts, as JSON).
    counts : per platform, what was written (messages, joins, leaves, reactions...).
    seed : the seed the files were generated with.
    """

    root: Path
    discord: list[Path]
    telegram: Path
    slack: Path
    whatsapp: Path
    config: Path
    manifest: Path
    counts: dict[str, PlatformCounts] = field(default_factory=dict)
    seed: int = 7

    @property
    def inputs(self) -> list[Path]:
        """The paths to give ``tribu ingest``: the Discord folder and the three other exports."""
        return [self.root / "discord", self.telegram, self.slack, self.whatsapp]

    @classmethod
    def from_manifest(cls, root: Path) -> DemoFiles | None:
        """The files a previous :func:`generate` wrote in `root`, or None if any is missing."""
        manifest = Path(root) / "manifest.json"
        try:
            document = json.loads(manifest.read_text(encoding="utf-8"))
            platforms = document["platforms"]
            counts = {
                name: PlatformCounts(**{**data, "path": Path(root) / data["path"]})
                for name, data in platforms.items()
            }
            discord = [Path(root) / p for p in document["discord_files"]]
            seed = int(document["seed"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        files = cls(
            Path(root),
            discord,
            counts["telegram"].path,
            counts["slack"].path,
            counts["whatsapp"].path,
            Path(root) / "tribu.toml",
            manifest,
            counts,
            seed,
        )
        wanted = [
            *files.discord,
            files.telegram,
            files.slack,
            files.whatsapp,
            files.config,
        ]
        return files if all(p.exists() for p in wanted) else None

    @property
    def messages(self) -> int:
        """Messages written across every platform."""
        return sum(c.messages for c in self.counts.values())


def _discord(seed: int, pool: list[tuple[str, str]]) -> Community:
    rng = random.Random(f"{seed}:discord")
    cast = CastSpec(1800, 4, 5, 6, 15, 40, 0.30, 0.12, 0.18, bot_name="Bienvenue Bot")
    channels = [
        ChannelSpec("annonces", "all", 0, "announce"),
        ChannelSpec("général", "fr", 1.0),
        ChannelSpec("entraide", "fr", 0.15, "help"),
        ChannelSpec("lives", "fr", 0.05, "live"),
        ChannelSpec("photos-ugc", "all", 0.05, "ugc"),
        ChannelSpec("english-corner", "en", 1.0),
        ChannelSpec(AMA_THREAD, "fr", 0, "thread"),
    ]
    community = Community(
        "discord", COMMUNITY_NAMES["discord"], channels, population(cast, pool, rng)
    )
    add_chatter(community, rng)
    add_joins(community, "général", rng, leaves=False, welcome="général")
    rituals.add_lives(community, "lives", rng)
    rituals.add_amas(community, AMA_THREAD, "général", "annonces", rng)
    rituals.add_activations(
        community, "annonces", "photos-ugc", rng, ugc_per_campaign=100
    )
    rituals.add_help_desk(community, "entraide", rng, per_day=4.0)
    rituals.add_recaps(community, "annonces", rng)
    rituals.add_announcement_replies(community, "annonces", rng)
    add_colour_votes(community, "annonces", seed)
    add_live_time_vote(community, "lives", seed)
    add_reactions(community, rng)
    return community


def _telegram(seed: int, pool: list[tuple[str, str]]) -> Community:
    rng = random.Random(f"{seed}:telegram")
    cast = CastSpec(900, 2, 3, 0, 8, 20, 0.25, 0.12, 0.10)
    name = COMMUNITY_NAMES["telegram"]
    community = Community(
        "telegram", name, [ChannelSpec(name, "all", 1.0)], population(cast, pool, rng)
    )
    add_chatter(community, rng)
    add_joins(community, name, rng, leaves=True)
    rituals.add_activations(community, name, name, rng, ugc_per_campaign=40)
    rituals.add_help_desk(community, name, rng, per_day=1.0)
    rituals.add_recaps(community, name, rng)
    add_colour_votes(community, name, seed)
    add_reactions(community, rng)
    return community


def _slack(seed: int, pool: list[tuple[str, str]]) -> Community:
    rng = random.Random(f"{seed}:slack")
    cast = CastSpec(250, 3, 3, 3, 6, 10, 0.7, 0.12, 0.25, bot_name="Semelle Bot")
    channels = [
        ChannelSpec("general", "fr", 1.0),
        ChannelSpec("ambassadeurs", "fr", 0.8),
        ChannelSpec("ugc-drops", "all", 0.1, "ugc"),
        ChannelSpec("english-ambassadors", "en", 1.0),
        ChannelSpec("annonces", "all", 0, "announce"),
    ]
    community = Community(
        "slack", COMMUNITY_NAMES["slack"], channels, population(cast, pool, rng)
    )
    add_chatter(community, rng)
    add_joins(community, "general", rng, leaves=True, welcome="general")
    rituals.add_activations(
        community, "annonces", "ugc-drops", rng, ugc_per_campaign=60
    )
    rituals.add_recaps(community, "annonces", rng)
    rituals.add_announcement_replies(community, "annonces", rng)
    add_colour_votes(community, "annonces", seed, share=0.2)
    add_reactions(community, rng)
    return community


def _whatsapp(seed: int, pool: list[tuple[str, str]]) -> Community:
    rng = random.Random(f"{seed}:whatsapp")
    cast = CastSpec(120, 1, 2, 0, 4, 6, 0.8, 0.18, 0.03)
    name = COMMUNITY_NAMES["whatsapp"]
    community = Community(
        "whatsapp", name, [ChannelSpec(name, "all", 1.0)], population(cast, pool, rng)
    )
    add_chatter(community, rng)
    add_joins(community, name, rng, leaves=True)
    rituals.add_run_club(community, name, rng)
    rituals.add_activations(
        community, name, name, rng, ugc_per_campaign=15, attachments=False
    )
    add_live_time_vote(community, name, seed, share=0.3)
    return community


def _activation_keys(
    community: Community, keys: dict[int, object]
) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for post in community.posts:
        if post.tag.startswith("activation:"):
            found.setdefault(post.tag.split(":", 1)[1], []).append(str(keys[post.seq]))
    return found


def _cast(community: Community) -> dict[str, list[str]]:
    cast: dict[str, list[str]] = {}
    for person in community.people:
        if person.persona in ("brand", "bot", "moderator", "power", "relay", "at_risk"):
            cast.setdefault(person.persona, []).append(person.name)
    return cast


def generate(out_dir: Path, seed: int = 7) -> DemoFiles:
    """Write the demo exports, ``tribu.toml`` and ``manifest.json`` into `out_dir`.

    Parameters
    ----------
    out_dir : folder to write into (created if missing; files of a previous run are replaced).
    seed : the story's seed; the same seed writes the same bytes.

    Returns
    -------
    DemoFiles
        The paths written and, per platform, the counts of what they hold.
    """
    out_dir = Path(out_dir)
    pool = name_pool(random.Random(f"{seed}:names"), 3500)
    communities = {
        "discord": _discord(seed, pool),
        "telegram": _telegram(seed, pool),
        "slack": _slack(seed, pool),
        "whatsapp": _whatsapp(seed, pool),
    }
    discord_files, discord_counts, discord_ids = write_discord(
        communities["discord"], out_dir / "discord"
    )
    telegram_path, telegram_counts, telegram_ids = write_telegram(
        communities["telegram"], out_dir / "telegram" / "ChatExport_2026-11-01"
    )
    slack_path, slack_counts, slack_ts = write_slack(
        communities["slack"], out_dir / "slack" / SLACK_ZIP
    )
    whatsapp_path, whatsapp_counts = write_whatsapp(
        communities["whatsapp"], out_dir / "whatsapp"
    )
    activations: dict[str, list[str]] = {c.campaign_id: [] for c in CAMPAIGNS}
    for community, keys in (
        (communities["discord"], discord_ids),
        (communities["telegram"], telegram_ids),
        (communities["slack"], slack_ts),
    ):
        for campaign_id, found in _activation_keys(community, keys).items():  # type: ignore[arg-type]
            activations[campaign_id] += found
    config = write_config(
        out_dir / "tribu.toml", list(COMMUNITY_NAMES.values()), activations
    )
    counts = {
        c.platform: c
        for c in (discord_counts, telegram_counts, slack_counts, whatsapp_counts)
    }
    manifest = out_dir / "manifest.json"
    document = {
        "seed": seed,
        "period": {"start": START.isoformat(), "end": END.isoformat()},
        "platforms": {
            name: {**c.as_json(), "path": c.path.relative_to(out_dir).as_posix()}
            for name, c in counts.items()
        },
        "members": {name: len(c.people) for name, c in communities.items()},
        "cast": {name: _cast(c) for name, c in communities.items()},
        "people": shared_people(communities),
        "campaigns": {k: v for k, v in activations.items()},
        "discord_files": [p.relative_to(out_dir).as_posix() for p in discord_files],
    }
    manifest.write_text(
        json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return DemoFiles(
        out_dir,
        discord_files,
        telegram_path,
        slack_path,
        whatsapp_path,
        config,
        manifest,
        counts,
        seed,
    )


def tagged(community: Community, prefix: str) -> list[Post]:
    """Posts of `community` whose tag starts with `prefix` (for tests and docs)."""
    return [p for p in community.posts if p.tag.startswith(prefix)]
