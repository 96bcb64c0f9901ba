"""Slack events on loopback: exact rows, replays idempotent, an export after live adds nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient

from tests.live.conftest import PAYLOADS, payload, slack_headers
from tribu.live.settings import LiveSettings
from tribu.live.worker import drain
from tribu.warehouse.ingest import ingest_paths
from tribu.warehouse.store import open_warehouse
from tribu.web.app import create_app
from tribu.web.auth import TokenStore

SEQUENCE = [
    "slack_member_joined_channel.json",
    "slack_message.json",
    "slack_reaction_added.json",
    "slack_thread_reply.json",
    "slack_message_changed.json",
    "slack_reaction_added_carol.json",
    "slack_reaction_removed.json",
    "slack_message_to_delete.json",
    "slack_message_deleted.json",
    "slack_app_home_opened.json",
]
ROOT = "slack:T0TRIBU01/C0GENERAL:1733389200.000100"
REPLY = "slack:T0TRIBU01/C0GENERAL:1733389260.000200"


@pytest.fixture
def site(tmp_path: Path, settings: LiveSettings):  # type: ignore[no-untyped-def]
    db = tmp_path / "w.duckdb"
    open_warehouse(db).close()
    app = create_app(
        db, tokens=TokenStore(tmp_path / "t.json"), watch=False, live=settings
    )
    yield db, app, TestClient(app)
    app.state.snapshots.close()


def _post_all(client: TestClient) -> list[dict[str, object]]:
    answers = []
    for name in SEQUENCE:
        body = payload(name)
        r = client.post(
            "/hooks/slack/events", content=body, headers=slack_headers(body)
        )
        assert r.status_code == 200, r.text
        answers.append(r.json())
    return answers


def _tables(db: Path) -> dict[str, list[tuple[object, ...]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            "messages": con.execute(
                "SELECT message_id, author_id, text, reply_to_id, thread_id, reaction_count, "
                "mentions, edited_at FROM messages ORDER BY message_id"
            ).fetchall(),
            "reactions": con.execute(
                "SELECT message_id, member_id, emoji, count, ts FROM reactions ORDER BY 1, 2, 3"
            ).fetchall(),
            "member_events": con.execute(
                "SELECT member_id, kind, ts FROM member_events ORDER BY 1, 2, 3"
            ).fetchall(),
            "members": con.execute(
                "SELECT member_id FROM members ORDER BY 1"
            ).fetchall(),
            "channels": con.execute("SELECT channel_id FROM channels").fetchall(),
        }
    finally:
        con.close()


def test_url_verification_answers_the_challenge(site) -> None:  # type: ignore[no-untyped-def]
    _, _, client = site
    body = payload("slack_url_verification.json")
    r = client.post("/hooks/slack/events", content=body, headers=slack_headers(body))
    assert r.status_code == 200
    assert r.json() == {
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    }


def test_events_land_as_exact_rows(site) -> None:  # type: ignore[no-untyped-def]
    db, app, client = site
    answers = _post_all(client)
    assert [a["stored"] for a in answers] == [True] * len(SEQUENCE)
    assert answers[-1]["ignored"] == 1  # app_home_opened: not read, counted
    queue = app.state.live.queue
    result = drain(queue, db)
    assert result.applied == len(SEQUENCE) and result.failed == 0
    t = _tables(db)
    # Alice's post, Bob's reply (edited); Carol's message was deleted.
    assert [m[0] for m in t["messages"]] == [ROOT, REPLY]
    root, reply = t["messages"]
    alice, bob = root[1], reply[1]
    assert root[2] == "New flavour drops Friday! <@U0BOB> what do you think?"
    assert root[6] == [bob]  # the mention is Bob's pseudonym
    assert root[5] == 1  # Bob's heart_eyes; Carol's thumbsup came and went
    assert reply[2] == "Love it, can't wait for Friday"
    assert reply[3] == ROOT and reply[4] == ROOT
    assert (
        root[3] is None and root[4] == ROOT
    )  # the root joined its thread, as in an export
    assert reply[7] == datetime(2024, 12, 5, 9, 2, tzinfo=UTC)  # edited.ts 1733389320
    # the reaction carries its time (event_ts 1733389230.0004)
    assert t["reactions"] == [
        (ROOT, bob, "heart_eyes", 1, datetime(2024, 12, 5, 9, 0, 30, 400, tzinfo=UTC))
    ]
    assert len(t["member_events"]) == 1 and t["member_events"][0][1] == "join"
    assert len(t["members"]) == 4  # alice, bob, carol (her reaction and message), dave
    assert alice.startswith("m_") and alice != bob
    assert t["channels"] == [("slack:T0TRIBU01/C0GENERAL",)]
    counters = queue.counters()
    assert counters["slack.received"] == len(SEQUENCE)
    assert counters["slack.ignored"] == 1


def test_replays_three_times_change_nothing(site) -> None:  # type: ignore[no-untyped-def]
    db, app, client = site
    _post_all(client)
    drain(app.state.live.queue, db)
    before = _tables(db)
    for _ in range(3):
        answers = _post_all(client)
        assert not any(a["stored"] for a in answers)  # every event_id already stored
        drain(app.state.live.queue, db)
    assert _tables(db) == before
    assert app.state.live.queue.counters()["slack.duplicate"] == 3 * len(SEQUENCE)


def test_batch_applied_twice_changes_nothing(site) -> None:  # type: ignore[no-untyped-def]
    """A worker killed after the warehouse commit and before marking the batch applied
    applies it again on restart: the tables must not change."""
    from tribu.live.apply import apply_ops
    from tribu.live.slack_events import read_slack

    db, _, _ = site
    ops = [op for name in SEQUENCE for op in read_slack(payload(name)).ops]
    con = open_warehouse(db)
    try:
        apply_ops(con, ops)
    finally:
        con.close()
    once = _tables(db)
    con = open_warehouse(db)
    try:
        apply_ops(con, ops)
        apply_ops(con, ops)
    finally:
        con.close()
    assert _tables(db) == once


def test_export_after_live_adds_nothing_twice(site) -> None:  # type: ignore[no-untyped-def]
    db, app, client = site
    _post_all(client)
    drain(app.state.live.queue, db)
    live = _tables(db)
    ingest_paths([PAYLOADS / "slack_export"], db=db, platform="slack")
    after = _tables(db)
    assert [m[0] for m in after["messages"]] == [ROOT, REPLY]  # same ids, no duplicate
    # the export's rows are the live rows: ids, authors, text, reply, thread, reaction
    # count, mentions, edit time
    assert after["messages"] == live["messages"]
    assert after["members"] == live["members"]  # same pseudonyms
    assert len(after["reactions"]) == 1
    # the export lists Bob's heart_eyes without a time: the live time is kept
    assert after["reactions"][0][4] == live["reactions"][0][4]
    # the export's channel_join (ts 1733389100.00005) is the live join: one event
    assert after["member_events"] == live["member_events"]
