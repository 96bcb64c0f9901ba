"""Polls as each platform's export writes them, turned into :class:`Poll` records.

One pure function per shape, called by its connector next to the message that carries the poll
(the connectors' hot loops only test for the poll and call these):

- **Telegram Desktop** (``result.json``): a message with a ``poll`` object ``{question, closed,
  total_voters, answers: [{text, voters, chosen}]}`` (tdesktop ``export_output_json.cpp``). Voters
  are counted, never named.
- **Discord**: a ``poll`` object as the Discord API defines it (``question.text``,
  ``answers[].answer_id`` / ``poll_media.text``, ``results.answer_counts[{id, count}]``,
  ``expiry``, ``allow_multiselect``, ``results.is_finalized``), or the camelCase spelling
  DiscordChatExporter uses for its other objects (``answers[].text``, ``voteCount``,
  ``totalVoteCount``, ``expiry``/``expiresAt``, ``isMultiSelect``, ``isFinalized``). Voters are
  named only when an answer carries ``voters``/``users`` (objects with an ``id``).
- **WhatsApp** text exports: a message whose body opens with ``POLL:`` (English phone) or
  ``SONDAGE :`` (French phone), then the question line, then one ``OPTION: text (N votes)`` line
  per answer (``vote``/``votes``/``voix``). Counts only.
- **Slack**: a poll app's message blocks (Simple Poll's layout: a section with the question in
  bold, one section per option ``:emoji: Label `N``` optionally followed by the voters' mentions
  ``<@U1>, <@U2>``, a context ``Created by <@U…>``). Voters are named when mentioned.

A shape that cannot be read raises one of :data:`~tribu.connectors._records.RECORD_FAULTS`: the
connector quarantines the message as for any other unreadable entry.
"""

from __future__ import annotations

import re
from typing import Any

from tribu.connectors._records import Message, Poll, PollOption
from tribu.connectors._time import iso_to_utc

__all__ = [
    "discord_poll",
    "slack_poll",
    "telegram_poll",
    "whatsapp_poll",
]


