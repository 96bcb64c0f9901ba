"""Who may see the dashboard: API tokens (stored hashed) and browser sessions.

Tokens
    ``tribu token create --role viewer|admin`` makes a token ``tribu_<id>_<secret>`` and prints
    it once. The token file keeps only its id, role, name, dates and the SHA-256 of the whole
    token: someone who reads the file cannot log in. A plain SHA-256 is enough because the
    secret is 32 random bytes (256 bits), not a password a person chose: there is nothing to
    guess, so a slow password hash would add cost and no safety. Checks compare digests in
    constant time. Revoked tokens stay in the file, marked with the revocation time.

    The file is ``<warehouse>.tokens.json`` next to the warehouse (or ``$TRIBU_TOKENS``),
    written atomically with mode 0600; the server re-reads it when it changes, so a token
    created or revoked while the server runs takes effect at once.

Roles
    ``viewer`` reads every page, measure and CSV. ``admin`` can also list and revoke tokens
    through the API (``/api/v1/tokens``). ``bot`` may only post messages to the triage
    (``POST /api/v1/triage/messages``): the token a community bot holds.

Sessions
    The login page exchanges a token for a session: a random 256-bit id kept in the server's
    memory and sent back as the ``tribu_session`` cookie with ``HttpOnly`` (scripts cannot read
    it), ``Secure`` (browsers send it only over HTTPS or to the loopback address) and
    ``SameSite=Strict`` (no cross-site request carries it, which also stops cross-site request
    forgery). A session lasts 12 hours and ends when its token is revoked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tribu.errors import ConfigError
from tribu.warehouse.store import resolve_db_path

__all__ = [
    "ROLES",
    "SESSION_COOKIE",
    "SESSION_SECONDS",
    "SessionStore",
    "Token",
    "TokenStore",
    "token_file",
]

ROLES: tuple[str, ...] = ("viewer", "admin", "bot")
SESSION_COOKIE = "tribu_session"
SESSION_SECONDS = 12 * 3600
_PREFIX = "tribu_"


def token_file(db: str | os.PathLike[str] | None = None) -> Path:
    """Where the tokens of warehouse ``db`` live: ``$TRIBU_TOKENS`` or ``<db>.tokens.json``."""
    configured = os.environ.get("TRIBU_TOKENS")
    if configured:
        return Path(configured)
    path = resolve_db_path(db)
    return path.with_name(path.name + ".tokens.json")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class Token:
    """A token's public record (the secret itself is never stored)."""

    token_id: str
    role: str
    name: str
    created_at: str
    sha256: str
    revoked_at: str | None = None

    @property
    def active(self) -> bool:
        """Not revoked."""
        return self.revoked_at is None

    def public(self) -> dict[str, Any]:
        """The record without its hash, for listings."""
        record = asdict(self)
        record.pop("sha256")
        return record


class TokenStore:
    """The token file: create, list, revoke, and check tokens."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._tokens: dict[str, Token] = {}

    @classmethod
    def for_warehouse(cls, db: str | os.PathLike[str] | None = None) -> TokenStore:
        """The token store that goes with warehouse ``db``."""
        return cls(token_file(db))

    # -- file -----------------------------------------------------------------------------

    def _load(self) -> dict[str, Token]:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._stamp, self._tokens = None, {}
            return self._tokens
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp == self._stamp:
            return self._tokens
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            tokens = {t["token_id"]: Token(**t) for t in raw["tokens"]}
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigError(
                f"{self.path}: the token file is damaged ({exc}). Delete it and create "
                "new tokens with 'tribu token create'."
            ) from exc
        self._stamp, self._tokens = stamp, tokens
        return tokens

    def _save(self, tokens: dict[str, Token]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = json.dumps(
            {"version": 1, "tokens": [asdict(t) for t in tokens.values()]}, indent=2
        )
        fd, tmp = tempfile.mkstemp(prefix=self.path.name, dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(body)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._stamp = None

    # -- operations -----------------------------------------------------------------------

    def create(self, role: str, name: str = "") -> tuple[Token, str]:
        """Make a token with ``role``; return its record and the token (shown only once)."""
        if role not in ROLES:
            raise ConfigError(
                f"The role must be one of {', '.join(ROLES)}. Got {role!r} instead."
            )
        with self._lock:
            tokens = dict(self._load())
            token_id = secrets.token_hex(4)
            while token_id in tokens:
                token_id = secrets.token_hex(4)
            secret = f"{_PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
            record = Token(token_id, role, name, _now(), _digest(secret))
            tokens[token_id] = record
            self._save(tokens)
        return record, secret

    def tokens(self) -> list[Token]:
        """Every token record, active and revoked, oldest first."""
        with self._lock:
            return sorted(self._load().values(), key=lambda t: t.created_at)

    def revoke(self, token_id: str) -> Token:
        """Mark token ``token_id`` revoked; its sessions end at their next request."""
        with self._lock:
            tokens = dict(self._load())
            if token_id not in tokens:
                known = ", ".join(sorted(tokens)) or "none"
                raise ConfigError(
                    f"{self.path}: no token with id {token_id!r}. Known ids: {known}. "
                    "See 'tribu token list'."
                )
            record = tokens[token_id]
            if record.active:
                record = Token(**{**asdict(record), "revoked_at": _now()})
                tokens[token_id] = record
                self._save(tokens)
        return record

    def verify(self, secret: str | None) -> Token | None:
        """The active token whose secret is ``secret``, or None."""
        if not secret or not secret.startswith(_PREFIX):
            return None
        token_id = secret[len(_PREFIX) :].split("_", 1)[0]
        with self._lock:
            record = self._load().get(token_id)
        if record is None or not record.active:
            return None
        return record if hmac.compare_digest(record.sha256, _digest(secret)) else None

    def active(self, token_id: str) -> Token | None:
        """The token ``token_id`` if it exists and is not revoked."""
        with self._lock:
            record = self._load().get(token_id)
        return record if record is not None and record.active else None


class SessionStore:
    """Browser sessions in the server's memory: session id -> (token id, expiry)."""

    def __init__(self, seconds: int = SESSION_SECONDS) -> None:
        self.seconds = seconds
        self._sessions: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def open(self, token: Token) -> str:
        """Start a session for ``token``; return the cookie value."""
        session_id = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[session_id] = (token.token_id, time.time() + self.seconds)
        return session_id

    def token_id(self, session_id: str | None) -> str | None:
        """The token id behind a live session, or None."""
        if not session_id:
            return None
        with self._lock:
            entry = self._sessions.get(session_id)
            if entry is None:
                return None
            if entry[1] < time.time():
                del self._sessions[session_id]
                return None
            return entry[0]

    def close(self, session_id: str | None) -> None:
        """End a session (logout)."""
        if session_id:
            with self._lock:
                self._sessions.pop(session_id, None)
