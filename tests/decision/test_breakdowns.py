"""Breakdowns: monthly IT spend per model (budget risk) and each tier's share, from the same
draws as everything else."""

from __future__ import annotations

import numpy as np
import pytest

from analysis import load_scenario, simulate
from analysis.decision.breakdowns import budget_risk, tier_breakdown, yearly_spend
from tests.helpers import assert_within_se, closed_form

TRIALS, SEED = 20_000, 3


def rich():
    return load_scenario("law-firm").with_overrides(
        {
            "horizon": {"years": 2, "price_escalation": 0.05},
            "managed.sla": {"response_hours": 2, "credit_per_breach": 40, "max_credit_share": 0.05},
            "hybrid": {
                "managed_tiers": ["critical"],
                "per_user_monthly": 50,
                "onboarding_fee": 900,
            },
        }
    )


def test_months_add_up_to_each_trials_support_cost():
    result = simulate(rich(), trials=TRIALS, seed=SEED, monthly=True)
    for model in ("break_fix", "managed", "hybrid"):
        months = result.monthly[model]
        assert months.shape == (TRIALS, 24)
        # Per trial; only the order of the floating-point additions differs.
        np.testing.assert_allclose(months.sum(axis=1), result.columns[f"{model}_support"],
                                   rtol=1e-12)  # fmt: skip
        assert yearly_spend(result, model).shape == (TRIALS, 2)


def test_monthly_figures_change_no_other_result():
    plain = simulate(rich(), trials=TRIALS, seed=SEED).columns
    monthly = simulate(rich(), trials=TRIALS, seed=SEED, monthly=True).columns
    for name, values in plain.items():
        assert np.array_equal(monthly[name], values), name


def test_without_incidents_the_managed_monthly_spend_does_not_vary():
    scenario = closed_form({"incidents.only.rate_per_year": 0, "managed.per_user_monthly": 90})
    result = simulate(scenario, trials=5_000, seed=SEED, monthly=True)
    months = result.monthly["managed"]
    assert np.all(months == 90 * 10)  # ten users' monthly fee, every month of every trial
    risk = budget_risk(result)["managed"]
    assert risk["monthly_std"] == 0 and risk["monthly_mean"] == 900
    assert risk["prob_over_budget"] == 0  # the budget defaults to the contract fee itself


@pytest.mark.parametrize("fee", [33.33, 17.1, 0.1])
def test_a_fee_that_does_not_divide_by_twelve_is_still_within_its_own_budget(fee):
    """Twelve instalments of fee / 12 may add up to a hair above the fee: not over budget.
    With onboarding and escalation the schedule varies by month, but no month varies by trial."""
    scenario = closed_form({"incidents.only.rate_per_year": 0, "managed.per_user_monthly": fee,
                            "managed.onboarding_fee": 500,
                            "horizon": {"years": 3, "price_escalation": 0.07}})  # fmt: skip
    risk = budget_risk(simulate(scenario, trials=1_000, seed=SEED, monthly=True))["managed"]
    assert risk["monthly_std"] == 0
    # Year 1 pays the onboarding on top of the fee: over budget in a third of the years.
    assert risk["prob_over_budget"] == pytest.approx(1 / 3)


def test_seasonality_puts_incidents_in_their_months():
    """Every bill of the closed-form scenario is 2 hours x 100: spend counts incidents."""
    weights = [0] * 12
    weights[2] = 3  # March
    weights[10] = 1  # November
    scenario = closed_form({"budget": {"seasonality": weights}})
    months = simulate(scenario, trials=TRIALS, seed=SEED, monthly=True).monthly["break_fix"]
    assert not months[:, [0, 1, 3, 4, 5, 6, 7, 8, 9, 11]].any()
    counts = months / 200
    assert np.array_equal(counts, np.round(counts))
    march, total = counts[:, 2].sum(), counts.sum()
    # Each incident falls in March with probability 3/4, independently: a binomial share.
    assert_within_se(march / total, 0.75, np.sqrt(0.75 * 0.25 / total))


def test_budget_probability_counts_years_over_the_escalated_budget():
    scenario = rich().with_overrides({"budget.annual_it_spend": 60_000})
    result = simulate(scenario, trials=TRIALS, seed=SEED, monthly=True)
    risk = budget_risk(result)
    years = yearly_spend(result, "break_fix")
    expected = np.mean(years > 60_000 * np.array([1.0, 1.05]))
    assert risk["break_fix"]["prob_over_budget"] == expected
    assert 0 < expected < 1
    worst = result.monthly["break_fix"].max(axis=1)
    assert risk["break_fix"]["worst_month_p95"] == np.percentile(worst, 95)
    # In a month without onboarding or credits, break-fix spend varies more between
    # trials than the contract's (out-of-scope work and parts only).
    june = result.monthly["break_fix"][:, 5].std(), result.monthly["managed"][:, 5].std()
    assert june[0] > 2 * june[1]


def test_budget_risk_needs_monthly_figures():
    with pytest.raises(ValueError, match="monthly=True"):
        budget_risk(simulate(rich(), trials=100, seed=SEED))


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
