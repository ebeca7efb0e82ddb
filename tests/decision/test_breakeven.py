"""Break-even: the managed fee exactly from one run, other inputs by root finding, checked
with fresh seeds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis import ArgumentError, load_scenario, simulate
from analysis.decision.breakeven import breakeven, breakeven_fee, fee_sensitivity
from analysis.decision.inputs import vary
from tests.helpers import closed_form

#: The issue's bar: at the solved value, a fresh seed's mean savings lie within 3 SE of zero.
FRESH_Z = 3.0


def _fresh_mean_within(scenario, answer, slope: float, trials: int = 40_000) -> None:
    """Mean savings at the solved value, simulated with another seed, are zero within FRESH_Z
    standard errors. Two errors add: the fresh run's (std / sqrt(n)) and the root's own
    (answer.stderr, moved onto the savings scale by the slope)."""
    savings = simulate(scenario, trials=trials, seed=777).columns["savings"]
    se = math.hypot(savings.std(ddof=1) / math.sqrt(trials), slope * answer.stderr)
    assert abs(savings.mean()) <= FRESH_Z * se, (savings.mean(), se)


def test_fee_breakeven_holds_with_a_fresh_seed():
    scenario = load_scenario("dental-clinic")
    answer = breakeven(scenario, "managed.per_user_monthly", trials=40_000, seed=1)
    assert answer.found and answer.value > answer.current
    slope = fee_sensitivity(scenario)
    at_root = scenario.with_overrides({"managed.per_user_monthly": answer.value})
    _fresh_mean_within(at_root, answer, slope)
    assert answer.to_dict().keys() >= {"parameter", "found", "value", "stderr", "current"}


def test_fee_breakeven_with_capped_sla_credits_holds_with_a_fresh_seed():
    """Credits are capped at a share of the fee, so savings are not linear in it: solved."""
    scenario = load_scenario("small-office").with_overrides(
        {
            "managed.sla": {
                "response_hours": 0.5,
                "credit_per_breach": 500,
                "max_credit_share": 0.2,
            }
        }
    )
    answer = breakeven(scenario, "managed.per_user_monthly", trials=40_000, seed=1)
    at_root = scenario.with_overrides({"managed.per_user_monthly": answer.value})
    # The slope at the root, from the same draws: d(mean savings)/d(fee).
    step = 0.05 * answer.value
    means = [simulate(scenario.with_overrides({"managed.per_user_monthly": answer.value + s}),
                      40_000, 1).columns["savings"].mean() for s in (-step, step)]  # fmt: skip
    slope = abs(means[1] - means[0]) / (2 * step)
    assert slope < fee_sensitivity(scenario)  # the growing cap gives some of the fee back
    _fresh_mean_within(at_root, answer, slope)


def test_breakeven_from_a_value_of_zero_searches_a_typical_range():
    scenario = load_scenario("small-office").with_overrides(
        {"incidents.critical.rate_per_year": 0, "managed.per_user_monthly": 250}
    )
    answer = breakeven(scenario, "incidents.critical.rate_per_year", trials=5_000, seed=2)
    assert answer.found and answer.searched == (0.0, 20.0) and answer.value > 0


def test_breakeven_needs_two_trials_for_its_standard_error():
    # The library names its argument; the command line says --trials (tests/cli).
    with pytest.raises(ArgumentError, match=r"^trials: must be a whole number >= 2"):
        breakeven(load_scenario("small-office"), trials=1)


def test_incident_rate_multiplier_breakeven_holds_with_a_fresh_seed():
    scenario = load_scenario("small-office")
    answer = breakeven(scenario, "incidents.*.rate_per_year", trials=40_000, seed=1)
    assert answer.found and 0 < answer.value < 1
    rates = {f"incidents.{n}.rate_per_year": t.rate_per_year * answer.value
             for n, t in scenario.incidents.items()}  # fmt: skip
    at_root = scenario.with_overrides(rates)
    # d(mean savings)/d(multiplier): expected savings are linear in the multiplier.
    high = vary(scenario, {"incident_rates": 1.2})
    slope = (simulate(high, 40_000, 1).columns["savings"].mean()
             - simulate(scenario, 40_000, 1).columns["savings"].mean()) / 0.2  # fmt: skip
    _fresh_mean_within(at_root, answer, slope)


def test_linear_inputs_solve_exactly_on_common_random_numbers():
    """Savings are linear per trial in the break-fix rate: the root is exact on the seed."""
    scenario = load_scenario("small-office").with_overrides({"managed.per_user_monthly": 400})
    answer = breakeven(scenario, "break_fix.hourly_rate", trials=10_000, seed=4)
    again = scenario.with_overrides({"break_fix.hourly_rate": answer.value})
    mean = simulate(again, trials=10_000, seed=4).columns["savings"].mean()
    assert abs(mean) < 1e-6 * scenario.managed_annual_fee


def test_no_breakeven_in_range_says_so():
    answer = breakeven(load_scenario("small-office"), "break_fix.hourly_rate", trials=2_000)
    assert not answer.found and answer.value is None
    assert "managed services are cheaper on average throughout" in answer.note
    # Nothing to save, and an onboarding fee: managed costs more even at no monthly fee.
    idle = closed_form({"incidents.only.rate_per_year": 0, "managed.onboarding_fee": 1000})
    answer = breakeven(idle, "managed.per_user_monthly", trials=2_000)
    assert not answer.found and "even at no fee at all" in answer.note


# -- tornado against a closed form -------------------------------------------------------------


TRIALS, SEED = 4_000, 11


def test_breakeven_fee_zeroes_the_mean_saving_on_the_same_draws():
    scenario = load_scenario("law-firm").with_overrides({"horizon.years": 3})
    result = simulate(scenario, trials=TRIALS, seed=SEED)
    fee = breakeven_fee(result)
    again = simulate(scenario.with_overrides({"managed.per_user_monthly": fee}), TRIALS, SEED)
    savings = again.columns["savings"]
    assert abs(savings.mean()) < 1e-9 * np.abs(result.columns["savings"]).mean()
    assert fee_sensitivity(scenario) == 12 * 50 * 3  # three undiscounted years
