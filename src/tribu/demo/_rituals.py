"""The brand's rituals and campaigns in the demo story.

- the **Live du vendredi**: every Friday at 18:00 Paris the brand posts in the live channel, and a
  burst of replies follows within the hour; attendance is steady, then declines over the last
  six weeks (what ritual detection should report as a falling trend);
- the **monthly AMA**: the first Tuesday of each month at 19:00 Paris, in a thread, announced and
  pinned the day before; members ask, the community manager answers each question;
- **activation posts** of the three campaigns, followed by members' UGC carrying the hashtag;
- **help questions**, answered quickly, late, or never;
- the Monday news post and, on WhatsApp, the Saturday run-club call;
- **replies to the brand's announcements**: a few members answer most of them within hours,
  mostly warmly, as in the communities of the seed articles (what time to sentiment measures).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from tribu.demo import _brand
from tribu.demo._model import (
    CAMPAIGNS,
    Person,
    Post,
    first_tuesdays,
    fridays,
    paris_time,
)
from tribu.demo._phrases import ANSWERS, QUESTIONS, fill
from tribu.demo._simulate import Community, days, poisson, random_time

__all__ = [
    "add_activations",
    "add_announcement_replies",
    "add_amas",
    "add_help_desk",
    "add_lives",
    "add_recaps",
    "add_run_club",
    "live_attendance",
]


def _speakers(
    community: Community, when: datetime, langs: tuple[str, ...] = ("fr",)
) -> list[Person]:
    return [
        p
        for p in community.people
        if p.persona not in ("brand", "bot")
        and p.lang in langs
        and p.present(when)
        and (p.rate > 0 or p.key % 7 == 0)
    ]


def live_attendance(week: int, weeks: int, rng: random.Random) -> int:
    """Members replying to the live of `week` (0-based) out of `weeks`: 24-30, then down to ~8."""
    decline_from = weeks - 6
    if week < decline_from:
        return rng.randint(24, 30)
    step = week - decline_from + 1
    return max(6, 26 - 3 * step + rng.randint(-1, 1))


def add_lives(community: Community, channel: str, rng: random.Random) -> None:
    """Every Friday 18:00 Paris: the brand's live post and the burst of replies after it."""
    brand, manager = community.people[0], community.people[1]
    all_fridays = fridays()
    for week, day in enumerate(all_fridays):
        start = paris_time(day, time(18, 0, rng.randint(0, 40)))
        live = community.add(
            channel,
            brand,
            start,
            _brand.live_text(day, rng),
            tag="live",
            topic="live",
            tone="pos",
        )
        crowd = _speakers(community, start)
        attendees = rng.sample(
            crowd, min(len(crowd), live_attendance(week, len(all_fridays), rng))
        )
        for person in attendees:
            for n in range(1 if rng.random() < 0.6 else rng.randint(2, 3)):
                ts = start + timedelta(seconds=rng.randint(30, 75 * 60))
                tone = rng.choices(("pos", "neu", "neg"), weights=(6, 3, 1))[0]
                text = _brand.live_reply_text(tone, rng)
                target = live if n == 0 and rng.random() < 0.7 else None
                community.add(
                    channel,
                    person,
                    ts,
                    text,
                    reply_to=target,
                    tag="live-reply",
                    topic="live",
                    tone=tone,
                )
        for _ in range(rng.randint(2, 4)):
            ts = start + timedelta(seconds=rng.randint(300, 80 * 60))
            community.add(
                channel,
                manager,
                ts,
                "Merci à tous d'être là ce soir 💚",
                reply_to=live,
                tone="pos",
            )


def add_amas(
    community: Community, thread: str, parent: str, announce: str, rng: random.Random
) -> None:
    """The monthly AMA in its thread, created on the first one and announced (pinned) each time."""
    brand, manager = community.people[0], community.people[1]
    for index, day in enumerate(first_tuesdays()):
        opening = paris_time(day, time(19, 0, rng.randint(0, 30)))
        if index == 0:
            community.add(
                parent,
                manager,
                opening - timedelta(minutes=2),
                "",
                kind="thread_created",
            )
        notice_ts = paris_time(day - timedelta(days=1), time(12, 0))
        notice = community.add(
            announce,
            brand,
            notice_ts,
            "📌 Demain 19h : l'AMA mensuel avec l'équipe Semelle, dans le fil dédié de #général.",
            pinned=True,
            tag="ama-notice",
            tone="neu",
        )
        community.add(
            announce,
            brand,
            notice_ts + timedelta(seconds=5),
            "",
            kind="pin",
            reply_to=notice,
        )
        opener = community.add(
            thread, brand, opening, _brand.ama_open_text(day), tag="ama", tone="pos"
        )
        crowd = _speakers(community, opening)
        for person in rng.sample(crowd, min(len(crowd), rng.randint(10, 20))):
            asked = opening + timedelta(seconds=rng.randint(60, 55 * 60))
            which = rng.randrange(len(QUESTIONS["fr"]))
            question = community.add(
                thread,
                person,
                asked,
                fill(QUESTIONS["fr"][which], rng),
                reply_to=opener if rng.random() < 0.5 else None,
                tag="ama-question",
                topic="question",
            )
            answered = asked + timedelta(seconds=rng.randint(60, 8 * 60))
            community.add(
                thread,
                manager,
                answered,
                ANSWERS["fr"][which],
                reply_to=question,
                tag="ama-answer",
                topic="question",
                tone="pos",
            )


