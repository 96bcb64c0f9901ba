"""Turn a tokenised batch into the sparse feature matrix of the sentiment model, vectorised.

Columns, in this order (see :class:`FeatureSpace`):

- words from a fixed vocabulary, twice: plain and in a negation's scope (« n'aime pas » gives the
  negated ``aime``);
- word pairs from a fixed vocabulary (« pas terrible », "not great");
- hashed character 3–5-grams: byte n-grams of each word padded with spaces (`` ouf ``), hashed
  into 2^18 buckets by a multiply-shift hash computed in numpy over the whole batch's UTF-8
  bytes. They catch spelling variants, inflections and slang the vocabularies miss;
- dense columns (:data:`DENSE_NAMES`): French and English word-list sums and their VADER-style
  compound scores (the word lists' own verdicts, so the model can lean on them where they are
  right), elongated words, « ! », « ? », shouting, and the message's length band.

Each sparse block is scaled by 1/sqrt(its number of entries in the message) so a long review and
a short chat line weigh alike. Words and pairs use a vocabulary (exact, readable in the shipped
file); character n-grams use hashing because computing them as Python strings was the slowest
part of the first version. Every step is one numpy operation over the whole batch, so the cost
per message is a few microseconds.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from tribu.text._batch_text import TokenisedBatch, TokenTable, tokenise_batch
from tribu.text.lexicons import french_lexicon, vader_lexicon

__all__ = ["CHAR_BITS", "DENSE_NAMES", "FeatureSpace"]

CHAR_BITS = 18
_HASH_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_BOOSTERS = frozenset(
    {"très", "trop", "vraiment", "hyper", "grave", "tellement", "super", "archi", "ultra",
     "very", "so", "really", "extremely", "totally", "absolutely", "too"}
)  # fmt: skip
_BOOST = 0.293  # VADER's B_INCR
_NEGATION_FACTOR = -0.74  # VADER's N_SCALAR
_ALPHA = 15.0  # VADER's normalisation constant

DENSE_NAMES = (
    "wordlist_fr_positive",
    "wordlist_fr_negative",
    "wordlist_en_positive",
    "wordlist_en_negative",
    "wordlist_fr_compound",
    "wordlist_en_compound",
    "elongated",
    "exclamations",
    "question",
    "shouting",
    "no_words",
    "one_word",
    "two_to_three_words",
    "four_to_ten_words",
    "over_ten_words",
)


class FeatureSpace:
    """Column layout and feature computation for a given word and pair vocabulary.

    Parameters
    ----------
    words : sequence of str
        Word vocabulary (tokens).
    pairs : sequence of str
        Pair vocabulary, each ``"first second"``; pairs of words outside ``words`` never fire.
    char_bits : int
        log2 of the number of character n-gram buckets.
    """

    def __init__(
        self, words: Sequence[str], pairs: Sequence[str], char_bits: int = CHAR_BITS
    ) -> None:
        self.words = list(words)
        self.pairs = list(pairs)
        self.char_bits = char_bits
        fr, en = french_lexicon(), vader_lexicon()
        known: list[str] = list(self.words)
        lexicon_pairs: list[tuple[str, str]] = []
        for lexicon in (fr, en):
            for entry in lexicon:
                parts = entry.split("-")
                if len(parts) == 2 and all(parts):
                    lexicon_pairs.append((parts[0], parts[1]))
                    known.extend(parts)
                else:
                    known.append(entry)
        known.extend(sorted(_BOOSTERS))
        table = TokenTable(known)
        size = table.size
        self.table = table
        self._table = table.index
        self._unknown = table.unknown
        self._size = size
        word_col = np.full(size, -1, dtype=np.int64)
        word_col[: len(self.words)] = np.arange(len(self.words))
        self._word_col = word_col
        self._fr_value = np.zeros(size)
        self._en_value = np.zeros(size)
        for token, index in table.index.items():
            self._fr_value[index] = fr.get(token, 0.0)
            self._en_value[index] = en.get(token, 0.0)
        self._booster = np.zeros(size, dtype=bool)
        self._booster[[table.index[t] for t in _BOOSTERS]] = True
        self._lexicon_pairs = {
            name: self._pair_table(lexicon, lexicon_pairs)
            for name, lexicon in (("fr", fr), ("en", en))
        }
        keys = [self._key(*pair.split(" ", 1)) for pair in self.pairs]
        order = np.argsort(np.asarray(keys, dtype=np.int64), kind="stable")
        self._pair_keys = np.asarray(keys, dtype=np.int64)[order]
        self._pair_cols = order.astype(np.int64)
        n_words = len(self.words)
        self.offsets = {
            "words": 0,
            "negated": n_words,
            "pairs": 2 * n_words,
            "chars": 2 * n_words + len(self.pairs),
            "dense": 2 * n_words + len(self.pairs) + (1 << char_bits),
        }
        self.n_features = self.offsets["dense"] + len(DENSE_NAMES)

    def _key(self, first: str, second: str) -> int:
        a = self._table.get(first, self._unknown)
        b = self._table.get(second, self._unknown)
        if a == self._unknown or b == self._unknown:
            return -1
        return a * self._size + b

    def _pair_table(
        self, lexicon: dict[str, float], pairs: list[tuple[str, str]]
    ) -> tuple[np.ndarray, np.ndarray]:
        found = {
            self._key(a, b): lexicon[f"{a}-{b}"]
            for a, b in pairs
            if f"{a}-{b}" in lexicon
        }
        keys = np.asarray(sorted(found), dtype=np.int64)
        return keys, np.asarray([found[k] for k in keys.tolist()], dtype=np.float64)

    # ---- features ---------------------------------------------------------------------------
    def tokenise(self, texts: Sequence[str]) -> TokenisedBatch:
        """Tokenise ``texts`` against this space's token table."""
        return tokenise_batch(texts, self.table)

    def entries(
        self, batch: TokenisedBatch
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Non-zero entries (rows, columns, values) of the feature matrix; may repeat a cell."""
        ids = batch.rows
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        vals: list[np.ndarray] = []
        self._word_block(batch, ids, rows, cols, vals)
        self._char_block(batch, rows, cols, vals)
        dense = self.dense(batch, ids)
        r, c = np.nonzero(dense)
        rows.append(r)
        cols.append(c + self.offsets["dense"])
        vals.append(dense[r, c])
        return np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)

    def matrix(self, batch: TokenisedBatch) -> sp.csr_matrix:
        """Feature matrix (batch.n, n_features), repeated cells summed (for training)."""
        rows, cols, vals = self.entries(batch)
        return sp.csr_matrix(
            (vals.astype(np.float32), (rows, cols)), shape=(batch.n, self.n_features)
        )

    def logits(
        self, batch: TokenisedBatch, coef: np.ndarray, intercept: np.ndarray
    ) -> np.ndarray:
        """``matrix(batch) @ coef + intercept`` without building the matrix (for scoring)."""
        rows, cols, vals = self.entries(batch)
        out: np.ndarray = np.empty((batch.n, coef.shape[1]))
        for k in range(coef.shape[1]):
            column = np.ascontiguousarray(coef[:, k])
            out[:, k] = np.bincount(
                rows, weights=column[cols] * vals, minlength=batch.n
            )
        out += intercept
        return out

    def _word_block(
        self,
        batch: TokenisedBatch,
        ids: np.ndarray,
        rows: list[np.ndarray],
        cols: list[np.ndarray],
        vals: list[np.ndarray],
    ) -> None:
        word_col = self._word_col[ids]
        known = word_col >= 0
        word_rows = batch.message[known]
        word_cols = word_col[known] + np.where(
            batch.negated[known], self.offsets["negated"], self.offsets["words"]
        )
        same = batch.message[:-1] == batch.message[1:]
        keys = ids[:-1] * self._size + ids[1:]
        keys[~same] = -1
        slot = np.searchsorted(self._pair_keys, keys)
        slot = np.minimum(slot, max(len(self._pair_keys) - 1, 0))
        hit = (
            self._pair_keys[slot] == keys
            if len(self._pair_keys)
            else np.zeros_like(same)
        )
        pair_rows = batch.message[:-1][hit]
        pair_cols = self._pair_cols[slot[hit]] + self.offsets["pairs"]
        block_rows = np.concatenate((word_rows, pair_rows))
        counts = np.bincount(block_rows, minlength=batch.n)
        rows.append(block_rows)
        cols.append(np.concatenate((word_cols, pair_cols)))
        vals.append(1.0 / np.sqrt(counts[block_rows]))

    def _char_block(
        self,
        batch: TokenisedBatch,
        rows: list[np.ndarray],
        cols: list[np.ndarray],
        vals: list[np.ndarray],
    ) -> None:
        data = np.concatenate(([32], batch.letter_bytes, [32])).astype(np.uint8)
        nul = data == 0
        inner_bad = nul | (data == 32)  # a space may only open or close a window
        message = np.cumsum(nul, dtype=np.int64)
        wide = data.astype(np.uint64)
        shift = np.uint64(64 - self.char_bits)
        gram_rows: list[np.ndarray] = []
        size = len(data)
        key = wide.copy()
        interior_ok = np.ones(size, dtype=bool)
        for n in range(2, 6):
            count = size - n + 1
            if count <= 0:
                break
            key = key[:count] | (wide[n - 1 : n - 1 + count] << np.uint64(8 * (n - 1)))
            if n > 2:  # byte n-2 of the window is now interior
                interior_ok = interior_ok[:count] & ~inner_bad[n - 2 : n - 2 + count]
            if n < 3:
                continue
            valid = interior_ok[:count] & ~nul[:count] & ~nul[n - 1 : n - 1 + count]
            bucket = ((key[valid] * _HASH_MULTIPLIER) >> shift).astype(np.int64)
            gram_rows.append(message[:count][valid])
            cols.append(bucket + self.offsets["chars"])
        if not gram_rows:
            return
        counts = np.bincount(np.concatenate(gram_rows), minlength=batch.n)
        for block in gram_rows:
            rows.append(block)
            vals.append(1.0 / np.sqrt(counts[block]))

    def dense(self, batch: TokenisedBatch, ids: np.ndarray | None = None) -> np.ndarray:
        """Dense columns (batch.n, len(DENSE_NAMES)); see the module docstring."""
        if ids is None:
            ids = batch.rows
        n = batch.n
        out = np.zeros((n, len(DENSE_NAMES)))
        for column, (name, values) in enumerate(
            (("fr", self._fr_value), ("en", self._en_value))
        ):
            positive, negative = self._lexicon_sums(batch, ids, values[ids], name)
            out[:, 2 * column] = np.minimum(positive / 4.0, 3.0)
            out[:, 2 * column + 1] = np.minimum(negative / 4.0, 3.0)
            total = positive - negative
            total = total + np.sign(total) * 0.292 * np.minimum(batch.exclamations, 4)
            out[:, 4 + column] = total / np.sqrt(total * total + _ALPHA)
        n_words = np.bincount(batch.message[batch.is_word], minlength=n)
        out[:, 6] = batch.elongated > 0
        out[:, 7] = np.minimum(batch.exclamations, 3) / 3.0
        out[:, 8] = batch.questions > 0
        letters = np.maximum(batch.letters, 1)
        out[:, 9] = (batch.capitals / letters >= 0.6) & (n_words >= 2)
        out[:, 10] = n_words == 0
        out[:, 11] = n_words == 1
        out[:, 12] = (n_words >= 2) & (n_words <= 3)
        out[:, 13] = (n_words >= 4) & (n_words <= 10)
        out[:, 14] = n_words > 10
        return out

    def _lexicon_sums(
        self, batch: TokenisedBatch, ids: np.ndarray, value: np.ndarray, name: str
    ) -> tuple[np.ndarray, np.ndarray]:
        """Positive and negative valence sums per message, as :func:`lexicon_sums` does."""
        value = value.copy()
        message = batch.message
        keys, pair_values = self._lexicon_pairs[name]
        if len(keys) and len(ids) > 1:
            pair = ids[:-1] * self._size + ids[1:]
            pair[message[:-1] != message[1:]] = -1
            slot = np.minimum(np.searchsorted(keys, pair), len(keys) - 1)
            hit = np.flatnonzero(keys[slot] == pair)
            value[hit] = pair_values[slot[hit]]
            value[hit + 1] = 0.0  # the second word of a two-word entry counts once
        if len(ids) > 1:
            boosted = np.zeros(len(ids), dtype=bool)
            boosted[1:] = self._booster[ids[:-1]] & (message[1:] == message[:-1])
            value[boosted] += np.sign(value[boosted]) * _BOOST
        value[batch.negated] *= _NEGATION_FACTOR
        positive = np.bincount(message, weights=np.maximum(value, 0), minlength=batch.n)
        negative = np.bincount(
            message, weights=np.maximum(-value, 0), minlength=batch.n
        )
        return positive[: batch.n], negative[: batch.n]
