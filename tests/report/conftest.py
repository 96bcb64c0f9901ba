"""Fixtures of the report tests: the small hostile warehouse of ``fixture_warehouse``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.report.fixture_warehouse import build_fixture_warehouse
from tribu.report.data import MeasureData, open_tables


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture warehouse file (built once per test session)."""
    return build_fixture_warehouse(tmp_path_factory.mktemp("wh") / "fixture.duckdb")


@pytest.fixture(scope="session")
def measure_data(fixture_db: Path) -> Iterator[MeasureData]:
    """Measures over the fixture warehouse."""
    data = MeasureData(open_tables(fixture_db))
    yield data
    next(iter(data.tables.values())).get_backend().disconnect()
