"""The platform-neutral story of the demo: people, posts, the calendar and the campaigns.

The simulator (:mod:`tribu.demo._simulate`) fills these plain dataclasses; one writer per
platform (``_discord``, ``_telegram``, ``_slack``, ``_whatsapp``) turns them into that platform's
real export format. Keeping the story apart from the formats is what lets the same rituals,
campaigns and roles appear on every platform, and lets the manifest count what was written.

Times are timezone-aware UTC ``datetime``; rituals are planned in Europe/Paris local time
(:data:`PARIS`) so that "Friday 18:00" stays 18:00 in Paris across the October DST change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = [
    "CAMPAIGNS",
    "END",
    "DemoPoll",
    "PARIS",
    "START",
    "Campaign",
    "Person",
    "Post",
    "Reaction",
    "first_tuesdays",
    "fridays",
    "paris_time",
]

PARIS = ZoneInfo("Europe/Paris")

# Six months ending 2026-10-31, in Paris local time.
START = datetime(2026, 5, 1, 0, 0, tzinfo=PARIS).astimezone(UTC)
END = datetime(2026, 10, 31, 23, 59, tzinfo=PARIS).astimezone(UTC)


def paris_time(day: date, at: time) -> datetime:
    """Return the UTC instant of `at` o'clock in Paris on `day` (DST handled by zoneinfo)."""
    return datetime.combine(day, at, tzinfo=PARIS).astimezone(UTC)


def _days() -> list[date]:
    first = START.astimezone(PARIS).date()
    last = END.astimezone(PARIS).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def fridays() -> list[date]:
    """Every Friday of the demo period: the weekly "Live du vendredi" at 18:00 Paris."""
    return [d for d in _days() if d.weekday() == 4]


def first_tuesdays() -> list[date]:
    """The first Tuesday of each month of the period: the monthly AMA at 19:00 Paris."""
    return [d for d in _days() if d.weekday() == 1 and d.day <= 7]


@dataclass(frozen=True, slots=True)
class Campaign:
    """A brand campaign: an activation post on its first day, member UGC in its window."""

    campaign_id: str
    name: str
    objective: str  # "reach" or "conversion"
    starts: date
    ends: date
    spend: float
    hashtag: str
    keywords: tuple[str, ...]
    pitch_fr: str
    pitch_en: str


CAMPAIGNS: tuple[Campaign, ...] = (
    Campaign(
        "drop-ete",
        "Drop Été",
        "reach",
        date(2026, 6, 5),
        date(2026, 6, 25),
        1500.0,
        "#SemelleEte",
        ("#SemelleEte", "drop été"),
        "la Brume en lin recyclé et caoutchouc naturel, trois coloris d'été",
        "the Brume in recycled linen and natural rubber, three summer colours",
    ),
    Campaign(
        "rentree-running",
        "Rentrée Running",
        "conversion",
        date(2026, 9, 1),
        date(2026, 9, 20),
        2400.0,
        "#SemelleRun",
        ("#SemelleRun", "RENTREE15"),
        "la Trail 2 avec 15 % de remise avec le code RENTREE15",
        "the Trail 2 with 15% off using the code RENTREE15",
    ),
    Campaign(
        "seconde-vie",
        "Seconde Vie",
        "reach",
        date(2026, 10, 5),
        date(2026, 10, 25),
        900.0,
        "#SecondeVie",
        ("#SecondeVie", "collecte"),
        "la collecte de vos vieilles baskets, recyclées en nouvelles semelles",
        "our collection of your old sneakers, recycled into new soles",
    ),
)


@dataclass(slots=True)
class Person:
    """A member, brand account or bot of one community."""

    key: int  # index within its community; writers derive platform ids from it
    name: str  # display name
    handle: str  # username / login
    lang: str  # "fr" or "en"
    persona: (
        str  # brand, bot, moderator, power, relay, regular, newcomer, at_risk, lurker
    )
    group: str  # home group: "fr" or "en" crowd (relays bridge them)
    joined_at: datetime | None  # None: a member from before the export starts
    left_at: datetime | None = None
    rate: float = 0.0  # messages per day at full activity

    def present(self, when: datetime) -> bool:
        """Whether the person is in the community at `when`."""
        joined = self.joined_at is None or self.joined_at <= when
        return joined and (self.left_at is None or when < self.left_at)


@dataclass(slots=True)
class Reaction:
    """One emoji on a post, with who reacted and when (writers keep what the format keeps)."""

    emoji: str
    reactors: list[tuple[Person, datetime]] = field(default_factory=list)


@dataclass(slots=True)
class DemoPoll:
    """A poll carried by a post: its question, each answer with who chose it."""

    question: str
    options: list[tuple[str, list[Person]]]
    multiple: bool = False
    closes_at: datetime | None = None


@dataclass(slots=True)
class Post:
    """A message or a system event in one channel, before any platform formatting.

    ``kind`` is ``"message"`` for what a person or bot wrote, else a system event: ``"join"``,
    ``"leave"``, ``"thread_created"``, ``"pin"``. Writers count only ``"message"`` as messages.
    """

    seq: int  # order of creation, unique within the community
    channel: str
    author: Person
    ts: datetime
    text: str
    kind: str = "message"
    reply_to: Post | None = None
    reactions: list[Reaction] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    edited_at: datetime | None = None
    mentions: list[Person] = field(default_factory=list)
    pinned: bool = False
    tag: str = (
        ""  # what the story made it: "live", "ama", "activation:<id>", "ugc:<id>"...
    )
    topic: str = (
        ""  # the template topic ("tailles", "livraison"...), for the docs and tests
    )
    tone: str = "neu"  # "pos", "neu" or "neg": the tone the template was written in
    poll: DemoPoll | None = None  # a poll the post carries (tribu.demo._polls)

    @property
    def reaction_total(self) -> int:
        """How many reactions of every emoji the post has."""
        return sum(len(r.reactors) for r in self.reactions)
