"""Tokens are stored hashed, checked in constant time, revocable; sessions expire."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tribu.errors import ConfigError
from tribu.web.auth import SessionStore, TokenStore


def test_token_file_keeps_only_the_hash(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "t.json")
    record, secret = store.create("viewer", "alice's laptop")
    text = (tmp_path / "t.json").read_text()
    assert secret not in text and secret.split("_")[-1] not in text
    assert json.loads(text)["tokens"][0]["sha256"] == record.sha256
    assert stat.S_IMODE((tmp_path / "t.json").stat().st_mode) == 0o600
    assert store.verify(secret) == record
    assert store.verify(secret + "x") is None
    assert store.verify(None) is None


def test_revoked_token_no_longer_verifies(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "t.json")
    record, secret = store.create("admin")
    other = TokenStore(tmp_path / "t.json")  # a second process sees the change
    assert other.verify(secret) is not None
    store.revoke(record.token_id)
    assert other.verify(secret) is None
    assert other.tokens()[0].revoked_at is not None


def test_bad_role_and_unknown_id(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "t.json")
    with pytest.raises(ConfigError, match="role must be one of viewer, admin.*'root'"):
        store.create("root")
    with pytest.raises(ConfigError, match="no token with id 'abc'"):
        store.revoke("abc")


def test_sessions_expire_and_close(tmp_path: Path) -> None:
    record, _ = TokenStore(tmp_path / "t.json").create("viewer")
    sessions = SessionStore(seconds=3600)
    sid = sessions.open(record)
    assert sessions.token_id(sid) == record.token_id
    sessions.close(sid)
    assert sessions.token_id(sid) is None
    expired = SessionStore(seconds=-1)
    assert expired.token_id(expired.open(record)) is None
