"""Language of chat messages: ``fr``, ``en`` (or es, de, it, pt, nl), or ``und`` (undetermined).

:class:`LanguageDetector` uses py3langid's model (BSD, ships in the package, nothing downloaded)
restricted to French, English and five neighbours (so that a Spanish message is not forced into
French), and answers ``und`` when the best language's
probability is below ``min_confidence`` or the message has too few letters to tell (« ok »,
« gg », emoji alone). It scores a whole batch at once: the n-gram counts of every message go
into one sparse matrix multiplied by the model's table, instead of one call per message.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np

__all__ = ["DETECTED_LANGUAGES", "SUPPORTED_LANGUAGES", "LanguageDetector"]

SUPPORTED_LANGUAGES = ("fr", "en")
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
        """Load py3langid's shipped model, restricted to ``languages``."""
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        identifier.set_languages(list(self.languages))
        self.identifier_ = identifier
        self.labels_ = list(identifier.nb_classes)
        return self

    def predict(self, texts: Sequence[str]) -> list[str]:
        """Language code of each text, or ``und``."""
        if not hasattr(self, "identifier_"):
            self.fit()
        identifier = self.identifier_
        next_move, row_base, output = (
            identifier.tk_nextmove,
            identifier._rowbase,
            identifier.tk_output,
        )
        answers = ["und"] * len(texts)
        rows: list[int] = []
        columns: list[int] = []
        lengths: list[int] = []
        kept: list[int] = []
        for position, text in enumerate(texts):
            text = text or ""
            if sum(ch.isalpha() for ch in text) < self.min_letters:
                continue
            if text.isupper():
                text = text.lower()
            data = unicodedata.normalize("NFC", text).encode("utf8", "surrogatepass")
            state = 0
            found = []
            for byte in data:
                state = next_move[row_base[state] + byte]
                feature = output[state]
                if feature >= 0:
                    found.append(feature)
            if not found:
                continue
            rows.extend([len(kept)] * len(found))
            columns.extend(found)
            lengths.append(len(data))
            kept.append(position)
        if not kept:
            return answers
        import scipy.sparse as sp

        counts = sp.coo_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, columns)),
            shape=(len(kept), identifier.nb_ptc.shape[0]),
        ).tocsr()  # duplicates summed
        counts.data = np.log1p(counts.data)
        scores = (
            np.asarray(counts @ identifier.nb_ptc, dtype=np.float64) + identifier.nb_pc
        )
        # py3langid's calibration: temperature sqrt(bytes), then softmax
        scores /= np.sqrt(np.asarray(lengths, dtype=np.float64))[:, None]
        scores -= scores.max(axis=1, keepdims=True)
        proba = np.exp(scores)
        proba /= proba.sum(axis=1, keepdims=True)
        best = proba.argmax(axis=1)
        confidence = proba[np.arange(len(kept)), best]
        for position, index, conf in zip(
            kept, best.tolist(), confidence.tolist(), strict=True
        ):
            if conf >= self.min_confidence:
                answers[position] = self.labels_[index]
        return answers
