"""The demo's first-party files for "Semelle", an eco-designed French sneaker label.

Semelle runs a Discord server, a Telegram channel, a Slack for its ambassadors and a WhatsApp
group, works with creators of every tier, and sells online and in two shops (Paris Marais and
Lyon Confluence). This module writes, with a fixed seed, the CSV files ``tribu load`` reads:
campaigns with their spend, creators and their posts (a few paid posts lack the legal
« Publicité » mention, one mentions a filter without « Image retouchée »), two years of customers
and orders ending 2026-10-31 (orders carry creators' promo codes), NPS answers, reviews of the
two shops, and links between customers and community members.

Nothing here is real: names, handles and texts are made up.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

__all__ = ["END", "START", "write_first_party"]

START = datetime(2024, 11, 1, tzinfo=UTC)
END = datetime(2026, 10, 31, 23, 0, tzinfo=UTC)

# channel -> (share of customers, mean acquisition cost in EUR, repeat propensity)
_CHANNELS = {
    "discord": (0.12, 9.0, 1.6),
    "instagram": (0.22, 24.0, 1.0),
    "tiktok": (0.16, 19.0, 0.8),
    "google_ads": (0.18, 31.0, 0.7),
    "newsletter": (0.10, 4.0, 1.3),
    "organic": (0.22, 0.0, 1.0),
}

_CAMPAIGNS = [
    (
        "camp-drop-hiver",
        "Drop hiver 2024",
        "reach",
        "2024-11-15",
        "2024-12-20",
        9000,
        "#semellehiver|semelle hiver|semelle.fr/hiver",
    ),
    (
        "camp-printemps",
        "Printemps recyclé",
        "conversion",
        "2025-03-10",
        "2025-04-15",
        12500,
        "#semelleprintemps|code printemps",
    ),
    (
        "camp-running",
        "Semelle Run",
        "reach",
        "2025-06-01",
        "2025-07-10",
        15000,
        "#semellerun|semelle run",
    ),
    (
        "camp-rentree",
        "Rentrée des classes",
        "conversion",
        "2025-08-25",
        "2025-09-30",
        11000,
        "#semellerentree",
    ),
    (
        "camp-black",
        "Black Friday responsable",
        "conversion",
        "2025-11-20",
        "2025-12-05",
        8000,
        "#greenfriday|semelle green friday",
    ),
    (
        "camp-ete26",
        "Été 2026",
        "reach",
        "2026-05-15",
        "2026-07-15",
        18000,
        "#semelleete|semelle été",
    ),
    (
        "camp-cuir",
        "Cuir de raisin",
        "conversion",
        "2026-09-01",
        "2026-10-15",
        14000,
        "#cuirderaisin|semelle raisin",
    ),
]

# handle, platform, followers, fee per post (EUR), promo code
_CREATORS = [
    ("lea.marche", "instagram", 640, 0, None),
    ("pas.de.cote", "instagram", 2_300, 80, "LEA10"),
    ("basket_verte", "instagram", 4_800, 120, "VERTE10"),
    ("julie.runs", "tiktok", 7_900, 150, "JULIE10"),
    ("tom_upcycle", "instagram", 18_500, 400, "TOM10"),
    ("chaussure.lente", "tiktok", 42_000, 650, "LENTE10"),
    ("mode_durable", "instagram", 86_000, 1_100, "DURABLE10"),
    ("clara.style", "instagram", 240_000, 3_200, "CLARA10"),
    ("lyon.streetwear", "youtube", 520_000, 5_500, "LYON10"),
    ("nina.mega", "instagram", 1_800_000, 14_000, "NINA10"),
]
_ER = {"sub-nano": 0.08, "nano": 0.05, "micro": 0.028, "macro": 0.014, "mega": 0.008}
_CONVERSION = {"nano": 0.9, "micro": 1.0, "macro": 0.55, "mega": 0.35, "sub-nano": 0.0}

_CAPTIONS_OK = [
    "Mes nouvelles Semelle en cuir de raisin, trop confortables #publicité",
    "Collaboration commerciale avec @semelle : la basket qui marche pour la planète",
    "Test de la Semelle Run sur 10 km, verdict en story. #CollaborationCommerciale",
    "PUBLICITÉ | J'ai craqué pour le modèle hiver, semelle recyclée et chaude",
    "Collab commerciale : je porte Semelle tous les jours depuis un mois",
]
_CAPTIONS_UNDISCLOSED = [
    "Mes baskets préférées du moment, lien en bio #pub",
    "Trop fan de ces sneakers éco-conçues #ad #sponsored",
    "Nouvelle paire, nouvelle vie ✨ code promo en story",
]
_CAPTION_FILTER = (
    "Shooting au soleil avec un filtre rétro, les Semelle brillent #publicité"
)
_CAPTION_FREE = [
    "Je déteste la « publicité » déguisée, alors voilà mon avis honnête sur mes Semelle",
    "Sans filtre : mes Semelle après six mois de marche",
    "Ma routine du dimanche, baskets aux pieds",
]

_REVIEWS = {
    5: [
        "Accueil adorable et baskets superbes",
        "Super boutique, conseils au top",
        "Parfait, je reviendrai",
    ],
    4: ["Bonne expérience, un peu d'attente", "Beau choix de modèles"],
    3: ["Correct mais ma taille manquait", "Vendeur pressé"],
    2: ["Délai de retour trop long", "Semelle décollée après deux mois"],
    1: ["Très déçu du service après-vente"],
}


def _tier(followers: int) -> str:
    for bound, name in (
        (1_000, "sub-nano"),
        (10_000, "nano"),
        (100_000, "micro"),
        (1_000_000, "macro"),
    ):
        if followers < bound:
            return name
    return "mega"


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_first_party(
    out_dir: Path, seed: int = 7, member_ids: list[str] | None = None
) -> dict[str, Path]:
    """Write the demo's first-party CSV files into ``out_dir``; return kind -> path.

    Kinds are those of ``tribu load`` and are meant to be loaded in this order:
    campaigns, creators, creator-posts, customers, orders, nps, reviews, member-links.
    ``member_ids`` are community member ids (as in the warehouse) to link some customers
    to; by default made-up ids ``demo-member-NNNN`` are used.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    paths: dict[str, Path] = {}
    paths["campaigns"] = _write(
        out_dir / "campaigns.csv",
        [
            "campaign_id",
            "name",
            "objective",
            "starts",
            "ends",
            "spend",
            "currency",
            "keywords",
        ],
        [[c[0], c[1], c[2], c[3], c[4], c[5], "EUR", c[6]] for c in _CAMPAIGNS],
    )
    paths["creators"] = _write(
        out_dir / "creators.csv",
        ["creator_id", "handle", "platform", "followers", "promo_code"],
        [
            [f"cr-{i:02d}", h, p, f, code or ""]
            for i, (h, p, f, _, code) in enumerate(_CREATORS)
        ],
    )
    paths["creator-posts"] = _write(
        out_dir / "creator_posts.csv",
        [
            "post_id",
            "creator_id",
            "campaign_id",
            "ts",
            "text",
            "likes",
            "comments",
            "shares",
            "saves",
            "views",
            "cost",
            "currency",
        ],
        _posts(rng),
    )
    customers, orders, links = _customers_and_orders(rng, member_ids)
    paths["customers"] = _write(
        out_dir / "customers.csv",
        ["customer_id", "acquired_at", "channel", "acquisition_cost", "currency"],
        customers,
    )
    paths["orders"] = _write(
        out_dir / "orders.csv",
        ["order_id", "customer_id", "ts", "amount", "currency", "promo_code"],
        orders,
    )
    paths["nps"] = _write(
        out_dir / "nps.csv",
        ["customer_id", "ts", "score", "channel"],
        _nps(rng, customers),
    )
    paths["reviews"] = _write(
        out_dir / "reviews.csv", ["place_id", "ts", "rating", "text"], _reviews(rng)
    )
    paths["member-links"] = _write(
        out_dir / "member_links.csv", ["customer_id", "member_id"], links
    )
    return paths