def add_activations(
    community: Community,
    announce: str,
    ugc: str,
    rng: random.Random,
    *,
    ugc_per_campaign: int,
    lang: str = "fr",
    attachments: bool = True,
) -> list[Post]:
    """Each campaign's activation post and reminder, then members' UGC with the hashtag.

    Returns the activation posts (their platform keys go into ``tribu.toml``).
    """
    brand = community.people[0]
    activations = []
    for campaign in CAMPAIGNS:
        launch = paris_time(campaign.starts, time(10, 0, rng.randint(0, 50)))
        post = community.add(
            announce,
            brand,
            launch,
            _brand.activation_text(campaign, lang),
            tag=f"activation:{campaign.campaign_id}",
            pinned=True,
            tone="pos",
            topic="campagne",
        )
        activations.append(post)
        middle = campaign.starts + (campaign.ends - campaign.starts) / 2
        community.add(
            announce,
            brand,
            paris_time(middle, time(12, 30)),
            f"Plus que quelques jours pour {campaign.name} ! "
            f"Vos plus belles photos {campaign.hashtag} 📸",
            tag=f"brand:{campaign.campaign_id}",
            tone="pos",
            topic="campagne",
        )
        window = (campaign.ends - campaign.starts).days
        for _ in range(ugc_per_campaign):
            offset = min(int(rng.expovariate(1 / (window / 3))), window)
            day = campaign.starts + timedelta(days=offset)
            ts = max(
                random_time(day, rng), launch + timedelta(minutes=rng.randint(5, 90))
            )
            crowd = _speakers(community, ts, ("fr", "en"))
            if not crowd:
                continue
            person = rng.choice(crowd)
            text_lang = "en" if person.lang == "en" else "fr"
            files = (
                [
                    f"{campaign.campaign_id}_{ts:%Y%m%d}_{i}.jpg"
                    for i in range(rng.randint(1, 3))
                ]
                if attachments
                else []
            )
            tone = (
                "neg"
                if "bof" in (text := _brand.ugc_text(campaign, text_lang, rng))
                else "pos"
            )
            community.add(
                ugc,
                person,
                ts,
                text,
                attachments=files,
                tag=f"ugc:{campaign.campaign_id}",
                tone=tone,
                topic="ugc",
            )
    return activations


def add_help_desk(
    community: Community, channel: str, rng: random.Random, per_day: float
) -> None:
    """Questions: 60 % answered within half an hour, 25 % after one to three days, 15 % never."""
    helpers = community.by_persona("moderator", "power")
    for day in days():
        for _ in range(poisson(per_day, rng)):
            asked = random_time(day, rng)
            crowd = _speakers(community, asked)
            if not crowd or not helpers:
                continue
            asker = rng.choice(crowd)
            which = rng.randrange(len(QUESTIONS["fr"]))
            question = community.add(
                channel,
                asker,
                asked,
                fill(QUESTIONS["fr"][which], rng),
                tag="question",
                topic="question",
                tone="neu",
            )
            roll = rng.random()
            if roll < 0.6:
                delay = timedelta(minutes=rng.uniform(2, 30))
            elif roll < 0.85:
                delay = timedelta(hours=rng.uniform(24, 72))
            else:
                continue
            helper = rng.choice(helpers)
            answer = community.add(
                channel,
                helper,
                asked + delay,
                ANSWERS["fr"][which],
                reply_to=question,
                tag="answer",
                topic="question",
                tone="pos",
            )
            if rng.random() < 0.5:
                thanks = rng.choice(
                    ("Merci beaucoup !", "Top merci 🙏", "Super, merci !")
                )
                late = delay > timedelta(hours=1)
                if late and rng.random() < 0.5:
                    thanks = "Merci mais un peu tard, j'avais déjà trouvé"
                community.add(
                    channel,
                    asker,
                    answer.ts + timedelta(minutes=rng.uniform(3, 60)),
                    thanks,
                    reply_to=answer,
                    topic="question",
                    tone="neg" if "tard" in thanks else "pos",
                )


