"""Read an FAQ file: CSV (``id,lang,question,answer``) or Markdown (``## question`` headings).

CSV
    A header with the columns ``id``, ``lang``, ``question`` and ``answer`` (in any order; other
    columns are an error, so a typo does not pass silently). One row per phrasing: the first row
    of an ``(id, lang)`` pair gives the answer in that language; more rows with the same id and
    language add phrasings of the same question, their ``answer`` cell empty or equal to the
    first. The same id in another language is the same entry, translated.

Markdown
    ``lang: fr`` on a line of its own sets the language of the entries after it (required before
    the first entry). ``## question`` starts an entry; ``{#id}`` at the end of the heading gives
    its id (so the French and English versions of an entry share it), else the id is made from
    the question's words. Lines ``- another phrasing`` under the heading are phrasings; the other
    non-blank lines, joined, are the answer.

Every fault is an :class:`~tribu.errors.InputError` naming the file and the line, raised before
anything is written, so a bad file never replaces the FAQ in place.
"""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from tribu.errors import InputError

__all__ = [
    "MAX_ANSWER_CHARS",
    "MAX_QUESTION_CHARS",
    "Faq",
    "FaqEntry",
    "read_faq_file",
]

MAX_QUESTION_CHARS = 500
MAX_ANSWER_CHARS = 4000
_LANG = re.compile(r"^[a-z]{2}$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
_HEADING_ID = re.compile(r"\s*\{#([^}]*)\}\s*$")
_COLUMNS = ("id", "lang", "question", "answer")


@dataclass
class FaqEntry:
    """One FAQ entry: its answer per language and its phrasings per language."""

    faq_id: str
    answers: dict[str, str] = field(default_factory=dict)
    questions: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Faq:
    """A whole FAQ as read from a file, before it is stored."""

    source: str
    sha256: str
    entries: dict[str, FaqEntry]

    def phrasings(self) -> list[tuple[str, str, str]]:
        """``(faq_id, lang, text)`` for every phrasing, entries in file order."""
        return [
            (entry.faq_id, lang, text)
            for entry in self.entries.values()
            for lang, texts in entry.questions.items()
            for text in texts
        ]


def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", folded.lower())
    return "-".join(words[:8])[:80] or "entry"


class _Builder:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, FaqEntry] = {}

    def fail(self, line: int, reason: str) -> InputError:
        return InputError(self.path, f"line {line}", reason)

    def add(
        self, line: int, faq_id: str, lang: str, question: str, answer: str
    ) -> None:
        faq_id, lang = faq_id.strip(), lang.strip().lower()
        question, answer = " ".join(question.split()), answer.strip()
        if not _ID.match(faq_id):
            raise self.fail(
                line,
                f"the id must be letters, digits, '_', '.' or '-' (at most 80); "
                f"got {faq_id!r}.",
            )
        if not _LANG.match(lang):
            raise self.fail(
                line, f"the language must be a two-letter code like 'fr'; got {lang!r}."
            )
        if not question:
            raise self.fail(line, f"entry {faq_id!r} has an empty question.")
        if len(question) > MAX_QUESTION_CHARS:
            raise self.fail(
                line,
                f"the question is {len(question)} characters long; "
                f"the most is {MAX_QUESTION_CHARS}.",
            )
        if len(answer) > MAX_ANSWER_CHARS:
            raise self.fail(
                line,
                f"the answer is {len(answer)} characters long; "
                f"the most is {MAX_ANSWER_CHARS}.",
            )
        entry = self.entries.setdefault(faq_id, FaqEntry(faq_id))
        if lang not in entry.answers:
            if not answer:
                raise self.fail(
                    line,
                    f"entry {faq_id!r} ({lang}) has no answer: the first row of an "
                    "entry in a language must give its answer.",
                )
            entry.answers[lang] = answer
        elif answer and answer != entry.answers[lang]:
            raise self.fail(
                line,
                f"entry {faq_id!r} ({lang}) already has a different answer; leave the "
                "answer empty on the rows that only add a phrasing.",
            )
        phrasings = entry.questions.setdefault(lang, [])
        if question in phrasings:
            raise self.fail(
                line, f"entry {faq_id!r} ({lang}) repeats the phrasing {question!r}."
            )
        phrasings.append(question)

    def done(self, raw: bytes) -> Faq:
        if not self.entries:
            raise InputError(self.path, None, "the FAQ has no entry.")
        return Faq(str(self.path), hashlib.sha256(raw).hexdigest(), self.entries)


