"""The slowdown after repeated wrong tokens: at most a few failures per client per minute.

A client (an IP address, as the server sees it) that presents a wrong, unknown or revoked token
:data:`FAILURE_LIMIT` times within :data:`FAILURE_WINDOW` seconds, as an
``Authorization: Bearer`` header or on the login form, is refused with ``429 Too Many
Requests`` and a ``Retry-After`` header on its next token-bearing requests, until its oldest
failure in the window is :data:`FAILURE_WINDOW` seconds old. A success forgets the client's
failures. Requests without a token are not counted (a browser without a session is sent to
the login page as before), nor are stale session cookies (a session id is 256 random bits:
nothing to guess, and a browser holding one from before a restart would lock its user out).

Tokens are 256 random bits, so no guessing could succeed anyway: the slowdown keeps a script
from hammering the server and filling its logs. A blocked client answers no faster than 429:
nothing is kept waiting (a delay would hold a connection open per attempt). Behind a reverse
proxy every client has the proxy's address, so one client's failures slow everyone: run
``tribu serve`` on the loopback address (its default) or give each user their own token and
keep the proxy on the same machine.

Memory is bounded: at most :data:`MAX_CLIENTS` clients are tracked (the ones seen least
recently are dropped first). The clock can be injected, so tests need no sleeping.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from starlette.requests import HTTPConnection

__all__ = [
    "FAILURE_LIMIT",
    "FAILURE_WINDOW",
    "MAX_CLIENTS",
    "TokenThrottle",
    "client_of",
]

FAILURE_LIMIT = 5
"""Wrong tokens a client may present within :data:`FAILURE_WINDOW` before it is refused."""

FAILURE_WINDOW = 60.0
"""Seconds a wrong token counts against its client."""

MAX_CLIENTS = 10_000
"""Clients whose failures are remembered at once."""


def client_of(request: HTTPConnection) -> str:
    """The client a wrong token counts against: its address, as the server sees it."""
    return request.client.host if request.client else "unknown"


class TokenThrottle:
    """Per-client count of recent wrong tokens, and how long a client must wait.

    Parameters
    ----------
    limit
        Failures within ``window`` after which the client is refused.
    window
        Seconds a failure counts.
    clock
        Monotonic seconds (``time.monotonic`` by default; tests pass a fake).
    max_clients
        Clients remembered at once.
    """

    def __init__(
        self,
        limit: int = FAILURE_LIMIT,
        window: float = FAILURE_WINDOW,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = MAX_CLIENTS,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.max_clients = max_clients
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float] | None:
        times = self._failures.get(client)
        if times is None:
            return None
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[client]
            return None
        return times

    def retry_after(self, client: str) -> int:
        """Whole seconds ``client`` must wait before presenting a token; 0 if it may now."""
        with self._lock:
            now = self.clock()
            times = self._recent(client, now)
            if times is None or len(times) < self.limit:
                return 0
            return max(1, math.ceil(times[-self.limit] + self.window - now))

    def failure(self, client: str) -> None:
        """Count one wrong token from ``client``."""
        with self._lock:
            now = self.clock()
            times = self._recent(client, now)
            if times is None:
                times = self._failures[client] = deque(maxlen=self.limit)
            times.append(now)
            self._failures.move_to_end(client)
            while len(self._failures) > self.max_clients:
                self._failures.popitem(last=False)

    def success(self, client: str) -> None:
        """Forget ``client``'s failures (it presented a valid token)."""
        with self._lock:
            self._failures.pop(client, None)
