"""Training reproduces what ships: the data the old Python source held, and the sentiment weights.

The chat templates moved from Python source (``src/tribu/enrich/_chat_examples*.py``) to
``training/chat_templates/*.csv``. Before the move, the old modules rendered the row counts and
SHA-256 digests below (of ``json.dumps([[text, label, lang], ...], ensure_ascii=False)``), and
the static embedder's corpus (``corpus(seed=0)``, which also reads the shared training CSVs and
the demo's phrases) had 109,686 texts. The data files must render exactly the same rows.

Retraining the sentiment model takes about 25 s of one core: the test runs
``python -m training.train_sentiment --skip-inner`` into a temporary folder and compares the
weights and vocabulary byte for byte with the shipped ones (the JSON too, but for the inner
figures that ``--skip-inner`` leaves out). The teacher's word vectors are read from the
committed ``training/teacher/e5_words.npz``. The static embedder needs USE vectors of 110,000
texts (minutes), so its retraining was checked once (docs/text-models.md) and its corpus is
checked here instead.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from training.chat_examples import (
    chat_examples,
    more_chat_examples,
    own_examples,
    slang_chat_examples,
)
from training.paths import REPO_ROOT, default_data_dir

from tribu.text.registry import model_dir


def _digest(rows: list) -> str:
    payload = json.dumps([list(row) for row in rows], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@pytest.mark.parametrize(
    ("render", "count", "digest"),
    [
        (own_examples, 8309, "35d8b7c06e4b2af1899cd638f488b30d01250b96ce0b9c440744154278cc18c4"),
        (chat_examples, 3509, "e931ae445f67c679d989f69433ad11e849ed2077ec4d87ca28ff7fd7c96de616"),
        (
            more_chat_examples,
            3000,
            "1cf4ae9f103a60368d4ccf6ad504ecb6acc3253fef251dee106f64b17082cc53",
        ),
        (
            slang_chat_examples,
            1800,
            "37578f803b4624c99221f85c0e083306837b775031a2e44c0e33215e3ca54658",
        ),
        (
            lambda: chat_examples(per_class=2000, seed=1),  # as the embedder corpus uses it
            9388,
            "440373aa758c16419cb79c9d631c4688db1ea0d6214cf50856f89ae773db96b0",
        ),
        (
            lambda: more_chat_examples(per_class=500, seed=1),
            3000,
            "c5a16e946a8bf0b9089b6382ef03db40304c67f458b33a5d8aef419e54bae533",
        ),
    ],
)  # fmt: skip
def test_template_files_render_what_the_python_source_did(
    render, count, digest
) -> None:
    rows = render()
    assert len(rows) == count
    assert _digest(rows) == digest


def test_embedder_corpus_is_unchanged() -> None:
    from training.static_corpus import corpus

    assert default_data_dir().is_dir(), (
        f"shared training data missing: {default_data_dir()}"
    )
    texts = corpus(seed=0, folder=default_data_dir())
    assert len(texts) == 109_686
    assert (
        hashlib.sha256(json.dumps(texts, ensure_ascii=False).encode()).hexdigest()
        == "b39329c143a3e9ac9199337c3a0c12755bf550ded7683de001013fe713ce86c3"
    )


def test_retraining_sentiment_reproduces_the_shipped_weights(tmp_path: Path) -> None:
    assert default_data_dir().is_dir(), (
        f"shared training data missing: {default_data_dir()}"
    )
    subprocess.run(
        [sys.executable, "-m", "training.train_sentiment", "--skip-inner", "--out", str(tmp_path)],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )  # fmt: skip
    for name in ("sentiment.npz", "sentiment_vocabulary.txt"):
        assert (tmp_path / name).read_bytes() == (model_dir() / name).read_bytes(), name
    shipped = json.loads((model_dir() / "sentiment.json").read_text(encoding="utf-8"))
    shipped.pop("inner_validation_macro_f1")
    shipped.pop("inner_validation_log_loss_by_extra_temperature")
    assert (
        json.loads((tmp_path / "sentiment.json").read_text(encoding="utf-8")) == shipped
    )
