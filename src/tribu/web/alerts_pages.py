"""The alerts page of the dashboard (``/alerts``): server-rendered, autoescaped, no script."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tribu.report.labels import labels
from tribu.web.hooks_api import alerts_of
from tribu.web.pages import render

__all__ = ["alerts_pages_router"]


def alerts_pages_router() -> APIRouter:
    """``/alerts``: the alerts raised, newest first."""
    router = APIRouter(include_in_schema=False)

    @router.get("/alerts")
    def alerts_page(request: Request, lang: str | None = None) -> Response:
        words = lang if lang in ("fr", "en") else "fr"
        return render(
            "alerts.html", w=labels(words), lang=words, alerts=alerts_of(request, 200)
        )

    return router
