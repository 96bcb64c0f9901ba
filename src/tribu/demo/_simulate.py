"""The engine of the demo story: a community, its everyday chatter, joins and reactions.

A :class:`Community` collects :class:`~tribu.demo._model.Post` objects; the functions here add
the everyday life (members chatting day after day at their own pace, replying within their own
crowd, reacting), while :mod:`tribu.demo._rituals` adds the brand's rituals and campaigns.
Only the standard library's :class:`random.Random` is used, seeded by the caller, so the same
seed always tells the same story (no set iteration, no hash-ordered containers).
"""

from __future__ import annotations

import math
import random
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from tribu.demo._model import END, PARIS, START, Person, Post, Reaction, paris_time
from tribu.demo._phrases import sentence

__all__ = [
    "AT_RISK_FROM",
    "ChannelSpec",
    "Community",
    "add_chatter",
    "add_joins",
    "add_reactions",
    "days",
    "poisson",
]

AT_RISK_FROM = datetime(2026, 9, 1, tzinfo=UTC)
"""From this day on, members at risk write about a third as much as before."""

EMERGING_FROM = date(2026, 10, 10)
"""From this day on, complaints about the Loop's sole peeling off rise well above baseline."""

# Share of the day's messages written at each Paris hour (peaks at lunch and evening).
_HOURS = (1, 0, 0, 0, 0, 0, 1, 2, 4, 5, 5, 6, 8, 8, 6, 5, 5, 6, 8, 10, 10, 9, 7, 3)
_TONES = ("pos", "neu", "neg")


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    """A channel of a community, who chats there and what it is for."""

    name: str
    group: str  # "fr", "en" or "all": which crowd chats there
    chatter: float  # weight of this channel in its crowd's everyday chatter
    role: str = "chat"  # chat, announce, help, ugc, live, thread


@dataclass
class Community:
    """One community being written: its people, channels and posts."""

    platform: str
    name: str
    channels: list[ChannelSpec]
    people: list[Person]
    posts: list[Post] = field(default_factory=list)

    def add(
        self, channel: str, author: Person, ts: datetime, text: str, **extra: object
    ) -> Post:
        """Append a post (``extra`` are :class:`Post` fields) and return it."""
        post = Post(len(self.posts), channel, author, min(ts, END), text, **extra)  # type: ignore[arg-type]
        self.posts.append(post)
        return post

    def by_persona(self, *personas: str) -> list[Person]:
        """People of the given personas, in their community order."""
        return [p for p in self.people if p.persona in personas]

    def channel(self, role: str) -> ChannelSpec | None:
        """The first channel with `role`, if any."""
        return next((c for c in self.channels if c.role == role), None)


def days() -> list[date]:
    """Every Paris calendar day of the demo period."""
    first, last = START.astimezone(PARIS).date(), END.astimezone(PARIS).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def poisson(lam: float, rng: random.Random) -> int:
    """A Poisson draw (Knuth's method; the rates here are small)."""
    if lam <= 0:
        return 0
    limit, k, prod = math.exp(-lam), 0, rng.random()
    while prod > limit:
        k += 1
        prod *= rng.random()
    return k


def random_time(day: date, rng: random.Random) -> datetime:
    """A UTC instant on Paris `day`, at an hour drawn from the daily rhythm."""
    hour = rng.choices(range(24), weights=_HOURS)[0]
    return paris_time(day, time(hour, rng.randrange(60), rng.randrange(60)))


def activity(person: Person, when: datetime) -> float:
    """Messages per day `person` writes around `when` (members at risk fade in September)."""
    if person.rate <= 0 or not person.present(when):
        return 0.0
    if person.persona == "at_risk" and when >= AT_RISK_FROM:
        return person.rate * 0.3
    return person.rate


def topic_weights(day: date) -> dict[str, float]:
    """What people talk about on `day`: the sole-peeling complaint emerges in October."""
    weights = {
        "banter": 3.0,
        "tailles": 1.2,
        "livraison": 1.2,
        "semelles": 1.0,
        "matieres": 1.0,
        "prix": 0.8,
        "evenements": 1.0,
        "decollement": 0.04,
    }
    if day >= EMERGING_FROM:
        weights["decollement"] = 2.5
    return weights


def tone_for(topic: str, day: date, rng: random.Random) -> str:
    """A tone: mostly positive, with delivery complaints after the June drop."""
    neg = 0.18
    if topic == "livraison" and date(2026, 6, 5) <= day <= date(2026, 6, 20):
        neg = 0.55
    if topic == "decollement":
        neg = 0.7
    roll = rng.random()
    return "neg" if roll < neg else ("neu" if roll < neg + 0.35 else "pos")


def _channels_for(person: Person, channels: list[ChannelSpec]) -> list[ChannelSpec]:
    return [
        c
        for c in channels
        if c.chatter > 0
        and (person.group == "both" or c.group in (person.group, "all"))
    ]


