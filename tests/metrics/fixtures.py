"""One small hand-made warehouse for every measure test (DuckDB and Spark alike).

The story (all times UTC; Europe/Paris is UTC+1 until Sunday 29 March 2026, UTC+2 after):

Community ``c1`` "Café Tribu" (Discord-like), channels ``c1-general`` and ``c1-events``
(``c1-events`` has no reaction rows at all: a channel without reactions data).
Community ``c2`` "Solo" (Telegram-like): a community of one, the brand alone, one post.

Members of c1 (bots never count; the brand account counts in community size only):

=======  ======================  =====  ===  ============  ==============================
id       name                    brand  bot  roles         joined
=======  ======================  =====  ===  ============  ==============================
brand    Café Tribu              yes    no   admin         joined_at 2026-01-01
alice    Alice                   no     no   Moderator     joined_at 2026-01-05
fanny    Fanny                   no     no                 joined_at 2026-01-10
bob      Bob                     no     no                 join event 2026-03-02 09:00
carol    Carol                   no     no                 join event 2026-03-10 09:00
dave     Dave                    no     no                 join 03-16 09:00, leave 03-20
erin     Erin                    no     no                 join event 2026-04-01 09:00
bot      Helper bot              no     yes                joined_at 2026-01-01
solo     Solo (community c2)     yes    no                 joined_at 2026-03-01
=======  ======================  =====  ===  ============  ==============================

Brand posts (top-level messages by brand), community size when posted (non-bot members present:
brand+alice from Jan; fanny from 01-10; bob 03-02; carol 03-10; dave 03-16..03-20; erin 04-01):

====  ================  =======  ====  ==========================================  ========
id    ts                channel  size  engagements within 7 days                   ER
====  ================  =======  ====  ==========================================  ========
M1    01-06 19:00 Tue   events   2     1 reply (alice)                             0.5
M2    02-03 19:00 Tue   events   3     1 reply + reaction_count 2 (no rows)        1.0
M3    03-03 19:00 Tue   events   4     1 reply (alice)                             0.25
P1    03-05 10:00 Thu   general  4     reactions 👍×2 + ❤️×1, replies R1 R2        1.25
P2    03-12 10:00 Thu   general  5     🔥×1 (👏 on 03-25 and R3 on 03-20 too late)  0.2
P3    03-19 10:00 Thu   general  6     😡×1, replies R4 R5                          0.5
P4    04-09 10:00 Thu   general  6     nothing                                     0.0
S1    03-01 09:00 Sun   c2-main  1     nothing (community of one)                  0.0
====  ================  =======  ====  ==========================================  ========

c1 median ER over 7 posts: sorted 0, 0.2, 0.25, 0.5, 0.5, 1.0, 1.25 -> 0.5.

Time to sentiment (positive = reply with sentiment >= 0.6 or a timed positive emoji; 7 days;
c1's window ends at its last message, 04-10 10:00; c2's at S1 itself):
M1, M2, M3: alice's reply (0.7) after 1 h -> observed 1.0. P1: R2 (0.5) at 0.5 h is not
positive, R1 (0.8) at 1.5 h is -> 1.5 (❤️ at 2 h comes later). P2: 🔥 at 13:00 -> 3.0.
P3: R4 0.2, R5 0.55, 😡 -> none in 7 days -> censored at 168. P4: censored at 24 (end of data).
S1: censored at 0.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tribu.warehouse.store import open_warehouse

__all__ = ["build_warehouse"]


def _t(text: str) -> datetime:
    """'2026-03-05 10:00' -> aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


COMMUNITIES = [
    ("c1", "discord", "Café Tribu", "fixture"),
    ("c2", "telegram", "Solo", "fixture"),
]

CHANNELS = [
    ("c1-general", "c1", "general", "text"),
    ("c1-events", "c1", "events", "text"),
    ("c2-main", "c2", "main", "text"),
]

# member_id, community_id, display_name, is_brand, is_bot, roles, joined_at
MEMBERS = [
    ("brand", "c1", "Café Tribu", True, False, ["admin"], "2026-01-01 00:00"),
    ("alice", "c1", "Alice", False, False, ["Moderator"], "2026-01-05 00:00"),
    ("fanny", "c1", "Fanny", False, False, [], "2026-01-10 00:00"),
    ("bob", "c1", "Bob", False, False, [], None),
    ("carol", "c1", "Carol", False, False, [], None),
    ("dave", "c1", "Dave", False, False, [], None),
    ("erin", "c1", "Erin", False, False, [], None),
    ("bot", "c1", "Helper bot", False, True, [], "2026-01-01 00:00"),
    ("solo", "c2", "Solo", True, False, [], "2026-03-01 00:00"),
]

