"""The listening API and pages: token, JSON shape, CSV, pagination, escaping, OpenAPI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tribu.listening.pipeline import update_topics
from tribu.listening.synthetic import SyntheticTruth
from tribu.warehouse.store import open_warehouse
from tribu.web.app import create_app
from tribu.web.auth import TokenStore

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


@pytest.fixture(scope="module")
def client(
    generated: tuple[Path, SyntheticTruth], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, str, SyntheticTruth]]:
    import shutil

    folder = tmp_path_factory.mktemp("web-listening")
    db = folder / "w.duckdb"
    shutil.copy(generated[0], db)
    truth = generated[1]
    con = open_warehouse(db)
    try:
        con.execute(
            "UPDATE messages SET text = ? || ' ' || text WHERE contains(text, ?)",
            [HOSTILE, truth.burst_words[0]],
        )
        update_topics(con, strong=False)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    tokens = TokenStore(folder / "tokens.json")
    _, viewer = tokens.create("viewer", "tests")
    app = create_app(db, tokens=tokens, watch=False)
    with TestClient(app) as test_client:
        yield test_client, viewer, truth
    app.state.snapshots.close()


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_api_needs_a_token(client: tuple[TestClient, str, SyntheticTruth]) -> None:
    http, _, _ = client
    for path in (
        "/api/v1/listening",
        "/api/v1/listening/topics.csv",
        "/api/v1/listening/topics/1/messages",
    ):
        response = http.get(path)
        assert response.status_code == 401
        assert response.json()["error"]["status"] == 401
    assert http.get("/listening", follow_redirects=False).status_code == 303


def test_json_csv_and_pages_of_messages(
    client: tuple[TestClient, str, SyntheticTruth],
) -> None:
    http, token, _ = client
    view = http.get("/api/v1/listening?limit=5", headers=_auth(token)).json()
    assert view["period"]["kind"] == "week" and 1 <= len(view["topics"]) <= 5
    topic = view["topics"][0]
    csv_text = http.get("/api/v1/listening/topics.csv", headers=_auth(token)).text
    assert csv_text.splitlines()[0].startswith("period_start,topic_id,label")
    first = http.get(
        f"/api/v1/listening/topics/{topic['topic_id']}/messages?per_page=7",
        headers=_auth(token),
    ).json()
    second = http.get(
        f"/api/v1/listening/topics/{topic['topic_id']}/messages?per_page=7&page=2",
        headers=_auth(token),
    ).json()
    assert first["total"] >= 14 and len(first["messages"]) == 7
    assert not {m["message_id"] for m in first["messages"]} & {
        m["message_id"] for m in second["messages"]
    }
    missing = http.get("/api/v1/listening/topics/99999/messages", headers=_auth(token))
    assert missing.status_code == 404
    bad = http.get("/api/v1/listening?period=day", headers=_auth(token))
    assert bad.status_code == 422


def test_pages_escape_member_text(
    client: tuple[TestClient, str, SyntheticTruth],
) -> None:
    http, token, truth = client
    view = http.get("/api/v1/listening?limit=50", headers=_auth(token)).json()
    hostile = [
        t for t in view["topics"] if any(HOSTILE in e["text"] for e in t["examples"])
    ]
    assert hostile, "the hostile topic should be shown with its examples"
    page = http.get("/listening", headers=_auth(token)).text
    topic_page = http.get(
        f"/listening/topics/{hostile[0]['topic_id']}", headers=_auth(token)
    ).text
    for html in (page, topic_page):
        assert "<script>alert(1)" not in html
        assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in topic_page
    assert 'id="figure-conversations"' in page


def test_openapi_lists_the_listening_routes(
    client: tuple[TestClient, str, SyntheticTruth],
) -> None:
    http, token, _ = client
    schema = http.get("/api/v1/openapi.json", headers=_auth(token)).json()
    assert "/api/v1/listening" in schema["paths"]
    assert "/api/v1/listening/topics/{topic_id}/messages" in schema["paths"]
    assert "ListeningResponse" in str(schema["components"]["schemas"])
