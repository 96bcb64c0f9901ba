"""The Discord gateway client against a local fake gateway (websockets, loopback):
identify, heartbeat, dispatches queued once, resume after a drop with no gap, re-identify
after an invalid session, back off when the gateway is unreachable, stop on a fatal close."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from websockets.asyncio.server import ServerConnection, serve

from tribu.live.discord_gateway import FatalGatewayError, GatewayClient
from tribu.live.queue import LiveQueue
from tribu.live.worker import drain
from tribu.warehouse.store import open_warehouse

GUILD, CHANNEL = "81384788765712384", "81384788765712387"


def _msg(seq: int, kind: str, data: dict[str, Any]) -> str:
    return json.dumps({"op": 0, "s": seq, "t": kind, "d": data})


CREATE = {
    "id": "1100",
    "channel_id": CHANNEL,
    "guild_id": GUILD,
    "content": "Hello tribu",
    "timestamp": "2026-12-05T10:00:00.000000+00:00",
    "edited_timestamp": None,
    "author": {"id": "80351110224678912", "username": "nelly", "global_name": "Nelly"},
    "mentions": [],
    "attachments": [],
    "type": 0,
}
REACT = {
    "user_id": "80351110224678913",
    "channel_id": CHANNEL,
    "message_id": "1100",
    "guild_id": GUILD,
    "emoji": {"id": None, "name": "🔥"},
}
UPDATE = {
    "id": "1100",
    "channel_id": CHANNEL,
    "guild_id": GUILD,
    "content": "Hello tribu!",
    "edited_timestamp": "2026-12-05T10:05:00.000000+00:00",
    "mentions": [],
}
JOIN = {
    "guild_id": GUILD,
    "joined_at": "2026-12-05T09:00:00.000000+00:00",
    "user": {"id": "80351110224678914", "username": "zoe"},
    "roles": [],
}


class FakeGateway:
    """Plays a scripted session per connection and records what the client sent."""

    def __init__(self) -> None:
        self.connections = 0
        self.received: list[dict[str, Any]] = []
        self.url = ""

    async def handler(self, ws: ServerConnection) -> None:
        self.connections += 1
        n = self.connections
        await ws.send(json.dumps({"op": 10, "d": {"heartbeat_interval": 150}}))
        first = json.loads(await ws.recv())
        self.received.append(first)
        if n == 1:
            assert first["op"] == 2
            await ws.send(
                _msg(
                    1, "READY", {"session_id": "sess-1", "resume_gateway_url": self.url}
                )
            )
            await ws.send(_msg(2, "MESSAGE_CREATE", CREATE))
            await ws.send(_msg(3, "MESSAGE_REACTION_ADD", REACT))
            await ws.send(_msg(4, "TYPING_START", {"channel_id": CHANNEL}))
            await self._beats(ws, 2)
            await ws.close(1011)  # a drop
        elif n == 2:  # resume: replay from the client's seq, with one already stored
            await ws.send(_msg(3, "MESSAGE_REACTION_ADD", REACT))
            await ws.send(_msg(5, "MESSAGE_UPDATE", UPDATE))
            await ws.send(_msg(6, "RESUMED", {}))
            await ws.send(json.dumps({"op": 7, "d": None}))  # please reconnect
            await self._drain(ws)
        elif n == 3:
            await ws.send(json.dumps({"op": 9, "d": False}))  # not resumable
            await self._drain(ws)
        else:
            await ws.send(
                _msg(
                    1, "READY", {"session_id": "sess-2", "resume_gateway_url": self.url}
                )
            )
            await ws.send(_msg(2, "GUILD_MEMBER_ADD", JOIN))
            await self._drain(ws)

    async def _beats(self, ws: ServerConnection, count: int) -> None:
        seen = 0
        while seen < count:
            message = json.loads(await ws.recv())
            self.received.append(message)
            if message["op"] == 1:
                seen += 1
                await ws.send(json.dumps({"op": 11}))

    async def _drain(self, ws: ServerConnection) -> None:
        try:
            async for raw in ws:
                message = json.loads(raw)
                self.received.append(message)
                if message["op"] == 1:
                    await ws.send(json.dumps({"op": 11}))
        except Exception:
            return


async def _scenario(queue: LiveQueue) -> tuple[FakeGateway, GatewayClient]:
    fake = FakeGateway()
    async with serve(fake.handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        fake.url = f"ws://127.0.0.1:{port}"
        client = GatewayClient("bot-token", queue, url=fake.url, backoff=0.05)
        task = asyncio.create_task(client.run())
        for _ in range(200):
            await asyncio.sleep(0.05)
            if fake.connections >= 4 and client.state.stored >= 4:
                break
        client.stop()
        await asyncio.wait_for(task, 10)
    return fake, client


def test_identify_heartbeat_resume_and_reidentify(tmp_path: Path) -> None:
    queue = LiveQueue(tmp_path / "q.sqlite")
    fake, client = asyncio.run(_scenario(queue))
    ops = [m["op"] for m in fake.received]
    assert ops[0] == 2 and fake.received[0]["d"]["token"] == "bot-token"
    assert fake.received[0]["d"]["intents"] == 38403
    assert 1 in ops  # heartbeats
    resumes = [m for m in fake.received if m["op"] == 6]
    # after the drop: resume sess-1 from seq 4; after op 7: resume from seq 6
    assert [(r["d"]["session_id"], r["d"]["seq"]) for r in resumes] == [
        ("sess-1", 4),
        ("sess-1", 6),
    ]
    assert [m["op"] for m in fake.received].count(2) == 2  # identified again after op 9
    assert client.state.stored == 5  # create, react, react (replayed), update, join
    counters = queue.counters()
    assert counters["discord.received"] == 4 and counters["discord.duplicate"] == 1
    assert counters["discord.ignored"] == 1  # TYPING_START
    db = tmp_path / "w.duckdb"
    open_warehouse(db).close()
    assert drain(queue, db).applied == 4
    con = duckdb.connect(str(db), read_only=True)
    row = con.execute(
        "SELECT message_id, text, reaction_count, edited_at IS NOT NULL FROM messages"
    ).fetchall()
    joins = con.execute("SELECT kind FROM member_events").fetchall()
    con.close()
    assert row == [(f"discord:{GUILD}/1100", "Hello tribu!", 1, True)]
    assert joins == [("join",)]
    assert any("resuming" in line for line in client.state.log)
    queue.close()


def test_unreachable_gateway_backs_off(tmp_path: Path) -> None:
    async def run() -> GatewayClient:
        client = GatewayClient(
            "t", LiveQueue(tmp_path / "q.sqlite"), url="ws://127.0.0.1:9", backoff=0.01
        )
        task = asyncio.create_task(client.run())
        await asyncio.sleep(0.5)
        client.stop()
        await asyncio.wait_for(task, 5)
        return client

    client = asyncio.run(run())
    waits = [line for line in client.state.log if "cannot connect" in line]
    assert len(waits) >= 2
    assert client.state.connects == 0


def test_a_wrong_token_stops_the_client(tmp_path: Path) -> None:
    async def handler(ws: ServerConnection) -> None:
        await ws.send(json.dumps({"op": 10, "d": {"heartbeat_interval": 1000}}))
        await ws.recv()
        await ws.close(4004, "Authentication failed")

    async def run() -> None:
        async with serve(handler, "127.0.0.1", 0) as server:
            port = server.sockets[0].getsockname()[1]
            client = GatewayClient(
                "bad", LiveQueue(tmp_path / "q.sqlite"), url=f"ws://127.0.0.1:{port}"
            )
            await asyncio.wait_for(client.run(), 10)

    with pytest.raises(FatalGatewayError, match="token is wrong"):
        asyncio.run(run())
