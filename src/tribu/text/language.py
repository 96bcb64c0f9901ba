"""Language of chat messages: ``fr``, ``en`` (or es, de, it, pt, nl), or ``und`` (undetermined).

:class:`LanguageDetector` uses py3langid's model (BSD, ships in the package, nothing downloaded)
restricted to French, English and five neighbours (so that a Spanish message is not forced into
French), and answers ``und`` when the best language's
probability is below ``min_confidence`` or the message has too few letters to tell (« ok »,
« gg », emoji alone). It scores a whole batch at once: the n-gram counts of every message go
into one sparse matrix multiplied by the model's table, instead of one call per message, and
py3langid's byte automaton is walked over all messages in lock-step with numpy. Only the first
400 bytes of a message are read.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from tribu.text._batch_text import join_batch, letter_counts

__all__ = [
    "DETECTED_LANGUAGES",
    "SUPPORTED_LANGUAGES",
    "LanguageDetector",
    "tables_cache_dir",
]

SUPPORTED_LANGUAGES = ("fr", "en")
# Bytes of a message the detector reads: plenty to tell a language, and it bounds the work.
MAX_BYTES = 400
# Detected as well, so that a Spanish or German message is not forced into French or English.
DETECTED_LANGUAGES = ("fr", "en", "es", "de", "it", "pt", "nl")


class LanguageDetector:
    """Detect the language of messages among ``languages``.

    Parameters
    ----------
    languages : tuple of str
        ISO 639-1 codes to choose from (py3langid knows 97).
    min_confidence : float
        Below this normalised probability of the best language, answer ``und``.
    min_letters : int
        Messages with fewer letters than this are ``und``: too short to tell.

    Attributes
    ----------
    labels_ : list of str
        The languages, in the column order of the model's table.

    Examples
    --------
    >>> LanguageDetector().predict(["Bonjour à tous, le live commence", "See you tonight", "ok"])
    ['fr', 'en', 'und']
    """

    identifier_: Any  # py3langid's identifier, or its cached arrays (_Restricted)
    tables_: tuple[np.ndarray, np.ndarray, np.ndarray]

    def __init__(
        self,
        languages: tuple[str, ...] = DETECTED_LANGUAGES,
        min_confidence: float = 0.7,
        min_letters: int = 4,
    ) -> None:
        self.languages = languages
        self.min_confidence = min_confidence
        self.min_letters = min_letters

    def fit(self) -> LanguageDetector:
        """Load py3langid's shipped model, restricted to ``languages``.

        The first load unpacks py3langid's compressed pickle (about a second); the arrays
        this detector uses are then kept as ``.npy`` files in the user's cache folder
        (:func:`tables_cache_dir`) and later loads map them (milliseconds, pages shared by
        forked workers). The cached arrays are the same numbers: a cache that cannot be
        read or written is skipped.
        """
        cached = _read_tables(self.languages)
        if cached is not None:
            self.identifier_, self.tables_ = cached
            self.labels_ = list(self.identifier_.nb_classes)
            return self
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        identifier.set_languages(list(self.languages))
        self.identifier_ = identifier
        self.labels_ = list(identifier.nb_classes)
        _write_tables(self.languages, identifier, self._tables())
        return self

    def predict(self, texts: Sequence[str]) -> list[str]:
        """Language code of each text, or ``und``. Identical texts are detected once."""
        if not hasattr(self, "identifier_"):
            self.fit()
        position: dict[str, int] = {}
        inverse = [position.setdefault(t or "", len(position)) for t in texts]
        unique = list(position)
        answers = self._predict_unique(unique)
        return [answers[i] for i in inverse]

    def _predict_unique(self, texts: list[str]) -> list[str]:
        answers = ["und"] * len(texts)
        if not texts:
            return answers
        joined = join_batch(texts)
        _, _, letters = letter_counts(joined, len(texts))
        kept = np.flatnonzero(letters >= self.min_letters)
        if not len(kept):
            return answers
        encoded = [
            unicodedata.normalize("NFC", t.lower() if t.isupper() else t).encode(
                "utf8", "surrogatepass"
            )[:MAX_BYTES]
            for t in (texts[i] for i in kept.tolist())
        ]
        rows, features = self._walk(encoded)
        lengths = np.fromiter(map(len, encoded), dtype=np.float64, count=len(encoded))
        has_feature = np.bincount(rows, minlength=len(encoded)) > 0
        identifier = self.identifier_
        import scipy.sparse as sp

        counts = sp.coo_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, features)),
            shape=(len(encoded), identifier.nb_ptc.shape[0]),
        ).tocsr()  # duplicates summed
        counts.data = np.log1p(counts.data)
        scores = (
            np.asarray(counts @ identifier.nb_ptc, dtype=np.float64) + identifier.nb_pc
        )
        # py3langid's calibration: temperature sqrt(bytes), then softmax
        scores /= np.sqrt(lengths)[:, None]
        scores -= scores.max(axis=1, keepdims=True)
        proba = np.exp(scores)
        proba /= proba.sum(axis=1, keepdims=True)
        best = proba.argmax(axis=1)
        confidence = proba[np.arange(len(encoded)), best]
        sure = has_feature & (confidence >= self.min_confidence)
        for position in np.flatnonzero(sure).tolist():
            answers[int(kept[position])] = self.labels_[int(best[position])]
        return answers

    def _walk(self, encoded: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
        """Walk py3langid's byte automaton over all messages in lock-step.

        Returns (message row, feature index) for every feature the automaton emits, exactly
        what py3langid's per-byte Python loop finds, but one numpy step per byte position for
        the whole batch (messages sorted by length, so step t touches only those still running).
        """
        next_move, row_base, output = self._tables()
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
        order = np.argsort(-lengths, kind="stable")
        longest = int(lengths.max()) if len(lengths) else 0
        data = np.frombuffer(b"".join(encoded[i] for i in order.tolist()), np.uint8)
        starts = np.concatenate(([0], np.cumsum(lengths[order])[:-1]))
        sorted_lengths = lengths[order]
        # running[t] = how many messages are longer than t (a prefix, as lengths are sorted)
        running = np.searchsorted(-sorted_lengths, -np.arange(longest), side="left")
        state = np.zeros(len(encoded), dtype=np.int64)
        emitted = np.full((len(encoded), longest), -1, dtype=np.int32)
        for t in range(longest):
            active = int(running[t])
            current = state[:active]
            current = next_move[row_base[current] + data[starts[:active] + t]]
            state[:active] = current
            emitted[:active, t] = output[current]
        rows, steps = np.nonzero(emitted >= 0)
        return order[rows], emitted[rows, steps].astype(np.int64)

    def _tables(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if not hasattr(self, "tables_"):
            identifier = self.identifier_
            self.tables_ = (
                np.asarray(identifier.tk_nextmove, dtype=np.int32),
                np.asarray(identifier._rowbase, dtype=np.int64),
                np.asarray(identifier.tk_output, dtype=np.int32),
            )
        return self.tables_


_CACHE_FORMAT = 1
_TABLE_NAMES = ("nb_ptc", "nb_pc", "next_move", "row_base", "output")


class _Restricted:
    """What :meth:`LanguageDetector.predict` reads of a py3langid identifier (from cache)."""

    __slots__ = ("nb_classes", "nb_pc", "nb_ptc")

    def __init__(self, nb_classes: list[str], nb_ptc: np.ndarray, nb_pc: np.ndarray):
        self.nb_classes = nb_classes
        self.nb_ptc = nb_ptc
        self.nb_pc = nb_pc


def tables_cache_dir() -> Path:
    """Folder of the cached language tables: ``$TRIBU_CACHE_DIR/langid``, else
    ``$XDG_CACHE_HOME/tribu/langid``, else ``~/.cache/tribu/langid``."""
    root = os.environ.get("TRIBU_CACHE_DIR")
    if root:
        return Path(root) / "langid"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "tribu" / "langid"


def _tables_folder(languages: tuple[str, ...]) -> Path:
    from importlib.metadata import version

    tag = f"{_CACHE_FORMAT}-{version('py3langid')}-{'_'.join(languages)}"
    return tables_cache_dir() / tag


def _read_tables(languages: tuple[str, ...]) -> tuple[_Restricted, Any] | None:
    if os.environ.get("TRIBU_MODEL_CACHE") == "0":
        return None
    try:
        folder = _tables_folder(languages)
        classes = (folder / "classes.txt").read_text(encoding="utf-8").split()
        arrays = [
            np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)
            for name in _TABLE_NAMES
        ]
    except (OSError, ValueError):
        return None
    nb_ptc, nb_pc, next_move, row_base, output = arrays
    if nb_ptc.shape[1] != len(classes) or len(nb_pc) != len(classes):
        return None
    return _Restricted(classes, nb_ptc, nb_pc), (next_move, row_base, output)


def _write_tables(
    languages: tuple[str, ...], identifier: Any, tables: tuple[np.ndarray, ...]
) -> None:
    if os.environ.get("TRIBU_MODEL_CACHE") == "0":
        return
    arrays = (np.asarray(identifier.nb_ptc), np.asarray(identifier.nb_pc), *tables)
    try:
        folder = _tables_folder(languages)
        folder.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
        for name, array in zip(_TABLE_NAMES, arrays, strict=True):
            np.save(scratch / f"{name}.npy", np.ascontiguousarray(array))
        (scratch / "classes.txt").write_text(
            "\n".join(identifier.nb_classes), encoding="utf-8"
        )
        try:
            os.replace(scratch, folder)  # atomic: a reader sees all the files or none
        except OSError:
            shutil.rmtree(scratch, ignore_errors=True)  # another process won the race
    except OSError:
        return
