"""A DiscordChatExporter JSON generator for the side-by-side benchmark (realistic FR/EN text).

One file, one channel, laid out as DiscordChatExporter 2.4x writes it (two-space indent, one
field a line; authors with roles; replies as ``type: "Reply"`` with a ``reference``; reactions
with their emoji; mentions), so both tribu and chat-analytics read it as a real export.

Text: members' sentences of the demo (:mod:`tribu.demo._phrases`: eight topics, French and
English, three tones, slots filled, emoji, slang, elongated words, lower case), one or two per
message, so most messages are distinct, as in a real chat (a generator that repeats ten texts
would flatter any tool that caches per distinct text). About 70 % French, 30 % English.
Seeded: the same arguments write the same bytes.
"""

# JSON templates read best with %-formatting (no doubled braces).
# ruff: noqa: UP031

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

__all__ = ["write_dce"]

_START = datetime(2025, 11, 3, 9, 0, tzinfo=UTC)
_EPOCH_MS = 1420070400000
_EMOJIS = ("👍", "❤️", "😂", "🔥", "👟", "😡", "👀")
_ROLES = (
    (
        '"id": "1000000000000000001", "name": "Modérateur", "color": "#E67E22", "position": 3'
    ),
    (
        '"id": "1000000000000000002", "name": "Ambassadeur", "color": "#9B59B6", "position": 2'
    ),
)


def _texts(rng: random.Random, count: int) -> list[str]:
    """``count`` member messages (JSON-encoded), drawn from the demo's topics."""
    from tribu.demo._phrases import TOPICS, sentence

    topics = sorted(TOPICS)
    tones = ("pos", "pos", "neu", "neu", "neu", "neg")
    out = []
    for _ in range(count):
        lang = "fr" if rng.random() < 0.7 else "en"
        topic = rng.choice(topics)
        tone = rng.choice(tones)
        text = sentence(topic, lang, rng.choice(("start", "reply")), tone, rng)
        if rng.random() < 0.45:
            text += " " + sentence(topic, lang, "reply", rng.choice(tones), rng)
        out.append(json.dumps(text, ensure_ascii=False))
    return out


def write_dce(path: Path, messages: int, authors: int = 3_000, seed: int = 15) -> int:
    """Write a DiscordChatExporter JSON channel of ``messages`` messages; return its bytes.

    ``authors`` members write with a skewed law (a few write most); one brand account
    (id ...000), 2 % of messages mention someone, 25 % reply to a recent message, a third
    carry reactions. Times advance by 20 s on average over the period.
    """
    rng = random.Random(seed)
    # A pool of distinct texts a little smaller than the messages: some repeat, as in chats.
    pool = _texts(rng, max(1, messages * 3 // 5))
    guild, channel = "1040000000000000000", "1040000000000000010"
    weights = [1.0 / (k + 1) ** 1.1 for k in range(authors)]
    who = rng.choices(range(authors), weights=weights, k=messages)
    with path.open("w", encoding="utf-8", buffering=1 << 20) as fh:
        fh.write(
            '{\n  "guild": {\n    "id": "%s",\n    "name": "Semelle",\n'
            '    "iconUrl": "https://cdn.discordapp.com/icons/x.png"\n  },\n'
            '  "channel": {\n    "id": "%s",\n    "type": "GuildTextChat",\n'
            '    "categoryId": "1040000000000000001",\n    "category": "Communauté",\n'
            '    "name": "général",\n    "topic": "On parle de tout"\n  },\n'
            '  "dateRange": {\n    "after": null,\n    "before": null\n  },\n'
            '  "exportedAt": "2026-11-01T08:00:00.000+00:00",\n  "messages": ['
            % (guild, channel)
        )
        moment = _START
        ids: list[int] = []
        for i in range(messages):
            moment += timedelta(seconds=rng.randint(1, 39))
            ms = int(moment.timestamp() * 1000) - _EPOCH_MS
            mid = (ms << 22) | (i & 0x3FFFFF)
            ids.append(mid)
            author = who[i]
            brand = author == 0
            roles = "[]"
            if author < 8:
                roles = (
                    "[\n          {\n            %s\n          }\n        ]" % _ROLES[0]
                )
            elif author < 60:
                roles = (
                    "[\n          {\n            %s\n          }\n        ]" % _ROLES[1]
                )
            kind, reference = "Default", ""
            if i > 10 and rng.random() < 0.25:
                kind = "Reply"
                parent = ids[i - rng.randint(1, min(i, 40))]
                reference = (
                    ',\n      "reference": {\n        "messageId": "%d",\n'
                    '        "channelId": "%s",\n        "guildId": "%s"\n      }'
                    % (parent, channel, guild)
                )
            reactions = "[]"
            if rng.random() < 0.33:
                emoji = rng.choice(_EMOJIS)
                reactions = (
                    '[\n        {\n          "emoji": {\n            "id": "",\n'
                    '            "name": "%s",\n            "code": "e",\n'
                    '            "isAnimated": false,\n'
                    '            "imageUrl": "https://twemoji.maxcdn.com/e.svg"\n'
                    '          },\n          "count": %d\n        }\n      ]'
                    % (emoji, 1 + rng.randint(0, 5))
                )
            mentions = "[]"
            if rng.random() < 0.02:
                other = rng.randrange(authors)
                mentions = (
                    '[\n        {\n          "id": "%d",\n          "name": "user%d",\n'
                    '          "discriminator": "0000",\n          "nickname": "Membre %d",\n'
                    '          "isBot": false\n        }\n      ]'
                    % (900_000_000_000_000_000 + other, other, other)
                )
            fh.write(
                '%s\n    {\n      "id": "%d",\n      "type": "%s",\n'
                '      "timestamp": "%s",\n      "timestampEdited": null,\n'
                '      "callEndedTimestamp": null,\n      "isPinned": false,\n'
                '      "content": %s,\n      "author": {\n        "id": "%d",\n'
                '        "name": "%s",\n        "discriminator": "0000",\n'
                '        "nickname": "%s",\n        "color": null,\n'
                '        "isBot": false,\n        "roles": %s,\n'
                '        "avatarUrl": "https://cdn.discordapp.com/embed/avatars/0.png"\n'
                '      },\n      "attachments": [],\n      "embeds": [],\n'
                '      "stickers": [],\n      "reactions": %s,\n      "mentions": %s,\n'
                '      "inlineEmojis": []%s\n    }'
                % (
                    "," if i else "",
                    mid,
                    kind,
                    moment.isoformat(timespec="milliseconds"),
                    pool[rng.randrange(len(pool))],
                    900_000_000_000_000_000 + author,
                    "semelle" if brand else "user%d" % author,
                    "Semelle" if brand else "Membre %d" % author,
                    roles,
                    reactions,
                    mentions,
                    reference,
                )
            )
        fh.write('\n  ],\n  "messageCount": %d\n}\n' % messages)
    return path.stat().st_size


if __name__ == "__main__":
    import sys

    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    print(write_dce(Path(sys.argv[1]), count))
