"""The demo's polls: a colour vote before each drop, a vote on the live's time.

The brand asks; present members vote with fixed preferences (so the results tell a story: the
French crowd prefers "Vert sauge", power users vote more), drawn from the community's own
random generator seeded apart (``"<seed>:<platform>:polls"``) so that adding polls changes no
other draw of the story. Each platform's writer renders :class:`~tribu.demo._model.DemoPoll`
in its own export format (Telegram ``poll``, Discord ``poll``, Slack Simple Poll blocks,
WhatsApp ``SONDAGE :`` lines). :func:`write_survey` writes the questionnaire the brand sends the
WhatsApp group afterwards, as a Typeform CSV export.
"""

from __future__ import annotations

import csv
import random
from datetime import date, time, timedelta
from pathlib import Path

from tribu.demo._model import CAMPAIGNS, DemoPoll, Person, paris_time
from tribu.demo._simulate import Community

__all__ = [
    "COLOURS",
    "LIVE_TIMES",
    "SURVEY_ID",
    "SURVEY_QUESTIONS",
    "add_colour_votes",
    "add_live_time_vote",
    "write_survey",
]

COLOURS = (("Vert sauge", 5), ("Terracotta", 3), ("Sable", 2), ("Noir", 1))
"""The colours put to the vote before each drop, with the crowd's preference weights."""

LIVE_TIMES = (("18 h", 5), ("19 h", 3), ("20 h 30", 2))
"""Friday live slots put to the vote, with preference weights."""


def _voters(
    community: Community, when: object, share: float, rng: random.Random
) -> list[Person]:
    present = [
        p
        for p in community.people
        if p.persona not in ("brand", "bot") and p.present(when)  # type: ignore[arg-type]
    ]
    keen = {"power": 0.9, "moderator": 0.8, "relay": 0.6, "newcomer": 0.35}
    return [p for p in present if rng.random() < keen.get(p.persona, share)]


def _poll(
    question: str,
    choices: tuple[tuple[str, int], ...],
    voters: list[Person],
    rng: random.Random,
    *,
    multiple: bool = False,
) -> DemoPoll:
    picks: dict[str, list[Person]] = {label: [] for label, _ in choices}
    labels = [label for label, _ in choices]
    weights = [w for _, w in choices]
    for person in voters:
        first = rng.choices(labels, weights=weights)[0]
        picks[first].append(person)
        if multiple and rng.random() < 0.3:
            second = rng.choices(labels, weights=weights)[0]
            if person not in picks[second]:
                picks[second].append(person)
    return DemoPoll(question, list(picks.items()), multiple)


def add_colour_votes(
    community: Community, channel: str, seed: int, *, share: float = 0.08
) -> None:
    """A week before each campaign, the brand asks which colour the drop should come in."""
    rng = random.Random(f"{seed}:{community.platform}:polls:colour")
    brand = community.people[0]
    for campaign in CAMPAIGNS:
        day: date = campaign.starts - timedelta(days=7)
        ts = paris_time(day, time(12, 0, rng.randint(0, 59)))
        question = f"Quelle couleur pour le prochain drop ({campaign.name}) ?"
        poll = _poll(question, COLOURS, _voters(community, ts, share, rng), rng)
        poll.closes_at = ts + timedelta(days=3)
        community.add(
            channel,
            brand,
            ts,
            question,
            tag="poll:colour",
            topic="drop",
            tone="neu",
            poll=poll,
        )


def add_live_time_vote(
    community: Community, channel: str, seed: int, *, share: float = 0.1
) -> None:
    """In early September, the brand asks which time suits the Friday live best."""
    rng = random.Random(f"{seed}:{community.platform}:polls:live")
    brand = community.people[0]
    ts = paris_time(date(2026, 9, 7), time(10, 0, rng.randint(0, 59)))
    question = "Le live du vendredi : quelle heure vous arrange ?"
    poll = _poll(
        question, LIVE_TIMES, _voters(community, ts, share, rng), rng, multiple=True
    )
    poll.closes_at = ts + timedelta(days=2)
    community.add(
        channel,
        brand,
        ts,
        question,
        tag="poll:live",
        topic="live",
        tone="neu",
        poll=poll,
    )


SURVEY_ID = "live-du-vendredi"
SURVEY_QUESTIONS = (
    "Quel créneau préférez-vous pour le live ?",
    "Sur une échelle de 0 à 10, recommanderiez-vous Semelle à un ami ?",
    "Note du dernier live (1-5)",
    "Un mot pour l'équipe ?",
)
_COMMENTS = (
    "Super live, merci pour les conseils !",
    "Trop bien, vivement le prochain",
    "Le son coupait souvent, dommage.",
    "J'adore la communauté",
    "Livraison trop lente pour ma dernière commande.",
)


def write_survey(path: Path, handles: list[str], seed: int) -> Path:
    """A Typeform CSV export of the questionnaire sent to the WhatsApp group after the vote.

    60 responses, most with the member's name as the hidden ``handle`` (WhatsApp's member
    key); one row carries an NPS of 11 and is quarantined at load, as a real export can.
    """
    rng = random.Random(f"{seed}:survey")
    chosen = rng.sample(handles, min(len(handles), 60))
    start = paris_time(date(2026, 9, 8), time(9, 0))
    header = [
        "#",
        *SURVEY_QUESTIONS,
        "email",
        "handle",
        "Start Date (UTC)",
        "Submit Date (UTC)",
        "Network ID",
        "Tags",
    ]
    rows = []
    for i, handle in enumerate(chosen):
        submitted = start + timedelta(minutes=rng.randint(0, 4 * 24 * 60))
        weights = (1, 1, 1, 1, 1, 2, 3, 5, 8, 9, 7)
        nps = 11 if i == 17 else rng.choices(range(11), weights=weights)[0]
        comment = rng.choice(_COMMENTS) if rng.random() < 0.4 else ""
        stamp = submitted.strftime("%Y-%m-%d %H:%M:%S")
        rows.append(
            [
                f"tf{seed:02d}{i:04d}",
                rng.choices([label for label, _ in LIVE_TIMES], weights=(5, 3, 2))[0],
                nps,
                rng.choices((1, 2, 3, 4, 5), weights=(1, 1, 3, 6, 5))[0],
                comment,
                f"runner{i}@example.com",
                handle if rng.random() < 0.9 else "",
                stamp,
                stamp,
                f"n{i}",
                "",
            ]
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle_out:
        writer = csv.writer(handle_out)
        writer.writerow(header)
        writer.writerows(rows)
    return path
