"""Shared fixtures for connector tests: where the samples are, records grouped by kind.

Helpers are handed out as fixtures (not imported) so that no test module depends on how
pytest puts ``conftest`` files on ``sys.path``.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def test_data() -> Path:
    """``tests/data``: samples copied into the repository (permissive licences, or ours)."""
    return REPO_ROOT / "tests" / "data"


@pytest.fixture(scope="session")
def real_data() -> Path:
    """``../shared/data/real``: copyleft real samples, read in place, never copied."""
    return REPO_ROOT.parent / "shared" / "data" / "real"


def _by_kind(records: Iterable[object]) -> dict[str, list]:
    grouped: dict[str, list] = {}
    for record in records:
        grouped.setdefault(type(record).__name__, []).append(record)
    return grouped


@pytest.fixture(scope="session")
def by_kind() -> Callable[[Iterable[object]], dict[str, list]]:
    """Group records by class name: ``by_kind(read(p))["Message"]`` (missing kinds: use .get)."""
    return _by_kind


def _make_zip(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.fixture(scope="session")
def make_zip() -> Callable[[Path, dict[str, bytes | str]], Path]:
    """Write a zip of ``{name: content}``, names kept as given (even ``../evil``)."""
    return _make_zip
