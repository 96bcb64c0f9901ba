"""The demo's polls: a colour vote before each drop, a vote on the live's time.

The brand asks; present members vote with fixed preferences (so the results tell a story: the
French crowd prefers "Vert sauge", power users vote more), drawn from the community's own
random generator seeded apart (``"<seed>:<platform>:polls"``) so that adding polls changes no
other draw of the story. Each platform's writer renders :class:`~tribu.demo._model.DemoPoll`
in its own export format (Telegram ``poll``, Discord ``poll``, Slack Simple Poll blocks,
WhatsApp ``SONDAGE :`` lines).
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from tribu.demo._model import CAMPAIGNS, DemoPoll, Person, paris_time
from tribu.demo._simulate import Community

__all__ = ["COLOURS", "LIVE_TIMES", "add_colour_votes", "add_live_time_vote"]

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
