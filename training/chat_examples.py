"""tribu's own chat-style training examples, rendered from hand-written templates.

The permissive training sets hold reviews, subtitles and Reddit comments, and no French neutral
chat at all. Three sets of templates, written for tribu (Apache-2.0) apart from the evaluation
sets in ``tests/data/sentiment/``, fill the gap; they live as data in ``chat_templates/*.csv``
(columns ``lang,slot,text``; origin and slots in ``chat_templates/README.md``):

* ``chat.csv`` (:func:`chat_examples`): orders, lives, apps; « {thing} est {pos} » shapes,
  thanks, complaints, negated praise (« pas terrible », "not great"), neutral logistics;
* ``more.csv`` (:func:`more_chat_examples`): creators, gaming, beauty, sport and food
  communities, replies to members, contrast (« ... mais ... »), questions that complain, plain
  information with emotional-looking words (« pas de souci », "no worries");
* ``slang.csv`` (:func:`slang_chat_examples`): negation, mild praise by negated complaint
  (« pas mal », "not bad"), chat slang (« osef », "mid", "goated"), elongations, emoji alone.

Each set is rendered by its own small function (slots filled from the CSV with one seeded
generator), so the same rows come out on every run; the training scripts drop any row that
matches an evaluation set.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from functools import cache

from training.paths import TEMPLATE_DIR

__all__ = [
    "TEMPLATE_DIR",
    "chat_examples",
    "distinct_examples",
    "more_chat_examples",
    "own_examples",
    "slang_chat_examples",
    "templates",
]

LANGS = ("fr", "en")
Words = dict[str, list[str]]
Render = Callable[[Words, str, random.Random], str]
_KEYS = {"positive": "pos", "negative": "neg", "neutral": "neu"}


@cache
def templates(name: str) -> tuple[dict[str, Words], tuple[str, ...]]:
    """({lang: {slot: phrases in file order}}, user names) of ``chat_templates/<name>.csv``.

    File order matters: the renderers draw by position with a seeded generator.
    """
    tables: dict[str, Words] = {lang: {} for lang in LANGS}
    users: list[str] = []
    with (TEMPLATE_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["slot"] == "user":
                users.append(row["text"])
            else:
                tables[row["lang"]].setdefault(row["slot"], []).append(row["text"])
    return tables, tuple(users)


def distinct_examples(
    render: Render, name: str, per_class: int, seed: int
) -> list[tuple[str, str, str]]:
    """Up to ``per_class`` distinct texts per class and language, drawn with ``render`` from
    one seeded generator (the same rows on every run), sorted within each class."""
    tables, _ = templates(name)
    rng = random.Random(seed)
    rows: list[tuple[str, str, str]] = []
    for lang in LANGS:
        words = tables[lang]
        for label in ("positive", "negative", "neutral"):
            seen: set[str] = set()
            for _ in range(per_class * 4):
                seen.add(render(words, label, rng))
                if len(seen) >= per_class:
                    break
            rows.extend((text, label, lang) for text in sorted(seen))
    return rows


def _render_chat(words: Words, label: str, rng: random.Random) -> str:
    key = _KEYS[label]
    template = rng.choice(words[f"{key}_tpl"])
    emoji = rng.choice(words[f"{key}_emoji"]) if key != "neu" else ""
    text = template.format(
        thing=rng.choice(words["thing"]),
        pos=rng.choice(words["pos"]),
        neg=rng.choice(words["neg"]),
        e=emoji,
    ).strip()
    if rng.random() < 0.15:
        text = text.capitalize()
    return " ".join(text.split())


def _render_more(words: Words, label: str, rng: random.Random) -> str:
    key = _KEYS[label]
    text = rng.choice(words[f"{key}_tpl"]).format(
        thing=rng.choice(words["thing"]),
        pos=rng.choice(words["pos"]),
        neg=rng.choice(words["neg"]),
        user=rng.choice(templates("more")[1]),
    )
    roll = rng.random()
    if roll < 0.1:
        text = text.capitalize()
    elif roll < 0.15:
        text = text.lower()
    return " ".join(text.split())


def _render_slang(words: Words, label: str, rng: random.Random) -> str:
    key = _KEYS[label]
    text = rng.choice(words[f"{key}_tpl"]).format(thing=rng.choice(words["thing"]))
    roll = rng.random()
    if roll < 0.15:
        text = f"@{rng.choice(templates('slang')[1])} {text}"
    elif roll < 0.25:
        text = text.capitalize()
    elif roll < 0.3 and key != "neu":
        text = text.upper()
    return " ".join(text.split())


def chat_examples(per_class: int = 600, seed: int = 7) -> list[tuple[str, str, str]]:
    """Distinct (text, label, lang) rows of ``chat.csv``, up to ``per_class`` per class and
    language."""
    return distinct_examples(_render_chat, "chat", per_class, seed)


def more_chat_examples(
    per_class: int = 500, seed: int = 11
) -> list[tuple[str, str, str]]:
    """Distinct (text, label, lang) rows of ``more.csv``, up to ``per_class`` per class and
    language."""
    return distinct_examples(_render_more, "more", per_class, seed)


def slang_chat_examples(
    per_class: int = 300, seed: int = 23
) -> list[tuple[str, str, str]]:
    """Distinct (text, label, lang) rows of ``slang.csv``, up to ``per_class`` per class and
    language."""
    return distinct_examples(_render_slang, "slang", per_class, seed)


def own_examples() -> list[tuple[str, str, str]]:
    """All three template sets, as the sentiment training uses them."""
    return [*chat_examples(), *more_chat_examples(), *slang_chat_examples()]
