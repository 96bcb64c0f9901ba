"""The Conversations page in a real browser (Debian's chromium via Playwright).

Logs in, opens /listening, checks the chart is drawn with one line per topic shown and the
table lists them, opens a topic's messages and pages through them, and checks that hostile
member text never runs.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tribu.listening.pipeline import update_topics
from tribu.listening.synthetic import SyntheticTruth
from tribu.warehouse.store import open_warehouse

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
HOSTILE = "<img src=x onerror=alert(1)><script>alert(2)</script>"


@pytest.fixture(scope="module")
def site(
    generated: tuple[Path, SyntheticTruth], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    import uvicorn

    from tests.web.conftest import free_port
    from tribu.web.app import create_app
    from tribu.web.auth import TokenStore

    folder = tmp_path_factory.mktemp("browser-listening")
    db = folder / "w.duckdb"
    shutil.copy(generated[0], db)
    con = open_warehouse(db)
    try:
        con.execute(
            "UPDATE messages SET text = ? || ' ' || text WHERE contains(text, ?)",
            [HOSTILE, generated[1].burst_words[0]],
        )
        update_topics(con, strong=False)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    tokens = TokenStore(folder / "tokens.json")
    _, viewer = tokens.create("viewer", "tests")
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(db, tokens=tokens),
            host="127.0.0.1",
            port=port,
            log_level="warning",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}", viewer
    server.should_exit = True
    thread.join(timeout=10)


def test_conversations_page_chart_table_topic_and_no_script_runs(
    site: tuple[str, str],
) -> None:
    from playwright.sync_api import sync_playwright

    url, token = site
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu"],
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.add_init_script(
                "window.__ran = 0; window.alert = () => { window.__ran += 1; };"
            )
            page.goto(f"{url}/listening")
            assert "/login" in page.url
            page.fill("#token", token)
            page.click("#login-submit")
            page.wait_for_url(f"{url}/listening")  # the login page sends us back
            page.wait_for_function(
                "() => (document.getElementById('chart-conversations').data || []).length > 0"
            )
            rows = page.locator("#table-conversations tbody tr").count()
            lines = page.evaluate(
                "document.getElementById('chart-conversations').data.length"
            )
            assert rows == lines >= 5
            # emerging/new topics come first and are drawn thick
            assert page.locator("#table-conversations tbody tr").first.get_attribute(
                "class"
            ).split()[-1] in ("new", "emerging")
            # a steady topic has messages in every week: more than one page of 50
            page.locator("#table-conversations tbody tr.steady a").first.click()
            page.wait_for_selector("#table-topic-messages")
            assert page.locator("#table-topic-messages tbody tr").count() == 50
            page.click("#next")
            page.wait_for_url("**page=2")
            assert page.locator("#table-topic-messages tbody tr").count() >= 1
            page.wait_for_load_state("networkidle")
            assert page.evaluate("window.__ran") == 0
            assert dialogs == []
            assert page.locator("img[src='x']").count() == 0
        finally:
            browser.close()
