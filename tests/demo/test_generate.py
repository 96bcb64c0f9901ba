"""The generator: deterministic bytes, sizes in the ranges the brief asks, a sound manifest."""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path

from tribu.demo import COMMUNITY_NAMES, DemoFiles, generate


def _digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_writes_the_same_bytes(demo: DemoFiles, tmp_path: Path) -> None:
    again = generate(tmp_path / "again", seed=7)
    assert _digests(again.root) == _digests(demo.root)


def test_every_written_path_exists_and_inputs_are_the_four_exports(
    demo: DemoFiles,
) -> None:
    for path in [*demo.discord, demo.telegram, demo.slack, demo.whatsapp, demo.config]:
        assert path.is_file(), path
    assert len(demo.discord) == 7  # six channels and the AMA thread
    assert [p.name for p in demo.inputs] == [
        "discord",
        "result.json",
        "semelle-ambassadeurs.zip",
        "Discussion WhatsApp avec Semelle Runners Paris.txt",
    ]


def test_sizes_are_those_of_a_real_small_brand(demo: DemoFiles) -> None:
    # The brief: a few thousand members, tens of thousands of messages (about 40k).
    manifest = json.loads(demo.manifest.read_text(encoding="utf-8"))
    assert 2_500 <= sum(manifest["members"].values()) <= 4_000
    assert 30_000 <= demo.messages <= 50_000
    assert demo.counts["discord"].messages > demo.counts["telegram"].messages
    for counts in demo.counts.values():
        assert counts.joins > 0


def test_manifest_reloads_to_the_same_files(demo: DemoFiles) -> None:
    again = DemoFiles.from_manifest(demo.root)
    assert again is not None
    assert again.counts == demo.counts
    assert again.discord == demo.discord
    assert again.seed == 7


def test_manifest_of_a_missing_folder_is_none(tmp_path: Path) -> None:
    assert DemoFiles.from_manifest(tmp_path) is None


def test_config_has_one_entry_per_community_and_the_three_campaigns(
    demo: DemoFiles,
) -> None:
    config = tomllib.loads(demo.config.read_text(encoding="utf-8"))
    assert [c["match"] for c in config["communities"]] == list(COMMUNITY_NAMES.values())
    for community in config["communities"]:
        assert set(community) == {"match", "brand_accounts"}
        assert community["brand_accounts"] == ["Semelle", "Solène de Semelle"]
    campaigns = config["campaigns"]
    assert [c["campaign_id"] for c in campaigns] == [
        "drop-ete",
        "rentree-running",
        "seconde-vie",
    ]
    keys = {
        "campaign_id", "name", "objective", "starts", "ends", "spend", "currency",
        "keywords", "activation_messages",
    }  # fmt: skip
    for campaign in campaigns:
        assert set(campaign) == keys
        assert campaign["objective"] in ("reach", "conversion")
        assert campaign["starts"] < campaign["ends"]
        # One activation post on Discord, Telegram and Slack each.
        assert len(campaign["activation_messages"]) == 3
