"""The demo report and every dashboard page in a real browser at 1280 px and at 390 px (a
phone): no chart with more than eight series, no element wider than its panel, tables that
overflow scroll with a visible cue, Plotly's tool bar clear of the chart titles, the time to
sentiment card showing a median with its signal named, campaigns outside the data's dates said
so. Refreshes the screenshots in docs/img/ (issue 19).

The demo (seed 7) is generated, ingested, loaded with its first-party files and enriched
once for the module (about half a minute).
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from tests.web.conftest import free_port
from tests.web.test_browser import ARGS, CHROMIUM, IMG

pytestmark = pytest.mark.browser

WIDTHS = (1280, 390)

# Every check measured in the page, returned as a list of problems (empty when all is well).
LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) {
    problems.push(`page scrolls sideways: ${doc.scrollWidth} > ${doc.clientWidth}`);
  }
  document.querySelectorAll('.js-plotly-plot').forEach(chart => {
    if ((chart.data || []).length > 8) {
      problems.push(`${chart.id}: ${chart.data.length} series`);
    }
    if (chart.layout && chart.layout.title && chart.layout.title.text) {
      problems.push(`${chart.id}: title inside the figure`);
    }
  });
  document.querySelectorAll('.panel, .card').forEach(panel => {
    const box = panel.getBoundingClientRect();
    panel.querySelectorAll('*').forEach(el => {
      if (el.closest('.scroll') && el.closest('.scroll') !== el) { return; }
      if (el.ownerSVGElement) { return; }  // drawn inside a figure, clipped by its plot area
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > box.right + 1) {
        const where = panel.id || panel.className;
        problems.push(`${where}: <${el.tagName}> ends at ${r.right} > ${box.right}`);
      }
    });
  });
  document.querySelectorAll('.scroll').forEach(scroll => {
    const table = scroll.querySelector('table');
    if (scroll.scrollWidth > scroll.clientWidth + 1) {
      const style = getComputedStyle(scroll);
      const hint = scroll.previousElementSibling;
      if (!['auto', 'scroll'].includes(style.overflowX)) {
        problems.push(`${table.id}: clipped, cannot scroll`);
      }
      if (!scroll.classList.contains('overflowing') || !hint || hint.hidden) {
        problems.push(`${table.id}: overflows with no visible cue`);
      }
    }
  });
  return problems;
}"""