def _count(value: Any) -> int | None:
    """A vote count: a non-negative integer, or None when absent."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError(f"a vote count is not a number: {value!r}")
    number = int(value)
    if number < 0:
        raise ValueError(f"a negative vote count: {number}")
    return number


def telegram_poll(message: Message, raw: dict[str, Any]) -> Poll:
    """The poll of a Telegram Desktop message (its ``poll`` object)."""
    answers = raw["answers"]
    if not isinstance(answers, list):
        raise TypeError("the poll's 'answers' is not a list")
    options = [
        PollOption(str(answer["text"]), _count(answer.get("voters")))
        for answer in answers
    ]
    question = str(raw.get("question") or "")
    if not message.text:
        message.text = question  # a poll-only message reads as its question
    return Poll(
        message.community_key,
        message.channel_key,
        message.message_key,
        question,
        options,
        total_voters=_count(raw.get("total_voters")),
        closed=bool(raw["closed"]) if "closed" in raw else None,
        source="telegram",
    )


def _media_text(value: Any) -> str:
    """Text of a Discord poll media: ``{"text": ...}`` or a plain string."""
    if isinstance(value, dict):
        return str(value.get("text") or "")
    return "" if value is None else str(value)


def discord_poll(message: Message, raw: dict[str, Any]) -> Poll:
    """The poll of a Discord message (API or DiscordChatExporter spelling)."""
    answers = raw["answers"]
    if not isinstance(answers, list):
        raise TypeError("the poll's 'answers' is not a list")
    results = raw.get("results") or {}
    counts = {
        str(entry["id"]): _count(entry.get("count"))
        for entry in results.get("answer_counts") or ()
    }
    options = []
    for answer in answers:
        answer_id = str(answer.get("answer_id", answer.get("id", "")))
        text = _media_text(answer.get("poll_media", answer))
        votes = _count(answer.get("voteCount", answer.get("votes")))
        if votes is None and counts:
            votes = counts.get(answer_id, 0)  # an answer nobody chose has no entry
        voters = answer.get("voters") or answer.get("users") or ()
        options.append(PollOption(text, votes, [str(v["id"]) for v in voters]))
    expiry = raw.get("expiry") or raw.get("expiresAt")
    finalized = raw.get("isFinalized", results.get("is_finalized"))
    question = _media_text(raw.get("question"))
    if not message.text:
        message.text = question  # a poll-only message reads as its question
    return Poll(
        message.community_key,
        message.channel_key,
        message.message_key,
        question,
        options,
        total_voters=_count(raw.get("totalVoteCount", raw.get("totalVoters"))),
        multiple=bool(raw.get("isMultiSelect", raw.get("allow_multiselect", False))),
        closed=None if finalized is None else bool(finalized),
        ends_at=iso_to_utc(str(expiry)) if expiry else None,
        source="discord",
    )


_WA_HEADER = re.compile(r"^\s*(?:POLL|SONDAGE)\s*:\s*(.*)$")
_WA_OPTION = re.compile(
    r"^\s*OPTION\s*:\s*(?P<text>.*?)\s*\((?P<n>\d+)\s*(?:votes?|voix)\)\s*$",
    re.IGNORECASE,
)


def whatsapp_poll(message: Message, body: str) -> Poll | None:
    """The poll a WhatsApp message body holds, or None when it is not a poll.

    The question is the rest of the header line or, when that is empty, the next line;
    every ``OPTION:`` line must carry its count, else the message is not read as a poll.
    """
    lines = [line for line in body.split("\n") if line.strip()]
    if not lines:
        return None
    head = _WA_HEADER.match(lines[0])
    if head is None:
        return None
    rest = lines[1:]
    question = head.group(1).strip()
    if not question and rest and not rest[0].lstrip().upper().startswith("OPTION"):
        question, rest = rest[0].strip(), rest[1:]
    options = []
    for line in rest:
        found = _WA_OPTION.match(line)
        if found is None:
            return None
        options.append(PollOption(found["text"], int(found["n"])))
    if not options:
        return None
    message.text = question
    return Poll(
        message.community_key,
        message.channel_key,
        message.message_key,
        question,
        options,
        source="whatsapp",
    )


_SLACK_OPTION = re.compile(r"^(?::[\w+-]+:\s*)?(?P<text>.+?)\s*`(?P<n>\d+)`\s*$")
_SLACK_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_SLACK_CREATOR = re.compile(r"Created by <@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def _block_text(block: dict[str, Any]) -> str:
    text = block.get("text")
    if isinstance(text, dict):
        return str(text.get("text") or "")
    return ""


def slack_poll(message: Message, blocks: Any) -> Poll | None:
    """The poll a Slack poll app left in ``blocks``, or None when they hold no poll.

    Read as a poll when a section's text is the bold question (``*...*``) and at least two
    following sections read ``label `count```; the mentions on an option's next lines are its
    voters. A context ``Created by <@U…>`` names the one who asked: the message is then theirs
    (the app posted it on their behalf).
    """
    if not isinstance(blocks, list):
        return None
    question: str | None = None
    options: list[PollOption] = []
    creator: str | None = None
    for block in blocks:
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        if kind == "context":
            for element in block.get("elements") or ():
                if isinstance(element, dict):
                    found = _SLACK_CREATOR.search(str(element.get("text") or ""))
                    if found:
                        creator = found.group(1)
            continue
        if kind != "section":
            continue
        text = _block_text(block).strip()
        if question is None:
            if len(text) > 2 and text.startswith("*") and text.endswith("*"):
                question = text.strip("*").strip()
            continue
        first, _, rest = text.partition("\n")
        found = _SLACK_OPTION.match(first.strip())
        if found is None:
            continue
        voters = _SLACK_USER.findall(rest)
        options.append(PollOption(found["text"], int(found["n"]), voters))
    if question is None or len(options) < 2:
        return None
    if creator is not None:
        message.author_key, message.author_is_bot = creator, False
        message.author_name = None
    message.text = question
    return Poll(
        message.community_key,
        message.channel_key,
        message.message_key,
        question,
        options,
        author_key=creator,
        multiple=_shared_voters(options),
        source="slack",
    )


def _shared_voters(options: list[PollOption]) -> bool:
    """A voter named under two options: the poll allowed several answers."""
    seen: set[str] = set()
    for option in options:
        for key in option.voter_keys:
            if key in seen:
                return True
        seen.update(option.voter_keys)
    return False
