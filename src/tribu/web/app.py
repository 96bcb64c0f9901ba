"""The web application: ``create_app(db)`` and ``serve(db, host, port)``.

FastAPI was picked because it turns typed Python functions into a JSON API with its OpenAPI
schema for free, and runs on uvicorn; both are maintained and MIT/BSD-licensed.

Every route but ``/login`` needs a token: ``Authorization: Bearer <token>`` for the API, or the
session cookie the login page sets. Without one, an API call gets ``401`` with the error shape
and nothing else, and a page request is sent to ``/login`` (``303``). The app reads the
warehouse through a private snapshot (:mod:`tribu.web.snapshot`), so ``tribu ingest`` can write
the file while the server runs. The OpenAPI schema is at ``/api/v1/openapi.json`` (behind the
token too); the interactive docs pages are off because they load scripts from a CDN.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from tribu import __version__
from tribu.errors import TribuError
from tribu.report.charts import CHARTS
from tribu.report.data import Filters, MeasureData, MeasureUnavailable
from tribu.report.firstparty import (
    business_result,
    creators_result,
    firstparty_available,
)
from tribu.report.labels import pick_lang
from tribu.web.api import api_router, chart_payload, summary_payload, typed_openapi
from tribu.web.auth import SESSION_COOKIE, SessionStore, Token, TokenStore
from tribu.web.firstparty_api import firstparty_router
from tribu.web.pages import pages_router
from tribu.web.snapshot import SnapshotManager
from tribu.web.triage_api import BOT_PATHS, attach_triage, close_triage, triage_router
from tribu.web.triage_pages import triage_pages_router

__all__ = ["SECURITY_HEADERS", "create_app", "serve", "warm_dashboard"]

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
_OPEN_PATHS = frozenset({"/login"})


def warm_dashboard(data: MeasureData) -> None:
    """Compute what the dashboard shows first, so its first visitors do not wait.

    Every chart and the summary with no filter (both languages) and for each community alone
    (in the language the dashboard picks for it); the scorecard with no filter (it is the
    slowest: the scorecards of other filters are computed on first request, then kept).
    """
    settings: list[tuple[Filters, str]] = [(Filters(), "fr"), (Filters(), "en")]
    for community in data.communities()["community_id"]:
        settings.append(
            (
                Filters(community=community),
                pick_lang(None, data.french_share(community)),
            )
        )
    for filters, lang in settings:
        for name in CHARTS:
            try:
                chart_payload(data, name, filters, lang)
            except (
                Exception
            ):  # a measure missing on this warehouse: the request will say so
                log.debug("warming chart %s failed", name, exc_info=True)
        with contextlib.suppress(Exception):
            summary_payload(data, filters, lang)
    with contextlib.suppress(Exception):
        data.scorecard(Filters())
    for kind, result in (("business", business_result), ("creators", creators_result)):
        with contextlib.suppress(Exception):
            if firstparty_available(data, kind):
                result(data)


def _error(status: int, title: str, detail: str, **headers: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"status": status, "title": title, "detail": detail}},
        status_code=status,
        headers=headers or None,
    )


def _token_of(request: Request) -> Token | None:
    tokens: TokenStore = request.app.state.tokens
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return tokens.verify(header[7:].strip())
    sessions: SessionStore = request.app.state.sessions
    token_id = sessions.token_id(request.cookies.get(SESSION_COOKIE))
    return tokens.active(token_id) if token_id else None


def create_app(
    db: str | os.PathLike[str],
    *,
    tokens: TokenStore | None = None,
    snapshot_folder: str | os.PathLike[str] | None = None,
    refresh_interval: float = 2.0,
    watch: bool = True,
) -> FastAPI:
    """The tribu web application over warehouse ``db``.

    Parameters
    ----------
    db
        The warehouse file.
    tokens
        The token store; defaults to the one next to the warehouse (``<db>.tokens.json``).
    snapshot_folder
        Where the server keeps its private snapshots (a temporary folder by default).
    refresh_interval
        Seconds between two looks at the warehouse for new data.
    watch
        Start the thread that refreshes the snapshot when the warehouse changes.
    """
    snapshots = SnapshotManager(
        db, folder=snapshot_folder, interval=refresh_interval, warm=warm_dashboard
    )
    snapshots.current  # noqa: B018 - fails now, clearly, if the warehouse cannot be read

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if watch:
            snapshots.start()
        try:
            yield
        finally:
            snapshots.close()
            close_triage(app)

    app = FastAPI(
        title="tribu",
        version=__version__,
        description=(
            "Measures of brand micro-communities. Every call needs "
            "`Authorization: Bearer <token>` (make one with `tribu token create`)."
        ),
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.snapshots = snapshots
    app.state.tokens = tokens or TokenStore.for_warehouse(db)
    app.state.sessions = SessionStore()

    @app.middleware("http")
    async def authenticate(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        path = request.url.path
        request.state.token = None
        if path not in _OPEN_PATHS:
            token = _token_of(request)
            if token is None:
                if path.startswith("/api/"):
                    return _error(
                        401,
                        "Unauthorized",
                        "This needs a token: send 'Authorization: Bearer <token>' "
                        "(make one with 'tribu token create').",
                        **{"WWW-Authenticate": "Bearer"},
                    )
                target = quote(
                    path + (f"?{request.url.query}" if request.url.query else "")
                )
                return RedirectResponse(f"/login?next={target}", status_code=303)
            if token.role == "bot" and (
                path not in BOT_PATHS or request.method != "POST"
            ):
                return _error(403, "Forbidden", "A bot token may only post messages.")
            request.state.token = token
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        titles = {403: "Forbidden", 404: "Not found", 405: "Method not allowed"}
        return _error(
            exc.status_code, titles.get(exc.status_code, "Error"), str(exc.detail)
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(
        request: Request, exc: RequestValidationError
    ) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        return _error(422, "Invalid request", problems)

    @app.exception_handler(MeasureUnavailable)
    async def unavailable(request: Request, exc: MeasureUnavailable) -> Response:
        return _error(404, "Not found", str(exc))

    @app.exception_handler(TribuError)
    async def tribu_error(request: Request, exc: TribuError) -> Response:
        return _error(400, "Bad request", str(exc))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return _error(500, "Server error", f"{type(exc).__name__}: {exc}")

    app.include_router(api_router())
    app.include_router(firstparty_router())
    app.include_router(pages_router())
    app.include_router(triage_router())
    app.include_router(triage_pages_router())
    attach_triage(app, db)

    app.openapi = lambda: typed_openapi(app)  # type: ignore[method-assign]

    @app.get("/api/v1/openapi.json", include_in_schema=False)
    def openapi() -> dict[str, Any]:
        return app.openapi()

    return app


def serve(
    db: str | os.PathLike[str],
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    log_level: str = "info",
) -> None:
    """Run the dashboard and API with uvicorn until interrupted."""
    import uvicorn

    app = create_app(db)
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)
