"""Contract variants on the same draws: the hybrid model and SLA credits."""

from __future__ import annotations

import json
import math
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from scipy import stats

from analysis import load_scenario, simulate
from analysis.engine.result import HYBRID_COLUMNS, QUANTITIES
from tests.helpers import assert_within_se, closed_form

TRIALS, SEED = 20_000, 5
SCHEMA_FILE = Path(__file__).parents[2] / "analysis" / "engine" / "summary.schema.json"
SCHEMA = json.loads(SCHEMA_FILE.read_text())


def full_featured(**changes):
    """Every feature on, over three escalating years: the strictest test of bit-identity."""
    scenario = load_scenario("dental-clinic").with_overrides(
        {
            "horizon": {"years": 3, "price_escalation": 0.04, "discount_rate": 0.07},
            "managed.sla": {"response_hours": 2, "credit_per_breach": 80, "max_credit_share": 0.05},
            "incidents.major.dispersion": 0.5,
        }
    )
    return scenario.with_overrides(changes)


def test_hybrid_covering_every_tier_at_the_managed_fee_is_managed_exactly():
    scenario = full_featured()
    managed = scenario.managed
    hybrid = scenario.with_overrides(
        {
            "hybrid": {
                "managed_tiers": list(scenario.incidents),
                "onboarding_fee": managed.onboarding_fee,
                "per_user_monthly": managed.per_user_monthly,
                "per_device_monthly": managed.per_device_monthly,
            }
        }
    )
    columns = simulate(hybrid, trials=TRIALS, seed=SEED).columns
    for quantity in QUANTITIES:
        assert np.array_equal(columns[f"hybrid_{quantity}"], columns[f"managed_{quantity}"])
    assert np.array_equal(columns["savings_hybrid"], columns["savings"])
    # The two original models are untouched by adding the third.
    plain = simulate(scenario, trials=TRIALS, seed=SEED).columns
    for name, values in plain.items():
        assert np.array_equal(columns[name], values), name


def test_hybrid_covering_no_tier_at_no_fee_is_break_fix_exactly():
    scenario = full_featured(hybrid={"managed_tiers": [], "per_user_monthly": 0})
    columns = simulate(scenario, trials=TRIALS, seed=SEED).columns
    for quantity in QUANTITIES:
        assert np.array_equal(columns[f"hybrid_{quantity}"], columns[f"break_fix_{quantity}"])
    assert not columns["savings_hybrid"].any()


def test_hybrid_combines_the_tiers_it_covers_with_break_fix_for_the_rest():
    """Covering the critical tier only: its incidents as managed, the rest as break-fix."""
    base = load_scenario("small-office").with_overrides({"security": None})
    hybrid = base.with_overrides(
        {"hybrid": {"managed_tiers": ["critical"], "per_user_monthly": 40}}
    )
    columns = simulate(hybrid, trials=TRIALS, seed=SEED).columns

    def alone(tiers):
        part = base.with_overrides(
            {
                "incidents": {t: base.incidents[t].model_dump() for t in tiers},
                "managed.incident_reduction": {t: base.reduction(t) for t in tiers},
                "managed.per_user_monthly": 0,
                "managed.onboarding_fee": 0,
            }
        )
        return simulate(part, trials=TRIALS, seed=SEED).columns

    critical, others = alone(["critical"]), alone(["major", "minor"])
    fee = 40 * 12 * base.organisation.employees
    for quantity in ("incidents", "downtime_hours", "downtime"):
        expected = critical[f"managed_{quantity}"] + others[f"break_fix_{quantity}"]
        np.testing.assert_allclose(columns[f"hybrid_{quantity}"], expected, rtol=1e-12)
    expected = critical["managed_support"] + others["break_fix_support"] + fee
    np.testing.assert_allclose(columns["hybrid_support"], expected, rtol=1e-12)


def test_hybrid_summary_has_a_third_model_and_validates():
    scenario = full_featured(hybrid={"managed_tiers": ["critical"], "per_user_monthly": 50,
                                     "security_rate_per_year": 0.1})  # fmt: skip
    result = simulate(scenario, trials=2_000, seed=SEED)
    summary = result.summary()
    jsonschema.validate(summary, SCHEMA)
    assert set(summary["models"]) == {"break_fix", "managed", "hybrid"}
    assert {"savings_hybrid", "prob_hybrid_cheaper"} <= set(summary["comparison"])
    assert list(result.trials.columns[-len(HYBRID_COLUMNS) :]) == list(HYBRID_COLUMNS)
    plain = simulate(full_featured(), trials=2_000, seed=SEED).summary()
    jsonschema.validate(plain, SCHEMA)
    assert "hybrid" not in plain["models"] and "savings_hybrid" not in plain["comparison"]


def test_hybrid_security_rate_thins_the_same_events():
    scenario = full_featured(hybrid={"managed_tiers": ["critical"], "per_user_monthly": 50,
                                     "security_rate_per_year": 0.1})  # fmt: skip
    columns = simulate(scenario, trials=TRIALS, seed=SEED).columns
    rates = scenario.security.rate_per_year
    assert rates.managed < 0.1 < rates.break_fix
    # Events of the middle rate are a subset of the higher rate's and a superset of the lower's.
    assert np.all(columns["hybrid_security"] <= columns["break_fix_security"])
    assert np.all(columns["hybrid_security"] >= columns["managed_security"])


def test_expected_sla_credit_matches_its_closed_form():
    """One tier, no prevention: breaches are a Poisson thinning, credits capped per year.

    Late responses are Poisson(rate * q), q = P(R > s) = 1 - Phi((ln s - mu) / sigma), and the
    year's credit is min(c * B, cap). The credit per trial is the managed support without the
    SLA minus with it (the SLA draws nothing), so its mean is compared with
    sum_k min(c k, cap) P(B = k), to within 4 standard errors of the sample mean.
    """
    rate, s, credit, share = 12.0, 2.0, 100.0, 0.3
    scenario = closed_form({"incidents.only.rate_per_year": rate,
                            "managed.response_hours": {"median": 1.0, "p90": 4.0},
                            "managed.per_user_monthly": 5})  # fmt: skip
    cap = share * scenario.managed_annual_fee  # 180: fewer than two breaches' worth
    with_sla = scenario.with_overrides(
        {
            "managed.sla": {
                "response_hours": s,
                "credit_per_breach": credit,
                "max_credit_share": share,
            }
        }
    )
    trials = 200_000
    credits = (
        simulate(scenario, trials=trials, seed=SEED).columns["managed_support"]
        - simulate(with_sla, trials=trials, seed=SEED).columns["managed_support"]
    )
    spec = scenario.managed.response_hours
    late = stats.norm.sf((math.log(s) - spec.mu) / spec.sigma)
    k = np.arange(200)
    pmf = stats.poisson.pmf(k, rate * late)
    per_year = np.minimum(credit * k, cap)
    mean = float(per_year @ pmf)
    sd = math.sqrt(float(per_year**2 @ pmf) - mean**2)
    assert_within_se(credits.mean(), mean, sd / math.sqrt(trials))
    assert credits.max() == pytest.approx(cap) and credits.min() == 0
