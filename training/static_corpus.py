"""The French and English sentences the static embedder is distilled on, and its held-out part.

Sources, all offline and permissively licensed:

* the sentiment training CSVs in ``../shared/data/train/sentiment/*.csv`` (column ``text``;
  CC BY 4.0 / MIT, see their SOURCES.md): Reddit comments, film subtitles, product and film
  reviews, questions, Tatoeba sentences; long reviews are cut into sentences;
* tribu's own generated chat (:mod:`training.chat_examples`: the ``chat`` and ``more``
  template sets) and the demo's brand-community sentences (``tribu.demo._phrases``), written
  for tribu;
* chat-like recombinations of those: one to four fragments, fillers, mentions, links, emoji.

:func:`corpus` returns distinct texts in a seeded order; :func:`split` keeps the last
``held_out`` texts apart for evaluation, never trained on.
"""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

from training.paths import default_data_dir

__all__ = ["TRAIN_DATA", "corpus", "split"]

TRAIN_DATA = default_data_dir()

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_FILLERS = {
    "fr": ["du coup", "en vrai", "franchement", "perso", "bref", "sinon", "au fait",
           "quelqu'un sait si", "est-ce que", "vous pensez que", "hier soir", "ce matin",
           "pour info", "j'ai vu que", "la semaine prochaine", "avec ma sœur", "sur le discord",
           "dans la boutique", "depuis la mise à jour", "après le live", "mdr", "ptdr"],
    "en": ["tbh", "honestly", "btw", "anyway", "does anyone know if", "I think",
           "last night", "this morning", "fyi", "I saw that", "next week", "with my brother",
           "on the discord", "in the shop", "since the update", "after the stream", "imo",
           "ngl", "quick question", "so basically", "lol", "lmao"],
}  # fmt: skip
_EXTRAS = ["@{user}", "<@{num}>", "https://shop.example.com/p/{num}", "#{num}", "{num}€",
           "{num}h", "!!!", "??", "...", "😅", "🙏", "❤️", "🎉", "😡", "🙄", "💯",
           "😂", "👍"]  # fmt: skip
_USERS = [
    "lea",
    "max_92",
    "sam",
    "chloe",
    "tom",
    "nina",
    "alex",
    "jules",
    "kev",
    "emma",
]


def _csv_texts(folder: Path) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                text, lang = row["text"].strip(), row.get("lang") or path.name[:2]
                parts = _SENTENCE_END.split(text) if len(text) > 300 else [text]
                rows.extend((part, lang) for part in parts if 3 <= len(part) <= 400)
    return rows


def _tribu_texts(seed: int) -> list[tuple[str, str]]:
    from training.chat_examples import chat_examples, more_chat_examples
    from tribu.demo._phrases import ANSWERS, QUESTIONS, TOPICS, fill, sentence

    rng = random.Random(seed)
    rows = [(t, lang) for t, _, lang in chat_examples(per_class=2_000, seed=seed)]
    rows += [(t, lang) for t, _, lang in more_chat_examples(per_class=500, seed=seed)]
    for topic, langs in TOPICS.items():
        for lang, parts in langs.items():
            for part, tones in parts.items():
                for tone in tones:
                    rows += [
                        (sentence(topic, lang, part, tone, rng), lang)
                        for _ in range(40)
                    ]
    for table in (QUESTIONS, ANSWERS):
        for lang, templates in table.items():
            rows += [(fill(t, rng), lang) for t in templates for _ in range(5)]
    return rows


def _recombined(
    rows: list[tuple[str, str]], count: int, rng: random.Random
) -> list[tuple[str, str]]:
    fragments: dict[str, list[str]] = {"fr": [], "en": []}
    for text, lang in rows:
        if lang in fragments:
            fragments[lang] += [
                f.strip() for f in re.split(r"[,?]", text) if len(f.strip()) > 2
            ]
    out: list[tuple[str, str]] = []
    for _ in range(count):
        lang = rng.choice(("fr", "en"))
        parts = [rng.choice(fragments[lang]) for _ in range(rng.randint(1, 4))]
        if rng.random() < 0.5:
            parts.insert(0, rng.choice(_FILLERS[lang]))
        text = ", ".join(parts)
        if rng.random() < 0.4:
            extra = rng.choice(_EXTRAS).format(
                user=rng.choice(_USERS), num=rng.randint(1, 9999)
            )
            text = f"{text} {extra}" if rng.random() < 0.7 else f"{extra} {text}"
        out.append((text, lang))
    return out


def corpus(
    seed: int = 0, recombined: int = 40_000, folder: Path = TRAIN_DATA
) -> list[str]:
    """Distinct texts (whitespace normalised), shuffled with ``seed``.

    Raises
    ------
    tribu.errors.InputError
        If ``folder`` holds no CSV (the training data lives outside the repository).
    """
    from tribu.errors import InputError

    if not sorted(folder.glob("*.csv")):
        raise InputError(
            folder.resolve(),
            None,
            "no training CSV found; the static embedder is distilled on "
            "../shared/data/train/sentiment/*.csv (column text) next to the repository.",
        )
    rng = random.Random(seed)
    rows = _csv_texts(folder)
    tribu = _tribu_texts(seed + 1)
    rows += tribu + _recombined(tribu + rows, recombined, rng)
    texts = sorted({" ".join(text.split()) for text, _ in rows} - {""})
    rng.shuffle(texts)
    return texts


def split(texts: list[str], held_out: int) -> tuple[list[str], list[str]]:
    """(train, held-out): the held-out part is the last ``held_out`` texts."""
    return texts[:-held_out], texts[-held_out:]
