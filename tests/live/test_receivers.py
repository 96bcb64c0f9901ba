"""Receivers: signatures (401, counted), malformed payloads (400 naming the field, quarantined
with the raw body), Telegram and generic events into rows, and no dashboard token needed."""

from __future__ import annotations

import json
import time
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient

from tests.live.conftest import (
    PAYLOADS,
    generic_headers,
    payload,
    slack_headers,
    telegram_headers,
)
from tribu.live.settings import LiveSettings
from tribu.live.worker import drain
from tribu.warehouse.ingest import ingest_paths
from tribu.warehouse.store import open_warehouse
from tribu.web.app import create_app
from tribu.web.auth import TokenStore


@pytest.fixture
def site(tmp_path: Path, settings: LiveSettings):  # type: ignore[no-untyped-def]
    db = tmp_path / "w.duckdb"
    open_warehouse(db).close()
    tokens = TokenStore(tmp_path / "t.json")
    _, viewer = tokens.create("viewer", "t")
    app = create_app(db, tokens=tokens, watch=False, live=settings)
    yield db, app, TestClient(app), viewer
    app.state.snapshots.close()


def test_wrong_stale_or_missing_signatures_are_401_and_counted(site, caplog) -> None:  # type: ignore[no-untyped-def]
    db, app, client, viewer = site
    caplog.set_level("WARNING", logger="tribu.web.hooks_api")
    body = payload("slack_message.json")
    wrong = slack_headers(body, secret="not-the-secret")
    stale = slack_headers(body, at=time.time() - 301)
    for headers in (wrong, stale, {"Content-Type": "application/json"}):
        r = client.post("/hooks/slack/events", content=body, headers=headers)
        assert r.status_code == 401
        assert r.json()["error"]["status"] == 401
    # the dashboard token is no substitute for the platform's signature
    r = client.post(
        "/hooks/slack/events",
        content=body,
        headers={"Authorization": f"Bearer {viewer}"},
    )
    assert r.status_code == 401
    r = client.post("/hooks/telegram", content=b"{}", headers=telegram_headers("nope"))
    assert r.status_code == 401
    g = payload("generic_batch.json")
    r = client.post("/hooks/generic", content=g + b" ", headers=generic_headers(g))
    assert r.status_code == 401  # the body changed after signing
    counters = app.state.live.queue.counters()
    assert counters["slack.bad_signature"] == 4
    assert counters["telegram.bad_signature"] == 1
    assert counters["generic.bad_signature"] == 1
    assert "slack.received" not in counters
    assert app.state.live.queue.backlog() == 0
    logged = [r.getMessage() for r in caplog.records]
    assert any(
        "refused a slack delivery" in m and "does not match" in m for m in logged
    )
    assert any("more than 5 minutes away" in m for m in logged)


def test_a_signed_event_needs_no_dashboard_token(site) -> None:  # type: ignore[no-untyped-def]
    _, _, client, _ = site
    body = payload("slack_message.json")
    r = client.post("/hooks/slack/events", content=body, headers=slack_headers(body))
    assert r.status_code == 200 and r.json()["stored"] is True
    # while the API still refuses a call without the token
    assert client.get("/api/v1/live/status").status_code == 401


def test_malformed_payloads_name_the_field_and_are_quarantined(site) -> None:  # type: ignore[no-untyped-def]
    _, app, client, _ = site
    event = json.loads(payload("slack_reaction_added.json"))
    del event["event"]["item"]["channel"]
    body = json.dumps(event).encode()
    r = client.post("/hooks/slack/events", content=body, headers=slack_headers(body))
    assert r.status_code == 400
    assert "event.item.channel" in r.json()["error"]["detail"]
    broken = b'{"update_id": 7, "message": {"message_id": 1, "chat": {"id": -5}, "date": "soon"}}'
    r = client.post("/hooks/telegram", content=broken, headers=telegram_headers())
    assert r.status_code == 400
    assert "message.date" in r.json()["error"]["detail"]
    not_json = b"{not json"
    r = client.post(
        "/hooks/generic", content=not_json, headers=generic_headers(not_json)
    )
    assert r.status_code == 400 and "'$'" in r.json()["error"]["detail"]
    rejected = app.state.live.queue.rejected()
    assert [(x["source"], x["field"]) for x in rejected] == [
        ("generic", "$"),
        ("telegram", "message.date"),
        ("slack", "event.item.channel"),
    ]
    assert rejected[2]["body"] == body.decode()  # the raw body is kept
    counters = app.state.live.queue.counters()
    assert counters["slack.malformed"] == counters["telegram.malformed"] == 1


