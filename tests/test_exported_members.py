"""Every public module's ``__all__`` names things that exist (HTTPX's exported-members test)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import tribu


def _modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(tribu.__path__, prefix="tribu."):
        if info.name.endswith("__main__"):
            continue
        names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("module_name", _modules())
def test_all_names_exist(module_name: str) -> None:
    module = importlib.import_module(module_name)
    for name in getattr(module, "__all__", ()):
        assert hasattr(module, name), (
            f"{module_name}.__all__ lists {name!r}, not defined"
        )
