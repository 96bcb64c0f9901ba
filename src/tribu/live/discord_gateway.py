"""``tribu live discord``: a Discord gateway client that queues the guild's events.

The client speaks the gateway protocol (v10, JSON): on ``Hello`` (op 10) it starts
heartbeating (op 1) every ``heartbeat_interval`` (the first one after a random fraction of it,
as Discord asks), sends ``Identify`` (op 2: the bot token from ``TRIBU_DISCORD_TOKEN``, the
intents of :data:`INTENTS`) and stores every dispatch (op 0) it reads
(:mod:`tribu.live.discord_events`) in the durable queue the server's worker drains. It answers
a ``Heartbeat`` request (op 1) at once.

After a drop (the connection closes, a heartbeat is not acknowledged before the next one is
due, op 7 ``Reconnect``, or a resumable op 9) it **resumes** (op 6 with the session id and the
last sequence, on ``resume_gateway_url``): Discord replays what was missed, so there is no gap;
replayed dispatches are stored once. A session that cannot be resumed (op 9 ``false``) is
identified anew. Connection attempts back off exponentially (1 s doubling to 60 s, with
jitter), each logged on one line; close codes 4004 (bad token), 4010-4014 (bad shard, version
or intents) stop the client with a clear error: retrying cannot help.

Intents (docs/live.md): ``GUILDS``, ``GUILD_MEMBERS`` (privileged: joins and leaves),
``GUILD_MESSAGES``, ``GUILD_MESSAGE_REACTIONS``, ``DIRECT_MESSAGES``, ``MESSAGE_CONTENT``
(privileged: without it message texts arrive empty). Turn the two privileged ones on in the
Developer Portal (Bot > Privileged Gateway Intents).

The ``websockets`` library (BSD, maintained, asyncio) carries the connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tribu.errors import TribuError
from tribu.live.discord_events import EVENTS, dedup_key, queued_body
from tribu.live.queue import LiveQueue

__all__ = ["GATEWAY_URL", "INTENTS", "FatalGatewayError", "GatewayClient", "TOKEN_ENV"]

log = logging.getLogger(__name__)

GATEWAY_URL = "wss://gateway.discord.gg/?v=10&encoding=json"
TOKEN_ENV = "TRIBU_DISCORD_TOKEN"
INTENTS = (1 << 0) | (1 << 1) | (1 << 9) | (1 << 10) | (1 << 12) | (1 << 15)
"""GUILDS, GUILD_MEMBERS, GUILD_MESSAGES, GUILD_MESSAGE_REACTIONS, DIRECT_MESSAGES,
MESSAGE_CONTENT = 38403."""
_FATAL = {
    4004: "the bot token is wrong",
    4010: "invalid shard",
    4011: "sharding required",
    4012: "invalid API version",
    4013: "invalid intents",
    4014: "disallowed intents: turn on the privileged intents in the Developer Portal",
}


class FatalGatewayError(TribuError):
    """The gateway refused us for a reason a retry cannot fix."""


class _Resume(Exception):
    """Drop this connection and resume the session."""


class _Reidentify(Exception):
    """Drop this connection and start a new session."""


@dataclass
class GatewayState:
    session_id: str | None = None
    resume_url: str | None = None
    seq: int | None = None
    stored: int = 0
    connects: int = 0
    resumes: int = 0
    identifies: int = 0
    log: list[str] = field(default_factory=list)


class GatewayClient:
    """One bot connection. ``run()`` until ``stop()`` or a fatal close.

    Parameters
    ----------
    token
        The bot token.
    queue
        Where dispatches go.
    url
        The gateway (a local fake one in tests).
    backoff
        First wait after a failed connection, doubled each time up to ``max_backoff``.
    """

    def __init__(
        self,
        token: str,
        queue: LiveQueue,
        *,
        url: str = GATEWAY_URL,
        intents: int = INTENTS,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        on_stored: Callable[[], None] | None = None,
    ) -> None:
        self.token = token
        self.queue = queue
        self.url = url
        self.intents = intents
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.state = GatewayState()
        self.on_stored = on_stored
        self._stop = asyncio.Event()

    def stop(self) -> None:
        self._stop.set()

    def _note(self, text: str) -> None:
        self.state.log.append(text)
        log.warning("discord gateway: %s", text)

    async def run(self) -> None:
        wait = self.backoff
        while not self._stop.is_set():
            resuming = self.state.session_id is not None and self.state.seq is not None
            url = (self.state.resume_url or self.url) if resuming else self.url
            try:
                async with connect(url, max_size=2**24) as ws:
                    self.state.connects += 1
                    wait = self.backoff
                    await self._session(ws, resume=resuming)
            except _Resume:
                continue
            except _Reidentify:
                self.state.session_id = self.state.seq = self.state.resume_url = None
                continue
            except ConnectionClosed as exc:
                code = exc.rcvd.code if exc.rcvd else None
                if code in _FATAL:
                    raise FatalGatewayError(
                        f"Discord closed the gateway: {_FATAL[code]} ({code})."
                    ) from None
                self._note(f"connection closed ({code}); resuming")
                continue
            except (TimeoutError, OSError, websockets.InvalidHandshake) as exc:
                delay = min(wait, self.max_backoff) * (0.5 + random.random() / 2)
                self._note(f"cannot connect ({exc}); retrying in {delay:.1f} s")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), delay)
                wait = min(wait * 2, self.max_backoff)

    async def _session(self, ws: ClientConnection, *, resume: bool) -> None:
        hello = json.loads(await asyncio.wait_for(ws.recv(), 30))
        if hello.get("op") != 10:
            raise _Resume()
        interval = float(hello["d"]["heartbeat_interval"]) / 1000
        if resume:
            self.state.resumes += 1
            await ws.send(
                json.dumps(
                    {
                        "op": 6,
                        "d": {
                            "token": self.token,
                            "session_id": self.state.session_id,
                            "seq": self.state.seq,
                        },
                    }
                )
            )
        else:
            self.state.identifies += 1
            await ws.send(
                json.dumps(
                    {
                        "op": 2,
                        "d": {
                            "token": self.token,
                            "intents": self.intents,
                            "properties": {
                                "os": "linux",
                                "browser": "tribu",
                                "device": "tribu",
                            },
                        },
                    }
                )
            )
        acked = asyncio.Event()
        acked.set()
        beat = asyncio.create_task(self._heartbeat(ws, interval, acked))
        stop = asyncio.create_task(self._stop.wait())
        try:
            while True:
                recv = asyncio.create_task(ws.recv())
                done, _ = await asyncio.wait(
                    {recv, beat, stop}, return_when=asyncio.FIRST_COMPLETED
                )
                if stop in done:
                    recv.cancel()
                    await ws.close(1000)
                    return
                if beat in done:
                    recv.cancel()
                    beat.result()  # raises _Resume on a missed acknowledgement
                message = json.loads(recv.result())
                op = message.get("op")
                if op == 0:
                    self._dispatch(message)
                elif op == 11:
                    acked.set()
                elif op == 1:
                    await ws.send(json.dumps({"op": 1, "d": self.state.seq}))
                elif op == 7:
                    self._note("Discord asked for a reconnect; resuming")
                    raise _Resume()
                elif op == 9:
                    if message.get("d"):
                        self._note("session invalidated (resumable); resuming")
                        raise _Resume()
                    self._note("session invalidated; identifying again")
                    # Discord asks for a wait of 1 to 5 s (scaled down with a test's backoff)
                    await asyncio.sleep(
                        min(self.backoff, 1.0) * (1 + random.random() * 4)
                    )
                    raise _Reidentify()
        finally:
            beat.cancel()
            stop.cancel()

    async def _heartbeat(
        self, ws: ClientConnection, interval: float, acked: asyncio.Event
    ) -> None:
        await asyncio.sleep(interval * random.random())
        while True:
            if not acked.is_set():
                self._note("heartbeat not acknowledged; resuming")
                await ws.close(4000)
                raise _Resume()
            acked.clear()
            await ws.send(json.dumps({"op": 1, "d": self.state.seq}))
            await asyncio.sleep(interval)

    def _dispatch(self, message: dict[str, Any]) -> None:
        kind = str(message.get("t"))
        data = message.get("d") or {}
        seq = message.get("s")
        if isinstance(seq, int):
            self.state.seq = seq
        if kind == "READY":
            self.state.session_id = data.get("session_id")
            self.state.resume_url = data.get("resume_gateway_url")
            return
        if kind == "RESUMED" or not isinstance(data, dict):
            return
        if kind not in EVENTS:
            self.queue.count("discord", "ignored")
            return
        dedup = dedup_key(kind, data, str(self.state.session_id), seq)
        self.queue.put(
            "discord", dedup, queued_body(kind, seq, data, dedup, time.time())
        )
        self.state.stored += 1
        if self.on_stored is not None:
            self.on_stored()