def add_chatter(community: Community, rng: random.Random, scale: float = 1.0) -> None:
    """Everyday conversation: openers and replies, within each channel's crowd."""
    writers = [p for p in community.people if p.rate > 0 and p.persona != "brand"]
    homes = {p.key: _channels_for(p, community.channels) for p in writers}
    recent: dict[str, deque[Post]] = {
        c.name: deque(maxlen=30) for c in community.channels
    }
    for day in days():
        noon = paris_time(day, time(12))
        weights = topic_weights(day)
        todays: list[tuple[datetime, int, Person, ChannelSpec]] = []
        for person in writers:
            options = homes[person.key]
            if not options:
                continue
            for _ in range(poisson(activity(person, noon) * scale, rng)):
                spec = rng.choices(options, weights=[c.chatter for c in options])[0]
                ts = random_time(day, rng)
                if person.present(ts):
                    todays.append((ts, len(todays), person, spec))
        todays.sort(key=lambda item: (item[0], item[1]))
        for ts, _, person, spec in todays:
            lang = (
                "en"
                if spec.group == "en"
                else person.lang
                if spec.group == "all"
                else "fr"
            )
            pool = [
                p for p in recent[spec.name] if p.author is not person and p.ts < ts
            ]
            target = pool[-1 - int(rng.expovariate(0.4)) % len(pool)] if pool else None
            if target is not None and rng.random() < 0.5:
                topic = target.topic
                tone = target.tone if rng.random() < 0.5 else tone_for(topic, day, rng)
                text = sentence(topic, lang, "reply", tone, rng)
                mentions = [target.author] if rng.random() < 0.2 else []
                post = community.add(
                    spec.name, person, ts, text, reply_to=target, mentions=mentions
                )
            else:
                topic = rng.choices(list(weights), weights=list(weights.values()))[0]
                tone = tone_for(topic, day, rng)
                text = sentence(topic, lang, "start", tone, rng)
                post = community.add(spec.name, person, ts, text)
            post.topic, post.tone = topic, tone
            if rng.random() < 0.03:
                post.edited_at = ts + timedelta(seconds=rng.randint(20, 900))
            if rng.random() < 0.02:
                post.attachments.append(
                    f"IMG_{day:%Y%m%d}_{rng.randint(1000, 9999)}.jpg"
                )
            recent[spec.name].append(post)


def add_joins(
    community: Community,
    channel: str,
    rng: random.Random,
    *,
    leaves: bool,
    welcome: str | None = None,
) -> None:
    """Join events for people who joined during the period, leave events if the format has them.

    With `welcome` (a channel name), the community's bot greets each newcomer there a few
    seconds after they join.
    """
    from tribu.demo._brand import welcome_text

    bot = next((p for p in community.people if p.persona == "bot"), None)
    for person in community.people:
        if person.joined_at is not None and START <= person.joined_at <= END:
            community.add(channel, person, person.joined_at, "", kind="join")
            if welcome and bot is not None:
                ts = person.joined_at + timedelta(seconds=rng.randint(1, 5))
                community.add(
                    welcome, bot, ts, welcome_text(person.name), mentions=[person]
                )
        if leaves and person.left_at is not None and person.left_at <= END:
            community.add(channel, person, person.left_at, "", kind="leave")


_EMOJI = {
    "pos": ("❤️", "🔥", "😍", "👍", "👏"),
    "neu": ("👀", "👍", "🤔"),
    "neg": ("😢", "👎", "😡"),
}


def add_reactions(community: Community, rng: random.Random, scale: float = 1.0) -> None:
    """React to messages: brand posts and UGC draw many reactions, chatter a few."""
    people = [p for p in community.people if p.persona not in ("bot",)]
    for post in community.posts:
        if post.kind != "message" or post.author.persona == "bot":
            continue
        if post.author.persona == "brand" and post.reply_to is None:
            wanted = rng.randint(6, 30)
        elif post.tag.startswith("ugc"):
            wanted = rng.randint(2, 14)
        else:
            wanted = rng.randint(1, 4) if rng.random() < 0.3 else 0
        wanted = round(wanted * scale)
        chosen: dict[int, Person] = {}
        for _ in range(wanted * 3):
            if len(chosen) >= wanted:
                break
            person = rng.choice(people)
            if person is not post.author and person.present(post.ts):
                chosen.setdefault(person.key, person)
        by_emoji: dict[str, Reaction] = {}
        tone = "pos" if post.author.persona == "brand" else post.tone
        for person in chosen.values():
            pick = tone if rng.random() < 0.8 else rng.choice(_TONES)
            emoji = rng.choice(_EMOJI[pick])
            when = min(post.ts + timedelta(minutes=rng.expovariate(1 / 150) + 0.5), END)
            by_emoji.setdefault(emoji, Reaction(emoji)).reactors.append((person, when))
        post.reactions = list(by_emoji.values())