def _posts(rng: np.random.Generator) -> list[list[object]]:
    rows: list[list[object]] = []
    undisclosed = 0
    number = 0
    for index, (_, _, followers, fee, _) in enumerate(_CREATORS):
        tier = _tier(followers)
        for c, campaign in enumerate(_CAMPAIGNS):
            if (index + c) % 2 and fee:
                continue
            starts = datetime.fromisoformat(campaign[3]).replace(tzinfo=UTC)
            ts = starts + timedelta(
                days=int(rng.integers(1, 20)), hours=int(rng.integers(8, 21))
            )
            paid = fee > 0
            if not paid:
                text, campaign_id, cost = _CAPTION_FREE[c % len(_CAPTION_FREE)], "", 0
            elif (index, c) in {(2, 2), (5, 3), (8, 4)}:
                text = _CAPTIONS_UNDISCLOSED[undisclosed % len(_CAPTIONS_UNDISCLOSED)]
                undisclosed += 1
                campaign_id, cost = campaign[0], fee
            elif (index, c) == (4, 6):
                text, campaign_id, cost = _CAPTION_FILTER, campaign[0], fee
            else:
                text = _CAPTIONS_OK[(index + c) % len(_CAPTIONS_OK)]
                campaign_id, cost = campaign[0], fee
            engagements = followers * _ER[tier] * rng.lognormal(0, 0.35)
            likes = int(engagements * 0.82)
            comments = int(engagements * 0.06)
            shares = int(engagements * 0.05)
            saves = int(engagements * 0.07)
            views = int(
                followers * rng.uniform(0.25, 0.6) * (1.6 if tier == "nano" else 1)
            )
            number += 1
            rows.append(
                [
                    f"post-{number:03d}",
                    f"cr-{index:02d}",
                    campaign_id,
                    _iso(ts),
                    text,
                    likes,
                    comments,
                    shares,
                    saves,
                    views,
                    cost,
                    "EUR" if cost else "",
                ]
            )
    return rows


