"""The live event receivers (``/hooks/...``) and the live feed of the dashboard (``/api/v1/live``).

The receivers do NOT take the dashboard's token: a platform cannot send one. Each checks its
platform's own signature instead (:mod:`tribu.live.signing`) and answers ``401`` when it is
missing, wrong or stale (counted and logged, body not kept), ``400`` naming the field when the
payload cannot be read (counted, quarantined in the queue with its raw body), ``413`` past
1 MiB, ``404`` while its secret is not set (the receiver is off). An accepted event is
written to the durable queue (:mod:`tribu.live.queue`) and committed BEFORE the ``200``: the
worker applies it afterwards, so the platform gets its answer in milliseconds (Slack wants
one within 3 s).

``/api/v1/live/status`` and ``/api/v1/live/activity`` take the token like the rest of the API;
the dashboard polls the second one (it reads the queue file, never the warehouse: cheap).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from tribu.config import load_config
from tribu.live.alerts import AlertStore
from tribu.live.generic_events import read_generic
from tribu.live.ops import PayloadError
from tribu.live.queue import BODY_LIMIT, LiveQueue, queue_path
from tribu.live.reading import Reading
from tribu.live.settings import SECRET_ENV, LiveSettings, live_settings
from tribu.live.signing import (
    slack_signature_fault,
    telegram_token_fault,
    tribu_signature_fault,
)
from tribu.live.slack_events import read_slack
from tribu.live.telegram_updates import read_telegram
from tribu.live.worker import LiveWorker
from tribu.web.models import ErrorResponse

__all__ = [
    "HOOK_PREFIX",
    "LiveService",
    "alerts_of",
    "attach_live",
    "declare_hook_security",
    "close_live",
    "hooks_router",
    "live_router",
]

log = logging.getLogger(__name__)

HOOK_PREFIX = "/hooks/"


class LiveService:
    """The queue, the worker and the secrets of one server."""

    def __init__(
        self, queue: LiveQueue, settings: LiveSettings, worker: LiveWorker | None
    ):
        self.queue = queue
        self.settings = settings
        self.worker = worker


def attach_live(
    app: FastAPI, db: str | os.PathLike[str], settings: LiveSettings | None = None
) -> LiveService:
    """Open the queue beside ``db`` and start the worker (unless ``[live] worker = false``)."""
    config = load_config(None)
    chosen = settings or live_settings(config)
    queue = LiveQueue(queue_path(Path(db)))
    worker = None
    if chosen.worker:
        worker = LiveWorker(
            queue,
            db,
            config=config,
            keep_names=chosen.keep_names,
            interval=chosen.interval,
            alerts_every=chosen.alerts_every,
        )
        worker.start()
    close_live(app)
    service = LiveService(queue, chosen, worker)
    app.state.live = service
    return service


def close_live(app: FastAPI) -> None:
    service: LiveService | None = getattr(app.state, "live", None)
    if service is not None:
        if service.worker is not None:
            service.worker.close()
        service.queue.close()
    app.state.live = None


class HookAnswer(BaseModel):
    """What a receiver answers an accepted delivery."""

    ok: bool
    stored: bool  # False: a retry of a delivery already stored, or nothing to store
    ignored: int = 0


class LiveStatus(BaseModel):
    counters: dict[str, int]
    backlog: int
    receivers: dict[str, bool]


class ActivityItem(BaseModel):
    applied_at: float
    kind: str
    community_id: str | None
    channel_id: str | None
    ts: float | None


class AlertItem(BaseModel):
    key: str
    rule: str
    subject: str
    community_id: str | None
    day: str
    summary: str
    evidence: dict[str, Any]
    link: str
    sent: bool
    created_at: float


class ActivityPage(BaseModel):
    items: list[ActivityItem]
    next: int


_HOOK_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {
        "model": ErrorResponse,
        "description": "Malformed payload: the field is named; the body is quarantined.",
    },
    401: {
        "model": ErrorResponse,
        "description": "Missing, wrong or stale signature (counted).",
    },
    413: {"model": ErrorResponse, "description": "Body past 1 MiB."},
    404: {
        "model": ErrorResponse,
        "description": "This receiver is off: its secret is not set on the server.",
    },
}
_SCHEMES = {
    "slackSignature": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Slack-Signature",
        "description": "Slack's v0 HMAC of the body with the signing secret, with "
        "X-Slack-Request-Timestamp (5-minute window). Not the dashboard token.",
    },
    "telegramSecretToken": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Telegram-Bot-Api-Secret-Token",
        "description": "The secret token given to setWebhook. Not the dashboard token.",
    },
    "tribuSignature": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Tribu-Signature",
        "description": "v1 HMAC of the body with TRIBU_HOOK_SECRET, with X-Tribu-Timestamp "
        "(5-minute window). Not the dashboard token.",
    },
}


_SCHEME_OF = {
    "slack": "slackSignature",
    "telegram": "telegramSecretToken",
    "generic": "tribuSignature",
}


def _body(scheme: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        "security": [{scheme: []}],
    }


def declare_hook_security(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the receivers' signature schemes to the OpenAPI schema (idempotent)."""
    schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
    schemes.update(_SCHEMES)
    return schema


