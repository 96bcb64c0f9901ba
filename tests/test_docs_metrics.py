"""Every registered measure has its entry in docs/metrics.md (formula, settings, example)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tribu.metrics.docs import load_measures, render

DOC = Path(__file__).resolve().parents[1] / "docs" / "metrics.md"
MEASURES = load_measures()


def _entry(text: str, name: str) -> str | None:
    match = re.search(
        rf"^### `{re.escape(name)}`\n(.*?)(?=^### |^## |\Z)", text, re.M | re.S
    )
    return match.group(1) if match else None


@pytest.mark.parametrize("name", sorted(MEASURES))
def test_measure_is_documented(name: str) -> None:
    entry = _entry(DOC.read_text(encoding="utf-8"), name)
    assert entry is not None, (
        f"docs/metrics.md has no entry for measure {name!r}: "
        "run `python -m tribu.metrics.docs` to regenerate it."
    )
    for setting in MEASURES[name].settings:
        assert f"`{setting}`" in entry, f"{name}: setting {setting!r} is not documented"


@pytest.mark.parametrize(
    "name",
    sorted(
        n
        for n, m in MEASURES.items()
        if m.function.__module__.startswith("tribu.metrics")
    ),
)
def test_community_measure_has_definition_and_worked_example(name: str) -> None:
    entry = _entry(render(MEASURES), name)
    assert entry is not None
    assert "**Worked example**" in entry
    assert "Columns:" in entry


def test_generator_output_matches_the_page_for_community_measures() -> None:
    # The page is generated: each community measure's entry is exactly what the docstring gives.
    page = DOC.read_text(encoding="utf-8")
    fresh = render(MEASURES)
    for name, m in MEASURES.items():
        if m.function.__module__.startswith("tribu.metrics"):
            assert _entry(page, name) == _entry(fresh, name), (
                f"docs/metrics.md is stale for {name}: run `python -m tribu.metrics.docs`."
            )
