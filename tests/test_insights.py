"""analysis.insights: the per-tier breakdown, the break-even fee and the verdict."""

from __future__ import annotations

import numpy as np
import pytest

from analysis import load_scenario, simulate
from analysis.insights import breakeven_fee, fee_sensitivity, tier_breakdown, verdict

TRIALS, SEED = 4_000, 11


@pytest.mark.parametrize("preset", ["small-office", "manufacturer"])
def test_tiers_add_up_to_the_incident_driven_part_of_the_whole(preset):
    """Each tier on its own draws exactly its share of the full run (common random numbers)."""
    scenario = load_scenario(preset).with_overrides({"horizon.years": 2})
    whole = simulate(scenario, trials=TRIALS, seed=SEED).columns
    table = tier_breakdown(scenario, trials=TRIALS, seed=SEED)
    assert list(table.index) == list(scenario.incidents)
    fixed_fees = scenario.managed_annual_fee * sum(scenario.horizon.year_factors())
    fixed_fees += scenario.managed.onboarding_fee
    expected = {
        ("break_fix", "incidents"): whole["break_fix_incidents"].mean(),
        ("break_fix", "downtime_hours"): whole["break_fix_downtime_hours"].mean(),
        ("break_fix", "support"): whole["break_fix_support"].mean(),
        ("break_fix", "downtime"): whole["break_fix_downtime"].mean(),
        ("managed", "incidents"): whole["managed_incidents"].mean(),
        ("managed", "downtime_hours"): whole["managed_downtime_hours"].mean(),
        ("managed", "support"): whole["managed_support"].mean() - fixed_fees,
        ("managed", "downtime"): whole["managed_downtime"].mean(),
    }
    for column, value in expected.items():
        # Exact up to the order of floating-point additions.
        assert table[column].sum() == pytest.approx(value, rel=1e-9), column


def test_breakeven_fee_zeroes_the_mean_saving_on_the_same_draws():
    scenario = load_scenario("law-firm").with_overrides({"horizon.years": 3})
    result = simulate(scenario, trials=TRIALS, seed=SEED)
    fee = breakeven_fee(result)
    again = simulate(scenario.with_overrides({"managed.per_user_monthly": fee}), TRIALS, SEED)
    savings = again.columns["savings"]
    assert abs(savings.mean()) < 1e-9 * np.abs(result.columns["savings"]).mean()
    assert fee_sensitivity(scenario) == 12 * 50 * 3  # three undiscounted years


def test_verdict_names_the_cheaper_model_and_the_flip():
    scenario = load_scenario("small-office")
    managed_wins = verdict(simulate(scenario, trials=TRIALS, seed=SEED))
    assert managed_wins.startswith("**Managed services are expected to cost less.**")
    assert "stay cheaper on average up to a fee of about \\$" in managed_wins
    expensive = scenario.with_overrides({"managed.per_user_monthly": 900})
    break_fix_wins = verdict(simulate(expensive, trials=TRIALS, seed=SEED))
    assert break_fix_wins.startswith("**Break-fix (paying per incident) is expected to cost less")
    assert "would become cheaper on average below a fee of about" in break_fix_wins
    assert "$" not in break_fix_wins.replace("\\$", "")  # every dollar escaped for Markdown


def test_a_hybrid_tier_costs_what_its_serving_model_costs():
    scenario = load_scenario("small-office").with_overrides(
        {"hybrid": {"managed_tiers": ["critical"], "per_user_monthly": 40}}
    )
    table = tier_breakdown(scenario, trials=TRIALS, seed=SEED)
    assert table.loc["critical", "hybrid"].equals(table.loc["critical", "managed"])
    assert table.loc["minor", "hybrid"].equals(table.loc["minor", "break_fix"])
    whole = simulate(scenario, trials=TRIALS, seed=SEED).columns
    assert table[("hybrid", "downtime")].sum() == pytest.approx(
        whole["hybrid_downtime"].mean(), rel=1e-9
    )
