"""The triage service inside tribu's server: ``/api/v1/triage/...`` and its state.

A community bot (Discord, Slack, Telegram, WhatsApp...) POSTs each member message to
``/api/v1/triage/messages`` with a ``bot`` token and gets the decision: the FAQ answer to post,
or a handoff to the human queue (the bot then stays silent in that conversation). Agents, with a
``viewer`` or ``admin`` token or the dashboard session, list the queue and claim, reply,
resolve, or return conversations to the bot. Every route returns the API's one error shape; a
``bot`` token may call the message route and nothing else (checked by the app's middleware).
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from pydantic import BaseModel, Field

from tribu.config import load_config
from tribu.triage.service import IncomingMessage, TriageService
from tribu.triage.settings import TriageSettings, triage_settings
from tribu.triage.store import (
    HANDOFF_STATES,
    ConflictError,
    NotFoundError,
    TriageStore,
    journal_path,
)
from tribu.triage.webhooks import WebhookSender
from tribu.web.models import ErrorResponse

__all__ = [
    "BOT_PATHS",
    "DecisionResponse",
    "HandoffDetail",
    "HandoffSummary",
    "MessageIn",
    "agent_of",
    "ReplyIn",
    "attach_triage",
    "close_triage",
    "triage_service",
    "triage_router",
    "warm_triage",
]

log = logging.getLogger(__name__)

BOT_PATHS = frozenset({"/api/v1/triage/messages"})
MAX_POSTED_CHARS = 100_000


class MessageIn(BaseModel):
    """A member message forwarded by a community bot."""

    conversation_id: str = Field(min_length=1, max_length=200)
    platform: str = Field(min_length=1, max_length=40, examples=["discord"])
    channel: str | None = Field(default=None, max_length=200)
    author: str | None = Field(default=None, max_length=200)
    text: str = Field(
        min_length=1,
        max_length=MAX_POSTED_CHARS,
        description="The message; cut to [triage] max_text_chars (4000) before scoring.",
    )
    lang: str | None = Field(default=None, pattern="^[a-z]{2}$")
    message_id: str | None = Field(
        default=None,
        max_length=200,
        description="The platform's message id: a retry with the same id gets the first "
        "decision back instead of a second one.",
    )


class DecisionResponse(BaseModel):
    """The triage's decision on a message."""

    decision: str = Field(description="answer or handoff")
    reason: str
    faq_id: str | None
    answer: str | None
    confidence: float | None
    sentiment: float
    handoff_id: str | None
    decision_id: str
    faq_version: int | None
    lang: str | None
    answer_lang: str | None
    truncated: bool
    notes: list[str]


class ReplyIn(BaseModel):
    """An agent's reply to the member."""

    text: str = Field(min_length=1, max_length=10_000)


class HandoffSummary(BaseModel):
    """A handoff in the queue."""

    handoff_id: str
    platform: str
    conversation_id: str
    channel: str | None
    author: str | None
    created_at: str
    reason: str
    sentiment: float
    text: str
    status: str
    agent: str | None
    claimed_at: str | None
    closed_at: str | None


class HandoffEvent(BaseModel):
    """One step of a handoff's history (a message, a reply, a state change)."""

    ts: str
    kind: str
    actor: str | None
    text: str | None


class EarlierMessage(BaseModel):
    """A message of the conversation before the handoff, with the bot's decision."""

    received_at: str
    text: str
    decision: str
    reason: str
    answer: str | None


class HandoffDetail(HandoffSummary):
    """A handoff with its conversation's history."""

    events: list[HandoffEvent]
    earlier: list[EarlierMessage]


_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "No valid token."},
    403: {"model": ErrorResponse, "description": "The token's role may not do this."},
}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "No handoff with that id."}
}
_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {
        "model": ErrorResponse,
        "description": "The handoff's state does not allow it (already claimed...).",
    }
}
_INVALID: dict[int | str, dict[str, Any]] = {
    422: {
        "model": ErrorResponse,
        "description": "The request body or query is invalid.",
    }
}


def attach_triage(
    app: FastAPI,
    db: str | os.PathLike[str],
    settings: TriageSettings | None = None,
) -> TriageService:
    """Give ``app`` its triage service over the journal of warehouse ``db``."""
    chosen = settings or triage_settings(load_config(None))
    store = TriageStore(journal_path(db))
    sender = WebhookSender(store, chosen.webhook) if chosen.webhook else None

    def wake() -> None:
        if sender is not None:
            sender.start()
            sender.wake()

    service = TriageService(store, chosen, on_event=wake)
    close_triage(app)
    app.state.triage = service
    app.state.triage_sender = sender
    if sender is not None:
        sender.start()  # deliver what a previous run left in the outbox
    return service


def warm_triage(app: FastAPI) -> threading.Thread | None:
    """Load the text models and index the FAQ in the background (at server start), so the
    first messages do not wait; returns the thread (None without a triage service)."""
    service: TriageService | None = getattr(app.state, "triage", None)
    if service is None:
        return None

    def warm() -> None:
        try:
            service.warm()
        except Exception:  # noqa: BLE001 - the first message will raise it properly
            log.warning("warming the triage failed", exc_info=True)

    thread = threading.Thread(target=warm, name="tribu-triage-warm", daemon=True)
    thread.start()
    return thread


def close_triage(app: FastAPI) -> None:
    """Stop the webhook thread and close the journal (at server shutdown)."""
    sender = getattr(app.state, "triage_sender", None)
    if sender is not None:
        sender.close()
    service = getattr(app.state, "triage", None)
    if service is not None:
        service.close()
    app.state.triage = None
    app.state.triage_sender = None


def triage_service(request: Request) -> TriageService:
    service: TriageService | None = getattr(request.app.state, "triage", None)
    if service is None:
        raise HTTPException(503, "The triage service is not running.")
    return service