def add_recaps(community: Community, channel: str, rng: random.Random) -> None:
    """The brand's Monday 10:00 news post."""
    brand = community.people[0]
    for day in days():
        if day.weekday() == 0:
            ts = paris_time(day, time(10, 0, rng.randint(0, 59)))
            community.add(
                channel, brand, ts, _brand.recap_text(day, rng), tag="recap", tone="pos"
            )


_SPOTS = (
    "au Trocadéro",
    "au bois de Vincennes",
    "au canal Saint-Martin",
    "aux Buttes-Chaumont",
)


def add_run_club(community: Community, channel: str, rng: random.Random) -> None:
    """WhatsApp: Saturday 18:00 call for Sunday's run, answers, Sunday recap with photos."""
    manager = community.people[1]
    runners = community.by_persona(
        "power", "moderator", "regular", "relay", "at_risk", "newcomer"
    )
    for day in days():
        if day.weekday() != 5:
            continue
        call_ts = paris_time(day, time(18, 0))
        spot = rng.choice(_SPOTS)
        community.add(
            channel,
            manager,
            call_ts,
            f"Run club demain 9h30 {spot} ! Qui vient ? 🏃‍♀️",
            tag="run-call",
            tone="pos",
        )
        present = [p for p in runners if p.present(call_ts)]
        going = rng.sample(present, min(len(present), rng.randint(6, 14)))
        for person in going:
            ts = call_ts + timedelta(minutes=rng.expovariate(1 / 40) + 1)
            text = rng.choice(
                ("Moi !", "Présent 💪", "Je viens avec une amie", "Go !", "+1")
            )
            community.add(channel, person, ts, text, tone="pos", topic="run")
        if going:
            sunday: date = day + timedelta(days=1)
            author = going[0]
            recap_ts = paris_time(sunday, time(11, rng.randint(15, 59)))
            distance = rng.choice(("8", "10", "12"))
            recap = (
                f"Super run ce matin 🙌\n{distance} km {spot}\n"
                f"On était {len(going)}, merci à tous !"
            )
            community.add(channel, author, recap_ts, recap, tone="pos", topic="run")
            for _ in range(rng.randint(1, 3)):
                community.add(
                    channel,
                    rng.choice(going),
                    recap_ts + timedelta(minutes=rng.randint(1, 30)),
                    "",
                    attachments=["photo.jpg"],
                    topic="run",
                )


# Expected member replies to a brand announcement, by what the post is.
_REPLIES_EXPECTED = {"activation": 3.0, "brand": 1.5, "ama-notice": 1.5, "recap": 1.0}


def add_announcement_replies(
    community: Community, channel: str, rng: random.Random, lang: str = "fr"
) -> None:
    """Members' replies to the brand's top-level posts in ``channel``.

    Each post draws a Poisson number of replies (three for an activation, one or two for a
    reminder, an AMA notice or the Monday news), each one 2 minutes to a few hours later
    (exponential, mean 2 h 30): some posts draw none, and stay "never positive". Seven in ten
    replies are warm, two neutral, one negative. Few enough come within the first two hours
    that a Monday news post stays an announcement, not a ritual (``min_attendance``).
    """
    posts = [
        p
        for p in community.posts
        if p.channel == channel
        and p.kind == "message"
        and p.reply_to is None
        and p.author.persona == "brand"
        and p.text
    ]
    for post in posts:
        kind = post.tag.split(":", 1)[0]
        expected = _REPLIES_EXPECTED.get(kind, 1.0)
        for _ in range(poisson(expected, rng)):
            ts = post.ts + timedelta(minutes=2 + rng.expovariate(1 / 150))
            crowd = _speakers(community, ts, ("fr", "en"))
            if not crowd:
                continue
            person = rng.choice(crowd)
            tone = rng.choices(("pos", "neu", "neg"), weights=(7, 2, 1))[0]
            text_lang = "en" if lang == "en" or person.lang == "en" else "fr"
            community.add(
                channel,
                person,
                ts,
                _brand.announcement_reply_text(tone, text_lang, rng),
                reply_to=post,
                tag="announcement-reply",
                topic="campagne",
                tone=tone,
            )
