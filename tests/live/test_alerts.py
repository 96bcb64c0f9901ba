"""Alert rules on a small warehouse, once per episode, and their delivery with bounded retries."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tribu.config import TribuConfig
from tribu.connectors._records import Message
from tribu.errors import ConfigError
from tribu.live.alerts import AlertStore, alert_settings, deliver, evaluate
from tribu.live.apply import apply_ops
from tribu.live.ops import Post, Where
from tribu.live.signing import tribu_signature_fault
from tribu.warehouse.store import open_warehouse

WHERE = Where("generic", "club", channel_key="general")
DAY0 = datetime(2026, 9, 1, 12, tzinfo=UTC)


def _post(
    key: str, author: str, at: datetime, text: str, reply: str | None = None
) -> Post:
    return Post(
        WHERE, Message("club", "general", key, author, at, text, reply_to_key=reply)
    )


@pytest.fixture
def warehouse(tmp_path: Path):  # type: ignore[no-untyped-def]
    """90 days: alice posts 2 a day for 70 days then stops (at risk); bob posts 1 a day;
    on day 80, 9 negative messages in #general against 1 a day before (a spike); on day 89
    carol asks a question nobody answers, bob asks one that alice... no: that dan answers."""
    db = tmp_path / "w.duckdb"
    con = open_warehouse(db)
    ops = []
    negative = []
    for d in range(90):
        at = DAY0 + timedelta(days=d)
        if d < 70:
            ops += [
                _post(f"a{d}-{i}", "alice", at + timedelta(minutes=i), "hi")
                for i in range(2)
            ]
        ops.append(_post(f"b{d}", "bob", at, "bonjour"))
        negative.append(f"b{d}")
        if d == 80:
            for i in range(8):
                ops.append(_post(f"n{i}", "erin", at + timedelta(minutes=i), "awful"))
                negative.append(f"n{i}")
    ops.append(_post("q1", "carol", DAY0 + timedelta(days=88), "Is it vegan?"))
    ops.append(_post("q2", "dan", DAY0 + timedelta(days=88), "Gluten free?"))
    ops.append(
        _post("r2", "bob", DAY0 + timedelta(days=88, hours=1), "yes", reply="q2")
    )
    ops.append(_post("late", "bob", DAY0 + timedelta(days=89, hours=20), "ok"))
    apply_ops(con, ops)
    # every bob message is negative (1 a day: the baseline), plus erin's 8 on day 80
    con.execute(
        "INSERT INTO enrichment SELECT message_id, 'en', 0.1, NULL, NULL FROM messages "
        "WHERE list_contains(?, split_part(message_id, '/', 2))",
        [negative],
    )
    yield con
    con.close()


def test_rules_find_the_injected_episodes_once(warehouse, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = alert_settings(TribuConfig(), env={})
    found = evaluate(warehouse, settings)
    by_rule = {}
    for a in found:
        by_rule.setdefault(a.rule, []).append(a)
    # day 80: 9 negative (bob + 8) vs 1 a day (std 0 -> floor 1): 9 >= 1 + 3
    spike = by_rule["negative_spike"]
    assert [(a.subject, a.day) for a in spike] == [
        ("generic:club/general", (DAY0 + timedelta(days=80)).date().isoformat())
    ]
    assert spike[0].evidence["negative_messages"] == 9
    # alice: 28 messages per 14 days in her baseline, 0 since day 70; flagged once the
    # 14-day window holds ≤ 14 (from day 76: days 76..89 hold 0; day 76 is the first day
    # whose window (63..76) holds 7 days x 2 = 14 <= 14)
    risk = by_rule["member_at_risk"]
    assert len(risk) == 1
    assert risk[0].day == (DAY0 + timedelta(days=76)).date().isoformat()
    # carol's question has no answer 24 h later (latest message: day 89 20:00); dan's has one
    unanswered = by_rule["unanswered_question"]
    assert [a.subject for a in unanswered] == ["generic:club/q1"]
    store = AlertStore(tmp_path / "alerts.sqlite")
    assert len(store.add_new(found)) == len(found)
    assert store.add_new(evaluate(warehouse, settings)) == []  # once per episode
    store.close()


def test_delivery_retries_a_bounded_number_of_times(tmp_path: Path) -> None:
    from tribu.live.alerts import Alert

    calls: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if "slack" in str(request.url):
            return httpx.Response(500 if len(calls) < 3 else 200)
        return httpx.Response(503)  # the generic receiver keeps failing

    settings = alert_settings(
        TribuConfig(
            raw={
                "alerts": {"slack_webhook": "https://hooks.slack.invalid/x", "tries": 3}
            }
        ),
        env={
            "TRIBU_ALERTS_WEBHOOK": "https://alerts.invalid/in",
            "TRIBU_ALERTS_SECRET": "k",
        },
    )
    alert = Alert(
        "r:s:d", "negative_spike", "s", None, "2026-12-01", "9 negative <b>msgs</b>"
    )
    store = AlertStore(tmp_path / "a.sqlite")
    store.add_new([alert])
    waits: list[float] = []
    with httpx.Client(transport=httpx.MockTransport(answer)) as client:
        sent = deliver([alert], settings, store, client=client, sleep=waits.append)
    assert sent == 0  # the generic webhook never took it
    slack = [c for c in calls if "slack" in str(c.url)]
    generic = [c for c in calls if "alerts.invalid" in str(c.url)]
    assert len(slack) == 3 and len(generic) == 3  # bounded: 3 tries each
    assert waits == [0.5, 1.0, 0.5, 1.0]
    assert json.loads(slack[0].content)["text"].startswith(
        "*tribu alert: negative_spike*"
    )
    g = generic[0]
    assert (
        tribu_signature_fault(
            "k",
            g.headers["x-tribu-timestamp"],
            g.headers["x-tribu-signature"],
            g.content,
        )
        is None
    )
    assert store.latest()[0]["sent"] is False
    store.close()


def test_settings_are_checked() -> None:
    with pytest.raises(ConfigError, match="alerts.negative_spike has unknown keys: zz"):
        alert_settings(
            TribuConfig(raw={"alerts": {"negative_spike": {"zz": 1}}}), env={}
        )
    with pytest.raises(ConfigError, match="must be a number"):
        alert_settings(
            TribuConfig(raw={"alerts": {"member_at_risk": {"ratio": "half"}}}), env={}
        )
    off = alert_settings(
        TribuConfig(
            raw={"alerts": {"unanswered_question": {"enabled": False, "hours": 2}}}
        ),
        env={},
    )
    assert "unanswered_question" not in off.enabled
    assert off.rules["unanswered_question"]["hours"] == 2
    assert off.rules["negative_spike"]["z"] == 3.0  # the documented default


def test_digest_in_both_languages_escapes_names(warehouse) -> None:  # type: ignore[no-untyped-def]
    from tribu.live.digest import build_digest, parse_since

    warehouse.execute("UPDATE communities SET name = '<script>x</script>'")
    end = DAY0 + timedelta(days=90)
    week = parse_since("7d")
    en = build_digest(
        warehouse,
        since=week,
        end=end,
        lang="en",
        alerts=[
            {
                "rule": "negative_spike",
                "summary": "9 <b>",
                "day": "2026-11-28",
                "link": "http://x/",
            }
        ],
    )
    fr = build_digest(warehouse, since=week, end=end, lang="fr")
    assert "<script>" not in en.html and "&lt;script&gt;" in en.html
    assert "Messages" in en.markdown and "Membres actifs" in fr.markdown
    assert "Aucune alerte" in fr.markdown
    # days 83..89: bob 7 + late 1 + carol, dan, bob's reply on day 88 = 11 messages;
    # the 7 days before (76..82): bob 7 + erin 8 = 15 -> "11 (-4)"
    row = en.figures[0]
    assert row["messages"] == 11 and row["previous"]["messages"] == 15
    assert "11 (-4)" in en.markdown
    with pytest.raises(ConfigError, match="--since"):
        parse_since("a week")


def test_alerts_need_today_default(warehouse) -> None:  # type: ignore[no-untyped-def]
    settings = alert_settings(TribuConfig(), env={})
    # evaluated as of day 60, nothing has happened yet
    assert evaluate(warehouse, settings, today=date(2026, 10, 31)) == []


def test_alerts_page_and_api_show_kept_alerts_escaped(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from tribu.live.alerts import Alert
    from tribu.live.queue import queue_path
    from tribu.live.settings import LiveSettings
    from tribu.web.app import create_app
    from tribu.web.auth import TokenStore

    db = tmp_path / "w.duckdb"
    open_warehouse(db).close()
    tokens = TokenStore(tmp_path / "t.json")
    _, viewer = tokens.create("viewer", "t")
    app = create_app(
        db, tokens=tokens, watch=False, live=LiveSettings({}, worker=False)
    )
    store = AlertStore(queue_path(db))
    store.add_new(
        [
            Alert(
                "k1",
                "negative_spike",
                "c",
                None,
                "2026-12-01",
                "<img src=x onerror=alert(1)>",
                {"negative_messages": 9},
                "http://127.0.0.1:8000/",
            )
        ]
    )
    store.close()
    client = TestClient(app)
    auth = {"Authorization": f"Bearer {viewer}"}
    page = client.get("/alerts?lang=en", headers=auth)
    assert page.status_code == 200
    assert "<img src=x" not in page.text and "&lt;img src=x" in page.text
    assert "negative_messages=9" in page.text
    rows = client.get("/api/v1/live/alerts", headers=auth).json()
    assert [(r["key"], r["sent"]) for r in rows] == [("k1", False)]
    assert (
        client.get("/alerts", follow_redirects=False).status_code == 303
    )  # token needed
    app.state.snapshots.close()


def test_brand_post_without_positive_reaction_and_disclosure(tmp_path: Path) -> None:
    from tribu.live.ops import React

    con = open_warehouse(tmp_path / "b.duckdb")
    ops: list[object] = []
    # six brand posts (days 0..5), each with a 👍 one hour later: usual TTS = 1 h
    for d in range(6):
        at = DAY0 + timedelta(days=d)
        ops.append(_post(f"brand{d}", "brand", at, "News!"))
        ops.append(React(WHERE, f"brand{d}", "👍", "fan", at + timedelta(hours=1)))
    late = DAY0 + timedelta(days=6)
    ops.append(_post("brand-late", "brand", late, "Anyone?"))  # nothing after 8 h
    ops.append(
        _post("brand-new", "brand", late + timedelta(hours=7, minutes=30), "Soon")
    )
    ops.append(_post("last", "fan", late + timedelta(hours=8), "hello"))  # "now"
    apply_ops(con, ops)  # type: ignore[arg-type]
    con.execute(
        "UPDATE members SET is_brand = true WHERE member_id IN ("
        "SELECT author_id FROM messages WHERE message_id LIKE '%/brand%')"
    )
    con.execute(
        """
        INSERT INTO creator_posts VALUES
        ('P1', 'c1', NULL, ?, 'Trop contente de porter mes Semelle #publicité',
         1, 1, 1, 1, 1, 200, 'EUR'),
        ('P2', 'c1', 'camp', ?, 'Mes nouvelles baskets #pub', 1, 1, 1, 1, 1, NULL, NULL),
        ('P3', 'c2', NULL, ?, 'Je déteste la publicité déguisée', 1, 1, 1, 1, 1, NULL, NULL)
        """,
        [late, late, late],
    )
    settings = alert_settings(TribuConfig(), env={})
    found = evaluate(con, settings)
    con.close()
    # brand-late: 8 h ≥ 1 h × 1.5; brand-new: 0.5 h < 1.5 h; the six others had their 👍
    assert [a.subject for a in found if a.rule == "brand_post_no_positive"] == [
        "generic:club/brand-late"
    ]
    disclosure = [a for a in found if a.rule == "creator_disclosure"]
    assert [(a.subject, a.evidence["missing_ad_label"]) for a in disclosure] == [
        ("P2", True)
    ]


def test_server_worker_checks_alerts_and_never_waits_on_a_webhook(
    tmp_path: Path,
) -> None:
    from tribu.live.queue import LiveQueue, queue_path
    from tribu.live.worker import LiveWorker

    db = tmp_path / "w.duckdb"
    con = open_warehouse(db)
    apply_ops(
        con,
        [
            _post("q", "carol", DAY0, "Is it vegan?"),
            _post("later", "bob", DAY0 + timedelta(days=2), "hi"),
        ],
    )
    con.close()
    queue = LiveQueue(queue_path(db))
    config = TribuConfig(
        raw={"alerts": {"webhook": "http://127.0.0.1:9/unreachable", "tries": 2}}
    )
    worker = LiveWorker(queue, db, config=config)
    assert worker.check_alerts() == 1  # carol's question, unanswered for 2 days
    assert worker.check_alerts() == 0  # the same episode is not raised twice
    for thread in worker.alert_threads:
        thread.join(30)
    store = AlertStore(queue_path(db))
    assert [(a["rule"], a["sent"]) for a in store.latest()] == [
        ("unanswered_question", False)  # the receiver never answered: kept, not sent
    ]
    store.close()
    queue.close()


def test_handoff_waiting_too_long(tmp_path: Path) -> None:
    from tribu.triage.store import TriageStore

    journal = tmp_path / "journal.sqlite"
    store = TriageStore(journal)
    now = datetime(2026, 12, 5, 12, tzinfo=UTC)
    with store.transaction() as con:
        for hid, minutes, status in (
            ("h-old", 90, "pending"),
            ("h-new", 30, "pending"),
            ("h-done", 500, "resolved"),
        ):
            con.execute(
                "INSERT INTO handoffs (handoff_id, platform, conversation_id, decision_id, "
                "created_at, reason, sentiment, text, status) VALUES (?, 'slack', ?, ?, ?, "
                "'negative', 0.1, 'help', ?)",
                (hid, hid, hid, (now - timedelta(minutes=minutes)).isoformat(), status),
            )
    store.close()
    db = tmp_path / "w.duckdb"
    con = open_warehouse(db)
    settings = alert_settings(TribuConfig(), env={})
    found = evaluate(con, settings, journal=journal, now=now)
    con.close()
    # only the pending one past 60 minutes
    assert [(a.subject, a.evidence["waited_minutes"]) for a in found] == [("h-old", 90)]
    assert found[0].link.endswith("/triage/h-old")
