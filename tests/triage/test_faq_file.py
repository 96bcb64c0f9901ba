"""Reading FAQ files: CSV and Markdown, and errors naming the file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.triage.conftest import SEMELLE_FAQ
from tribu.errors import InputError
from tribu.triage.faq_file import read_faq_file


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_with_extra_phrasings_and_two_languages(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "faq.csv",
        "id,lang,question,answer\n"
        "ship,en,How long is delivery?,2 to 4 days.\n"
        "ship,en,When will my order arrive?,\n"
        "ship,fr,Quels délais de livraison ?,2 à 4 jours.\n"
        'size,en,"Do they run big, or small?",True to size.\n',
    )
    faq = read_faq_file(path)
    assert list(faq.entries) == ["ship", "size"]
    assert faq.entries["ship"].answers == {"en": "2 to 4 days.", "fr": "2 à 4 jours."}
    assert faq.entries["ship"].questions["en"] == [
        "How long is delivery?",
        "When will my order arrive?",
    ]
    assert len(faq.phrasings()) == 4


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ("id,lang,question\nx,en,q\n", "line 1", "header"),
        ("id,lang,question,answer\nx,en,q,a\ny,english,q,a\n", "line 3", "two-letter"),
        ("id,lang,question,answer\nx,en,q,a\nz,en,q2,\n", "line 3", "no answer"),
        ("id,lang,question,answer\nx,en,q,a\nx,en,q2,other\n", "line 3", "different"),
        ("id,lang,question,answer\nx,en,,a\n", "line 2", "empty question"),
        ("id,lang,question,answer\nx y,en,q,a\n", "line 2", "id must be"),
        ("id,lang,question,answer\nx,en,q,a,extra\n", "line 2", "5 cells"),
    ],
)
def test_csv_errors_name_the_file_and_line(
    tmp_path: Path, body: str, line: str, words: str
) -> None:
    path = write(tmp_path, "bad.csv", body)
    with pytest.raises(InputError) as caught:
        read_faq_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}, {line}:"), message
    assert words in message


def test_markdown_ids_languages_and_phrasings(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "faq.md",
        "# Our FAQ\n\nlang: en\n\n## How long is delivery? {#ship}\n"
        "Two to four days.\nExpress: one day.\n- When will my order arrive?\n\n"
        "lang: fr\n## Quels délais ? {#ship}\nDeux à quatre jours.\n"
        "## Ça taille comment ?\nNormalement.\n",
    )
    faq = read_faq_file(path)
    assert faq.entries["ship"].answers["en"] == "Two to four days.\nExpress: one day."
    assert faq.entries["ship"].questions["en"] == [
        "How long is delivery?",
        "When will my order arrive?",
    ]
    assert faq.entries["ship"].answers["fr"] == "Deux à quatre jours."
    assert "ca-taille-comment" in faq.entries  # id made from the words, accents folded


def test_markdown_entry_before_language_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "faq.md", "# FAQ\n\n## Question?\nAnswer.\n")
    with pytest.raises(InputError, match=r"faq\.md, line 3: an entry comes before"):
        read_faq_file(path)


def test_unknown_extension_and_empty_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="a .csv or a .md"):
        read_faq_file(write(tmp_path, "faq.txt", "x"))
    with pytest.raises(InputError, match="no entry"):
        read_faq_file(write(tmp_path, "faq.md", "lang: fr\n"))


def test_the_demo_faq_reads() -> None:
    faq = read_faq_file(SEMELLE_FAQ)
    assert len(faq.entries) == 20
    assert all(set(e.answers) == {"fr", "en"} for e in faq.entries.values())
