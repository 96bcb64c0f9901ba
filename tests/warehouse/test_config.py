"""tribu.toml: where it is found, what it holds, and errors naming the file and the key."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tribu.config import load_config, resolve_config_path
from tribu.errors import ConfigError

GOOD = """
[[communities]]
match = "Semelle"
brand_accounts = ["Semelle", "Solène de Semelle", 1234567890]

[[campaigns]]
campaign_id = "drop-printemps"
name = "Drop Printemps"
objective = "reach"
community = "Semelle"
starts = "2026-03-01"
ends = "2026-03-21"
spend = 1200.0
currency = "EUR"
keywords = ["#SemellePrintemps", "drop printemps"]
activation_messages = ["111"]

[report]
title = "kept for others"
"""


def test_reads_communities_and_campaigns(tmp_path):
    path = tmp_path / "tribu.toml"
    path.write_text(GOOD, encoding="utf-8")
    config = load_config(path)
    assert config.path == path
    # A numeric platform id is read as its text.
    assert config.brand_accounts("discord:1", "Semelle") == {
        "Semelle",
        "Solène de Semelle",
        "1234567890",
    }
    assert config.brand_accounts("discord:1", "Autre") == frozenset()
    [campaign] = config.campaigns
    assert campaign.starts == datetime(2026, 3, 1, tzinfo=UTC)
    # A bare end date covers that whole day.
    assert campaign.ends == datetime(2026, 3, 21, 23, 59, 59, 999999, tzinfo=UTC)
    assert campaign.keywords == ("#SemellePrintemps", "drop printemps")
    assert config.raw["report"]["title"] == "kept for others"


def test_found_from_env_then_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRIBU_CONFIG", raising=False)
    assert resolve_config_path() is None
    assert load_config().campaigns == ()
    (tmp_path / "tribu.toml").write_text("", encoding="utf-8")
    assert resolve_config_path() is not None
    other = tmp_path / "other.toml"
    other.write_text(GOOD, encoding="utf-8")
    monkeypatch.setenv("TRIBU_CONFIG", str(other))
    assert resolve_config_path() == other
    assert len(load_config().campaigns) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[[communities]]\nmatch = 'x'\nbrand = ['a']\n",
            r"unknown key 'communities\[0\]\.brand'",
        ),
        (
            "[[communities]]\nbrand_accounts = ['a']\n",
            r"'communities\[0\]' needs the key 'match'",
        ),
        (
            "[[campaigns]]\ncampaign_id='c'\nname='n'\nstarts='le 1er mars'\nends='2026-03-02'\n",
            r"'campaigns\[0\]\.starts' must be a date",
        ),
        (
            "[[campaigns]]\ncampaign_id='c'\nname='n'\nstarts='2026-03-02'\nends='2026-03-01'\n",
            r"'campaigns\[0\]\.ends' comes before",
        ),
        (
            "[[campaigns]]\ncampaign_id='c'\nname='n'\nstarts='2026-03-01'\nends='2026-03-02'\n"
            "objective='buzz'\n",
            r"'campaigns\[0\]\.objective' must be one of reach, conversion",
        ),
        ("communities = 3\n", r"'communities' must be an array of tables"),
        ("[[communities]\n", r"not valid TOML"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path, text, message):
    path = tmp_path / "tribu.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        load_config(path)
    assert str(info.value).startswith(str(path))


def test_missing_explicit_config_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(tmp_path / "absent.toml")
