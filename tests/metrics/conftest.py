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


def run(name: str, tables: dict[str, ir.Table], **settings: object) -> list[dict]:
    """Compute measure ``name`` on ``tables`` and return its rows as dicts."""
    from tribu.metrics import compute

    return compute(name, tables, **settings).to_pyarrow().to_pylist()


def by_key(rows: list[dict], *keys: str) -> dict:
    """Index rows by one column (or a tuple of columns)."""
    if len(keys) == 1:
        return {r[keys[0]]: r for r in rows}
    return {tuple(r[k] for k in keys): r for r in rows}


@pytest.fixture(scope="session")
def measure(tables: dict[str, ir.Table]):  # noqa: ANN201
    """``measure(name, **settings)`` -> rows of that measure on the fixture (DuckDB)."""
    return lambda name, **settings: run(name, tables, **settings)
