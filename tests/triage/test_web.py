"""The triage API inside tribu's server: tokens, the bot role, errors, escaping, concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.triage.conftest import Client


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def post(c: Client, text: str, conversation: str = "c1", **extra: Any) -> Any:
    body = {
        "conversation_id": conversation,
        "platform": "discord",
        "text": text,
        **extra,
    }
    return c.client.post("/api/v1/triage/messages", json=body, headers=auth(c.bot))


def test_token_required_and_bot_role_limited(triage_client: Client) -> None:
    c = triage_client
    body = {"conversation_id": "c", "platform": "slack", "text": "hello"}
    refused = c.client.post("/api/v1/triage/messages", json=body)
    assert refused.status_code == 401 and refused.json()["error"]["status"] == 401
    assert (
        c.client.get("/api/v1/triage/handoffs", headers=auth(c.bot)).status_code == 403
    )
    assert c.client.get("/api/v1/status", headers=auth(c.bot)).status_code == 403
    answered = post(c, "Combien coûte la livraison ?", lang="fr")
    assert answered.status_code == 200
    data = answered.json()
    assert {
        "decision",
        "reason",
        "faq_id",
        "answer",
        "confidence",
        "sentiment",
        "handoff_id",
    } <= set(data)
    assert (data["decision"], data["faq_id"], data["faq_version"]) == (
        "answer",
        "livraison-frais",
        1,
    )


def test_queue_claim_conflict_and_unknown(triage_client: Client) -> None:
    c = triage_client
    handed = post(c, "real person please", "c2").json()
    assert handed["decision"] == "handoff" and handed["reason"] == "asks_for_human"
    hid = handed["handoff_id"]
    queue = c.client.get(
        "/api/v1/triage/handoffs?status=pending", headers=auth(c.viewer)
    )
    assert [h["handoff_id"] for h in queue.json()] == [hid]
    base = f"/api/v1/triage/handoffs/{hid}"
    assert (
        c.client.post(f"{base}/claim", headers=auth(c.viewer)).json()["status"]
        == "open"
    )
    again = c.client.post(f"{base}/claim", headers=auth(c.admin))
    assert (
        again.status_code == 409
        and "already open by alice" in again.json()["error"]["detail"]
    )
    missing = c.client.post(
        "/api/v1/triage/handoffs/h_nope/claim", headers=auth(c.viewer)
    )
    assert missing.status_code == 404
    empty = post(c, "   ", "c3")
    assert empty.status_code == 422
    replied = c.client.post(
        f"{base}/reply", json={"text": "Bonjour !"}, headers=auth(c.viewer)
    )
    assert replied.json()["events"][-1]["kind"] == "reply"
    done = c.client.post(f"{base}/resolve", headers=auth(c.viewer))
    assert done.json()["status"] == "resolved"


def test_openapi_declares_the_triage_routes(triage_client: Client) -> None:
    c = triage_client
    schema = c.client.get("/api/v1/openapi.json", headers=auth(c.admin)).json()
    claim = schema["paths"]["/api/v1/triage/handoffs/{handoff_id}/claim"]["post"]
    assert {"200", "401", "403", "404", "409"} <= set(claim["responses"])
    message = schema["paths"]["/api/v1/triage/messages"]["post"]
    assert message["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/DecisionResponse"
    }


def test_hostile_text_is_escaped_on_the_agent_page(triage_client: Client) -> None:
    c = triage_client
    hostile = (
        '<script>alert("x")</script> un conseiller svp <img src=x onerror=alert(1)>'
    )
    hid = post(c, hostile, "c4").json()["handoff_id"]
    for page in ("/triage", f"/triage/{hid}"):
        html = c.client.get(page, headers=auth(c.viewer)).text
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(" in html


def test_concurrent_messages_are_all_recorded(triage_client: Client) -> None:
    c = triage_client
    texts = ["Vous livrez en Belgique ?", "un conseiller svp", "c'est une arnaque"]

    def send(i: int) -> int:
        r = post(c, texts[i % 3], f"load-{i % 40}", message_id=f"m{i}")
        return r.status_code

    with ThreadPoolExecutor(16) as pool:
        codes = list(pool.map(send, range(240)))
    assert codes == [200] * 240
    store = c.app.state.triage.store
    (logged,) = store.rows(
        "SELECT count(*) AS n FROM triage_log WHERE conversation_id LIKE 'load-%'"
    )
    assert logged["n"] == 240
    per_conversation = store.rows(
        "SELECT conversation_id, count(*) AS n FROM handoffs "
        "WHERE conversation_id LIKE 'load-%' GROUP BY 1"
    )
    # Each of the 40 conversations gets a human ask or a complaint: one handoff, exactly once.
    assert len(per_conversation) == 40 and {r["n"] for r in per_conversation} == {1}
