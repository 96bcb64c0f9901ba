"""Public names of tribu.enrich modules exist as listed."""

from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize(
    "module",
    ["embeddings", "pipeline", "scoring", "batches", "writes"],
)
def test_all_names_exist(module: str) -> None:
    mod = importlib.import_module(f"tribu.enrich.{module}")
    assert mod.__all__ and all(hasattr(mod, name) for name in mod.__all__)
