"""The dashboard in a real browser: Debian's chromium driven by Playwright.

Logs in, opens the dashboard, changes a filter and checks the charts redraw with the fixture's
numbers, opens a member page, downloads a CSV, checks a page without a token goes to the login
page, and that hostile member text never runs. Saves the login screenshot to docs/img/ (the
others come from the demo, in test_browser_layout.py).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.report.fixture_warehouse import HOSTILE_POST
from tests.web.conftest import Site

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
IMG = Path(__file__).parents[2] / "docs" / "img"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "run 'make browser' to install Debian's chromium"
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def fixture_report(site_files: Site, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The HTML report of the fixture warehouse."""
    from tribu.report import write_report

    return write_report(
        site_files.db, tmp_path_factory.mktemp("report") / "report.html"
    )


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    tab = context.new_page()
    tab.dialogs = []  # type: ignore[attr-defined]
    tab.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))
    tab.errors = []  # type: ignore[attr-defined]
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    yield tab
    context.close()


def login(page: Any, site: Site, token: str) -> None:
    page.goto(f"{site.url}/")
    assert "/login" in page.url  # no session yet: sent to the login page
    page.fill("#token", token)
    page.click("#login-submit")
    page.wait_for_url(f"{site.url}/")


def wait_loaded(page: Any) -> None:
    page.wait_for_function(
        "() => document.body.getAttribute('data-loading') === 'false'"
    )


def wait_query(page: Any, text: str) -> None:
    """Wait until the dashboard has redrawn for a query containing ``text``."""
    page.wait_for_function(
        "t => (document.body.getAttribute('data-query') || '').includes(t)", arg=text
    )


def activity_traces(page: Any) -> list[dict[str, Any]]:
    return page.evaluate(
        "Array.from(document.getElementById('chart-activity').data || [])"
        ".map(t => ({name: t.name, y: Array.from(t.y)}))"
    )


def test_page_without_token_redirects_to_login(page: Any, live_site: Site) -> None:
    page.goto(f"{live_site.url}/members/m-alice")
    assert page.url.startswith(f"{live_site.url}/login?next=")
    assert page.locator("#token").is_visible()
    page.screenshot(path=str(IMG / "login.png"))


def test_wrong_token_stays_on_login(page: Any, live_site: Site) -> None:
    page.goto(f"{live_site.url}/login")
    page.fill("#token", "tribu_00000000_wrong")
    page.click("#login-submit")
    assert page.locator("#login-error").is_visible()


def test_dashboard_filters_redraw_the_charts(page: Any, live_site: Site) -> None:
    login(page, live_site, live_site.viewer)
    wait_loaded(page)
    # two communities: one line each (communities before channels): Maison Lune 9
    # (général) + 9 (lives) = 18, Moon Club 3 (chat): 21 messages
    traces = activity_traces(page)
    assert {t["name"]: sum(t["y"]) for t in traces} == {
        "Maison Lune": 18,
        "Moon Club": 3,
    }
    assert page.locator("#summary-list li").count() >= 1

    page.select_option("#f-community", "c-lune")
    page.wait_for_function(
        "() => (document.body.getAttribute('data-query') || '').includes('c-lune')"
    )
    wait_loaded(page)
    assert sorted(t["name"] for t in activity_traces(page)) == ["général", "lives"]
    page.select_option("#f-channel", "ch-lives")
    page.wait_for_function(
        "() => (document.body.getAttribute('data-query') || '').includes('ch-lives')"
    )
    wait_loaded(page)
    # ch-lives: 4, 3, 2 messages on its three Friday lives
    assert activity_traces(page) == [{"name": "lives", "y": [4, 3, 2]}]
    assert (
        "channel=ch-lives" in page.url
    )  # the filter is kept in the address, no reload
    assert page.dialogs == [] and page.errors == []


