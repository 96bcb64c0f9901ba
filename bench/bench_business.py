"""Benchmark: every business measure on 1 million customers and 5 million orders (DuckDB).

The data are generated in DuckDB SQL (seeded): customers over two years across six channels,
each with one first order and a geometric number of repeat orders (about 5 orders per customer
on average), in EUR and USD so currency conversion is exercised. The timed work, in a fresh child
process, is :func:`tribu.business.business_overview`: CAC, CLV/CAC (historical and BG/NBD +
Gamma–Gamma predictive), 90-day repurchase, NPS by month and channel with the rank correlation,
RFM segments with k-means, members versus non-members. The bar is 60 seconds.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bench._measure import measure_in_child, write_result

CUSTOMERS = 1_000_000
ORDERS_TARGET = 5_000_000
RATES = {"EUR": 1.0, "USD": 0.92}


def _generate(db: Path) -> dict[str, int]:
    from tribu.warehouse.store import open_warehouse

    con = open_warehouse(db)
    con.execute("SELECT setseed(0.7)")
    con.execute(
        f"""
        INSERT INTO customers
        SELECT 'c' || i,
               TIMESTAMPTZ '2024-11-01 00:00:00+00'
                   + to_seconds(CAST(random() * 63072000 AS BIGINT)),
               ['discord','instagram','tiktok','google_ads','newsletter','organic'][1 + (i % 6)],
               round(random() * 40, 2),
               CASE WHEN i % 10 = 0 THEN 'USD' ELSE 'EUR' END,
               CASE WHEN i % 7 = 0 THEN 'm' || i END
        FROM range({CUSTOMERS}) t(i)
        """
    )
    # Each customer has 1 to 9 orders (from a hash of its id: 5 on average), k = 0..n-1.
    con.execute(
        """
        INSERT INTO orders
        SELECT 'o' || row_number() OVER (), customer_id,
               least(acquired_at + to_seconds(CAST(k * (5 + random() * 60) * 86400 AS BIGINT)),
                     TIMESTAMPTZ '2026-10-31 23:00:00+00'),
               round(30 + random() * 150, 2), currency, NULL
        FROM (SELECT customer_id, acquired_at, currency,
                     unnest(range(1 + CAST(hash(customer_id) % 9 AS BIGINT))) AS k
              FROM customers)
        """
    )
    con.execute(
        """
        INSERT INTO nps
        SELECT customer_id, acquired_at + INTERVAL 20 DAY, CAST(floor(random() * 11) AS INT),
               channel
        FROM customers USING SAMPLE 10 PERCENT (bernoulli, 3)
        """
    )
    con.execute(
        """
        INSERT INTO reviews
        SELECT CASE WHEN i % 2 = 0 THEN 'paris' ELSE 'lyon' END,
               TIMESTAMPTZ '2024-11-01 00:00:00+00'
                   + to_seconds(CAST(random() * 63072000 AS BIGINT)),
               1 + CAST(floor(random() * 5) AS INT), 'avis'
        FROM range(20000) t(i)
        """
    )
    counts = {
        name: int(con.execute(f"SELECT count(*) FROM {name}").fetchone()[0])
        for name in ("customers", "orders", "nps", "reviews")
    }
    con.close()
    return counts


def _work(db: str) -> dict[str, Any]:
    import time

    import ibis

    from tribu.business import business_overview
    from tribu.warehouse.store import open_warehouse

    con = open_warehouse(db, read_only=True)
    backend = ibis.duckdb.from_connection(con)
    tables = {n: backend.table(n) for n in ("customers", "orders", "nps", "reviews")}
    started = time.perf_counter()
    result = business_overview(tables, margin=0.55, rates=RATES)
    seconds = time.perf_counter() - started
    con.close()
    return {
        "seconds_inside": round(seconds, 2),
        "sections": {k: len(v) for k, v in result.sections.items()},
        "predictive_fitted": result.predictive.fitted,
        "predictive_notes": result.predictive.notes,
        "segments": result.sections["segments"]["persona"].tolist(),
    }


def run() -> dict[str, Any]:
    """Generate the data, time every business measure in a child process, write the JSON."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        counts = _generate(db)
        seconds, detail, peak_mb = measure_in_child(_work, str(db))
    rows = counts["orders"]
    return write_result(
        "business",
        {
            "what": "tribu.business.business_overview on DuckDB: CAC, CLV/CAC historical and "
            "predictive (BG/NBD + Gamma-Gamma fitted on a 50k sample), 90-day repurchase, "
            "NPS by month/channel + Spearman, RFM k-means segments, members vs non-members",
            "rows": rows,
            "tables": counts,
            "seconds": round(seconds, 2),
            "rows_per_s": round(rows / seconds),
            "peak_memory_mb": round(peak_mb),
            "bar_seconds": 60,
            "within_bar": seconds < 60,
            "detail": detail,
        },
    )


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
