"""Fixtures of the triage tests: the Semelle FAQ, a journal, an app with tokens."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.report.fixture_warehouse import build_fixture_warehouse
from tribu.triage.faq_file import read_faq_file
from tribu.triage.service import TriageService
from tribu.triage.settings import TriageSettings
from tribu.triage.store import TriageStore
from tribu.web.auth import TokenStore

ROOT = Path(__file__).resolve().parents[2]
SEMELLE_FAQ = ROOT / "src" / "tribu" / "demo" / "semelle_faq.md"
DATA = ROOT / "tests" / "data" / "triage"


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile fixture warehouse of the web tests (its own copy)."""
    return build_fixture_warehouse(tmp_path_factory.mktemp("wh") / "fixture.duckdb")


@pytest.fixture
def service(tmp_path: Path) -> TriageService:
    """A triage service with the Semelle FAQ loaded (version 1)."""
    store = TriageStore(tmp_path / "journal.sqlite")
    store.load_faq(read_faq_file(SEMELLE_FAQ))
    return TriageService(store, TriageSettings())


@dataclass
class Client:
    """An app with a journal of its own, and its tokens."""

    app: Any
    client: Any
    viewer: str
    admin: str
    bot: str


@pytest.fixture
def triage_client(tmp_path: Path, warehouse: Path):  # type: ignore[no-untyped-def]
    """A TestClient over an app whose triage journal lives in ``tmp_path``."""
    import shutil

    from fastapi.testclient import TestClient

    from tribu.web.app import create_app
    from tribu.web.triage_api import attach_triage

    db = tmp_path / "w.duckdb"
    shutil.copy(warehouse, db)
    tokens = TokenStore(tmp_path / "tokens.json")
    _, viewer = tokens.create("viewer", "alice")
    _, admin = tokens.create("admin", "boss")
    _, bot = tokens.create("bot", "discord-bot")
    app = create_app(db, tokens=tokens, watch=False)
    service = attach_triage(app, db, TriageSettings())
    service.store.load_faq(read_faq_file(SEMELLE_FAQ))
    with TestClient(app) as client:
        yield Client(app, client, viewer, admin, bot)
    app.state.snapshots.close()
