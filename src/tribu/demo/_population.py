"""Who is in each demo community: invented names, personas, join and leave dates, activity.

Names are drawn from one pool of invented pairs (common first name + initial, or a pseudonym),
so some people appear under the same name on several platforms, as in real life. Personas give
the measures their cast: moderators, power users (a lot, steadily), relays (replying in both
the French and the English crowd), members at risk (activity halving in September), newcomers
(joined in October), lurkers (react, never write), brand accounts and bots.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from tribu.demo._model import CAMPAIGNS, END, START, Person, paris_time

__all__ = ["BRAND_NAMES", "CastSpec", "name_pool", "population"]

BRAND_NAMES = ("Semelle", "Solène de Semelle")

_FIRST_FR = [
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Inès",
    "Jade",
    "Louise",
    "Alice",
    "Lina",
    "Emma",
    "Zoé",
    "Clara",
    "Sarah",
    "Anaïs",
    "Julie",
    "Margaux",
    "Pauline",
    "Élodie",
    "Mathilde",
    "Juliette",
    "Nina",
    "Rose",
    "Lou",
    "Agathe",
    "Salomé",
    "Maëlle",
    "Yasmine",
    "Amel",
    "Hugo",
    "Lucas",
    "Louis",
    "Nathan",
    "Théo",
    "Jules",
    "Arthur",
    "Tom",
    "Gabriel",
    "Raphaël",
    "Enzo",
    "Maxime",
    "Antoine",
    "Paul",
    "Baptiste",
    "Quentin",
    "Romain",
    "Thomas",
    "Julien",
    "Nicolas",
    "Mehdi",
    "Karim",
    "Yanis",
    "Bastien",
    "Corentin",
    "Elliot",
    "Adrien",
    "Victor",
    "Simon",
    "Florian",
    "Kevin",
    "Malik",
    "Samir",
    "Noé",
    "Sacha",
    "Robin",
    "Axel",
    "Loïc",
    "Mathis",
    "Clément",
]
_FIRST_EN = [
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Grace",
    "Freya",
    "Lily",
    "Ella",
    "Chloe",
    "Sophie",
    "Emily",
    "Ruby",
    "Holly",
    "Megan",
    "Oliver",
    "George",
    "Harry",
    "Jack",
    "Noah",
    "Leo",
    "Oscar",
    "Charlie",
    "Jacob",
    "Alfie",
    "Freddie",
    "Finn",
    "Henry",
    "Liam",
    "Ryan",
]
_PSEUDO_A = [
    "run",
    "basket",
    "trail",
    "eco",
    "sneaker",
    "pied",
    "semelle",
    "bitume",
    "urban",
    "green",
    "slow",
    "loop",
]
_PSEUDO_B = [
    "addict",
    "lover",
    "girl",
    "boy",
    "du75",
    "lyon",
    "fan",
    "nantes",
    "paris",
    "geek",
    "runner",
    "mood",
]
_INITIALS = "ABCDEFGHJKLMNOPRSTV"


def name_pool(rng: random.Random, size: int) -> list[tuple[str, str]]:
    """`size` distinct invented (display name, lang) pairs, in a deterministic order."""
    seen: dict[str, str] = {}
    while len(seen) < size:
        roll = rng.random()
        if roll < 0.15:
            name = (
                f"{rng.choice(_PSEUDO_A)}_{rng.choice(_PSEUDO_B)}{rng.randint(1, 99)}"
            )
            lang = "fr"
        elif roll < 0.33:
            name = f"{rng.choice(_FIRST_EN)} {rng.choice(_INITIALS)}."
            lang = "en"
        else:
            name = f"{rng.choice(_FIRST_FR)} {rng.choice(_INITIALS)}."
            lang = "fr"
        seen.setdefault(name, lang)
    return list(seen.items())


@dataclass(frozen=True, slots=True)
class CastSpec:
    """How many of each persona a community has, and its size."""

    size: int  # people, brand accounts and bots excluded
    moderators: int
    power: int
    relays: int
    at_risk: int
    newcomers: int
    active_share: float  # share of the rest who write at all
    regular_rate: float  # mean messages per day of a regular member
    en_share: float  # share of English speakers among the rest
    founding_share: float = 0.45  # members present before the export starts
    leave_share: float = 0.06
    bot_name: str | None = None


def _join_time(rng: random.Random) -> datetime:
    """A join instant in the period, with bumps in the week after each campaign starts."""
    if rng.random() < 0.3:
        campaign = rng.choice(CAMPAIGNS)
        day = campaign.starts + timedelta(days=int(rng.expovariate(1 / 3)) % 10)
        return paris_time(day, datetime.min.time()) + timedelta(
            minutes=rng.randint(420, 1380)
        )
    span = (END - START).total_seconds()
    return START + timedelta(seconds=int(rng.random() * span))


def _handle(name: str, key: int) -> str:
    base = "".join(
        c for c in name.lower().replace(" ", ".") if c.isalnum() or c in "._"
    )
    return f"{base.strip('.')}{key}"


def population(
    spec: CastSpec, pool: list[tuple[str, str]], rng: random.Random
) -> list[Person]:
    """Build a community's people: brand accounts, bot, then members by persona."""
    people: list[Person] = []

    def add(
        name: str, lang: str, persona: str, joined: datetime | None, rate: float
    ) -> Person:
        group = "en" if lang == "en" else "fr"
        person = Person(
            len(people), name, _handle(name, len(people)), lang, persona, group, joined
        )
        person.rate = rate
        people.append(person)
        return person

    add(BRAND_NAMES[0], "fr", "brand", None, 0.0)
    add(BRAND_NAMES[1], "fr", "brand", None, 0.6)
    if spec.bot_name:
        add(spec.bot_name, "fr", "bot", None, 0.0)
    picks = rng.sample(pool, spec.size)
    # English speakers: re-draw languages so the community has its own share.
    langs = ["en" if rng.random() < spec.en_share else "fr" for _ in picks]
    counts = (
        ("moderator", spec.moderators),
        ("power", spec.power),
        ("relay", spec.relays),
        ("at_risk", spec.at_risk),
        ("newcomer", spec.newcomers),
    )
    index = 0
    for persona, count in counts:
        for _ in range(count):
            name, _lang = picks[index]
            lang = "fr" if persona in ("moderator", "relay") else langs[index]
            if persona == "newcomer":
                day = END - timedelta(days=rng.uniform(2, 30))
                joined: datetime | None = day
            else:
                joined = (
                    None
                    if rng.random() < 0.8
                    else START + timedelta(days=rng.uniform(0, 30))
                )
            rate = {
                "moderator": rng.uniform(1.5, 2.5),
                "power": rng.uniform(3.0, 5.0),
                "relay": rng.uniform(1.0, 1.8),
                "at_risk": rng.uniform(0.9, 1.5),
                "newcomer": rng.uniform(0.4, 1.0),
            }[persona]
            add(name, lang, persona, joined, rate)
            index += 1
    for name, _lang in picks[index:]:
        lang = langs[index]
        index += 1
        joined = None if rng.random() < spec.founding_share else _join_time(rng)
        if rng.random() < spec.active_share:
            rate = rng.expovariate(1 / spec.regular_rate)
            person = add(name, lang, "regular", joined, min(rate, 1.2))
        else:
            person = add(name, lang, "lurker", joined, 0.0)
        if rng.random() < spec.leave_share:
            start = person.joined_at or START
            person.left_at = start + (END - start) * rng.uniform(0.2, 0.95)
    for person in people:
        if person.persona == "relay":
            person.group = "both"
    return people