def test_receiver_without_secret_is_off(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    open_warehouse(db).close()
    app = create_app(
        db,
        tokens=TokenStore(tmp_path / "t.json"),
        watch=False,
        live=LiveSettings({}, worker=False),
    )
    client = TestClient(app)
    r = client.post(
        "/hooks/slack/events", content=b"{}", headers={"X-Slack-Signature": "v0=1"}
    )
    assert r.status_code == 404
    assert "TRIBU_SLACK_SIGNING_SECRET" in r.json()["error"]["detail"]
    # an unsigned request is refused as such, even while the receiver is off
    assert client.post("/hooks/slack/events", content=b"{}").status_code == 401
    app.state.snapshots.close()


def test_telegram_updates_become_rows_with_export_keys(site) -> None:  # type: ignore[no-untyped-def]
    db, app, client, _ = site
    names = [
        "telegram_chat_member.json",
        "telegram_message.json",
        "telegram_message_reaction.json",
        "telegram_reply.json",
        "telegram_edited_message.json",
        "telegram_poll_answer.json",
    ]
    for _ in range(3):  # replays: stored once per update_id
        for name in names:
            r = client.post(
                "/hooks/telegram", content=payload(name), headers=telegram_headers()
            )
            assert r.status_code == 200
    assert drain(app.state.live.queue, db).applied == len(names)
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        "SELECT message_id, channel_id, text, reply_to_id, reaction_count, edited_at IS NOT NULL "
        "FROM messages ORDER BY 1"
    ).fetchall()
    reactions = con.execute("SELECT emoji, count, epoch(ts) FROM reactions").fetchall()
    events = con.execute("SELECT kind, epoch(ts) FROM member_events").fetchall()
    community = con.execute("SELECT community_id, name FROM communities").fetchall()
    con.close()
    # -1009888888888 is the export's 9888888888 (tests/.../public_supergroup.json)
    cid = "telegram:9888888888"
    assert community == [(cid, "Club Tribu")]
    assert rows == [
        (
            f"{cid}/41",
            f"{cid}/{'9888888888'}",
            "Bonjour à tous, la nouvelle saveur est top",
            None,
            1,
            False,
        ),
        (
            f"{cid}/42",
            f"{cid}/9888888888",
            "Carrément d'accord !",
            f"{cid}/41",
            0,
            True,
        ),
    ]
    assert reactions == [("❤", 1, 1733389230.0)]
    assert events == [("join", 1733389100.0)]
    assert app.state.live.queue.counters()["telegram.ignored"] == 1  # poll_answer
    # a Telegram Desktop export of the same chat (tests/live/payloads/telegram_export.json)
    # gives the same rows: nothing doubles, the pseudonyms agree
    before = _telegram_rows(db)
    ingest_paths([PAYLOADS / "telegram_export.json"], db=db, platform="telegram")
    assert _telegram_rows(db) == before


def _telegram_rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            "messages": con.execute(
                "SELECT message_id, author_id, text, reply_to_id, reaction_count, edited_at "
                "FROM messages ORDER BY 1"
            ).fetchall(),
            "reactions": con.execute(
                "SELECT message_id, member_id, emoji, count, ts FROM reactions"
            ).fetchall(),
            "events": con.execute(
                "SELECT member_id, kind, ts FROM member_events"
            ).fetchall(),
            "members": con.execute(
                "SELECT member_id FROM members ORDER BY 1"
            ).fetchall(),
        }
    finally:
        con.close()


def test_generic_batch_becomes_rows(site) -> None:  # type: ignore[no-untyped-def]
    db, app, client, _ = site
    body = payload("generic_batch.json")
    r = client.post("/hooks/generic", content=body, headers=generic_headers(body))
    assert r.status_code == 200 and r.json() == {
        "ok": True,
        "stored": True,
        "ignored": 1,
    }
    drain(app.state.live.queue, db)
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        "SELECT message_id, reply_to_id, reaction_count FROM messages ORDER BY 1"
    ).fetchall()
    joins = con.execute(
        "SELECT count(*) FROM member_events WHERE kind = 'join'"
    ).fetchone()
    con.close()
    cid = "discourse:forum.example"
    assert rows == [(f"{cid}/101", None, 0), (f"{cid}/102", f"{cid}/101", 1)]
    assert joins == (1,)


def test_live_feed_shows_applied_activity(site) -> None:  # type: ignore[no-untyped-def]
    db, app, client, viewer = site
    auth = {"Authorization": f"Bearer {viewer}"}
    start = client.get("/api/v1/live/activity", headers=auth).json()
    assert start == {"items": [], "next": 0}
    body = payload("slack_message.json")
    client.post("/hooks/slack/events", content=body, headers=slack_headers(body))
    assert client.get("/api/v1/live/status", headers=auth).json()["backlog"] == 1
    drain(app.state.live.queue, db)
    page = client.get(
        f"/api/v1/live/activity?after={start['next']}", headers=auth
    ).json()
    assert [(i["kind"], i["channel_id"]) for i in page["items"]] == [
        ("message", "slack:T0TRIBU01/C0GENERAL")
    ]
    again = client.get(
        f"/api/v1/live/activity?after={page['next']}", headers=auth
    ).json()
    assert again["items"] == []
