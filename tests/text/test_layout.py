"""tribu.text is the one home of the text models: it depends on nothing above it, the others
use it through its public names, and its registry matches the files it ships."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from tribu.text import registry

SRC = Path(__file__).resolve().parents[2] / "src"
TEXT = SRC / "tribu" / "text"
DOCS = Path(__file__).resolve().parents[2] / "docs"


def _imported(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every import in a file (``from a import b`` gives a.b too)."""
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.append((node.lineno, node.module))
            out += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return out


def test_text_imports_only_itself_and_errors_from_tribu() -> None:
    found = [
        f"{path.name}:{line}: {name}"
        for path in sorted(TEXT.glob("*.py"))
        for line, name in _imported(path)
        if name.startswith("tribu")
        and not name.startswith(("tribu.text", "tribu.errors"))
        and name != "tribu"
    ]
    assert found == []


def test_importing_text_loads_no_warehouse_metrics_or_demo() -> None:
    code = (
        "import sys, json, tribu.text, tribu.text.evaluation; "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('tribu.'))))"
    )
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
    )
    assert "tribu.text.sentiment" in loaded  # the check sees what was imported
    above = ("tribu.warehouse", "tribu.metrics", "tribu.demo", "tribu.enrich")
    assert [m for m in loaded if m.startswith(above)] == []


def test_other_packages_use_text_through_public_modules() -> None:
    found = [
        f"{path.relative_to(SRC)}:{line}: {name}"
        for path in sorted(SRC.rglob("*.py"))
        if TEXT not in path.parents
        for line, name in _imported(path)
        if name.startswith("tribu.text._")
    ]
    assert found == []


def test_registry_lists_exactly_the_shipped_files() -> None:
    listed = {path.name for path in registry.model_files()}
    shipped = {path.name for path in (TEXT / "models").iterdir() if path.is_file()}
    assert listed == shipped
    assert all(path.stat().st_size > 0 for path in registry.model_files())


def test_registry_names_ids_and_defaults() -> None:
    assert registry.names("embedding") == ("static", "use")  # default first
    assert registry.default_model("sentiment").name == "nblr"
    ids = [card.model_id for card in registry.MODELS]
    assert len(set(ids)) == len(ids)
    for task in registry.TASKS:
        if task != "lexicon":  # word lists are features and baselines, not chosen
            assert sum(c.default for c in registry.MODELS if c.task == task) == 1
    assert all(card.task in registry.TASKS and card.licence for card in registry.MODELS)


def test_unknown_model_names_the_known_ones() -> None:
    import pytest

    from tribu.errors import ModelError

    with pytest.raises(ModelError, match="choose one of static, use"):
        registry.model_card("embedding", "bert")


def test_every_registered_model_is_documented() -> None:
    page = (DOCS / "text-models.md").read_text(encoding="utf-8")
    missing = [
        card.name
        for card in registry.MODELS
        if f"`{card.name}`" not in page or f"`{card.model_id}`" not in page
    ]
    assert missing == []
