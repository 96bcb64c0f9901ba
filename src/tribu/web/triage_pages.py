"""The agent page of the dashboard: the human queue and one conversation, with its actions.

Server-rendered (Jinja2, autoescaped: member text is shown as text, never as markup) with plain
HTML forms, so it needs no script. The forms post with the session cookie, which is
``SameSite=Strict``: another site cannot make an agent's browser post them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from tribu.report.labels import labels
from tribu.triage.store import HANDOFF_STATES, ConflictError, NotFoundError
from tribu.web.pages import render
from tribu.web.triage_api import agent_of, triage_service

__all__ = ["triage_pages_router"]


def _lang(lang: str | None) -> str:
    return lang if lang in ("fr", "en") else "fr"


def triage_pages_router() -> APIRouter:
    """``/triage`` (the queue) and ``/triage/{id}`` (a conversation) with their actions."""
    router = APIRouter(include_in_schema=False)

    @router.get("/triage")
    def queue(
        request: Request, status: str = "pending", lang: str | None = None
    ) -> Response:
        agent_of(request)
        chosen = None if status == "all" else status
        if chosen is not None and chosen not in HANDOFF_STATES:
            chosen = "pending"
        handoffs = triage_service(request).store.handoffs(chosen)
        words = _lang(lang)
        return render("triage.html", w=labels(words), lang=words, handoffs=handoffs)

    @router.get("/triage/{handoff_id}")
    def conversation(
        request: Request, handoff_id: str, lang: str | None = None, error: str = ""
    ) -> Response:
        agent_of(request)
        try:
            handoff = triage_service(request).store.handoff(handoff_id)
        except NotFoundError as exc:
            raise HTTPException(404, str(exc)) from None
        words = _lang(lang)
        return render(
            "handoff.html", w=labels(words), lang=words, h=handoff, error=error
        )

    @router.post("/triage/{handoff_id}/{action}")
    def act(
        request: Request,
        handoff_id: str,
        action: str,
        text: Annotated[str, Form()] = "",
    ) -> Response:
        agent = agent_of(request)
        service = triage_service(request)
        calls: dict[str, Any] = {
            "claim": lambda: service.claim(handoff_id, agent),
            "resolve": lambda: service.resolve(handoff_id, agent),
            "return-to-bot": lambda: service.return_to_bot(handoff_id, agent),
            "reply": lambda: service.reply(handoff_id, agent, text.strip()[:10_000]),
        }
        if action not in calls:
            raise HTTPException(404, f"No action {action!r}.")
        if action == "reply" and not text.strip():
            return RedirectResponse(
                f"/triage/{handoff_id}?error=empty+reply", status_code=303
            )
        try:
            calls[action]()
        except NotFoundError as exc:
            raise HTTPException(404, str(exc)) from None
        except ConflictError as exc:
            from urllib.parse import quote

            return RedirectResponse(
                f"/triage/{handoff_id}?error={quote(str(exc))}", status_code=303
            )
        return RedirectResponse(f"/triage/{handoff_id}", status_code=303)

    return router
