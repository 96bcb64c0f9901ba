"""Where training finds its data: the repository, the shared training folder, the evaluation sets.

The permissively licensed training CSVs live outside the repository, in
``../shared/data/train/sentiment`` beside it (see their ``SOURCES.md``); ``$TRIBU_TRAIN_DATA``
points elsewhere (a git worktree, another machine).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "EVALUATION_DIR",
    "HANDWRITTEN_DIR",
    "REPO_ROOT",
    "TEMPLATE_DIR",
    "default_data_dir",
]

REPO_ROOT = Path(__file__).resolve().parents[1]
# tribu's hand-labelled evaluation sets: no training row may match one.
EVALUATION_DIR = REPO_ROOT / "tests" / "data" / "sentiment"
# tribu's hand-written chat messages (CSV, see its README.md).
HANDWRITTEN_DIR = REPO_ROOT / "training" / "sentiment"
# tribu's hand-written chat templates (CSV, see its README.md).
TEMPLATE_DIR = REPO_ROOT / "training" / "chat_templates"


def default_data_dir() -> Path:
    """The shared training folder: ``$TRIBU_TRAIN_DATA``, else ``../shared/data/train/sentiment``
    beside the repository."""
    chosen = os.environ.get("TRIBU_TRAIN_DATA")
    if chosen:
        return Path(chosen)
    return REPO_ROOT.parent / "shared" / "data" / "train" / "sentiment"
