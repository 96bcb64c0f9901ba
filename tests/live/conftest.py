"""Helpers of the live tests: payload fixtures, signed requests, an app with live settings."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tribu.live.settings import LiveSettings
from tribu.live.signing import sign_slack, sign_tribu

PAYLOADS = Path(__file__).parent / "payloads"
SECRETS = {"slack": "slack-secret", "telegram": "tg-secret", "generic": "hook-secret"}


def payload(name: str) -> bytes:
    """A fixture's bytes, compacted (as a platform sends them)."""
    return json.dumps(json.loads((PAYLOADS / name).read_text("utf-8"))).encode()


def slack_headers(
    body: bytes, *, secret: str = SECRETS["slack"], at: float | None = None
) -> dict[str, str]:
    stamp = str(int(time.time() if at is None else at))
    return {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": sign_slack(secret, stamp, body),
        "Content-Type": "application/json",
    }


def generic_headers(
    body: bytes, *, secret: str = SECRETS["generic"], at: float | None = None
) -> dict[str, str]:
    stamp = str(int(time.time() if at is None else at))
    return {
        "X-Tribu-Timestamp": stamp,
        "X-Tribu-Signature": sign_tribu(secret, stamp, body),
        "Content-Type": "application/json",
    }


def telegram_headers(secret: str = SECRETS["telegram"]) -> dict[str, str]:
    return {
        "X-Telegram-Bot-Api-Secret-Token": secret,
        "Content-Type": "application/json",
    }


@pytest.fixture
def settings() -> LiveSettings:
    """Every receiver on; no worker thread (tests drain the queue themselves)."""
    return LiveSettings(dict(SECRETS), worker=False)
