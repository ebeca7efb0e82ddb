"""Contract variants on the same draws: hybrids (a managed option with covers and a fallback)
and SLA credits per option, on scenarios written here."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from analysis import simulate
from analysis.engine.result import QUANTITIES
from tests.helpers import assert_within_se, closed_form

TRIALS, SEED = 20_000, 5

#: Three tiers on office calendars, with every feature on over three escalating years: the
#: strictest test of bit-identity between a hybrid and the options it combines.
OFFICE = {"days": 5, "open": 8, "close": 18}
FULL = {
    "organisation.operating_hours": OFFICE,
    "incidents": {
        "critical": {"rate_per_year": 1.5, "dispersion": 0.3, "users_affected": 1.0,
                     "blocking": 0.8, "revenue_impact": 0.25, "fix_hours": {"median": 3, "p90": 10},
                     "onsite_share": 0.6, "starts": "any_time"},
        "major": {"rate_per_year": 3.0, "dispersion": 0.5, "users_affected": 0.3,
                  "blocking": 0.6, "fix_hours": {"median": 1.5, "p90": 5}, "onsite_share": 0.3},
        "minor": {"rate_per_user_per_year": 3.0, "users_affected": 0.1, "blocking": 0.35,
                  "fix_hours": {"median": 0.5, "p90": 1.5}, "onsite_share": 0.1},
    },
    "options.shop": {"kind": "pay_per_incident", "rates": {"remote": 140, "onsite": 150},
                     "minimum_hours": {"remote": 0.5, "onsite": 1}, "increment_hours": 0.25,
                     "trip_fee": 50, "service_hours": {"days": 5, "open": 9, "close": 17.5},
                     "emergency": {"tiers": ["critical"], "multiplier": 1.5},
                     "response_hours": {"default": {"median": 4, "p90": 16},
                                        "critical": {"median": 3, "p90": 12}}},
    "options.msp": {"kind": "managed",
                    "fees": {"per_user_monthly": 150, "per_server_monthly": 185,
                             "onboarding": 2700},
                    "prevention": {"critical": 0.5, "major": 0.4, "minor": 0.3},
                    "fix_time_factor": 0.8, "monitoring": True,
                    "service_hours": {"days": 5, "open": 8.5, "close": 17},
                    "emergency": {"tiers": ["critical"]},
                    "response_hours": {"default": {"median": 2, "p90": 8},
                                       "critical": {"median": 0.5, "p90": 2}},
                    "out_of_scope": {"share": 0.05, "rate": 175, "minimum_hours": 0.25},
                    "sla": {"response_hours": 2, "credit_per_breach": 80,
                            "max_credit_share": 0.05},
                    "security_factor": 0.6},
    "organisation.servers": 1,
    "parts": {"probability": 0.05, "cost": {"median": 250, "p90": 900}},
    "security": {"rate_per_year": 0.05, "loss": {"median": 25_000, "p90": 150_000}},
    "horizon": {"years": 3, "price_escalation": 0.04, "discount_rate": 0.07},
}  # fmt: skip


def full_featured(changes: dict | None = None):
    return closed_form(FULL).with_overrides(changes or {})


def _option(scenario, name: str) -> dict:
    return scenario.options[name].model_dump(mode="json", exclude_none=True)


def test_a_hybrid_covering_every_tier_like_the_managed_option_is_it_exactly():
    scenario = full_featured()
    hybrid = scenario.with_overrides({"options.hybrid": _option(scenario, "msp")})
    columns = simulate(hybrid, trials=TRIALS, seed=SEED).columns
    for quantity in QUANTITIES:
        assert np.array_equal(columns[f"hybrid.{quantity}"], columns[f"msp.{quantity}"]), quantity
    assert np.array_equal(columns["savings.hybrid"], columns["savings.msp"])
    # The two original options are untouched by adding the third (its security factor is
    # not the highest, so the event stream is the same).
    plain = simulate(scenario, trials=TRIALS, seed=SEED).columns
    for name, values in plain.items():
        assert np.array_equal(columns[name], values), name


def test_a_hybrid_covering_no_tier_at_no_fee_is_its_fallback_exactly():
    scenario = full_featured(
        {"options.hybrid": {"kind": "managed", "fees": {}, "covers": [], "fallback": "shop",
                            "response_hours": {"default": 1}}}
    )  # fmt: skip
    columns = simulate(scenario, trials=TRIALS, seed=SEED).columns
    for quantity in QUANTITIES:
        assert np.array_equal(columns[f"hybrid.{quantity}"], columns[f"shop.{quantity}"]), quantity
    assert not columns["savings.hybrid"].any()


def test_a_hybrid_combines_the_tiers_it_covers_with_its_fallback_for_the_rest():
    """Covering the critical tier only: its incidents as the managed option handles them, the
    rest as the shop does (streams are keyed by tier name, so a scenario of some tiers has the
    same draws for them)."""
    base = full_featured({"security": None, "options.msp.sla": None})
    msp = _option(base, "msp")
    hybrid = base.with_overrides(
        {"options.hybrid": {**msp, "covers": ["critical"], "fallback": "shop",
                            "prevention": {"critical": 0.5},
                            "fees": {"per_user_monthly": 40}}}
    )  # fmt: skip
    columns = simulate(hybrid, trials=TRIALS, seed=SEED).columns

    def alone(tiers):
        """The scenario with these tiers only; what names the others is left out."""
        shop = _option(base, "shop")
        changes = {
            "incidents": {t: base.incidents[t].model_dump(exclude_none=True) for t in tiers},
            "options.msp.prevention": {t: msp["prevention"][t] for t in tiers},
            "options.msp.fees": {},
        }
        for name, option in (("shop", shop), ("msp", msp)):
            changes[f"options.{name}.response_hours"] = {
                key: value for key, value in option["response_hours"].items()
                if key in (*tiers, "default")
            }  # fmt: skip
            changes[f"options.{name}.emergency.tiers"] = [
                t for t in option["emergency"]["tiers"] if t in tiers
            ]
        part = base.with_overrides(changes)
        return simulate(part, trials=TRIALS, seed=SEED).columns

    critical, others = alone(["critical"]), alone(["major", "minor"])
    fee = 40 * 12 * base.organisation.employees
    factors = base.horizon.year_factors()
    for quantity in ("incidents", "downtime_hours", "downtime"):
        expected = critical[f"msp.{quantity}"] + others[f"shop.{quantity}"]
        np.testing.assert_allclose(columns[f"hybrid.{quantity}"], expected, rtol=1e-12)
    expected = critical["msp.it_spend"] + others["shop.it_spend"] + fee * sum(factors)
    np.testing.assert_allclose(columns["hybrid.it_spend"], expected, rtol=1e-12)


def test_security_factors_thin_the_same_events_for_a_hybrid():
    scenario = full_featured({"options.hybrid": {**_option(full_featured(), "msp"),
                                                 "security_factor": 0.8}})  # fmt: skip
    columns = simulate(scenario, trials=TRIALS, seed=SEED).columns
    # Events of the middle factor are a subset of the higher's and a superset of the lower's.
    assert np.all(columns["hybrid.security"] <= columns["shop.security"])
    assert np.all(columns["hybrid.security"] >= columns["msp.security"])


def _sla(credit: float, share: float, hours: float) -> dict:
    return {"response_hours": hours, "credit_per_breach": credit, "max_credit_share": share}


@pytest.mark.parametrize("service_hours", [None, OFFICE])
def test_expected_sla_credit_matches_its_closed_form(service_hours):
    """One tier, no prevention: breaches are a Poisson thinning, credits capped per year.

    Late responses are Poisson(rate * q), q = P(W > s) = 1 - Phi((ln s - mu) / sigma), with the
    wait W and the promise s both in the option's own service hours (so its calendar does not
    change q), and the year's credit is min(c * B, cap). The credit per trial is the IT spend
    without the SLA minus with it (the SLA draws nothing), so its mean is compared with
    sum_k min(c k, cap) P(B = k), to within 4 standard errors of the sample mean.
    """
    rate, s, credit, share = 12.0, 2.0, 100.0, 0.3
    changes = {"incidents.only.rate_per_year": rate,
               "options.msp.response_hours.default": {"median": 1.0, "p90": 4.0},
               "options.msp.fees.per_user_monthly": 5}  # fmt: skip
    if service_hours is not None:
        changes["options.msp.service_hours"] = service_hours
    scenario = closed_form(changes)
    cap = share * scenario.annual_fee("msp")  # 180: fewer than two breaches' worth
    with_sla = scenario.with_overrides({"options.msp.sla": _sla(credit, share, s)})
    trials = 200_000
    plain = simulate(scenario, trials=trials, seed=SEED)
    result = simulate(with_sla, trials=trials, seed=SEED)
    credits = plain.column("msp", "it_spend") - result.column("msp", "it_spend")
    spec = scenario.options["msp"].response("only")
    late = stats.norm.sf((math.log(s) - spec.mu) / spec.sigma)
    k = np.arange(200)
    pmf = stats.poisson.pmf(k, rate * late)
    per_year = np.minimum(credit * k, cap)
    mean = float(per_year @ pmf)
    sd = math.sqrt(float(per_year**2 @ pmf) - mean**2)
    assert_within_se(credits.mean(), mean, sd / math.sqrt(trials))
    assert credits.max() == pytest.approx(cap) and credits.min() == 0
    # The SLA is the option's own: nothing else moves.
    for name in result.columns:
        if name not in ("msp.it_spend", "msp.total", "savings.msp"):
            assert np.array_equal(result.columns[name], plain.columns[name]), name


def test_sla_credits_are_per_option_and_per_year():
    """Two managed options with their own SLAs; over three years each year's credit is capped
    at that year's share of the fee and weighted by the year's factor."""
    base = closed_form({"incidents.only.rate_per_year": 30,
                        "options.msp.response_hours.default": {"median": 1, "p90": 4},
                        "options.msp.fees.per_user_monthly": 10,
                        "horizon": {"years": 3, "price_escalation": 0.1}})  # fmt: skip
    scenario = base.with_overrides(
        {"options.other": {**_option(base, "msp"), "sla": _sla(1_000, 0.25, 0.5)},
         "options.msp.sla": _sla(10, 1.0, 3)}
    )  # fmt: skip
    result = simulate(scenario, trials=5_000, seed=SEED)
    plain = simulate(base.with_overrides({"options.other": _option(base, "msp")}), trials=5_000,
                     seed=SEED)  # fmt: skip
    factors = scenario.horizon.year_factors()
    for name, (credit, share) in {"msp": (10, 1.0), "other": (1_000, 0.25)}.items():
        breaches = result.quantities[name]["sla_breaches"]
        assert breaches.shape == (5_000, 3)
        fee = scenario.annual_fee(name)
        expected = sum(g * np.minimum(credit * breaches[:, y], share * fee)
                       for y, g in enumerate(factors))  # fmt: skip
        credits = plain.column(name, "it_spend") - result.column(name, "it_spend")
        np.testing.assert_allclose(credits, expected, rtol=1e-12, atol=1e-9)
    # The generous SLA (credit 1,000, cap a quarter of the fee) is at its cap almost always.
    other = plain.column("other", "it_spend") - result.column("other", "it_spend")
    cap = 0.25 * scenario.annual_fee("other") * sum(factors)
    assert np.mean(np.isclose(other, cap)) > 0.99
