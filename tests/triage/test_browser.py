"""The agent page ``/triage`` in a real browser (Debian's chromium driven by Playwright).

A bot posts a hostile message that asks for a human; an agent logs in, sees it at the head of
the queue shown as text (no script runs, no element is injected), opens it, claims it, answers
it, and resolves it; the member's next message is answered by the bot again.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.triage.conftest import SEMELLE_FAQ
from tests.web.conftest import free_port
from tests.web.test_browser import ARGS, CHROMIUM
from tribu.triage.faq_file import read_faq_file
from tribu.triage.store import TriageStore, journal_path
from tribu.web.auth import TokenStore

pytestmark = pytest.mark.browser

HOSTILE = (
    "<script>alert('pwned')</script><img src=x onerror=\"alert('img')\">"
    "<b id=injected>un conseiller svp</b> & merci"
)


@dataclass
class Live:
    url: str
    viewer: str
    bot: str


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, warehouse: Path) -> Iterator[Live]:
    """A real server (uvicorn in a thread) with the Semelle FAQ in its journal."""
    import uvicorn

    from tribu.web.app import create_app

    folder = tmp_path_factory.mktemp("triage-browser")
    db = folder / "w.duckdb"
    shutil.copy(warehouse, db)
    store = TriageStore(journal_path(db))
    store.load_faq(read_faq_file(SEMELLE_FAQ))
    store.close()
    tokens = TokenStore(folder / "tokens.json")
    _, viewer = tokens.create("viewer", "agent-anna")
    _, bot = tokens.create("bot", "discord-bot")
    app = create_app(db, tokens=tokens, watch=False)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the test server did not start"
    yield Live(f"http://127.0.0.1:{port}", viewer, bot)
    server.should_exit = True
    thread.join(timeout=10)
    app.state.snapshots.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "run 'make browser' to install Debian's chromium"
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield launched
        launched.close()


def post(live: Live, text: str, conversation: str) -> dict[str, Any]:
    answer = httpx.post(
        f"{live.url}/api/v1/triage/messages",
        json={
            "conversation_id": conversation,
            "platform": "discord",
            "author": "member-<i>42</i>",
            "text": text,
            "lang": "fr",
        },
        headers={"Authorization": f"Bearer {live.bot}"},
        timeout=120,
    )
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def test_agent_takes_over_answers_and_closes(browser: Any, live: Live) -> None:
    handed = post(live, HOSTILE, "discord:browser-1")
    assert (handed["decision"], handed["reason"]) == ("handoff", "asks_for_human")
    hid = handed["handoff_id"]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{live.url}/triage")
        assert "/login" in page.url  # no session: the login page first
        page.fill("#token", live.viewer)
        page.click("#login-submit")
        page.wait_for_load_state()
        page.goto(f"{live.url}/triage")
        row = page.locator(f"tr.handoff[data-id='{hid}']")
        assert row.count() == 1
        cells = row.locator("td").all_inner_texts()
        # since, reason, sentiment, platform, message, status, agent
        assert cells[1] == "asks_for_human" and cells[3] == "discord"
        assert cells[4] == HOSTILE[:160]  # the markup shown as text
        assert cells[5] == "pending" and cells[6] == ""
        assert page.locator("#injected").count() == 0
        assert page.locator("img[src='x']").count() == 0

        row.locator("a").click()
        page.wait_for_url(f"{live.url}/triage/{hid}")
        history = page.locator("#history li.event.message q")
        assert history.all_inner_texts() == [HOSTILE]
        assert "member-<i>42</i>" in page.locator("#handoff-state").inner_text()
        assert page.locator("#injected").count() == 0

        page.click("#claim")
        page.wait_for_selector("#reply-text")
        assert "open" in page.locator("#handoff-state").inner_text()
        assert "agent: agent-anna" in page.locator("#handoff-state").inner_text()
        assert page.locator("#claim").count() == 0  # claimed: no second claim button

        page.fill("#reply-text", "Bonjour, je m'en occupe <b>tout de suite</b>.")
        page.click("#reply")
        page.wait_for_selector("#history li.event.reply")
        assert page.locator("#history li.event.reply q").inner_text() == (
            "Bonjour, je m'en occupe <b>tout de suite</b>."
        )

        page.click("#resolve")
        page.wait_for_selector("#history li.event.resolved")
        assert page.locator("#handoff-state .card").first.inner_text() == "resolved"
        assert page.locator("#claim, #reply, #resolve, #return-to-bot").count() == 0
        kinds = page.locator("#history li.event strong").all_inner_texts()
        assert kinds == ["message", "open", "reply", "resolved"]

        page.goto(f"{live.url}/triage")  # the pending queue no longer holds it
        assert page.locator(f"tr.handoff[data-id='{hid}']").count() == 0
        page.goto(f"{live.url}/triage?status=resolved")
        assert page.locator(f"tr.handoff[data-id='{hid}'] td").nth(5).inner_text() == (
            "resolved"
        )
        assert dialogs == [] and errors == []
    finally:
        context.close()
    # back with the bot: the conversation's next question is answered
    again = post(live, "Combien coûte la livraison ?", "discord:browser-1")
    assert (again["decision"], again["faq_id"]) == ("answer", "livraison-frais")


def test_return_to_bot_from_the_page(browser: Any, live: Live) -> None:
    handed = post(live, "je veux parler à quelqu'un", "discord:browser-2")
    hid = handed["handoff_id"]
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{live.url}/login")
        page.fill("#token", live.viewer)
        page.click("#login-submit")
        page.wait_for_load_state()
        page.goto(f"{live.url}/triage/{hid}")
        page.click("#return-to-bot")
        page.wait_for_selector("#history li.event.returned")
        assert page.locator("#handoff-state .card").first.inner_text() == "returned"
        assert page.locator("#claim").count() == 0
        # a stale tab claiming it now gets the conflict said on the page, not a crash
        stale = page.request.post(f"{live.url}/triage/{hid}/claim")
        assert stale.status == 200 and "error=" in stale.url
        page.goto(stale.url)
        assert (
            "already returned by agent-anna"
            in page.locator("#handoff-error").inner_text()
        )
    finally:
        context.close()
    assert post(live, "Vous livrez en Belgique ?", "discord:browser-2")["decision"] == (
        "answer"
    )