def agent_of(request: Request) -> str:
    token = getattr(request.state, "token", None)
    if token is None:  # pragma: no cover - the middleware refuses these first
        raise HTTPException(401, "This needs a token.")
    if token.role == "bot":
        raise HTTPException(403, "A bot token may only post messages.")
    return str(token.name or f"token {token.token_id}")


def _handoff_call(action: Any, *args: Any) -> dict[str, Any]:
    try:
        result: dict[str, Any] = action(*args)
    except NotFoundError as exc:
        raise HTTPException(404, str(exc)) from None
    except ConflictError as exc:
        raise HTTPException(409, str(exc)) from None
    return result


def decision_payload(
    service: TriageService, decided: Any, posted_chars: int
) -> dict[str, Any]:
    """The JSON of a decision (the contract of ``POST /api/v1/triage/messages``)."""
    notes = []
    if decided.truncated:
        notes.append(
            f"The text ({posted_chars} characters) was cut to the first "
            f"{service.settings.max_text_chars} before it was read."
        )
    if decided.answer_lang and decided.lang and decided.answer_lang != decided.lang:
        notes.append(
            f"The FAQ has no '{decided.lang}' answer for this entry: the answer is in "
            f"'{decided.answer_lang}'."
        )
    if decided.duplicate:
        notes.append("Already received (same message_id): this is the first decision.")
    return {
        "decision": decided.decision,
        "reason": decided.reason,
        "faq_id": decided.faq_id,
        "answer": decided.answer,
        "confidence": decided.confidence,
        "sentiment": decided.sentiment,
        "handoff_id": decided.handoff_id,
        "decision_id": decided.decision_id,
        "faq_version": decided.faq_version,
        "lang": decided.lang,
        "answer_lang": decided.answer_lang,
        "truncated": decided.truncated,
        "notes": notes,
    }


def triage_router() -> APIRouter:
    """The ``/api/v1/triage`` routes."""
    router = APIRouter(prefix="/api/v1/triage", tags=["triage"])

    @router.post(
        "/messages",
        response_model=DecisionResponse,
        responses={**_ERRORS, **_INVALID},
    )
    async def post_message(request: Request, message: MessageIn) -> dict[str, Any]:
        """Decide on a member message: the FAQ answer, or a handoff to a human.

        The decision is on disk before this returns. ``bot`` tokens may call this route only.
        Messages that arrive together are decided together (one model pass, one commit).
        """
        service = triage_service(request)
        if not message.text.strip():
            raise HTTPException(422, "text: the message is empty (only spaces).")
        decided = await asyncio.wrap_future(
            service.submit(
                IncomingMessage(
                    conversation_id=message.conversation_id,
                    platform=message.platform,
                    text=message.text,
                    channel=message.channel,
                    author=message.author,
                    lang=message.lang,
                    message_id=message.message_id,
                )
            )
        )
        return decision_payload(service, decided, len(message.text.strip()))

    @router.get(
        "/handoffs",
        response_model=list[HandoffSummary],
        responses={**_ERRORS, **_INVALID},
    )
    def handoffs(
        request: Request,
        status: Annotated[
            str | None,
            Query(
                pattern=f"^({'|'.join(HANDOFF_STATES)})$",
                description="pending, open...",
            ),
        ] = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
    ) -> list[dict[str, Any]]:
        """The human queue, oldest first (all states, or one)."""
        agent_of(request)
        return triage_service(request).store.handoffs(status, limit)

    @router.get(
        "/handoffs/{handoff_id}",
        response_model=HandoffDetail,
        responses={**_ERRORS, **_NOT_FOUND},
    )
    def handoff(request: Request, handoff_id: str) -> dict[str, Any]:
        """A handoff and its conversation's history."""
        agent_of(request)
        return _handoff_call(triage_service(request).store.handoff, handoff_id)

    @router.post(
        "/handoffs/{handoff_id}/claim",
        response_model=HandoffDetail,
        responses={**_ERRORS, **_NOT_FOUND, **_CONFLICT},
    )
    def claim(request: Request, handoff_id: str) -> dict[str, Any]:
        """Take a pending handoff (409 if someone already has it)."""
        agent = agent_of(request)
        return _handoff_call(triage_service(request).claim, handoff_id, agent)

    @router.post(
        "/handoffs/{handoff_id}/reply",
        response_model=HandoffDetail,
        responses={**_ERRORS, **_NOT_FOUND, **_CONFLICT, **_INVALID},
    )
    def reply(request: Request, handoff_id: str, body: ReplyIn) -> dict[str, Any]:
        """Answer the member on a claimed handoff (sent to the webhook as handoff.replied)."""
        agent = agent_of(request)
        return _handoff_call(
            triage_service(request).reply, handoff_id, agent, body.text
        )

    @router.post(
        "/handoffs/{handoff_id}/resolve",
        response_model=HandoffDetail,
        responses={**_ERRORS, **_NOT_FOUND, **_CONFLICT},
    )
    def resolve(request: Request, handoff_id: str) -> dict[str, Any]:
        """Close a handoff; the conversation goes back to the bot."""
        agent = agent_of(request)
        return _handoff_call(triage_service(request).resolve, handoff_id, agent)

    @router.post(
        "/handoffs/{handoff_id}/return-to-bot",
        response_model=HandoffDetail,
        responses={**_ERRORS, **_NOT_FOUND, **_CONFLICT},
    )
    def return_to_bot(request: Request, handoff_id: str) -> dict[str, Any]:
        """Give the conversation back to the bot without resolving it."""
        agent = agent_of(request)
        return _handoff_call(triage_service(request).return_to_bot, handoff_id, agent)

    return router
