"""The installed wheel holds tribu and its model files, no training code or training data.

Building a wheel takes about 20 s here (an isolated build environment), so this reads what the
build reads instead: setuptools' package discovery (``[tool.setuptools.packages.find]``) and the
package-data globs of pyproject.toml, applied to the source tree. A real build
(``pip wheel --no-deps . -w dist``) gave the same picture: 173 files, all under ``tribu/`` and
its ``dist-info``, none from ``training/``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from setuptools import find_packages

ROOT = Path(__file__).resolve().parents[1]
TRAINING_MODULES = {
    "train_sentiment",
    "train_embeddings",
    "sentiment_data",
    "static_corpus",
    "chat_examples",
    "embedding_quality",
}


def _wheel_files() -> list[str]:
    """Paths (relative to site-packages) of the files the wheel would hold."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = config["tool"]["setuptools"]
    where = setuptools["packages"]["find"]["where"]
    assert where == ["src"]
    src = ROOT / where[0]
    files: set[str] = set()
    for package in find_packages(where=str(src)):
        folder = src.joinpath(*package.split("."))
        files |= {str(p.relative_to(src)) for p in folder.glob("*.py")}
        for pattern in setuptools["package-data"].get(package, []):
            files |= {
                str(p.relative_to(src)) for p in folder.glob(pattern) if p.is_file()
            }
    return sorted(files)


def test_wheel_holds_no_training_code_or_data() -> None:
    files = _wheel_files()
    assert "tribu/text/models/sentiment.npz" in files  # the check sees data files
    assert "tribu/enrich/pipeline.py" in files
    assert all(path.startswith("tribu/") for path in files)
    stems = {Path(path).stem for path in files}
    assert not stems & TRAINING_MODULES
    assert not [p for p in files if "chat_templates" in p or "handwritten" in p]


def test_wheel_holds_every_registered_model_file() -> None:
    from tribu.text.registry import MODELS

    files = set(_wheel_files())
    listed = {f"tribu/text/models/{name}" for card in MODELS for name in card.files}
    assert listed and listed <= files


def test_training_is_not_a_package_setuptools_finds() -> None:
    assert not [p for p in find_packages(where=str(ROOT / "src")) if "train" in p]
    assert (ROOT / "training" / "train_sentiment.py").is_file()  # it lives beside src/