# member_id, community_id, kind, ts
MEMBER_EVENTS = [
    ("bob", "c1", "join", "2026-03-02 09:00"),
    ("carol", "c1", "join", "2026-03-10 09:00"),
    ("dave", "c1", "join", "2026-03-16 09:00"),
    ("dave", "c1", "leave", "2026-03-20 09:00"),
    ("erin", "c1", "join", "2026-04-01 09:00"),
]

G, E = "c1-general", "c1-events"
# message_id, channel_id, author_id, ts, text, reply_to_id, reaction_count, mentions, sentiment
MESSAGES = [
    # --- c1-general ---
    ("fa1", G, "fanny", "2026-02-20 12:00", "Bonjour", None, 0, None, 0.5),
    ("fa2", G, "fanny", "2026-02-25 12:00", "Il fait beau", None, 0, None, 0.5),
    ("fa3", G, "fanny", "2026-03-01 12:00", "Bon dimanche", None, 0, None, 0.5),
    (
        "P1",
        G,
        "brand",
        "2026-03-05 10:00",
        "Bienvenue ! Quel est votre café préféré ? #cafetribu",
        None,
        3,
        None,
        0.6,
    ),
    ("R2", G, "alice", "2026-03-05 10:30", "Un espresso, bien sûr", "P1", 0, None, 0.5),
    (
        "R1",
        G,
        "bob",
        "2026-03-05 11:30",
        "Le cappuccino, j'adore !",
        "P1",
        0,
        None,
        0.8,
    ),
    ("BR", G, "brand", "2026-03-05 12:30", "Merci Bob !", "R1", 0, None, 0.9),
    ("fa4", G, "fanny", "2026-03-08 12:00", "Je lis tout", None, 0, None, 0.5),
    (
        "Q1",
        G,
        "carol",
        "2026-03-10 14:00",
        "J'adore le #CafeTribu ! Où acheter le moulin ?",
        None,
        0,
        None,
        0.7,
    ),
    ("Q1bot", G, "bot", "2026-03-10 14:05", "Voir la FAQ", "Q1", 0, None, 0.5),
    ("Q1b", G, "carol", "2026-03-10 14:10", "(au fait, en grains)", "Q1", 0, None, 0.5),
    ("Q1R", G, "alice", "2026-03-10 15:00", "Dans notre boutique", "Q1", 0, None, 0.6),
    (
        "P2",
        G,
        "brand",
        "2026-03-12 10:00",
        "Notre nouveau blend arrive",
        None,
        2,
        None,
        0.5,
    ),
    ("BOT1", G, "bot", "2026-03-15 08:00", "Rappel : #cafetribu", None, 0, None, 0.5),
    (
        "P3",
        G,
        "brand",
        "2026-03-19 10:00",
        "Question du jour : thé ou café ?",
        None,
        1,
        None,
        0.5,
    ),
    ("R4", G, "bob", "2026-03-19 10:30", "Café, évidemment", "P3", 0, None, 0.2),
    ("R5", G, "dave", "2026-03-19 11:45", "Les deux ?", "P3", 0, None, 0.55),
    ("R3", G, "carol", "2026-03-20 10:00", "Le blend est top", "P2", 0, None, 0.9),
    ("fa5", G, "fanny", "2026-03-25 12:00", "Toujours là", None, 0, None, 0.5),
    (
        "Q2",
        G,
        "bob",
        "2026-04-05 09:00",
        "Quelqu'un a testé le blend encore ?",
        None,
        0,
        None,
        0.5,
    ),
    (
        "P4",
        G,
        "brand",
        "2026-04-09 10:00",
        "Merci à tous, à bientôt",
        None,
        0,
        None,
        0.5,
    ),
    ("LAST", G, "erin", "2026-04-10 10:00", "Bonne journée", None, 0, ["fanny"], 0.7),
    # --- c1-events (no reaction rows in this channel) ---
    ("M1", E, "brand", "2026-01-06 19:00", "Soirée dégustation", None, 0, None, 0.5),
    ("M1r", E, "alice", "2026-01-06 20:00", "J'y serai", "M1", 0, None, 0.7),
    ("M2", E, "brand", "2026-02-03 19:00", "Soirée dégustation", None, 2, None, 0.5),
    ("M2r", E, "alice", "2026-02-03 20:00", "J'y serai", "M2", 0, None, 0.7),
    ("M3", E, "brand", "2026-03-03 19:00", "Soirée dégustation", None, 0, None, 0.5),
    ("M3r", E, "alice", "2026-03-03 20:00", "J'y serai", "M3", 0, None, 0.7),
    ("L1", E, "alice", "2026-03-12 17:00", "Live du jeudi ☕", None, 0, None, 0.5),
    ("L1a", E, "bob", "2026-03-12 17:10", "Salut !", None, 0, None, 0.5),
    ("L1b", E, "carol", "2026-03-12 17:20", "Hello", None, 0, None, 0.5),
    ("L2", E, "alice", "2026-03-19 17:00", "Live du jeudi ☕", None, 0, None, 0.5),
    ("L2a", E, "bob", "2026-03-19 17:05", "Salut", None, 0, None, 0.5),
    ("L2b", E, "carol", "2026-03-19 17:15", "Coucou", None, 0, None, 0.5),
    ("L2c", E, "dave", "2026-03-19 17:30", "Hello", None, 0, None, 0.5),
    ("L3", E, "alice", "2026-03-26 17:00", "Live du jeudi ☕", None, 0, None, 0.5),
    ("L3a", E, "bob", "2026-03-26 17:10", "Salut", None, 0, None, 0.5),
    ("L3b", E, "carol", "2026-03-26 17:40", "Hello", None, 0, None, 0.5),
    ("L3c", E, "bob", "2026-03-26 18:30", "Bonne soirée", None, 0, None, 0.5),
    ("L4", E, "alice", "2026-04-02 16:00", "Live du jeudi ☕", None, 0, None, 0.5),
    ("L4bot", E, "bot", "2026-04-02 16:05", "Le live commence", None, 0, None, 0.5),
    ("L4a", E, "bob", "2026-04-02 16:10", "Salut", None, 0, None, 0.5),
    ("L4b", E, "carol", "2026-04-02 16:20", "Hello @erin", None, 0, ["erin"], 0.5),
    ("L4c", E, "erin", "2026-04-02 16:30", "super live !", None, 0, None, 0.8),
    # --- c2-main: the community of one ---
    (
        "S1",
        "c2-main",
        "solo",
        "2026-03-01 09:00",
        "Premier message",
        None,
        0,
        None,
        0.5,
    ),
]

