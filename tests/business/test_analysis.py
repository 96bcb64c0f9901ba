"""The Python steps: rank correlation, predictive CLV fit, persona naming, currency checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tribu.business import (
    behavioural_segments,
    check_currencies,
    currency_settings,
    parse_rates,
    predictive_clv,
    rank_correlation,
)
from tribu.business.money import CurrencySettings
from tribu.errors import ConfigError
from tribu.warehouse.store import open_warehouse


def test_rank_correlation_hand_worked() -> None:
    # Ranks x 1..6, y 2,1,4,3,6,5: d = ±1 six times, Σd² = 6,
    # ρ = 1 − 6·6 / (6·(36 − 1)) = 1 − 36/210 = 0.8286.
    # t = ρ √((n−2)/(1−ρ²)) = 0.8286 × √(4 / 0.3135) = 2.960, two-sided p (df 4) = 0.0416.
    months = pd.DataFrame(
        {"nps": [1, 2, 3, 4, 5, 6], "mean_rating": [2, 1, 4, 3, 6, 5]}
    )
    result = rank_correlation(months)
    assert result.n == 6
    assert result.rho == pytest.approx(0.828571, abs=1e-6)
    assert result.p_value == pytest.approx(0.0416, abs=5e-4)
    assert "strongly together" in result.verdict


def test_rank_correlation_says_when_n_is_too_small() -> None:
    # Five months in perfect order: ρ = 1, but five points are too few to conclude.
    months = pd.DataFrame(
        {"nps": [1, 2, 3, 4, 5], "mean_rating": [3.1, 3.2, 3.5, 4, 4.2]}
    )
    result = rank_correlation(months)
    assert result.rho == pytest.approx(1.0)
    assert result.verdict.startswith("Only 5 months: too few")
    assert rank_correlation(months.head(2)).rho is None


def test_rank_correlation_without_a_link() -> None:
    # x 1..8 against y 1,8,2,7,3,6,4,5: Σd² = 0+36+1+9+4+0+9+9 = 68,
    # ρ = 1 − 6·68/(8·63) = 1 − 408/504 = 0.19: no clear link.
    months = pd.DataFrame({"nps": range(1, 9), "mean_rating": [1, 8, 2, 7, 3, 6, 4, 5]})
    result = rank_correlation(months)
    assert result.rho == pytest.approx(96 / 504)
    assert result.verdict.startswith("No clear link")


def test_predictive_clv_matches_the_published_cdnow_fit() -> None:
    from lifetimes.datasets import load_cdnow_summary_data_with_monetary_value

    summary = load_cdnow_summary_data_with_monetary_value().reset_index()
    summary = summary.rename(columns={"customer_id": "customer_id"})
    result = predictive_clv(summary, penalizer=0.0)
    # Fader, Hardie & Lee (2005) report r = 0.243, α = 4.414, a = 0.793, b = 2.426 on this
    # CDNOW cohort, and the Gamma–Gamma note p = 6.25, q = 3.74, γ = 15.44.
    params = result.parameters
    assert result.fitted
    assert params["bgnbd_r"] == pytest.approx(0.243, abs=0.002)
    assert params["bgnbd_alpha"] == pytest.approx(4.414, abs=0.01)
    assert params["bgnbd_a"] == pytest.approx(0.793, abs=0.005)
    assert params["bgnbd_b"] == pytest.approx(2.426, abs=0.02)
    assert params["gamma_gamma_p"] == pytest.approx(6.25, abs=0.02)
    assert params["gamma_gamma_q"] == pytest.approx(3.74, abs=0.02)
    assert len(result.customers) == len(summary)
    assert (result.customers["clv"] >= 0).all()


def test_predictive_clv_declines_without_enough_repeat_buyers() -> None:
    summary = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "frequency": [0, 1],
            "recency": [0, 5],
            "T": [10, 10],
            "monetary_value": [0.0, 20.0],
        }
    )
    result = predictive_clv(summary)
    assert not result.fitted
    assert "Only 1 customers bought more than once" in result.notes[0]


def test_personae_follow_the_centroids() -> None:
    rng = np.random.default_rng(1)
    # Five clearly apart groups of 30: (recency, frequency, basket, tenure).
    groups = {
        "Fidèles": (10, 12, 80, 700),
        "Gros paniers": (100, 2, 600, 300),
        "Nouveaux": (5, 1, 80, 6),
        "À réactiver": (250, 6, 80, 700),
        "Perdus": (600, 1, 70, 620),
    }
    rows = []
    for name, (r, f, b, t) in groups.items():
        for i in range(30):
            jitter = rng.uniform(0.9, 1.1, 4)
            freq = max(1, round(f * jitter[1]))
            rows.append(
                (
                    f"{name}-{i}",
                    r * jitter[0],
                    freq,
                    b * jitter[2] * freq,
                    b * jitter[2],
                    t * jitter[3],
                    name,
                )
            )
    rfm = pd.DataFrame(
        rows,
        columns=[
            "customer_id",
            "recency_days",
            "frequency",
            "revenue",
            "basket",
            "tenure_days",
            "truth",
        ],
    )
    result = behavioural_segments(rfm, seed=0)
    merged = result.customers.merge(rfm[["customer_id", "truth"]], on="customer_id")
    assert (merged["persona"] == merged["truth"]).all()
    assert result.summary["customers"].sum() == 150
    assert result.summary["share"].sum() == pytest.approx(1.0)


def test_parse_rates_and_settings(tmp_path: Path) -> None:
    assert parse_rates("eur=1, USD=0.92") == {"EUR": 1.0, "USD": 0.92}
    with pytest.raises(ConfigError, match="EUR=1,USD=0.92"):
        parse_rates("USD:0.92")
    config = tmp_path / "tribu.toml"
    config.write_text('[currency]\nreporting = "EUR"\nrates = { USD = 0.92 }\n')
    settled = currency_settings(config=config)
    assert settled == CurrencySettings("EUR", {"USD": 0.92, "EUR": 1.0})
    with pytest.raises(ConfigError, match="give it rate 1"):
        currency_settings("USD=0.92,GBP=1.1", config=tmp_path / "none.toml")


def test_gross_margin_from_option_then_config_then_one(tmp_path: Path) -> None:
    from tribu.business.money import gross_margin

    config = tmp_path / "tribu.toml"
    config.write_text("[business]\nmargin = 0.55\n")
    assert gross_margin(0.4, config=config) == 0.4  # the option wins
    assert gross_margin(config=config) == 0.55
    assert gross_margin(config=tmp_path / "none.toml") == 1.0  # CLV = revenue
    with pytest.raises(ConfigError, match=r"--margin option must be .* Got 1.5"):
        gross_margin(1.5, config=config)
    config.write_text('[business]\nmargin = "55 %"\n')
    with pytest.raises(
        ConfigError, match=r"business.margin in tribu.toml .* Got '55 %'"
    ):
        gross_margin(config=config)


def test_mixed_currencies_without_rates_are_refused(tmp_path: Path) -> None:
    con = open_warehouse(tmp_path / "w.duckdb")
    con.execute(
        "INSERT INTO orders VALUES ('o1','c1','2026-01-01',10,'EUR',NULL),"
        "('o2','c2','2026-01-01',10,'USD',NULL)"
    )
    with pytest.raises(ConfigError, match="EUR, USD; tribu does not add"):
        check_currencies(con, CurrencySettings())
    with pytest.raises(ConfigError, match=r"No rate for USD \(in orders\)"):
        check_currencies(con, CurrencySettings("EUR", {"EUR": 1.0}))
    ok = check_currencies(con, CurrencySettings("EUR", {"EUR": 1.0, "USD": 0.9}))
    assert ok.rates == {"EUR": 1.0, "USD": 0.9}
    con.execute("DELETE FROM orders WHERE currency = 'USD'")
    assert check_currencies(con, CurrencySettings()).reporting == "EUR"
    con.close()


def test_predictive_clv_equals_lifetimes_own_clv_sum() -> None:
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    from lifetimes.datasets import load_cdnow_summary_data_with_monetary_value

    summary = load_cdnow_summary_data_with_monetary_value().reset_index()
    ours = predictive_clv(summary, penalizer=0.0, horizon_months=12)
    bgf = BetaGeoFitter(0.0).fit(summary["frequency"], summary["recency"], summary["T"])
    repeat = summary[summary["frequency"] > 0]
    ggf = GammaGammaFitter(0.0).fit(repeat["frequency"], repeat["monetary_value"])
    reference = ggf.customer_lifetime_value(
        bgf,
        summary["frequency"],
        summary["recency"],
        summary["T"],
        summary["monetary_value"],
        time=12,
        discount_rate=0.01,
        freq="D",
    )
    # Same sum, evaluated once per distinct history instead of once per customer.
    assert ours.customers["clv"].to_numpy() == pytest.approx(
        reference.to_numpy(), rel=1e-9
    )
