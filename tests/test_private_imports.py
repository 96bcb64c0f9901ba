"""No module of src/ reaches into another module's private names.

Scanned with ``ast`` (nothing is imported), two kinds of reach, each reported with its line:

* ``from tribu.x import _name``: a private name taken from another module (a package may still
  import its own private submodules: ``from tribu.demo import _brand`` inside ``tribu.demo``);
* ``module._name`` where ``module`` was bound by an import of a tribu module (``from tribu.enrich
  import pipeline; pipeline._SHARED``).

Dunder names (``__version__``) are not private. Runtime code never imports ``training`` (the
training workshop at the repository root, not installed).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _package(module: str, path: Path) -> str:
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    base = package.split(".")
    if node.level > 1:
        base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _own_submodule(target: str, name: str, package: str) -> bool:
    """True if ``target.name`` is a module of the importer's own package (or one above it)."""
    inside = package == target or package.startswith(target + ".")
    folder = SRC.joinpath(*target.split("."))
    return inside and ((folder / f"{name}.py").exists() or (folder / name).is_dir())


def violations(path: Path) -> list[str]:
    """Each private reach in the file at ``path``, as ``file:line: what``."""
    module = _module_name(path)
    package = _package(module, path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    where = path.relative_to(SRC.parent)
    found: list[str] = []
    module_aliases: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "training":
                    found.append(f"{where}:{node.lineno}: runtime imports {alias.name}")
                if alias.name.startswith("tribu"):
                    module_aliases.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(node, package)
            if target.split(".")[0] == "training":
                found.append(f"{where}:{node.lineno}: runtime imports {target}")
            if not target.startswith("tribu") or target == module:
                continue
            for alias in node.names:
                if _private(alias.name) and not _own_submodule(
                    target, alias.name, package
                ):
                    found.append(
                        f"{where}:{node.lineno}: from {target} import {alias.name}"
                    )
                else:
                    module_aliases.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in module_aliases
            and _private(node.attr)
        ):
            found.append(f"{where}:{node.lineno}: {node.value.id}.{node.attr}")
    return found


def test_no_private_name_is_imported_across_modules() -> None:
    found = [v for path in sorted(SRC.rglob("*.py")) for v in violations(path)]
    assert not found, "private names reached across modules:\n" + "\n".join(found)


def test_the_scanner_catches_each_kind_of_reach(tmp_path, monkeypatch) -> None:
    """The scanner itself, on a fake package: each planted reach is reported, nothing else."""
    package = tmp_path / "tribu" / "demo"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("from tribu.demo import _phrases\n")
    (package / "_phrases.py").write_text("_TABLE = 1\n")
    planted = tmp_path / "tribu" / "user.py"
    planted.write_text(
        "from tribu.demo import _phrases\n"  # a private module of another package
        "from tribu.demo._phrases import _TABLE\n"  # a private name
        "from tribu import demo\n"
        "x = demo._hidden\n"  # private attribute of an imported module
        "from tribu.demo import generate\n"
        "import training.train_sentiment\n"  # runtime importing training
        "self_ok = object()._fine\n"  # not a module: not this test's business
    )
    monkeypatch.setattr(f"{__name__}.SRC", tmp_path)
    assert [v.split(": ", 1)[1] for v in violations(planted)] == [
        "from tribu.demo import _phrases",
        "from tribu.demo._phrases import _TABLE",
        "runtime imports training.train_sentiment",
        "demo._hidden",
    ]
    assert violations(package / "__init__.py") == []  # its own private module: fine
