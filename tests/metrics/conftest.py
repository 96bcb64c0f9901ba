"""Shared fixtures of the measure tests: the hand-made warehouse and its Ibis tables."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import ibis.expr.types as ir
import pytest

from tribu.warehouse.engines import ibis_tables


def _load_fixtures_module():  # noqa: ANN202 - a module object
    """Import ``fixtures.py`` under a unique name (other test folders may have their own)."""
    name = "tribu_tests_metrics_fixtures"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, Path(__file__).with_name("fixtures.py")
        )
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


fixtures = _load_fixtures_module()


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture warehouse (see ``tests/metrics/fixtures.py``), built once."""
    return fixtures.build_warehouse(
        tmp_path_factory.mktemp("metrics") / "fixture.duckdb"
    )


@pytest.fixture(scope="session")
def tables(warehouse: Path) -> dict[str, ir.Table]:
    """The fixture's canonical tables on DuckDB."""
    return ibis_tables(warehouse, engine="duckdb")