# For each chart: its title's box and the tool bar's box (shown by hovering the chart).
TITLE_AND_TOOLBAR = """(id) => {
  const chart = document.getElementById(id);
  const title = chart.closest('.panel').querySelector('h3.chart-title');
  const bar = chart.querySelector('.modebar');
  const box = e => {
    const r = e.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom];
  };
  return {title: title ? box(title) : null, bar: bar ? box(bar) : null};
}"""


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo warehouse of seed 7: generated, ingested, first-party loaded, enriched."""
    from tribu.demo._run import (
        DemoRun,
        enrich_step,
        first_party_step,
        generate_step,
        ingest_step,
    )

    folder = tmp_path_factory.mktemp("demo")
    run = DemoRun(
        folder / "files", folder / "demo.duckdb", console=Console(file=io.StringIO())
    )
    for step in (generate_step, ingest_step, first_party_step, enrich_step):
        step(run)
    return run.db


@pytest.fixture(scope="module")
def demo_report(demo_db: Path) -> Path:
    from tribu.report import write_report

    return write_report(demo_db, demo_db.parent / "report.html")


@pytest.fixture(scope="module")
def demo_site(demo_db: Path) -> Iterator[tuple[str, str]]:
    """The dashboard over the demo (uvicorn in a thread): its address and a viewer token."""
    import uvicorn

    from tribu.web.app import create_app
    from tribu.web.auth import TokenStore

    tokens = TokenStore(demo_db.parent / "tokens.json")
    _, viewer = tokens.create("viewer", "tests")
    application = create_app(demo_db, tokens=tokens, watch=False)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}", viewer
    server.should_exit = True
    thread.join(timeout=10)
    application.state.snapshots.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "run 'make browser' to install Debian's chromium"
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield launched
        launched.close()


def _tab(browser: Any, width: int) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    tab.errors = []  # type: ignore[attr-defined]
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    return tab


def _check_layout(tab: Any, where: str) -> None:
    problems = tab.evaluate(LAYOUT_PROBLEMS)
    assert problems == [], f"{where}: {problems}"
    for chart_id in tab.evaluate(
        "Array.from(document.querySelectorAll('.js-plotly-plot')).map(c => c.id)"
    ):
        tab.hover(f"#{chart_id}")
        boxes = tab.evaluate(TITLE_AND_TOOLBAR, chart_id)
        assert boxes["title"] is not None, f"{where}: {chart_id} has no title above it"
        if boxes["bar"] is not None and boxes["bar"][2] > boxes["bar"][0]:
            assert not _overlap(boxes["title"], boxes["bar"]), f"{where}: {chart_id}"
    assert tab.errors == []


def _shot(tab: Any, name: str, width: int) -> None:
    """The top of the page (1,800 px high at 1280 px, 2,400 on a phone), no hover."""
    tab.mouse.move(0, 0)
    tab.evaluate("window.scrollTo(0, 0)")
    tab.wait_for_timeout(200)
    height = min(
        tab.evaluate("document.documentElement.scrollHeight"),
        1800 if width == 1280 else 2400,
    )
    suffix = "" if width == 1280 else "-phone"
    clip = {"x": 0, "y": 0, "width": width, "height": height}
    tab.screenshot(path=str(IMG / f"{name}{suffix}.png"), full_page=True, clip=clip)


@pytest.mark.parametrize("width", WIDTHS)
def test_demo_report_is_legible(browser: Any, demo_report: Path, width: int) -> None:
    tab = _tab(browser, width)
    tab.goto(demo_report.as_uri())
    tab.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot').length >= 8"
    )
    tab.wait_for_timeout(300)
    _shot(tab, "report", width)
    _check_layout(tab, f"report at {width} px")
    # the TTS card shows a median, with the signal it rests on named
    card = tab.locator(".card", has_text="délai médian jusqu'au positif")
    value = card.locator(".value").inner_text()
    assert "min" in value or "h" in value, value
    note = card.locator(".note").inner_text()
    assert "réponses" in note and "Semelle Runners Paris" in note
    # paid campaigns outside the community data say so, never "0"
    row = tab.locator("#table-campaigns tr[data-campaign='camp-black']")
    assert "pas de données communauté sur la période" in row.inner_text()
    tab.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_dashboard_pages_are_legible(
    browser: Any, demo_site: tuple[str, str], width: int
) -> None:
    url, token = demo_site
    tab = _tab(browser, width)
    tab.goto(f"{url}/login")
    tab.fill("#token", token)
    tab.click("#login-submit")
    tab.wait_for_url(f"{url}/")
    tab.wait_for_function(
        "() => document.body.getAttribute('data-loading') === 'false'"
    )
    tab.wait_for_timeout(300)
    _shot(tab, "dashboard", width)
    _check_layout(tab, f"dashboard at {width} px")
    tts = tab.locator(".card[data-key='time_to_sentiment.km_median_hours']")
    assert "min" in tts.locator(".value").inner_text()
    assert "Semelle Runners Paris" in tts.locator(".note").inner_text()
    # four communities: the activity chart draws one line per community
    assert tab.evaluate("document.getElementById('chart-activity').data.length") == 4
    member = tab.locator("#table-roles a.member-link").first.get_attribute("href")
    # one community: its channels, at most eight lines (Discord has seven channels + a thread)
    tab.select_option("#f-community", index=1)
    tab.wait_for_function(
        "() => (document.body.getAttribute('data-query') || '').includes('community')"
    )
    tab.wait_for_function(
        "() => document.body.getAttribute('data-loading') === 'false'"
    )
    assert (
        1 <= tab.evaluate("document.getElementById('chart-activity').data.length") <= 8
    )
    if width == 1280:
        _shot(tab, "dashboard-filtered", width)
    _check_layout(tab, f"filtered dashboard at {width} px")
    for path, name in (
        ("/business", "business"),
        ("/creators", "creators"),
        (member, "member"),
    ):
        tab.goto(f"{url}{path}")
        tab.wait_for_function(
            "() => document.querySelectorAll('.js-plotly-plot').length >= 1"
        )
        tab.wait_for_timeout(300)
        _shot(tab, name, width)
        _check_layout(tab, f"{name} at {width} px")
    tab.context.close()
