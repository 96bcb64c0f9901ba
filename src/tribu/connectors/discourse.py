"""Discourse forums, from saved API responses (JSON).

Read shapes (one saved API page, read whole by :mod:`tribu.connectors._json_stream`: bounded
depth and size, one-line errors with the line and column):

- a topic, ``/t/{id}.json`` or ``/t/{id}/posts.json``: ``post_stream.posts[]``;
- a post list, ``/posts.json``: ``latest_posts[]`` (posts of many topics);
- a topic list, ``/latest.json`` or ``/c/{slug}.json``: ``topic_list.topics[]`` and ``users[]``.
  A topic list carries no post text, so it yields channels (the topics) and members only;
- a user list, ``/admin/users/list/*.json`` (a JSON array of users), or ``/users/{name}.json``.

Mapping (documented in ``docs/connectors/discourse.md``):

- the community is the forum; saved responses say nothing of their site, so its key is the name
  of the folder holding the file (save each forum's responses in their own folder);
- a topic is a channel (kind ``topic``) whose parent is its category (kind ``category``);
- a post is a message keyed ``{topic_id}#{post_number}``, so ``reply_to_post_number`` gives the
  reply key directly; ``post_type`` 2 and 3 (moderator actions, small actions such as "pinned")
  are system notices, not messages;
- ``cooked`` HTML becomes plain text with the standard library's :mod:`html.parser`
  (:mod:`tribu.connectors._html_text`); images other than emoji count as attachments;
- likes (``actions_summary`` id 2) become a ``like`` reaction with its count; the reactions
  plugin's ``reactions[]`` become one reaction per emoji with its count;
- ``admin``, ``moderator`` and ``staff`` become roles; user ids of 0 and below (``system``,
  ``discobot``) are bots; times carry their offset and are converted to UTC.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tribu.connectors._html_text import html_text
from tribu.connectors._json_file import open_json
from tribu.connectors._json_stream import load
from tribu.connectors._records import (
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
from tribu.errors import InputError

__all__ = ["detect", "name", "read"]

name = "discourse"

_SNIFF_BYTES = 4096
_SHAPES = re.compile(r'"(?:post_stream|latest_posts|topic_list)"\s*:')
_USER_LIST = re.compile(
    r'^\s*\[\s*\{[^]]*"username"\s*:.*"(?:trust_level|admin)"\s*:', re.S
)
_USER = re.compile(
    r'^\s*\{\s*(?:"[a-z_]+"\s*:\s*[^{]*,\s*)*"user"\s*:\s*\{.*"username"', re.S
)
_LIKE = 2


def detect(path: Path) -> bool:
    """Whether ``path`` is a saved Discourse API response (reads 4 KB at most)."""
    path = Path(path)
    if not path.is_file() or path.suffix.lower() != ".json":
        return False
    try:
        with path.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return False
    return bool(_SHAPES.search(head) or _USER_LIST.match(head) or _USER.match(head))


def _timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _items(document: Any, dotted: str) -> list[Any]:
    """The list at ``dotted`` (``"post_stream.posts"``) in ``document``, or []."""
    node = document
    for part in dotted.split(".") if dotted else ():
        node = node.get(part) if isinstance(node, dict) else None
    return node if isinstance(node, list) else []


def _shape(document: Any, path: Path) -> tuple[str, dict[str, Any]]:
    """Which response this is, and its top-level scalars."""
    if isinstance(document, list):
        return "user_list", {}
    meta: dict[str, Any] = {}
    shape = ""
    for key, value in document.items() if isinstance(document, dict) else ():
        if key in ("post_stream", "latest_posts", "topic_list", "user"):
            shape = shape or key
        elif isinstance(value, str | int | float | bool):
            meta.setdefault(key, value)
    if not shape:
        raise InputError(
            path,
            None,
            "holds none of post_stream, latest_posts, topic_list or user; "
            "not a Discourse API response.",
        )
    return shape, meta


def read(path: Path) -> Iterator[Record]:
    """Yield the records of one saved Discourse API response.

    Raises
    ------
    InputError
        When the file is empty, not JSON, truncated, or not a known Discourse shape.
    """
    path = Path(path)
    with open_json(path) as fh:
        document = load(fh, path)
    shape, meta = _shape(document, path)
    forum = _Forum(path.resolve().parent.name or "discourse")
    yield Community(forum.key, name, forum.key)
    entries: list[tuple[str, Any, Callable[[Any, str], Iterator[Record]]]] = []
    if shape == "post_stream":
        if "id" in meta:
            yield from _guarded(lambda _, loc: forum.topic(meta), "topic", None)
        entries = [
            (f"post_stream.posts[{i}]", post, lambda p, loc: forum.post(p, loc, meta))
            for i, post in enumerate(_items(document, "post_stream.posts"))
        ]
    elif shape == "latest_posts":
        entries = [
            (f"latest_posts[{i}]", post, lambda p, loc: forum.post(p, loc, {}))
            for i, post in enumerate(_items(document, "latest_posts"))
        ]
    elif shape == "topic_list":
        entries = [
            (f"users[{i}]", user, forum.user)
            for i, user in enumerate(_items(document, "users"))
        ] + [
            (f"topic_list.topics[{i}]", topic, lambda t, loc: forum.topic(t))
            for i, topic in enumerate(_items(document, "topic_list.topics"))
            if isinstance(topic, dict)
        ]
    elif shape == "user":
        entries = [("user", document.get("user"), forum.user)]
    else:
        entries = [(f"[{i}]", user, forum.user) for i, user in enumerate(document)]
    for locator, raw, build in entries:
        yield from _guarded(build, locator, raw)


def _guarded(
    build: Callable[[Any, str], Iterator[Record]], locator: str, raw: Any
) -> list[Record]:
    """The records of one entry, or its quarantine entry when it cannot be read."""
    try:
        return list(build(raw, locator))
    except RECORD_FAULTS as exc:
        return [Quarantined.from_error(locator, exc, raw)]


class _Forum:
    """Turns topics, posts and users into records; remembers what it already yielded."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.channels: set[str] = set()
        self.members: set[str] = set()
        self.usernames: dict[
            str, str
        ] = {}  # username -> member key, to resolve @mentions

    def topic(self, topic: dict[str, Any]) -> Iterator[Record]:
        topic_id = topic.get("id")
        if topic_id is None:
            return
        category = topic.get("category_id")
        parent = None
        if category is not None:
            parent = f"category:{category}"
            if parent not in self.channels:
                self.channels.add(parent)
                yield Channel(self.key, parent, f"category {category}", "category")
        channel = f"topic:{topic_id}"
        if channel not in self.channels:
            self.channels.add(channel)
            title = (
                topic.get("title") or topic.get("topic_title") or f"topic {topic_id}"
            )
            yield Channel(self.key, channel, str(title), "topic", parent)

    def user(self, user: Any, locator: str) -> Iterator[Record]:
        if not isinstance(user, dict) or user.get("id") is None:
            yield Quarantined(locator, "user has no 'id'.", repr(user)[:4096])
            return
        member = self._member(user, user)
        if member is not None:
            yield member

    def _member(self, person: dict[str, Any], flags: dict[str, Any]) -> Member | None:
        key = str(person.get("user_id", person.get("id")))
        if isinstance(person.get("username"), str):
            self.usernames[person["username"].lower()] = key
        if key in self.members:
            return None
        self.members.add(key)
        roles = [role for role in ("admin", "moderator", "staff") if flags.get(role)]
        display = person.get("username") or person.get("name") or key
        return Member(
            self.key,
            key,
            str(display),
            is_bot=_is_bot(key),
            roles=roles,
            joined_at=_timestamp(person.get("created_at"))
            if "user_id" not in person
            else None,
        )

    def post(self, post: Any, locator: str, topic: dict[str, Any]) -> Iterator[Record]:
        if not isinstance(post, dict):
            yield Quarantined(locator, "post is not a JSON object.", repr(post)[:4096])
            return
        ts = _timestamp(post.get("created_at"))
        topic_id = post.get("topic_id", topic.get("id"))
        number = post.get("post_number")
        if (
            ts is None
            or topic_id is None
            or number is None
            or post.get("user_id") is None
        ):
            yield Quarantined(
                locator,
                "post lacks 'created_at', 'topic_id', 'post_number' or 'user_id'.",
                repr(post)[:4096],
            )
            return
        yield from self.topic(
            {
                "id": topic_id,
                "title": post.get("topic_title") or topic.get("title"),
                "category_id": post.get("category_id", topic.get("category_id")),
            }
        )
        channel = f"topic:{topic_id}"
        text, images, mentioned = html_text(str(post.get("cooked") or ""))
        if post.get("post_type", 1) in (2, 3):
            code = str(post.get("action_code") or "")
            kind = "pin" if "pin" in code or "pinned" in text else "service"
            yield SystemNotice(self.key, channel, kind, ts, (code + " " + text).strip())
            return
        member = self._member(post, post)
        if member is not None:
            yield member
        key = f"{topic_id}#{number}"
        reactions = list(self._reactions(post, key))
        reply = post.get("reply_to_post_number")
        edited = (
            _timestamp(post.get("updated_at"))
            if (post.get("version") or 1) > 1
            else None
        )
        author = str(post["user_id"])
        yield Message(
            self.key,
            channel,
            key,
            author,
            ts,
            text,
            author_name=str(post.get("username") or author),
            author_is_bot=_is_bot(author),
            reply_to_key=None if reply is None else f"{topic_id}#{reply}",
            thread_key=channel,
            reaction_count=sum(r.count for r in reactions),
            attachment_count=images,
            mention_keys=[
                self.usernames[m.lower()]
                for m in mentioned
                if m.lower() in self.usernames
            ],
            edited_at=edited,
        )
        yield from reactions

    def _reactions(self, post: dict[str, Any], key: str) -> Iterator[Reaction]:
        summary = post.get("actions_summary")
        for action in summary if isinstance(summary, list) else []:
            if isinstance(action, dict) and action.get("id") == _LIKE:
                count = action.get("count") or 0
                if isinstance(count, int) and count > 0:
                    yield Reaction(self.key, key, "like", count)
        extra = post.get("reactions")
        for reaction in extra if isinstance(extra, list) else []:
            if isinstance(reaction, dict) and reaction.get("id"):
                count = reaction.get("count") or 0
                if isinstance(count, int) and count > 0:
                    yield Reaction(self.key, key, str(reaction["id"]), count)


def _is_bot(key: str) -> bool:
    """Discourse's own accounts (``system`` is -1, ``discobot`` -2) have ids of 0 and below."""
    try:
        return int(key) <= 0
    except ValueError:
        return False
