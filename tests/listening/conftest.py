"""A generated warehouse of known topics (tribu.listening.synthetic), built once per session.

Tests that change it copy the file first. The clustering space is the stored one
(``strong=False`` or ``cluster_vectors`` patched to None): the generated texts are not language,
so the USE sample would mean nothing and cost seconds.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tribu.listening import _vectors
from tribu.listening.synthetic import SyntheticTruth, synthetic_warehouse
from tribu.warehouse.store import open_warehouse


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SyntheticTruth]:
    """Path of a pristine generated warehouse (10 weeks, 20 steady + 5 burst topics)."""
    path = tmp_path_factory.mktemp("listening") / "generated.duckdb"
    con = open_warehouse(path)
    try:
        truth = synthetic_warehouse(con, scale=0.5, burst_size=80)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path, truth


@pytest.fixture
def warehouse(
    generated: tuple[Path, SyntheticTruth], tmp_path: Path
) -> Iterator[tuple[Path, SyntheticTruth]]:
    """A private copy of the generated warehouse for one test."""
    source, truth = generated
    copy = tmp_path / "w.duckdb"
    shutil.copy(source, copy)
    yield copy, truth


@pytest.fixture
def stored_space(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cluster in the stored space (no USE) for commands run in-process."""
    monkeypatch.setattr(_vectors, "cluster_vectors", lambda texts, stored: None)
