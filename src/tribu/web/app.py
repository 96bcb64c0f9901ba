"""The web application: ``create_app(db)`` and ``serve(db, host, port)``.

FastAPI was picked because it turns typed Python functions into a JSON API with its OpenAPI
schema for free, and runs on uvicorn; both are maintained and MIT/BSD-licensed.

Every route but ``/login`` and the live receivers under ``/hooks/`` (which check their
platform's signature instead: :mod:`tribu.web.hooks_api`) needs a token:
``Authorization: Bearer <token>`` for the API, or the session cookie the login page sets.
Without one, an API call gets ``401`` with the error shape and nothing else, and a page
request is sent to ``/login`` (``303``). The app reads the warehouse through a private
snapshot (:mod:`tribu.web.snapshot`), so ``tribu ingest`` can write the file while the server
runs. The OpenAPI schema is at ``/api/v1/openapi.json`` (behind the
token too); the interactive docs pages are off because they load scripts from a CDN.

Every answer carries the security headers (:mod:`tribu.web.headers`), 401s and redirects
included. A client that presents too many wrong tokens (``Bearer`` header or login form) is
answered ``429`` for a while (:mod:`tribu.web.throttle`).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from tribu import __version__
from tribu.errors import TribuError
from tribu.live.settings import LiveSettings
from tribu.report.charts import CHARTS
from tribu.report.data import Filters, MeasureData, MeasureUnavailable
from tribu.report.firstparty import (
    business_result,
    creators_result,
    firstparty_available,
)
from tribu.report.labels import pick_lang
from tribu.web._schema import allowed_methods
from tribu.web.alerts_pages import alerts_pages_router
from tribu.web.api import api_router, chart_payload, summary_payload, typed_openapi
from tribu.web.auth import SESSION_COOKIE, SessionStore, Token, TokenStore
from tribu.web.firstparty_api import firstparty_router
from tribu.web.headers import SECURITY_HEADERS, SecurityHeaders, security_headers
from tribu.web.hooks_api import (
    HOOK_PREFIX,
    attach_live,
    close_live,
    declare_hook_security,
    hooks_router,
    live_router,
)
from tribu.web.listening_api import listening_router
from tribu.web.pages import pages_router
from tribu.web.people_pages import people_pages_router
from tribu.web.polls_api import polls_router
from tribu.web.snapshot import SnapshotManager
from tribu.web.throttle import TokenThrottle, client_of
from tribu.web.tokens_api import tokens_router
from tribu.web.triage_api import (
    BOT_PATHS,
    attach_triage,
    close_triage,
    triage_router,
    warm_triage,
)
from tribu.web.triage_pages import triage_pages_router

__all__ = [
    "SECURITY_HEADERS",
    "create_app",
    "serve",
    "too_many_failures",
    "warm_dashboard",
]

log = logging.getLogger(__name__)

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


_TITLES = {
    400: "Bad request",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
}


def _validation_detail(errors: Sequence[Any]) -> str:
    """One line per bad parameter: where it is, what is wrong, what was received."""
    problems = []
    for error in errors:
        where = ".".join(str(p) for p in error["loc"][1:]) or str(error["loc"][0])
        place = f"{error['loc'][0]} parameter '{where}'"
        message = str(error["msg"])
        received = error.get("input")
        if "Got " not in message and isinstance(received, str | int | float):
            message += f". Got {received!r} instead"
        problems.append(f"The {place}: {message}.".replace("..", "."))
    return " ".join(problems)


def _error(status: int, title: str, detail: str, **headers: str) -> JSONResponse:
    response = JSONResponse(
        {"error": {"status": status, "title": title, "detail": detail}},
        status_code=status,
        headers=headers or None,
    )
    # A 500 is answered outside the middleware stack: it gets the headers here.
    for name, value in security_headers(k for k, _ in response.raw_headers):
        response.raw_headers.append((name, value))
    return response


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header[:7].lower() == "bearer " else None


def _token_of(request: Request, bearer: str | None) -> Token | None:
    tokens: TokenStore = request.app.state.tokens
    if bearer is not None:
        return tokens.verify(bearer)
    sessions: SessionStore = request.app.state.sessions
    token_id = sessions.token_id(request.cookies.get(SESSION_COOKIE))
    return tokens.active(token_id) if token_id else None


def too_many_failures(seconds: int) -> JSONResponse:
    """The 429 answer to a client that presented too many wrong tokens."""
    return _error(
        429,
        "Too many requests",
        f"Too many wrong tokens from this address; try again in {seconds} s.",
        **{"Retry-After": str(seconds)},
    )


def create_app(
    db: str | os.PathLike[str],
    *,
    tokens: TokenStore | None = None,
    snapshot_folder: str | os.PathLike[str] | None = None,
    refresh_interval: float = 2.0,
    watch: bool = True,
    throttle: TokenThrottle | None = None,
    live: LiveSettings | None = None,
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
    throttle
        Counts wrong tokens per client (:mod:`tribu.web.throttle`); a default one when None.
    live
        The live receivers' settings (:mod:`tribu.live.settings`); ``[live]`` of tribu.toml
        and the secrets of the environment when None.
    """
    snapshots = SnapshotManager(
        db, folder=snapshot_folder, interval=refresh_interval, warm=warm_dashboard
    )
    snapshots.current  # noqa: B018 - fails now, clearly, if the warehouse cannot be read

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if watch:
            snapshots.start()
        warm_triage(app)
        try:
            yield
        finally:
            snapshots.close()
            close_triage(app)
            close_live(app)

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
    app.state.throttle = throttle or TokenThrottle()

    @app.middleware("http")
    async def authenticate(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        path = request.url.path
        request.state.token = None
        # The live receivers check their platform's signature instead (web/hooks_api.py).
        if path not in _OPEN_PATHS and not path.startswith(HOOK_PREFIX):
            bearer = _bearer(request)
            throttle: TokenThrottle = request.app.state.throttle
            if bearer is not None:
                wait = throttle.retry_after(client_of(request))
                if wait:
                    return too_many_failures(wait)
            token = _token_of(request, bearer)
            if bearer is not None:
                if token is None:
                    throttle.failure(client_of(request))
                else:
                    throttle.success(client_of(request))
            if token is None:
                if path.startswith("/api/"):
                    return _error(
                        401,
                        "Unauthorized",
                        "This needs a token: send 'Authorization: Bearer <token>' "
                        "(make one with 'tribu token create').",
                        **{"WWW-Authenticate": "Bearer"},
                    )
                # The path as sent (still URL-encoded: a member id may hold "/" or "?"),
                # encoded once more to travel inside the query string.
                raw = request.scope.get("raw_path") or path.encode("utf-8")
                target = quote(
                    raw.decode("latin-1")
                    + (f"?{request.url.query}" if request.url.query else "")
                )
                return RedirectResponse(f"/login?next={target}", status_code=303)
            if token.role == "bot" and (
                path not in BOT_PATHS or request.method != "POST"
            ):
                return _error(403, "Forbidden", "A bot token may only post messages.")
            request.state.token = token
        return await call_next(request)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = dict(exc.headers or {})
        detail = str(exc.detail)
        if exc.status_code == 405:  # RFC 9110: say which methods the path takes
            methods = allowed_methods(app.router.routes, dict(request.scope))
            headers["Allow"] = ", ".join(methods) or headers.get("Allow", "")
            detail = (
                f"{request.method} is not allowed here. Allowed: {headers['Allow']}."
            )
        return _error(
            exc.status_code, _TITLES.get(exc.status_code, "Error"), detail, **headers
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(
        request: Request, exc: RequestValidationError
    ) -> Response:
        return _error(422, "Invalid request", _validation_detail(exc.errors()))

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

    # Outermost: every answer gets the security headers, the 401s, 303s and 429s above too.
    app.add_middleware(SecurityHeaders)

    app.include_router(api_router())
    app.include_router(tokens_router())
    app.include_router(firstparty_router())
    app.include_router(listening_router())
    app.include_router(polls_router())
    app.include_router(pages_router())
    app.include_router(triage_router())
    app.include_router(triage_pages_router())
    app.include_router(people_pages_router())
    attach_triage(app, db)
    app.include_router(hooks_router())
    app.include_router(live_router())
    app.include_router(alerts_pages_router())
    attach_live(app, db, live)

    app.openapi = lambda: declare_hook_security(typed_openapi(app))  # type: ignore[method-assign]

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
