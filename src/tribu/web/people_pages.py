"""The People page of the dashboard: merge suggestions side by side, accepted or rejected in bulk.

Server-rendered (Jinja2, autoescaped: names are shown as text, never as markup) with one plain
HTML form, so it needs no script: tick the pairs, then *Accept* or *Reject*. Reading needs any
token; deciding needs an admin token (a viewer gets 403). The form posts with the session
cookie, which is ``SameSite=Strict``: another site cannot make a browser post it.

Decisions are written to the warehouse itself (not the snapshot the dashboard reads), through
:mod:`tribu.people.store`, each with the admin token's name as actor; the snapshot is then
refreshed so the community-wide counts follow. While another process writes the warehouse
(``tribu ingest``), deciding answers 409.
"""

from __future__ import annotations

from typing import Annotated, Any

import duckdb
from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from tribu.report.labels import labels
from tribu.web.pages import render

__all__ = ["people_pages_router"]

_MAX_PAIRS = 500


def _actor(request: Request, *, deciding: bool) -> str:
    token = getattr(request.state, "token", None)
    if token is None:  # pragma: no cover - the middleware refuses these first
        raise HTTPException(401, "This needs a token.")
    if token.role == "bot" or (deciding and token.role != "admin"):
        raise HTTPException(403, "Only an admin token may decide who is one person.")
    return str(token.name or f"token {token.token_id}")


def _connect(request: Request, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    from tribu.warehouse.store import open_warehouse

    try:
        return open_warehouse(request.app.state.snapshots.db, read_only=read_only)
    except duckdb.IOException:
        raise HTTPException(
            409, "The warehouse is busy (another process writes it): try again shortly."
        ) from None


def _view(request: Request, limit: int) -> dict[str, Any]:
    from tribu.people.store import active_counts, suggestions

    con = _connect(request, read_only=True)
    try:
        rows = suggestions(con, limit=limit)
        members, people = active_counts(con)
        total = con.execute("SELECT count(*) FROM people_suggestions").fetchone()
    finally:
        con.close()
    return {
        "suggestions": rows,
        "total": int(total[0]) if total else 0,
        "active_members": members,
        "active_people": people,
    }


def people_pages_router() -> APIRouter:
    """``GET /people`` (the suggestions) and ``POST /people/decide`` (bulk accept/reject)."""
    router = APIRouter(include_in_schema=False)

    @router.get("/people")
    def people_page(
        request: Request, lang: str | None = None, done: str = "", limit: int = 200
    ) -> Response:
        _actor(request, deciding=False)
        words = lang if lang in ("fr", "en") else "fr"
        view = _view(request, max(1, min(limit, 1000)))
        return render("people.html", w=labels(words), lang=words, done=done, **view)

    @router.post("/people/decide")
    def decide(
        request: Request,
        action: Annotated[str, Form()],
        pair: Annotated[list[str] | None, Form()] = None,
        reason: Annotated[str, Form()] = "",
    ) -> Response:
        from tribu.people.store import accept_many, reject_many

        actor = _actor(request, deciding=True)
        if action not in ("accept", "reject"):
            raise HTTPException(
                422, f"The action must be accept or reject. Got {action!r}."
            )
        pairs = []
        for value in (pair or [])[:_MAX_PAIRS]:
            a, sep, b = value.partition("|")
            if not sep or not a or not b:
                raise HTTPException(
                    422, f"A pair is 'member|member'. Got {value[:80]!r}."
                )
            pairs.append((a, b))
        note = reason.strip()[:500] or f"dashboard: {action}"
        con = _connect(request, read_only=False)
        try:
            run = accept_many if action == "accept" else reject_many
            result = run(con, pairs, actor=actor, reason=note)
        finally:
            con.close()
        request.app.state.snapshots.refresh(wait=2.0, warm=False)
        return RedirectResponse(
            f"/people?done={action}:{len(result.decisions)}:{len(result.skipped)}",
            status_code=303,
        )

    return router
