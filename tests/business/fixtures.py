"""One small first-party warehouse, built in code, with every number worked out by hand.

Used by the DuckDB tests and by the Spark parity test, so both engines read the same rows.
"""

from __future__ import annotations

from datetime import UTC, datetime

import ibis
import pandas as pd

AS_OF = datetime(2026, 6, 30, tzinfo=UTC)
RATES = {"EUR": 1.0, "USD": 0.9}


def _t(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def frames() -> dict[str, pd.DataFrame]:
    """The canonical tables of the fixture, as pandas frames."""
    customers = pd.DataFrame(
        {
            "customer_id": ["c1", "c2", "c3", "c4", "c5"],
            "acquired_at": [
                _t(d)
                for d in (
                    "2026-01-03",
                    "2026-01-20",
                    "2026-01-25",
                    "2026-02-10",
                    "2026-02-14",
                )
            ],
            "channel": ["instagram", "instagram", "organic", "instagram", "tiktok"],
            "acquisition_cost": [10.0, 20.0, 0.0, None, 100.0],
            "currency": ["EUR", "EUR", "EUR", None, "USD"],
            "member_id": ["m1", None, None, None, None],
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": [f"o{i}" for i in range(1, 9)],
            "customer_id": ["c1", "c1", "c2", "c2", "c3", "c4", "c4", "c5"],
            "ts": [
                _t(d)
                for d in (
                    "2026-01-05",
                    "2026-02-01",
                    "2026-01-20",
                    "2026-05-11",
                    "2026-01-25",
                    "2026-05-01",
                    "2026-05-10",
                    "2026-02-14",
                )
            ],
            "amount": [50.0, 30.0, 40.0, 20.0, 20.0, 60.0, 10.0, 100.0],
            "currency": ["EUR"] * 7 + ["USD"],
            "promo_code": [None, "NANO10", None, "nano10", None, "MICRO10", None, None],
        }
    )
    march = [10, 10, 9, 9, 8, 7, 6, 5, 3, 0]
    nps = pd.DataFrame(
        {
            "customer_id": [f"n{i}" for i in range(13)],
            "ts": [_t("2026-03-10")] * 10 + [_t("2026-04-02")] * 3,
            "score": march + [10, 9, 8],
            "channel": [
                "email",
                "web",
                "email",
                "web",
                "web",
                "web",
                "web",
                "web",
                "email",
                "web",
                None,
                None,
                None,
            ],
        }
    )
    reviews = pd.DataFrame(
        {
            "place_id": ["paris", "lyon", "paris", "lyon"],
            "ts": [
                _t("2026-03-03"),
                _t("2026-03-20"),
                _t("2026-04-11"),
                _t("2026-05-02"),
            ],
            "rating": [4, 5, 3, 5],
            "text": ["Bien", "Top", "Bof", "Super"],
        }
    )
    creators = pd.DataFrame(
        {
            "creator_id": ["k1", "k2", "k3", "k4", "k5", "k6"],
            "handle": ["lea", "basket", "tom", "clara", "nina", "anon"],
            "platform": ["instagram"] * 6,
            "followers": pd.array(
                [640, 5_000, 50_000, 200_000, 2_000_000, None], "Int64"
            ),
            "promo_code": [None, "NANO10", "MICRO10", None, None, None],
        }
    )
    creator_posts = pd.DataFrame(
        {
            "post_id": ["p1", "p2", "p3", "p4", "p5", "p6"],
            "creator_id": ["k2", "k2", "k3", "k1", "k4", "k5"],
            "campaign_id": ["camp", "camp", "camp", None, "camp", None],
            "ts": [_t("2026-03-01")] * 6,
            "text": [
                "Trop contente de porter mes Semelle #publicité",
                "Mes nouvelles baskets #pub",
                "Collaboration commerciale : test de la Semelle Run",
                "Je déteste la « publicité » déguisée",
                "PUBLICITÉ shooting avec un filtre rétro",
                "Image générée par IA #imagevirtuelle",
            ],
            "likes": pd.array([180, 80, 1_000, 50, 2_000, 10_000], "Int64"),
            "comments": pd.array([12, 10, 100, 0, 500, 5_000], "Int64"),
            "shares": pd.array([5, 5, None, 0, 300, 3_000], "Int64"),
            "saves": pd.array([3, 5, 400, 0, 200, 2_000], "Int64"),
            "views": pd.array([3_000, 1_500, 20_000, 300, 40_000, 500_000], "Int64"),
            "cost": [100.0, 50.0, 1_000.0, None, 2_000.0, 0.0],
            "currency": ["EUR", "EUR", "EUR", None, "EUR", None],
        }
    )
    tables = {
        "customers": customers,
        "orders": orders,
        "nps": nps,
        "reviews": reviews,
        "creators": creators,
        "creator_posts": creator_posts,
    }
    # Nullable floats, so a blank cost is NULL on every engine (a NaN would not be).
    for frame in tables.values():
        for column in frame.columns:
            if frame[column].dtype == "float64":
                frame[column] = frame[column].astype("Float64")
    return tables


def duckdb_tables() -> dict[str, ibis.Table]:
    """The fixture as Ibis tables on an in-memory DuckDB."""
    backend = ibis.duckdb.connect()
    return {name: backend.create_table(name, frame) for name, frame in frames().items()}
