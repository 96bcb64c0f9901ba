"""A labelled set of people over three platforms, with the noise real communities have.

:func:`labelled_identities` invents ``people`` persons (500 by default), places each on one,
two or three of the brand's communities (Discord, Slack, WhatsApp) and writes what each
platform would show of them, through the same normalisation as ingest
(:func:`tribu.warehouse.identities.identity_keys`):

- display names: the full name, ``Prénom N.``, a handle (``camille.durand``,
  ``cam_durand92``), the first name only, a nickname (``Alex`` for ``Alexandre``), a typo
  (a letter dropped, doubled or swapped), accents dropped, capitals;
- French and non-anglicised names (``Maëlle``, ``N'Diaye``, ``Lefèvre``, ``Nguyễn``,
  ``Kowalczyk``), drawn from small pools, so first names are shared by many people;
- namesakes: pairs of *different* people with the very same full name;
- e-mails on Slack only (60 %), phones on WhatsApp (some members show as their number) and
  in some Slack profiles (15 % of WhatsApp members show as their number, 40 % of Slack
  profiles give a phone);
- co-activity: links a person shares the same day on their platforms, and popular links many
  strangers share the same day;
- bots with the same names on every platform (never one person with anyone).

It returns the identities and the truth (member id -> person label), which is what
``tests/people`` and ``bench/people_bench.py`` measure precision and recall against.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import combinations

from tribu.people.engine import Identity, identity_from_keys
from tribu.warehouse.identities import fold, identity_keys

__all__ = [
    "COMMUNITIES",
    "LabelledSet",
    "labelled_identities",
    "true_pairs",
]

COMMUNITIES = ("discord:semelle", "slack:semelle", "whatsapp:semelle")

_FIRST = [
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
    "Gabriel",
    "Raphaël",
    "Noé",
    "Loïc",
    "Hélène",
    "Gaëlle",
    "François",
    "Jérôme",
    "Céline",
    "Stéphane",
    "Aurélien",
    "Benoît",
    "Clémence",
    "Aïcha",
    "Fatoumata",
    "Mamadou",
    "Oumar",
    "Mehdi",
    "Karim",
    "Sofiane",
    "Thi",
    "Minh",
    "Siobhán",
    "Björn",
    "Łukasz",
    "Zoë",
    "Alexandre",
    "Maxime",
    "Guillaume",
    "Frédéric",
    "Cécile",
    "Bérénice",
    "Anaëlle",
    "Océane",
    "Timothée",
    "Valentin",
    "Marie",
    "Thomas",
    "Nicolas",
    "Julien",
]

_LAST = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "Martinez",
    "N'Diaye",
    "Diallo",
    "Benali",
    "Haddad",
    "Nguyễn",
    "Traoré",
    "Le-Goff",
    "Ménard",
    "Caron",
    "Gauthier",
    "Perrin",
    "Chevalier",
    "Müller",
    "Kowalczyk",
    "Boucher",
    "Lemaître",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrot",
    "Masson",
    "Marchand",
    "Duval",
    "Denis",
    "Lemoine",
    "Brunet",
    "Schmitt",
    "Colin",
    "Vidal",
    "Dumont",
    "Meyer",
    "Fontaine",
    "Barbier",
    "Aubert",
    "Giraud",
    "Leclerc",
    "Hoarau",
    "Mbappé",
    "Okafor",
    "Benamar",
    "Said",
    "Rakotomalala",
    "Tran",
    "Pham",
    "Da-Silva",
    "Ferreira",
    "Øyen",
    "Ó-Briain",
]

_NICKNAMES = {
    "alexandre": "Alex",
    "maxime": "Max",
    "guillaume": "Guigui",
    "frederic": "Fred",
    "nicolas": "Nico",
    "valentin": "Val",
    "timothee": "Tim",
    "benoit": "Ben",
    "stephane": "Steph",
    "mathilde": "Mathou",
    "clemence": "Clem",
    "aurelien": "Aurel",
}

_BOTS = ("MEE6", "Carl-bot", "Zapier", "Semelle Bot", "Dyno", "Polly", "Tally")


@dataclass
class LabelledSet:
    """Identities with their truth: member id -> person label."""

    identities: list[Identity]
    truth: dict[str, str]
    names: dict[str, str]
    """Member id -> the display name the platform showed (for reading failures)."""


def _typo(rng: random.Random, text: str) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 4:
        return text
    i = rng.choice(letters[1:-1])
    move = rng.choice(("drop", "double", "swap"))
    if move == "drop":
        return text[:i] + text[i + 1 :]
    if move == "double":
        return text[:i] + text[i] + text[i:]
    return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]


def _plain(text: str) -> str:
    return fold(text).title() if text.isalpha() else fold(text)


def _display(rng: random.Random, first: str, last: str, handle: str) -> str:
    last_spaced = last.replace("-", " ")
    roll = rng.random()
    nickname = _NICKNAMES.get(fold(first))
    if roll < 0.34:
        return f"{first} {last_spaced}"
    if roll < 0.46:
        return f"{first} {last_spaced[0]}."
    if roll < 0.62:
        return handle
    if roll < 0.70:
        return first
    if roll < 0.78 and nickname:
        return f"{nickname} {last_spaced}"
    if roll < 0.88:
        return _typo(rng, f"{first} {last_spaced}")
    if roll < 0.95:
        return f"{fold(first).title()} {fold(last_spaced).upper()}"
    return f"{first.lower()} {last_spaced.lower()}"


def _handle(rng: random.Random, first: str, last: str) -> str:
    f, la = fold(first), fold(last).replace("-", "").replace("'", "")
    style = rng.randrange(4)
    if style == 0:
        return f"{f}.{la}"
    if style == 1:
        return f"{f}_{la}{rng.randrange(10, 99)}"
    if style == 2:
        return f"{f[:3]}{la}"
    return f"{f}{la[0]}{rng.randrange(1, 9)}"


def _phone(rng: random.Random) -> str:
    digits = "".join(str(rng.randrange(10)) for _ in range(8))
    return f"+33 6 {digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:]}"


def labelled_identities(
    people: int = 500, *, seed: int = 18, keep_names: bool = True
) -> LabelledSet:
    """The labelled set (see the module docstring); ``keep_names`` False hashes the names."""
    rng = random.Random(seed)
    secret = b"tribu-people-labelled-set"
    persons: list[tuple[str, str]] = [
        (rng.choice(_FIRST), rng.choice(_LAST)) for _ in range(people)
    ]
    # Namesakes: one person in twenty-five copies another's full name.
    for index in range(0, people, 25):
        persons[index] = persons[(index + 7) % people]
    popular = [(f"https://pop.example/{i}", rng.randrange(180)) for i in range(40)]
    identities: list[Identity] = []
    truth: dict[str, str] = {}
    names: dict[str, str] = {}
    for index, (first, last) in enumerate(persons):
        label = f"person-{index}"
        count = rng.choices((1, 2, 3), weights=(45, 35, 20))[0]
        places = rng.sample(COMMUNITIES, count)
        handle = _handle(rng, first, last)
        email = f"{fold(first)}.{fold(last)}{index}@mail.example".replace("'", "")
        phone = _phone(rng)
        own_links = [
            (f"https://share.example/{index}/{k}", rng.randrange(180))
            for k in range(rng.randrange(4))
        ]
        for community in places:
            member_id = f"{community}/{label}"
            shown = _display(rng, first, last, handle)
            if rng.random() > 0.5:  # a new handle on this platform
                shown = _handle(rng, first, last) if shown == handle else shown
            member_email = member_phone = None
            if community.startswith("slack") and rng.random() < 0.6:
                member_email = email
            if community.startswith("slack") and rng.random() < 0.4:
                member_phone = phone
            if community.startswith("whatsapp"):
                if rng.random() < 0.15:
                    shown = phone
                elif rng.random() < 0.5:
                    member_phone = phone
            links = {f"{url}@{day}" for url, day in own_links if rng.random() < 0.5} | {
                f"{url}@{day}" for url, day in popular if rng.random() < 0.03
            }
            identities.append(
                _identity(
                    secret,
                    member_id,
                    community,
                    shown,
                    keep_names=keep_names,
                    email=member_email,
                    phone=member_phone,
                    links=links,
                )
            )
            truth[member_id] = label
            names[member_id] = shown
    for community in COMMUNITIES:
        for bot in _BOTS:
            member_id = f"{community}/bot-{fold(bot)}"
            identities.append(
                _identity(
                    secret, member_id, community, bot, keep_names=keep_names, bot=True
                )
            )
            truth[member_id] = member_id
            names[member_id] = bot
    return LabelledSet(identities, truth, names)


def _identity(
    secret: bytes,
    member_id: str,
    community: str,
    shown: str,
    *,
    keep_names: bool,
    email: str | None = None,
    phone: str | None = None,
    links: set[str] | None = None,
    bot: bool = False,
) -> Identity:
    keys = identity_keys(
        secret,
        keep_names=keep_names,
        member_key=member_id,
        raw_name=shown,
        email=email,
        phone=phone,
    )
    return identity_from_keys(
        member_id, community, keys, is_bot=bot, links=frozenset(links or ())
    )


def true_pairs(truth: dict[str, str]) -> set[tuple[str, str]]:
    """Every pair of member ids (sorted) that are one person."""
    by_person: dict[str, list[str]] = {}
    for member, person in truth.items():
        by_person.setdefault(person, []).append(member)
    return {
        (a, b) if a < b else (b, a)
        for members in by_person.values()
        for a, b in combinations(members, 2)
    }
