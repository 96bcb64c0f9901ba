"""Reddit connector: Pushshift/Arctic-Shift dumps and Reddit API JSON.

Three shapes are read:

- **dumps**: newline-delimited JSON, one submission or comment per line, as Pushshift and
  Arctic-Shift publish them: ``.ndjson``/``.jsonl`` (or ``.json`` written that way), or
  compressed ``.zst`` (decompressed as a stream with ``zstandard``, the library those dumps
  are made with; their 2 GiB window is allowed);
- **API JSON**: what ``reddit.com/.../.json`` returns: a listing, a submission page (its
  listing and its comment tree, with nested ``replies``), or a ``morechildren`` answer
  (``json.data.things``);
- **recorded API sessions** (betamax cassettes, as PRAW's tests keep them): each
  ``interactions[i].response.body.string`` is itself API JSON, read as above.

What becomes what:

- a subreddit is a :class:`Community` (key = its name in lower case, which Reddit never
  changes; name ``r/<Name>``);
- a submission is a :class:`Channel` of kind ``"thread"`` (key = its fullname ``t3_…``) *and*
  the :class:`Message` opening it (title, a blank line, then the self text); a comment is a
  message in its submission's channel, replying to its ``parent_id`` (a ``t1_`` comment or the
  ``t3_`` submission), with ``thread_key`` = the submission; a comment whose submission is not
  in the file gets a channel named after ``link_title`` when given (the channel may then be
  yielded again with its title once the submission is read: the later one is fuller);
- an author is a :class:`Member` keyed by user name (Reddit names are permanent); every
  ``[deleted]`` author is the one anonymous member ``[deleted]``; ``AutoModerator`` is a bot;
- ``u/name`` in the text are mentions; ``edited`` (a time, or ``false``) is the edit time.

**Score.** Reddit exposes no reactions, only a score: upvotes minus downvotes, fuzzed, and
starting at 1 for the author's own upvote. It is the only approval signal Reddit gives and
measures such as engagement rate need one, so a positive score is kept as one anonymous
:class:`Reaction` with emoji ``"upvote"`` and ``count = score`` (``reaction_count`` too); a
score of 0 or less gives no reaction (downvotes are not reactions). Compare Reddit's counts
with other platforms' reactions with that in mind: they are net votes, not people.

**Comments not loaded.** The API replaces parts of big trees with ``more`` stubs. They are
not messages; at the end of an API file, each submission whose stubs list comments the file
never holds (or "continue this thread" stubs never followed) gets one
:class:`SystemNotice` of kind ``"not_loaded"`` saying how many.

In API files and cassettes the same thing fetched twice is yielded once (a session refetches
parts of a tree); dumps are yielded line by line as they are. A line or a thing that cannot
be read is :class:`Quarantined` (``line 12``, ``interactions[3]: t1_abc``); a file that is
empty, not JSON at all, or a corrupt ``.zst`` stops with :class:`~tribu.errors.InputError`.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import zstandard

from tribu.connectors._json_limits import loads, one_line
from tribu.connectors._json_stream import iter_object, load
from tribu.connectors._records import (
    RAW_LIMIT,
    RECORD_FAULTS,
    Channel,
    Community,
    Member,
    Message,
    Quarantined,
    Reaction,
    Record,
    SystemNotice,
)
from tribu.connectors._reddit_dump import dump_head, dump_lines
from tribu.connectors._time import epoch_to_utc
from tribu.errors import InputError

__all__ = ["DELETED", "detect", "name", "read"]

name = "reddit"

DELETED = "[deleted]"
"""The one anonymous member every deleted author becomes."""

_BOTS = frozenset({"automoderator"})
_MENTION = re.compile(r"(?<![\w/])/?u/([A-Za-z0-9_-]{3,20})")
_LISTING_SNIFF = re.compile(r'"kind"\s*:\s*"(?:Listing|t1|t3|more)"')
_API_START = re.compile(r'\{\s*"(?:kind|json|interactions|data)"')
_DUMP_SUFFIXES = (".ndjson", ".jsonl", ".zst")
_SNIFF_BYTES = 4096


def detect(path: Path) -> bool:
    """True for a Reddit dump (``.ndjson``/``.jsonl``/``.zst``), API JSON or API cassette.

    Reads the first 4 KiB (for ``.zst``, decompresses the first MiB).
    """
    path = Path(path)
    if not path.is_file():
        return False
    try:
        head = dump_head(path, _SNIFF_BYTES)
    except (OSError, zstandard.ZstdError):
        return False
    text = head.decode("utf-8", "ignore").lstrip("\ufeff \t\r\n")
    if _looks_like_dump(text):
        return True
    if '"interactions"' in text:
        return "reddit.com" in text
    return text[:1] in "[{" and bool(_LISTING_SNIFF.search(text))


def _looks_like_dump(text: str) -> bool:
    """A first line that is one submission or comment (not an API document's start)."""
    first, newline, _ = text.partition("\n")
    if newline:
        try:
            data = json.loads(first)
        except (ValueError, RecursionError):
            return False
        return isinstance(data, dict) and "subreddit" in data and "kind" not in data
    if not first.startswith("{") or _API_START.match(first):
        return False
    return '"subreddit"' in first and ('"body"' in first or '"title"' in first)


def read(path: Path) -> Iterator[Record]:
    """Yield the records of a Reddit dump, API JSON file or recorded API session.

    Raises
    ------
    InputError
        The file is empty, is not JSON, or is a corrupt ``.zst``.
    """
    path = Path(path)
    state = _State()
    if path.suffix.lower() in _DUMP_SUFFIXES or _is_dump(path):
        yield from _read_dump(path, state)
        return
    with open(path, "rb") as fh:
        head = fh.read(_SNIFF_BYTES).decode("utf-8", "ignore")
    if '"interactions"' in head:
        yield from _read_cassette(path, state)
    else:
        with open(path, "rb") as fh:
            document = load(fh, path)
        yield from _read_api(document, "", state)
    yield from state.not_loaded()


def _is_dump(path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(_SNIFF_BYTES).decode("utf-8", "ignore").lstrip("\ufeff \t\r\n")
    return _looks_like_dump(head)


class _State:
    """What one read has yielded and seen (for once-only records and `more` stubs)."""

    def __init__(self) -> None:
        self.communities: set[str] = set()
        self.channels: dict[str, str] = {}  # submission fullname -> community key
        self.last_community = ""
        self.members: set[tuple[str, str]] = set()
        self.things: set[str] = set()
        self.parents: set[str] = set()  # parent_id of every comment read
        # id listed in a stub -> (community, submission); "continue this thread" stubs:
        # the parent comment whose replies were cut -> (community, submission)
        self.stub_ids: dict[str, tuple[str, str | None]] = {}
        self.open_stubs: dict[str, tuple[str, str | None]] = {}

    def records(self, kind: str, data: dict[str, Any]) -> list[Record]:
        """The records of one submission (``t3``) or comment (``t1``); raises if unreadable."""
        subreddit = str(data["subreddit"])
        community_key = subreddit.lower()
        ts = epoch_to_utc(data["created_utc"])
        thing_id = str(data["id"])
        fullname = str(data.get("name") or f"{kind}_{thing_id}")
        author = str(data.get("author") or DELETED)
        out: list[Record] = []
        if community_key not in self.communities:
            self.communities.add(community_key)
            out.append(Community(community_key, name, f"r/{subreddit}"))
        self.last_community = community_key
        if kind == "t3":
            title = str(data.get("title") or "")
            selftext = str(data.get("selftext") or "")
            text = f"{title}\n\n{selftext}" if selftext else title
            channel_key, reply_to = fullname, None
            out.append(Channel(community_key, fullname, title or fullname, "thread"))
            self.channels[fullname] = community_key
        else:
            text = str(data["body"])
            channel_key = str(data["link_id"])
            reply_to = str(data["parent_id"])
            if channel_key not in self.channels:
                self.channels[channel_key] = community_key
                label = str(data.get("link_title") or channel_key)
                out.append(Channel(community_key, channel_key, label, "thread"))
        if (community_key, author) not in self.members:
            self.members.add((community_key, author))
            out.append(Member(community_key, author, author, author.lower() in _BOTS))
        score = data.get("score")
        upvotes = max(int(score), 0) if isinstance(score, int | float) else 0
        edited = data.get("edited")
        out.append(
            Message(
                community_key,
                channel_key,
                fullname,
                author,
                ts,
                text,
                author,
                author.lower() in _BOTS,
                reply_to,
                channel_key,
                upvotes,
                _attachment_count(data) if kind == "t3" else 0,
                _MENTION.findall(text),
                epoch_to_utc(edited)
                if edited and not isinstance(edited, bool)
                else None,
            )
        )
        if upvotes:
            out.append(Reaction(community_key, fullname, "upvote", upvotes))
        if kind == "t1" and reply_to is not None:  # a comment always has a parent
            self.parents.add(reply_to)
        return out

    def stub(self, data: dict[str, Any], link: str | None) -> None:
        """Remember a ``more`` stub, to tell at the end what the file never loaded."""
        children = data.get("children") or []
        parent = str(data.get("parent_id") or "")
        if not link and parent.startswith("t3_"):
            link = parent
        where = (self.channels.get(link or "", self.last_community), link)
        if children:
            for child in children:
                self.stub_ids.setdefault(str(child), where)
        elif parent:
            self.open_stubs.setdefault(parent, where)

    def not_loaded(self) -> Iterator[Record]:
        """One ``not_loaded`` notice per submission with comments the file does not hold."""
        missing: dict[tuple[str, str | None], list[int]] = {}
        for child, where in self.stub_ids.items():
            if f"t1_{child}" not in self.things:
                missing.setdefault(where, [0, 0])[0] += 1
        for parent, where in self.open_stubs.items():
            if parent not in self.parents:
                missing.setdefault(where, [0, 0])[1] += 1
        for (community, link), (ids, threads) in missing.items():
            text = (
                f"{ids} comments listed in 'more' stubs are not in the file; "
                f"{threads} 'continue this thread' stubs were not followed."
            )
            yield SystemNotice(community, link, "not_loaded", None, text)


def _attachment_count(data: dict[str, Any]) -> int:
    if data.get("is_gallery"):
        return len(
            data.get("media_metadata")
            or data.get("gallery_data", {}).get("items")
            or ()
        )
    hint = str(data.get("post_hint") or "")
    return (
        1
        if data.get("is_video") or hint in ("image", "hosted:video", "rich:video")
        else 0
    )


# --- dumps -------------------------------------------------------------------------------


_LINE_FAULTS: tuple[type[Exception], ...] = (InputError, *RECORD_FAULTS)


def _read_dump(path: Path, state: _State) -> Iterator[Record]:
    first = True
    for number, line in dump_lines(path):
        try:
            data = loads(line, path, f"line {number}")
            if not isinstance(data, dict):
                raise ValueError("the line is not a JSON object")
            kind = "t3" if "title" in data or "selftext" in data else "t1"
            records = state.records(kind, data)
        except _LINE_FAULTS as exc:
            if first:
                raise InputError(
                    path,
                    f"line {number}",
                    f"is not a Reddit dump (one submission or comment per line): {_why(exc)}",
                ) from exc
            yield Quarantined(
                f"line {number}",
                _why(exc),
                line[:RAW_LIMIT].decode("utf-8", "replace"),
            )
            continue
        first = False
        yield from records
    if first:
        raise InputError(path, None, "the file is empty; export it again.")


# --- API JSON and cassettes ---------------------------------------------------------------


def _read_cassette(path: Path, state: _State) -> Iterator[Record]:
    with open(path, "rb") as fh:
        for key, interactions in iter_object(fh, path, {"interactions"}):
            if key != "interactions":
                continue
            for index, interaction in interactions:
                body = _body(interaction)
                if body is None:
                    continue
                start = body.lstrip()[:1]
                if start not in ("[", "{", b"[", b"{"):
                    continue  # not JSON (an HTML error page...): not Reddit data
                try:
                    document = loads(body, path, f"interactions[{index}]")
                except InputError as exc:
                    yield Quarantined(
                        f"interactions[{index}]",
                        f"the recorded response cannot be read: {exc.reason}",
                        "",
                    )
                    continue
                yield from _read_api(document, f"interactions[{index}]: ", state)


def _body(interaction: Any) -> str | bytes | None:
    try:
        body = interaction["response"]["body"]
    except (KeyError, TypeError):
        return None
    if not isinstance(body, dict):
        return None
    text = body.get("string")
    if isinstance(text, str) and text:
        return text
    if isinstance(body.get("base64_string"), str):
        try:
            return base64.b64decode(body["base64_string"])
        except ValueError:
            return None
    return None


def _read_api(document: Any, where: str, state: _State) -> Iterator[Record]:
    """Walk API JSON (listings, comment trees, morechildren answers) in reading order."""
    stack: list[tuple[Any, str | None]] = [(document, None)]
    while stack:
        node, link = stack.pop()
        if isinstance(node, list):
            stack.extend((item, link) for item in reversed(node))
            continue
        if not isinstance(node, dict):
            continue
        kind = node.get("kind")
        data = node.get("data")
        if kind in ("t1", "t3") and isinstance(data, dict):
            fullname = str(data.get("name") or f"{kind}_{data.get('id')}")
            replies = data.get("replies")
            link = str(data.get("link_id") or fullname) if kind == "t1" else fullname
            if fullname not in state.things:
                try:
                    records = state.records(kind, data)
                except RECORD_FAULTS as exc:
                    yield Quarantined.from_error(f"{where}{fullname}", exc, data)
                else:
                    state.things.add(fullname)
                    yield from records
            if isinstance(replies, dict):
                stack.append((replies, link))
        elif kind == "more" and isinstance(data, dict):
            state.stub(data, link)
        elif kind == "Listing" and isinstance(data, dict):
            stack.append((data.get("children") or [], link))
        else:
            stack.extend((value, link) for value in reversed(list(node.values())))


def _why(exc: Exception) -> str:
    if isinstance(exc, InputError):
        return f"{exc.reason} Left out."
    if isinstance(exc, KeyError):
        return f"no {exc.args[0]!r}; left out."
    return f"cannot be read ({one_line(exc)}); left out."
