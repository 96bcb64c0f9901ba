"""Plain text out of Discourse's ``cooked`` HTML, with the standard library's parser.

:class:`html.parser.HTMLParser` is enough here: cooked HTML is produced by Discourse itself
(well formed), and we only need its text, line breaks between blocks, the images that are not
emoji, and the ``@mentions``. Entities are unescaped by the parser (``convert_charrefs``).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["html_text"]

_BLOCKS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "aside",
        "tr",
        "table",
        "hr",
    }
)
_SKIPPED = frozenset({"script", "style"})
_BLANK_LINES = re.compile(r"\n{3,}")


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.images = 0
        self.mentions: list[str] = []
        self._skip = 0
        self._mention_depth = 0
        self._mention: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        if tag in _SKIPPED:
            self._skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")
        if tag == "img" and "emoji" not in classes:
            self.images += 1
        elif tag == "img":
            self.parts.append(found.get("alt") or "")
        elif tag == "a" and "mention" in classes:
            self._mention_depth = 1
            self._mention = []

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED and self._skip:
            self._skip -= 1
        elif tag in _BLOCKS:
            self.parts.append("\n")
        elif tag == "a" and self._mention_depth:
            self._mention_depth = 0
            handle = "".join(self._mention).strip().lstrip("@")
            if handle:
                self.mentions.append(handle)

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.parts.append(data)
        if self._mention_depth:
            self._mention.append(data)


def html_text(cooked: str) -> tuple[str, int, list[str]]:
    """Text, count of non-emoji images, and mentioned usernames of a cooked HTML post.

    Examples
    --------
    >>> html_text("<p>Salut &amp; merci <a class='mention' href='/u/lea'>@lea</a></p>")
    ('Salut & merci @lea', 0, ['lea'])
    """
    parser = _TextParser()
    parser.feed(cooked)
    parser.close()
    text = "".join(parser.parts)
    lines = [line.strip() for line in text.split("\n")]
    return (
        _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip(),
        parser.images,
        parser.mentions,
    )