def _service(request: Request) -> LiveService:
    service: LiveService | None = getattr(request.app.state, "live", None)
    if service is None:
        raise HTTPException(503, "The live receivers are not running.")
    return service


def _error(status: int, title: str, detail: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"status": status, "title": title, "detail": detail}},
        status_code=status,
    )


async def _receive(
    request: Request, source: str, check: Any, read: Any
) -> JSONResponse:
    service = _service(request)
    secret = service.settings.secrets.get(source)
    if not secret:
        header = _SCHEMES[_SCHEME_OF[source]]["name"]
        if not request.headers.get(header):
            # unsigned: refused as such, whether the receiver is on or off
            service.queue.reject(source, 401, f"no {header} header")
            return _error(401, "Unauthorized", f"Refused: no {header} header.")
        return _error(
            404,
            "Not found",
            f"The {source} receiver is off: set {SECRET_ENV[source]} where tribu serve runs.",
        )
    body = await request.body()
    if len(body) > BODY_LIMIT:
        return _error(413, "Payload too large", f"The body is past {BODY_LIMIT} bytes.")
    fault = check(secret, request, body)
    if fault:
        service.queue.reject(source, 401, fault)
        log.warning("refused a %s delivery from %s: %s", source, request.client, fault)
        return _error(401, "Unauthorized", f"Refused: {fault}.")
    try:
        reading: Reading = read(body)
    except PayloadError as exc:
        service.queue.reject(source, 400, exc.reason, field=exc.field, body=body)
        return _error(400, "Bad request", f"Field '{exc.field}': {exc.reason}.")
    if reading.reply is not None:
        return JSONResponse(reading.reply)
    stored = False
    if reading.dedup is not None:
        # in a worker thread: the event loop keeps reading requests while this one waits
        # for its fsync, and concurrent events share one commit (tribu.live.queue)
        stored = await run_in_threadpool(
            service.queue.put, source, reading.dedup, body, ignored=reading.ignored
        )
        if service.worker is not None and stored:
            service.worker.wake()
    elif reading.ignored:
        service.queue.count(source, "ignored", reading.ignored)
    return JSONResponse({"ok": True, "stored": stored, "ignored": reading.ignored})


def _slack_check(secret: str, request: Request, body: bytes) -> str | None:
    h = request.headers
    return slack_signature_fault(
        secret, h.get("x-slack-request-timestamp"), h.get("x-slack-signature"), body
    )


def _telegram_check(secret: str, request: Request, body: bytes) -> str | None:
    return telegram_token_fault(
        secret, request.headers.get("x-telegram-bot-api-secret-token")
    )


def _generic_check(secret: str, request: Request, body: bytes) -> str | None:
    h = request.headers
    return tribu_signature_fault(
        secret, h.get("x-tribu-timestamp"), h.get("x-tribu-signature"), body
    )