def _read_csv(path: Path, text: str, builder: _Builder) -> None:
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise InputError(path, None, "the file is empty.") from None
    if sorted(header) != sorted(_COLUMNS):
        raise builder.fail(
            1,
            f"the header must be the columns {', '.join(_COLUMNS)}; "
            f"got {', '.join(header) or 'nothing'}.",
        )
    where = {name: header.index(name) for name in _COLUMNS}
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise builder.fail(
                    line, f"{len(row)} cells where the header has {len(header)}."
                )
            builder.add(line, *(row[where[name]] for name in _COLUMNS))
    except csv.Error as exc:
        raise builder.fail(reader.line_num, f"not valid CSV ({exc}).") from None


def _read_markdown(path: Path, text: str, builder: _Builder) -> None:
    lang: str | None = None
    current: tuple[int, str, str, str] | None = None  # line, id, lang, question
    phrasings: list[tuple[int, str]] = []
    answer: list[str] = []

    def flush() -> None:
        if current is None:
            return
        line, faq_id, entry_lang, question = current
        builder.add(line, faq_id, entry_lang, question, "\n".join(answer))
        for phrasing_line, phrasing in phrasings:
            builder.add(phrasing_line, faq_id, entry_lang, phrasing, "")

    for number, raw_line in enumerate(text.splitlines(), start=1):
        stripped = raw_line.strip()
        lang_match = re.match(r"^lang\s*:\s*(\S+)\s*$", stripped, re.IGNORECASE)
        if lang_match:
            flush()
            current, phrasings, answer = None, [], []
            lang = lang_match.group(1).lower()
            if not _LANG.match(lang):
                raise builder.fail(
                    number,
                    f"the language must be a two-letter code like 'fr'; got {lang!r}.",
                )
            continue
        if stripped.startswith("## "):
            flush()
            if lang is None:
                raise builder.fail(
                    number,
                    "an entry comes before any 'lang: xx' line; put 'lang: fr' (or en...) "
                    "on a line of its own above it.",
                )
            heading = stripped[3:].strip()
            id_match = _HEADING_ID.search(heading)
            faq_id = id_match.group(1).strip() if id_match else _slug(heading)
            question = _HEADING_ID.sub("", heading).strip()
            current, phrasings, answer = (number, faq_id, lang, question), [], []
            continue
        if stripped.startswith("# ") or not stripped:
            if current is not None and answer and not stripped:
                answer.append("")
            continue
        if current is None:
            raise builder.fail(
                number, "text outside an entry; start an entry with '## question'."
            )
        if stripped.startswith(("- ", "* ")):
            phrasings.append((number, stripped[2:]))
        else:
            answer.append(stripped)
    flush()


def read_faq_file(path: str | Path) -> Faq:
    """Read and check an FAQ file (``.csv``, or ``.md``/``.markdown``).

    Raises
    ------
    InputError
        The file cannot be read, or a line is wrong; the message names the file and the line.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(
            path, None, f"cannot read the file ({exc.strerror})."
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            path, f"byte {exc.start}", "not UTF-8 text; save the file as UTF-8."
        ) from None
    builder = _Builder(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        _read_csv(path, text, builder)
    elif suffix in (".md", ".markdown"):
        _read_markdown(path, text, builder)
    else:
        raise InputError(
            path,
            None,
            f"an FAQ is a .csv or a .md file; got {suffix or 'no extension'!r}.",
        )
    return builder.done(raw)
