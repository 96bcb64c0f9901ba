"""A fake connector for warehouse tests, and helpers to read tables back.

The fake connector (platform ``fakechat``) reads ``*.fake`` files: the file's text is only
there to give it a content hash; the records it yields are the ones registered for its name
with :meth:`FakeConnector.write`. It can raise an ``InputError`` after yielding some records,
to test that a failing run leaves the warehouse unchanged.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tribu.connectors import _detect
from tribu.errors import InputError
from tribu.warehouse.schema import TABLES


class FakeConnector:
    """Registry of records per fake file name."""

    name = "fakechat"

    def __init__(self) -> None:
        self.records: dict[str, list[Any]] = {}
        self.fail_at: dict[str, int] = {}
        self.module = types.ModuleType("tribu_test_fakechat")
        self.module.name = self.name  # type: ignore[attr-defined]
        self.module.detect = self.detect  # type: ignore[attr-defined]
        self.module.read = self.read  # type: ignore[attr-defined]

    def write(
        self, folder: Path, name: str, records: list[Any], *, fail_at: int | None = None
    ) -> Path:
        path = folder / f"{name}.fake"
        path.write_text(repr(records) + repr(fail_at), encoding="utf-8")
        self.records[path.name] = records
        if fail_at is not None:
            self.fail_at[path.name] = fail_at
        return path

    def detect(self, path: Path) -> bool:
        return Path(path).suffix == ".fake"

    def read(self, path: Path) -> Iterator[Any]:
        path = Path(path)
        fail = self.fail_at.get(path.name)
        for i, record in enumerate(self.records[path.name]):
            if i == fail:
                raise InputError(path, f"messages[{i}]", "truncated JSON (test).")
            yield record


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeConnector:
    """The fake connector, made the only one detection knows (plus generic)."""
    connector = FakeConnector()
    monkeypatch.setitem(sys.modules, "tribu_test_fakechat", connector.module)
    monkeypatch.setattr(
        _detect,
        "CONNECTOR_MODULES",
        ("tribu_test_fakechat", "tribu.connectors.generic"),
    )
    return connector


@pytest.fixture
def snapshot() -> Callable[[Path], dict[str, list[tuple[Any, ...]]]]:
    """Every canonical table's rows, sorted, for before/after comparisons."""

    def take(db: Path) -> dict[str, list[tuple[Any, ...]]]:
        con = duckdb.connect(str(db), read_only=True)
        try:
            return {
                table: sorted(
                    con.execute(f"SELECT * FROM {table}").fetchall(), key=repr
                )
                for table in TABLES
            }
        finally:
            con.close()

    return take


@pytest.fixture
def rows() -> Callable[..., list[tuple[Any, ...]]]:
    """Run one query on a warehouse file and return its rows."""

    def query(
        db: Path, sql: str, params: list[Any] | None = None
    ) -> list[tuple[Any, ...]]:
        con = duckdb.connect(str(db), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    return query