def _customers_and_orders(
    rng: np.random.Generator, member_ids: list[str] | None
) -> tuple[list[list[object]], list[list[object]], list[list[object]]]:
    n_customers = 2_400
    names = list(_CHANNELS)
    shares = np.array([_CHANNELS[n][0] for n in names])
    span = (END - START).total_seconds()
    # More customers in later months: the brand grows.
    offsets = np.sort(span * rng.power(1.4, n_customers))
    codes = [(code, _tier(f)) for (_, _, f, _, code) in _CREATORS if code]
    customers: list[list[object]] = []
    orders: list[list[object]] = []
    links: list[list[object]] = []
    member_pool = member_ids or [f"demo-member-{i:04d}" for i in range(400)]
    order_no = 0
    for i in range(n_customers):
        cid = f"cu-{i:05d}"
        channel = names[int(rng.choice(len(names), p=shares / shares.sum()))]
        acquired = START + timedelta(seconds=float(offsets[i]))
        mean_cost = _CHANNELS[channel][1]
        cost = round(float(rng.gamma(4, mean_cost / 4)), 2) if mean_cost else 0.0
        customers.append([cid, _iso(acquired), channel, cost, "EUR"])
        is_member = channel == "discord" or rng.random() < 0.08
        if is_member and len(links) < len(member_pool):
            links.append([cid, member_pool[len(links)]])
        propensity = _CHANNELS[channel][2] * (1.5 if is_member else 1.0)
        moment = acquired + timedelta(minutes=int(rng.integers(1, 120)))
        basket = float(rng.lognormal(np.log(105), 0.3))
        first = True
        while moment <= END:
            code = ""
            if channel in {"instagram", "tiktok"} and rng.random() < 0.35:
                weights = np.array([_CONVERSION[t] for _, t in codes])
                code = codes[int(rng.choice(len(codes), p=weights / weights.sum()))][0]
            amount = round(basket * float(rng.lognormal(0, 0.2)), 2)
            order_no += 1
            orders.append(
                [f"or-{order_no:06d}", cid, _iso(moment), amount, "EUR", code]
            )
            if not first and rng.random() > 0.55 * min(propensity, 1.6):
                break
            if first and rng.random() > 0.38 * propensity:
                break
            first = False
            moment += timedelta(days=float(rng.exponential(75 / propensity)) + 3)
    return customers, orders, links


def _nps(rng: np.random.Generator, customers: list[list[object]]) -> list[list[object]]:
    rows: list[list[object]] = []
    months = 24
    for i, customer in enumerate(customers):
        if rng.random() > 0.3:
            continue
        acquired = datetime.fromisoformat(str(customer[1]).replace("Z", "+00:00"))
        ts = acquired + timedelta(days=int(rng.integers(10, 40)))
        if ts > END:
            continue
        month = (ts.year - START.year) * 12 + ts.month - START.month
        # Satisfaction dips in the 2025 summer (delivery delays), then recovers.
        mood = 7.6 - (3.0 if 7 <= month <= 10 else 0.0) + 1.2 * (month / months)
        score = int(np.clip(round(rng.normal(mood, 1.8)), 0, 10))
        rows.append([customer[0], _iso(ts), score, customer[2] if i % 3 else "email"])
    return rows


def _reviews(rng: np.random.Generator) -> list[list[object]]:
    rows: list[list[object]] = []
    for place, per_month in (("paris-marais", 9), ("lyon-confluence", 5)):
        for month in range(24):
            year, mon = divmod(START.month - 1 + month, 12)
            first = datetime(START.year + year, mon + 1, 1, tzinfo=UTC)
            mood = 3.9 - (0.9 if 7 <= month <= 10 else 0.0) + 0.025 * month
            for _ in range(int(rng.poisson(per_month))):
                rating = int(np.clip(round(rng.normal(mood, 0.8)), 1, 5))
                ts = first + timedelta(
                    days=int(rng.integers(0, 28)),
                    hours=int(rng.integers(9, 19)),
                    minutes=int(rng.integers(0, 60)),
                )
                if any(r[0] == place and r[1] == _iso(ts) for r in rows[-40:]):
                    continue
                texts = _REVIEWS[rating]
                rows.append(
                    [place, _iso(ts), rating, texts[int(rng.integers(len(texts)))]]
                )
    return rows
