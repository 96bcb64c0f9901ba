"""The People page in a real browser (Debian's chromium via Playwright): tick, accept, reject."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.people.conftest import build_people_warehouse
from tests.web.conftest import free_port
from tribu.people.store import decisions, person_of, suggest
from tribu.warehouse.store import open_warehouse
from tribu.web.app import create_app
from tribu.web.auth import TokenStore

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic"]


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, Path, str]]:
    import uvicorn

    db = build_people_warehouse(tmp_path / "people.duckdb")
    con = open_warehouse(db)
    try:
        suggest(con)
    finally:
        con.close()
    tokens = TokenStore(tmp_path / "tokens.json")
    _, admin = tokens.create("admin", "ana")
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
    assert server.started
    yield f"http://127.0.0.1:{port}", db, admin
    server.should_exit = True
    thread.join(timeout=10)
    app.state.snapshots.close()


def test_review_page_bulk_accept_and_reject(live) -> None:
    from playwright.sync_api import sync_playwright

    url, db, admin = live
    assert Path(CHROMIUM).exists(), "run 'make browser' to install Debian's chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page: Any = browser.new_page()
            page.goto(f"{url}/")
            page.fill("#token", admin)
            page.click("#login-submit")
            page.wait_for_url(f"{url}/")
            page.goto(f"{url}/people?lang=en")
            rows = page.locator("tr.suggestion")
            assert rows.count() == 2
            # Evidence side by side: both members' communities in the row.
            first = rows.nth(0).inner_text()
            assert "discord:semelle" in first and "slack:semelle" in first
            page.check('input[value="d-elodie|s-elodie"]')
            page.fill("#people-reason", "same person, checked")
            page.click("#people-accept")
            page.wait_for_url("**/people?done=accept*")
            assert page.locator("#people-done").inner_text().startswith("accept: 1")
            assert page.locator("tr.suggestion").count() == 1
            page.check('input[value="d-marc|s-marc"]')
            page.click("#people-reject")
            page.wait_for_url("**/people?done=reject*")
            assert page.locator("tr.suggestion").count() == 0
        finally:
            browser.close()
    con = open_warehouse(db)
    try:
        assert person_of(con, "d-elodie") == person_of(con, "s-elodie")
        assert person_of(con, "d-marc") != person_of(con, "s-marc")
        actions = [(d["action"], d["actor"], d["reason"]) for d in decisions(con)]
        assert ("merge", "ana", "same person, checked") in actions
        assert ("reject", "ana", "dashboard: reject") in actions
    finally:
        con.close()