def hooks_router() -> APIRouter:
    """The three receivers. They answer with the same error shape as the API."""
    router = APIRouter(prefix="/hooks", tags=["live"])

    @router.post(
        "/slack/events",
        response_model=HookAnswer,
        responses=_HOOK_ERRORS,
        openapi_extra=_body("slackSignature"),
        operation_id="slack_events",
    )
    async def slack_events(request: Request) -> JSONResponse:
        """Slack Events API deliveries, signed with ``X-Slack-Signature`` (v0, 5 min window).

        Not the dashboard token: the Slack app's signing secret
        (``TRIBU_SLACK_SIGNING_SECRET``). A ``url_verification`` is answered with its
        ``challenge``; retries are stored once per ``event_id``.
        """
        return await _receive(request, "slack", _slack_check, read_slack)

    @router.post(
        "/telegram",
        response_model=HookAnswer,
        responses=_HOOK_ERRORS,
        openapi_extra=_body("telegramSecretToken"),
        operation_id="telegram_update",
    )
    async def telegram(request: Request) -> JSONResponse:
        """Telegram Bot API updates, with ``X-Telegram-Bot-Api-Secret-Token``.

        Not the dashboard token: the webhook's secret token (``TRIBU_TELEGRAM_SECRET_TOKEN``).
        Redeliveries are stored once per ``update_id``.
        """
        return await _receive(request, "telegram", _telegram_check, read_telegram)

    @router.post(
        "/generic",
        response_model=HookAnswer,
        responses=_HOOK_ERRORS,
        openapi_extra=_body("tribuSignature"),
        operation_id="generic_events",
    )
    async def generic(request: Request) -> JSONResponse:
        """tribu's signed JSON events (``X-Tribu-Timestamp``, ``X-Tribu-Signature``).

        Not the dashboard token: HMAC with ``TRIBU_HOOK_SECRET``; docs/live.md has the schema.
        """
        return await _receive(request, "generic", _generic_check, read_generic)

    return router


def live_router() -> APIRouter:
    """The live feed the dashboard polls (token required, like the API)."""
    router = APIRouter(prefix="/api/v1/live", tags=["live"])

    @router.get("/status", response_model=LiveStatus, operation_id="live_status")
    def status(request: Request) -> dict[str, Any]:
        """Counters (received, duplicate, bad_signature, malformed, ignored, applied per
        source), the backlog not yet applied, and which receivers have their secret."""
        service = _service(request)
        return {
            "counters": service.queue.counters(),
            "backlog": service.queue.backlog(),
            "receivers": {s: s in service.settings.secrets for s in SECRET_ENV},
        }

    @router.get("/activity", response_model=ActivityPage, operation_id="live_activity")
    def activity(
        request: Request,
        after: int | None = Query(
            None,
            ge=0,
            le=2**62,
            description="The `next` of the previous page; omitted: only what comes next.",
        ),
        limit: int = Query(200, ge=1, le=1000),
    ) -> dict[str, Any]:
        """What live events did after cursor ``after`` (messages, edits, deletions,
        reactions, joins), oldest first; poll again with ``after=next``."""
        service = _service(request)
        if after is None:
            return {"items": [], "next": service.queue.last_cursor()}
        rows = service.queue.recent(after, limit)
        items = [
            {
                "applied_at": at,
                "kind": a.kind,
                "community_id": a.community_id,
                "channel_id": a.channel_id,
                "ts": a.ts,
            }
            for _, at, a in rows
        ]
        return {"items": items, "next": rows[-1][0] if rows else after}

    @router.get("/alerts", response_model=list[AlertItem], operation_id="live_alerts")
    def alerts(
        request: Request, limit: int = Query(100, ge=1, le=1000)
    ) -> list[dict[str, Any]]:
        """The alerts raised (one per episode), newest first, with their evidence and link."""
        return alerts_of(request, limit)

    return router


def alerts_of(request: Request, limit: int = 100) -> list[dict[str, Any]]:
    """The alerts kept beside the warehouse (``tribu alerts check`` raises them)."""
    store = AlertStore(_service(request).queue.path)
    try:
        return store.latest(limit)
    finally:
        store.close()
