"""Security headers on every response the server sends: pages, API, 401s, redirects, errors.

:class:`SecurityHeaders` is a plain ASGI middleware (no request buffering): it adds
:data:`SECURITY_HEADERS` to the start of every HTTP response that does not set them itself,
and ``Cache-Control: no-store`` to every response that says nothing of caching (the pages and
the API hold community data; static files set their own). It is the outermost middleware of
the app, so answers made by the authentication middleware (401, the redirect to the login page,
429) get the headers too. Errors the framework turns into a 500 carry them through the app's
error shape (``tribu.web.app``).

Starlette's middleware protocol was used rather than a wrapping ``BaseHTTPMiddleware``
because it sees every response, streaming ones included, at no cost per body chunk.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["SECURITY_HEADERS", "SecurityHeaders", "security_headers"]

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
"""Headers every response carries (unless it sets its own value)."""

_DEFAULTS: tuple[tuple[bytes, bytes], ...] = (
    *(
        (k.lower().encode("latin-1"), v.encode("latin-1"))
        for k, v in SECURITY_HEADERS.items()
    ),
    (b"cache-control", b"no-store"),
)


def security_headers(present: Iterable[bytes]) -> list[tuple[bytes, bytes]]:
    """The default headers missing from a response whose header names are ``present``."""
    have = {name.lower() for name in present}
    return [(name, value) for name, value in _DEFAULTS if name not in have]


class SecurityHeaders:
    """ASGI middleware adding :data:`SECURITY_HEADERS` (and ``no-store``) to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the missing headers to the response's start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += security_headers(name for name, _ in headers)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