# message_id, community_id, member_id, emoji, count, ts
REACTIONS = [
    ("P1", "c1", None, "👍", 2, None),
    ("P1", "c1", "bob", "❤️", 1, "2026-03-05 12:00"),
    ("P2", "c1", "carol", "🔥", 1, "2026-03-12 13:00"),
    ("P2", "c1", "erin", "👏", 1, "2026-03-25 09:00"),
    ("P3", "c1", "bob", "😡", 1, "2026-03-19 10:05"),
]

# campaign_id, name, objective, community_id, starts, ends, spend, currency, keywords,
# activation_message_ids
CAMPAIGNS = [
    (
        "spring",
        "Printemps",
        "awareness",
        "c1",
        "2026-03-01 00:00",
        "2026-03-31 23:59:59",
        300.0,
        "EUR",
        ["#cafetribu", "blend"],
        ["P1"],
    ),
    (
        "nospend",
        "Sans budget",
        "community",
        "c1",
        "2026-04-01 00:00",
        "2026-04-30 23:59:59",
        None,
        None,
        ["live"],
        [],
    ),
]


def build_warehouse(path: str | Path) -> Path:
    """Write the fixture warehouse to ``path`` (a new DuckDB file) and return the path."""
    path = Path(path)
    con = open_warehouse(path)
    try:
        con.executemany(
            "INSERT INTO communities VALUES (?, ?, ?, ?, TIMESTAMPTZ '2026-04-11 00:00:00+00')",
            COMMUNITIES,
        )
        con.executemany("INSERT INTO channels VALUES (?, ?, ?, ?, NULL)", CHANNELS)
        con.executemany(
            "INSERT INTO members VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(*m[:6], _t(m[6]) if m[6] else None) for m in MEMBERS],
        )
        con.executemany(
            "INSERT INTO member_events VALUES (?, ?, ?, ?, NULL)",
            [(*e[:3], _t(e[3])) for e in MEMBER_EVENTS],
        )
        community = {c[0]: c[1] for c in CHANNELS}
        con.executemany(
            "INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, 0, ?, NULL)",
            [
                (mid, community[ch], ch, author, _t(ts), text, reply, rc, mentions)
                for mid, ch, author, ts, text, reply, rc, mentions, _ in MESSAGES
            ],
        )
        con.executemany(
            "INSERT INTO enrichment VALUES (?, 'fr', ?, NULL, NULL)",
            [(m[0], m[8]) for m in MESSAGES],
        )
        con.executemany(
            "INSERT INTO reactions VALUES (?, ?, ?, ?, ?, ?)",
            [(*r[:5], _t(r[5]) if r[5] else None) for r in REACTIONS],
        )
        con.executemany(
            "INSERT INTO campaigns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*c[:4], _t(c[4]), _t(c[5]), *c[6:]) for c in CAMPAIGNS],
        )
    finally:
        con.close()
    return path
