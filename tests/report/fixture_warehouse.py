"""A small warehouse built in code for the report and web tests, with hostile member text.

Two communities, three channels, three weeks of March 2024 (weeks starting Mon 4, 11, 18):

======================  ===========  ==========================================
channel                 day          messages (brand post first, then replies)
======================  ===========  ==========================================
ch-general (c-lune)     Mon 03-04    g1 brand, alice, bob                    = 3
ch-lives   (c-lune)     Fri 03-08    l1 brand, alice, carol, dave            = 4
ch-general (c-lune)     Mon 03-11    g2 brand, carol                         = 2
ch-lives   (c-lune)     Fri 03-15    l2 brand, alice, bob                    = 3
ch-general (c-lune)     Mon 03-18    g3 brand, alice, bob, carol             = 4
ch-lives   (c-lune)     Fri 03-22    l3 brand, dave                          = 2
ch-chat    (c-moon)     Tue 03-05    k1 brand2, erin                         = 2
ch-chat    (c-moon)     Tue 03-12    erin                                    = 1
======================  ===========  ==========================================

So c-lune has 9 messages in ch-general, 9 in ch-lives (18 in all), c-moon 3; alice (m-alice)
wrote on 03-04 and 03-08 (week of 03-04: 2), 03-15 (week of 03-11: 1) and 03-18 (1).
Campaigns: camp-printemps (c-lune, 120 EUR) and camp-lives (no community, 50 EUR).
Display names and texts carry ``<script>``, ``onerror=`` and ``javascript:`` payloads.

First-party rows (all EUR, margin 1), hand-worked numbers in ``tests/report/test_firstparty.py``:

* customers: cu1 (2024-01-10, instagram, cost 30, member m-alice), cu2 (2024-01-20, instagram,
  cost 50), cu3 (2024-02-05, newsletter, cost 0), cu4 (2024-02-15, instagram, cost unknown);
* orders: cu1 100 on 01-10 and 60 on 02-01; cu2 80 on 01-25 (promo code NANO10); cu3 40 on
  02-05 and 40 on 06-01; cu4 50 on 05-20 (the last order: as-of date 2024-06-01);
* NPS: January 10, 9, 3; February 10, 7; March 2, 8. Reviews: January 5, 4; February 5;
  March 2, 3;
* creators: lune.nano (5,000 followers, code NANO10) and lune.micro (20,000); posts: p1 nano
  paid 100 with « Publicité », p2 nano paid 50 with no label and hostile text (flagged), p3
  micro unpaid quoting « publicité », p4 micro paid 300 with #CollaborationCommerciale.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from tribu.warehouse.store import open_warehouse

HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_LINK = "[x](javascript:alert(1))"

UTC = dt.UTC


def _ts(day: str, hhmm: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"2024-03-{day}T{hhmm}:00").replace(tzinfo=UTC)


# member_id, community_id, display_name, is_brand, roles, joined_at (day of March 2024)
MEMBERS = [
    ("m-brand", "c-lune", "Maison Lune", True, ["brand"], "01"),
    ("m-alice", "c-lune", f"Alice {HOSTILE_SCRIPT}", False, [], "01"),
    ("m-bob", "c-lune", HOSTILE_IMG, False, [], "02"),
    ("m-carol", "c-lune", f"Carol {HOSTILE_LINK}", False, ["moderator"], "03"),
    ("m-dave", "c-lune", "Dave", False, [], "08"),
    ("m-brand2", "c-moon", "Moon Club", True, ["brand"], "01"),
    ("m-erin", "c-moon", "Erin", False, [], "04"),
]

# message_id, channel_id, author_id, day, time, text, reply_to_id, lang, sentiment, reactions
MESSAGES = [
    (
        "g1",
        "ch-general",
        "m-brand",
        "04",
        "10:00",
        "Nouveautés de printemps !",
        None,
        "fr",
        0.6,
        5,
    ),
    (
        "g1a",
        "ch-general",
        "m-alice",
        "04",
        "10:30",
        f"{HOSTILE_SCRIPT} super !",
        "g1",
        "fr",
        0.9,
        1,
    ),
    (
        "g1b",
        "ch-general",
        "m-bob",
        "04",
        "11:00",
        f"{HOSTILE_IMG} bof",
        "g1",
        "fr",
        0.4,
        0,
    ),
    (
        "l1",
        "ch-lives",
        "m-brand",
        "08",
        "18:00",
        "Le live du vendredi commence",
        None,
        "fr",
        0.6,
        6,
    ),
    (
        "l1a",
        "ch-lives",
        "m-alice",
        "08",
        "18:05",
        "J'adore ce live",
        "l1",
        "fr",
        0.8,
        0,
    ),
    (
        "l1b",
        "ch-lives",
        "m-carol",
        "08",
        "18:10",
        f"Lien {HOSTILE_LINK}",
        "l1",
        "fr",
        0.5,
        0,
    ),
    (
        "l1c",
        "ch-lives",
        "m-dave",
        "08",
        "18:15",
        "Merci pour le live",
        "l1",
        "fr",
        0.7,
        0,
    ),
    (
        "g2",
        "ch-general",
        "m-brand",
        "11",
        "10:00",
        "La collection printemps arrive",
        None,
        "fr",
        0.6,
        3,
    ),
    (
        "g2a",
        "ch-general",
        "m-carol",
        "11",
        "10:20",
        f"{HOSTILE_LINK} printemps",
        "g2",
        "fr",
        0.5,
        0,
    ),
    (
        "l2",
        "ch-lives",
        "m-brand",
        "15",
        "18:00",
        "Le live du vendredi commence",
        None,
        "fr",
        0.6,
        4,
    ),
    ("l2a", "ch-lives", "m-alice", "15", "18:05", "Trop bien", "l2", "fr", 0.85, 0),
    ("l2b", "ch-lives", "m-bob", "15", "18:06", "Pas convaincu", "l2", "fr", 0.2, 0),
    (
        "g3",
        "ch-general",
        "m-brand",
        "18",
        "10:00",
        "Concours printemps",
        None,
        "fr",
        0.6,
        8,
    ),
    (
        "g3a",
        "ch-general",
        "m-alice",
        "18",
        "10:10",
        "Je participe au printemps",
        "g3",
        "fr",
        0.75,
        0,
    ),
    ("g3b", "ch-general", "m-bob", "18", "10:40", "Moi aussi", "g3", "fr", 0.65, 0),
    ("g3c", "ch-general", "m-carol", "18", "11:00", "Bonne chance", "g3", "fr", 0.7, 0),
    (
        "l3",
        "ch-lives",
        "m-brand",
        "22",
        "18:00",
        "Le live du vendredi commence",
        None,
        "fr",
        0.6,
        2,
    ),
    ("l3a", "ch-lives", "m-dave", "22", "18:30", "Présent", "l3", "fr", 0.55, 0),
    (
        "k1",
        "ch-chat",
        "m-brand2",
        "05",
        "09:00",
        "Welcome to the club",
        None,
        "en",
        0.7,
        2,
    ),
    ("k1a", "ch-chat", "m-erin", "05", "09:30", "<b>Thanks</b>", "k1", "en", 0.8, 0),
    ("k2", "ch-chat", "m-erin", "12", "09:00", "Anyone here?", None, "en", 0.5, 0),
]

CHANNELS = [
    ("ch-general", "c-lune", "général"),
    ("ch-lives", "c-lune", "lives"),
    ("ch-chat", "c-moon", "chat"),
]


def _day(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{text}T12:00:00").replace(tzinfo=UTC)


# customer_id, acquired_at, channel, acquisition_cost, member_id
CUSTOMERS = [
    ("cu1", "2024-01-10", "instagram", 30.0, "m-alice"),
    ("cu2", "2024-01-20", "instagram", 50.0, None),
    ("cu3", "2024-02-05", "newsletter", 0.0, None),
    ("cu4", "2024-02-15", "instagram", None, None),
]
# order_id, customer_id, day, amount, promo_code
ORDERS = [
    ("o1", "cu1", "2024-01-10", 100.0, None),
    ("o2", "cu1", "2024-02-01", 60.0, None),
    ("o3", "cu2", "2024-01-25", 80.0, "NANO10"),
    ("o4", "cu3", "2024-02-05", 40.0, None),
    ("o5", "cu3", "2024-06-01", 40.0, None),
    ("o6", "cu4", "2024-05-20", 50.0, None),
]
# customer_id, day, score, channel
NPS = [
    ("cu1", "2024-01-15", 10, "instagram"),
    ("cu2", "2024-01-26", 9, "instagram"),
    ("cu3", "2024-01-28", 3, "newsletter"),
    ("cu1", "2024-02-10", 10, "instagram"),
    ("cu3", "2024-02-11", 7, "newsletter"),
    ("cu2", "2024-03-02", 2, "instagram"),
    ("cu4", "2024-03-03", 8, "instagram"),
]
# place_id, day, rating, text
REVIEWS = [
    ("shop-paris", "2024-01-12", 5, "Super accueil"),
    ("shop-lyon", "2024-01-20", 4, HOSTILE_IMG),
    ("shop-paris", "2024-02-14", 5, "Parfait"),
    ("shop-paris", "2024-03-05", 2, "Trop d'attente"),
    ("shop-lyon", "2024-03-09", 3, "Moyen"),
]
# creator_id, handle, platform, followers, promo_code
CREATORS = [
    ("cr-nano", "lune.nano", "instagram", 5_000, "NANO10"),
    ("cr-micro", "lune.micro", "tiktok", 20_000, "MICRO10"),
]
HOSTILE_POST = f"Mes baskets préférées {HOSTILE_SCRIPT} {HOSTILE_IMG}"
# post_id, creator_id, campaign_id, day, text, likes, comments, shares, saves, views, cost
CREATOR_POSTS = [
    (
        "p1",
        "cr-nano",
        "camp-printemps",
        "2024-03-05",
        "Publicité : ma routine printemps",
        180,
        12,
        5,
        3,
        3000,
        100.0,
    ),
    (
        "p2",
        "cr-nano",
        "camp-printemps",
        "2024-03-12",
        HOSTILE_POST,
        80,
        15,
        3,
        2,
        1500,
        50.0,
    ),
    (
        "p3",
        "cr-micro",
        None,
        "2024-03-08",
        "On me demande : « publicité » ? Non, je paie mes baskets.",
        300,
        60,
        40,
        0,
        9000,
        None,
    ),
    (
        "p4",
        "cr-micro",
        "camp-lives",
        "2024-03-15",
        "#CollaborationCommerciale live vendredi",
        500,
        80,
        20,
        0,
        12000,
        300.0,
    ),
]


def _first_party(con: Any) -> None:
    """Customers, orders, NPS answers, reviews, creators and their posts (see the docstring)."""
    con.executemany(
        "INSERT INTO customers VALUES (?, ?, ?, ?, 'EUR', ?)",
        [(c, _day(d), ch, cost, m) for c, d, ch, cost, m in CUSTOMERS],
    )
    con.executemany(
        "INSERT INTO orders VALUES (?, ?, ?, ?, 'EUR', ?)",
        [(o, c, _day(d), a, code) for o, c, d, a, code in ORDERS],
    )
    con.executemany(
        "INSERT INTO nps VALUES (?, ?, ?, ?)",
        [(c, _day(d), score, ch) for c, d, score, ch in NPS],
    )
    con.executemany(
        "INSERT INTO reviews VALUES (?, ?, ?, ?)",
        [(p, _day(d), rating, text) for p, d, rating, text in REVIEWS],
    )
    con.executemany("INSERT INTO creators VALUES (?, ?, ?, ?, ?)", CREATORS)
    con.executemany(
        "INSERT INTO creator_posts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "CASE WHEN ? IS NULL THEN NULL ELSE 'EUR' END)",
        [(*row[:3], _day(row[3]), *row[4:], row[10]) for row in CREATOR_POSTS],
    )


def build_fixture_warehouse(path: Path, *, first_party: bool = True) -> Path:
    """Create the fixture warehouse at ``path`` (with first-party rows unless told not to)."""
    con = open_warehouse(path)
    try:
        con.executemany(
            "INSERT INTO communities VALUES (?, ?, ?, 'fixture', ?)",
            [
                ("c-lune", "discord", "Maison Lune", _ts("23", "00:00")),
                ("c-moon", "slack", "Moon Club", _ts("23", "00:00")),
            ],
        )
        con.executemany("INSERT INTO channels VALUES (?, ?, ?, 'text', NULL)", CHANNELS)
        con.executemany(
            "INSERT INTO members VALUES (?, ?, ?, ?, FALSE, ?, ?)",
            [
                (mid, cid, name, brand, roles, _ts(day, "08:00"))
                for mid, cid, name, brand, roles, day in MEMBERS
            ],
        )
        community_of = {ch: c for ch, c, _ in CHANNELS}
        con.executemany(
            "INSERT INTO messages (message_id, community_id, channel_id, author_id, ts, "
            "text, reply_to_id, reaction_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    mid,
                    community_of[ch],
                    ch,
                    author,
                    _ts(day, hm),
                    text,
                    reply,
                    reactions,
                )
                for mid, ch, author, day, hm, text, reply, _, _, reactions in MESSAGES
            ],
        )
        con.executemany(
            "INSERT INTO enrichment (message_id, lang, sentiment) VALUES (?, ?, ?)",
            [(m[0], m[7], m[8]) for m in MESSAGES],
        )
        con.executemany(
            "INSERT INTO reactions VALUES (?, ?, NULL, ?, ?, ?)",
            [
                (
                    m[0],
                    community_of[m[1]],
                    "👍",
                    m[9],
                    _ts(m[3], m[4]) + dt.timedelta(minutes=20),
                )
                for m in MESSAGES
                if m[9]
            ],
        )
        con.executemany(
            "INSERT INTO member_events VALUES (?, ?, 'join', ?, NULL)",
            [(mid, cid, _ts(day, "08:00")) for mid, cid, _, _, _, day in MEMBERS],
        )
        con.execute(
            "INSERT INTO campaigns VALUES ('camp-printemps', ?, 'awareness', 'c-lune', ?, ?, "
            "120.0, 'EUR', ['printemps'], ['g1'])",
            [f"Printemps {HOSTILE_IMG}", _ts("01", "00:00"), _ts("31", "23:59")],
        )
        con.execute(
            "INSERT INTO campaigns VALUES ('camp-lives', 'Lives', 'engagement', NULL, ?, ?, "
            "50.0, 'EUR', ['live'], [])",
            [_ts("01", "00:00"), _ts("31", "23:59")],
        )
        if first_party:
            _first_party(con)
    finally:
        con.close()
    return path
