"""One generated demo shared by the demo tests (generation takes a few seconds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tribu.demo import DemoFiles, generate


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    """The demo of seed 7, written once for the session."""
    return generate(tmp_path_factory.mktemp("demo"), seed=7)


@pytest.fixture(scope="session")
def demo_root(demo: DemoFiles) -> Path:
    """Its folder."""
    return demo.root
