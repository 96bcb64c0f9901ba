"""Signatures of webhooks, in and out: Slack's v0 scheme, Telegram's secret token, tribu's own.

Each check is constant-time (:func:`hmac.compare_digest`) and refuses a timestamp outside the
window (``WINDOW_SECONDS``, 5 minutes, as Slack asks), so a captured request cannot be replayed
later. The standard library's :mod:`hmac` is the reference implementation: no dependency.

tribu's own scheme (the generic receiver, and the alerts tribu sends):

    X-Tribu-Timestamp: <unix seconds>
    X-Tribu-Signature: v1=<hex HMAC-SHA256(secret, "v1:<timestamp>:<raw body>")>
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable

__all__ = [
    "WINDOW_SECONDS",
    "sign_slack",
    "sign_tribu",
    "slack_signature_fault",
    "telegram_token_fault",
    "tribu_signature_fault",
]

WINDOW_SECONDS = 300


def _hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _stale(timestamp: str | None, now: float | None) -> str | None:
    if not timestamp:
        return "no timestamp header"
    try:
        moment = int(timestamp)
    except ValueError:
        return "the timestamp header is not a number"
    if abs((time.time() if now is None else now) - moment) > WINDOW_SECONDS:
        return f"the timestamp is more than {WINDOW_SECONDS // 60} minutes away"
    return None


def sign_slack(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's ``X-Slack-Signature`` of ``body``: ``v0=`` + HMAC of ``v0:<ts>:<body>``."""
    return "v0=" + _hex(secret, b"v0:" + timestamp.encode() + b":" + body)


def slack_signature_fault(
    secret: str,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    *,
    now: float | None = None,
) -> str | None:
    """Why a Slack request is refused, or None when its signature is good and fresh."""
    return _signature_fault(
        sign_slack, "X-Slack-Signature", secret, timestamp, signature, body, now
    )


def telegram_token_fault(secret: str, token: str | None) -> str | None:
    """Why a Telegram update is refused (the secret token set with ``setWebhook``)."""
    if not token:
        return "no X-Telegram-Bot-Api-Secret-Token header"
    if not hmac.compare_digest(secret.encode(), token.encode()):
        return "the secret token does not match"
    return None


def sign_tribu(secret: str, timestamp: str, body: bytes) -> str:
    """tribu's ``X-Tribu-Signature`` of ``body``."""
    return "v1=" + _hex(secret, b"v1:" + timestamp.encode() + b":" + body)


def tribu_signature_fault(
    secret: str,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    *,
    now: float | None = None,
) -> str | None:
    """Why a generic event is refused, or None when signed and fresh."""
    return _signature_fault(
        sign_tribu, "X-Tribu-Signature", secret, timestamp, signature, body, now
    )


def _signature_fault(
    sign: Callable[[str, str, bytes], str],
    header: str,
    secret: str,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    now: float | None,
) -> str | None:
    """The one check behind both schemes: fresh timestamp, header present, HMAC equal."""
    stale = _stale(timestamp, now)
    if stale:
        return stale
    if not signature:
        return f"no {header} header"
    expected = sign(secret, str(timestamp), body)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        return "the signature does not match"
    return None