def test_member_page_and_csv_download(page: Any, live_site: Site) -> None:
    login(page, live_site, live_site.viewer)
    wait_loaded(page)
    # roles table: no relay or power user in the fixture, so members by messages:
    # alice 4 first (brand accounts left out)
    first = page.locator("#table-roles a.member-link").first
    assert first.inner_text() == "m-alice"
    first.click()
    page.wait_for_url(f"{live_site.url}/members/m-alice")
    # the hostile display name shows as text
    assert (
        page.locator("#member-name").inner_text() == "Alice <script>alert(1)</script>"
    )
    bars = page.evaluate(
        "Array.from(document.getElementById('chart-member-activity').data[0].y)"
    )
    assert bars == [2, 1, 1]  # alice: 2 messages in week 03-04, 1 in 03-11, 1 in 03-18
    with page.expect_download() as info:
        page.click("#csv-member")
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text())))
    assert [(r["week"], r["messages"]) for r in rows] == [
        ("2024-03-04", "2"),
        ("2024-03-11", "1"),
        ("2024-03-18", "1"),
    ]
    assert page.dialogs == [] and page.errors == []


def test_dashboard_csv_download(page: Any, live_site: Site) -> None:
    login(page, live_site, live_site.viewer)
    page.goto(f"{live_site.url}/?channel=ch-lives")
    wait_loaded(page)
    with page.expect_download() as info:
        page.click("#csv-activity")
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text())))
    assert [int(r["messages"]) for r in rows] == [4, 3, 2]


def test_hostile_text_does_not_run(page: Any, live_site: Site) -> None:
    login(page, live_site, live_site.viewer)
    page.add_init_script(
        "window.__ran = 0; window.alert = () => { window.__ran += 1; };"
    )
    for path in ("/", "/members/m-alice", "/members/m-bob", "/members/m-carol"):
        page.goto(f"{live_site.url}{path}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__ran") == 0
    assert page.dialogs == []
    # no element the payloads would create exists in the page
    page.goto(f"{live_site.url}/members/m-bob")
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0


def test_business_and_creators_pages(page: Any, live_site: Site) -> None:
    login(page, live_site, live_site.viewer)
    page.add_init_script(
        "window.__ran = 0; window.alert = () => { window.__ran += 1; };"
    )
    page.click("#nav-business")
    page.wait_for_url(f"{live_site.url}/business")
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot').length >= 5"
    )
    # January instagram CAC: (30 + 50) / 2 customers = 40
    first = page.locator("#table-business-cac_by_channel_month tbody tr").first
    assert first.locator("td").all_inner_texts()[-1] in ("40,00", "40.00")
    repurchase = page.evaluate(
        "Array.from(document.getElementById('chart-business-repurchase_rate_by_cohort')"
        ".data[0].y)"
    )
    assert repurchase == [0.5, 0.0, None]  # 1 of 2, 0 of 1, May censored
    page.click("#nav-creators")
    page.wait_for_url(f"{live_site.url}/creators")
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot').length >= 1"
    )
    flagged = page.locator("#table-creators-disclosure tbody tr")
    assert flagged.count() == 1  # p2: paid 50 € with no « Publicité »
    cells = flagged.first.locator("td").all_inner_texts()
    assert cells[1] == "lune.nano"
    assert cells[3] == HOSTILE_POST  # shown as text, <script> and onerror= included
    assert page.locator("#panel-creators-disclosure img[src='x']").count() == 0
    assert page.evaluate("window.__ran") == 0
    assert page.dialogs == [] and page.errors == []


def test_report_opens_offline(browser: Any, fixture_report: Path) -> None:
    # every request that is not the file itself is refused: the report must need none
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    fetched: list[str] = []

    def refuse(route: Any) -> None:
        fetched.append(route.request.url)
        route.abort()

    context.route("http*://**", refuse)
    tab = context.new_page()
    dialogs: list[str] = []
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    tab.goto(fixture_report.as_uri())
    tab.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot').length >= 7"
    )
    # 21 messages in all on the activity chart, drawn from the inlined figure
    total = tab.evaluate(
        "document.getElementById('chart-activity').data"
        ".reduce((n, t) => n + Array.from(t.y).reduce((a, b) => a + b, 0), 0)"
    )
    assert total == 21
    assert fetched == [] and dialogs == []
    context.close()
