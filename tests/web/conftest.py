"""Fixtures of the web tests: the hostile fixture warehouse, tokens, an app, a live server."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.report.fixture_warehouse import build_fixture_warehouse
from tribu.web.app import create_app
from tribu.web.auth import TokenStore
from tribu.web.throttle import TokenThrottle

# The shared apps see wrong tokens from many tests, all from one test address: they must not
# slow each other down. The slowdown itself is tested in test_security.py with its own apps.
LENIENT = 10_000


@dataclass
class Site:
    """A running app: its tokens and (for live servers) its address."""

    db: Path
    tokens: TokenStore
    viewer: str
    admin: str
    url: str = ""


@pytest.fixture(scope="session")
def site_files(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """A fixture warehouse with one viewer and one admin token."""
    folder = tmp_path_factory.mktemp("site")
    db = build_fixture_warehouse(folder / "fixture.duckdb")
    tokens = TokenStore(folder / "tokens.json")
    _, viewer = tokens.create("viewer", "tests")
    _, admin = tokens.create("admin", "tests")
    return Site(db, tokens, viewer, admin)


@pytest.fixture(scope="session")
def app(site_files: Site):  # type: ignore[no-untyped-def]
    """The app over the fixture warehouse (no watcher thread)."""
    application = create_app(
        site_files.db,
        tokens=site_files.tokens,
        watch=False,
        throttle=TokenThrottle(limit=LENIENT),
    )
    yield application
    application.state.snapshots.close()


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def live_site(site_files: Site) -> Iterator[Site]:
    """The real server (uvicorn, in a thread) on a free loopback port."""
    import uvicorn

    application = create_app(
        site_files.db, tokens=site_files.tokens, throttle=TokenThrottle(limit=LENIENT)
    )
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the test server did not start"
    yield Site(
        site_files.db,
        site_files.tokens,
        site_files.viewer,
        site_files.admin,
        f"http://127.0.0.1:{port}",
    )
    server.should_exit = True
    thread.join(timeout=10)
