"""Breakdowns: monthly IT spend per option (budget risk), each tier's share, and the lost work
per employee the model implies, from the same draws as everything else."""

from __future__ import annotations

import numpy as np
import pytest

from analysis import ArgumentError, load_scenario, simulate
from analysis.decision.breakdowns import (
    SURVEY_LOST_HOURS,
    TIER_QUANTITIES,
    budget_risk,
    budget_table,
    implied_lost_hours,
    tier_breakdown,
    yearly_spend,
)
from tests.decision.closed import closed_form
from tests.helpers import assert_within_se

TRIALS, SEED = 20_000, 3


def rich():
    """Three options (one a hybrid), two escalating years and SLA credits."""
    return load_scenario("law-firm").with_overrides(
        {
            "horizon": {"years": 2, "price_escalation": 0.05},
            "options.managed.sla": {"response_hours": 2, "credit_per_breach": 40,
                                    "max_credit_share": 0.05},
        }
    )  # fmt: skip


def test_months_add_up_to_each_trials_it_spend():
    result = simulate(rich(), trials=TRIALS, seed=SEED, monthly=True)
    assert len(result.options) == 3
    for option in result.options:
        months = result.monthly[option]
        assert months.shape == (TRIALS, 24)
        # Per trial; only the order of the floating-point additions differs.
        np.testing.assert_allclose(months.sum(axis=1), result.column(option, "it_spend"),
                                   rtol=1e-12)  # fmt: skip
        assert yearly_spend(result, option).shape == (TRIALS, 2)


def test_sla_credits_never_make_a_month_negative():
    """Credits as large as the cap allows, on a contract with late responses every year: the
    year's credits are spread over its invoices, so every month still pays at least its fee
    less a twelfth of the cap (nothing, at worst), and the months add up to the year's IT
    spend."""
    scenario = load_scenario("server-office").with_overrides({
        "options.managed.sla": {"response_hours": 0.1, "credit_per_breach": 10_000,
                                "max_credit_share": 1.0},
    })  # fmt: skip
    result = simulate(scenario, trials=5_000, seed=SEED, monthly=True)
    months = result.monthly["managed"]
    fee = scenario.annual_fee("managed") / 12
    assert months.min() >= -1e-9 * fee  # the cap is the whole fee here: at worst, zero
    np.testing.assert_allclose(months.sum(axis=1), result.column("managed", "it_spend"),
                               rtol=1e-12)  # fmt: skip
    # The credits really are taken: the year costs less than its fee in most trials.
    assert np.mean(result.column("managed", "it_spend") < 12 * fee) > 0.5


def test_monthly_figures_change_no_other_result():
    plain = simulate(rich(), trials=TRIALS, seed=SEED).columns
    monthly = simulate(rich(), trials=TRIALS, seed=SEED, monthly=True).columns
    for name, values in plain.items():
        assert np.array_equal(monthly[name], values), name


def test_without_a_budget_there_is_no_chance_of_exceeding_one():
    result = simulate(load_scenario("server-office"), trials=2_000, seed=SEED, monthly=True)
    assert result.scenario.budget is None
    for option, risk in budget_risk(result).items():
        assert risk["budget"] is None and risk["prob_over_budget"] is None, option
        assert risk["worst_month_p95"] >= risk["monthly_mean"] > 0
    table = budget_table(result)
    assert list(table.index) == list(result.options)
    assert "prob_over_budget" not in table.columns


def test_without_incidents_the_managed_monthly_spend_does_not_vary():
    scenario = closed_form({"incidents.only.rate_per_year": 0,
                            "options.msp.fees.per_user_monthly": 90,
                            "budget.annual_it_spend": 90 * 10 * 12})  # fmt: skip
    result = simulate(scenario, trials=5_000, seed=SEED, monthly=True)
    months = result.monthly["msp"]
    assert np.all(months == 90 * 10)  # ten users' monthly fee, every month of every trial
    risk = budget_risk(result)["msp"]
    assert risk["monthly_std"] == 0 and risk["monthly_mean"] == 900
    assert risk["prob_over_budget"] == 0  # exactly on budget is not over it
    assert "prob_over_budget" in budget_table(result).columns


@pytest.mark.parametrize("fee", [33.33, 17.1, 0.1])
def test_a_fee_that_does_not_divide_by_twelve_is_still_within_its_own_budget(fee):
    """Twelve instalments of fee / 12 may add up to a hair above the fee: not over budget.
    With onboarding and escalation the schedule varies by month, but no month varies by trial."""
    scenario = closed_form({"incidents.only.rate_per_year": 0,
                            "options.msp.fees.per_user_monthly": fee,
                            "options.msp.fees.onboarding": 500,
                            "horizon": {"years": 3, "price_escalation": 0.07},
                            "budget.annual_it_spend": 12 * 10 * fee})  # fmt: skip
    risk = budget_risk(simulate(scenario, trials=1_000, seed=SEED, monthly=True))["msp"]
    assert risk["monthly_std"] == 0
    # Year 1 pays the onboarding on top of the fee: over budget in a third of the years.
    assert risk["prob_over_budget"] == pytest.approx(1 / 3)


def test_seasonality_puts_incidents_in_their_months():
    """Every bill of the closed-form scenario is 2 hours x 100: spend counts incidents."""
    weights = [0] * 12
    weights[2] = 3  # March
    weights[10] = 1  # November
    scenario = closed_form({"budget": {"seasonality": weights}})
    months = simulate(scenario, trials=TRIALS, seed=SEED, monthly=True).monthly["break-fix"]
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
    years = yearly_spend(result, "break-fix")
    expected = np.mean(years > 60_000 * np.array([1.0, 1.05]))
    assert risk["break-fix"]["prob_over_budget"] == expected
    assert 0 < expected < 1
    assert risk["break-fix"]["budget"] == 60_000
    worst = result.monthly["break-fix"].max(axis=1)
    assert risk["break-fix"]["worst_month_p95"] == np.percentile(worst, 95)
    # In a month without onboarding or credits, break-fix spend varies more between
    # trials than the all-inclusive contract's (out-of-scope work and parts only).
    june = result.monthly["break-fix"][:, 5].std(), result.monthly["managed"][:, 5].std()
    assert june[0] > 1.5 * june[1]


def test_budget_risk_needs_monthly_figures():
    with pytest.raises(ArgumentError, match=r"^result: needs monthly figures"):
        budget_risk(simulate(rich(), trials=100, seed=SEED))


@pytest.mark.parametrize("preset", ["server-office", "manufacturer"])
def test_tiers_add_up_to_each_options_downtime(preset):
    """Lost hours are kept per tier: the tiers add up to the whole exactly (up to the order of
    floating-point additions), and the expected incidents match the simulated counts."""
    scenario = load_scenario(preset).with_overrides({"horizon.years": 2})
    result = simulate(scenario, trials=4_000, seed=11)
    table = tier_breakdown(result)
    assert list(table.index) == list(scenario.incidents)
    assert list(table.columns.get_level_values(1).unique()) == list(TIER_QUANTITIES)
    for option in result.options:
        assert table[(option, "downtime")].sum() == pytest.approx(
            result.column(option, "downtime").mean(), rel=1e-9)  # fmt: skip
        assert table[(option, "lost_hours")].sum() == pytest.approx(
            result.column(option, "downtime_hours").mean(), rel=1e-9)  # fmt: skip
        counts = result.column(option, "incidents")
        assert_within_se(counts.mean(), table[(option, "incidents")].sum(),
                         counts.std(ddof=1) / np.sqrt(counts.size))  # fmt: skip


def test_implied_lost_hours_match_the_closed_form():
    """Round the clock, constant waits: each incident stops users_affected x blocking of the
    staff for response + repair hours."""
    scenario = closed_form({"options.msp.prevention.only": 0.2})
    result = simulate(scenario, trials=TRIALS, seed=SEED)
    hours = implied_lost_hours(result)
    tier = scenario.incidents["only"]
    share = tier.users_affected * tier.blocking
    for option, per_incident in (("break-fix", 3 + 2), ("msp", 1 + 2)):
        lost = result.quantities[option]["lost.only"]
        assert hours[option] == pytest.approx(lost.mean() * share, rel=1e-12)
        kept = 0.8 if option == "msp" else 1.0
        expected = 5 * kept * per_incident * share  # incidents x hours x share of the staff
        assert_within_se(hours[option], expected, lost.std(ddof=1) / np.sqrt(TRIALS) * share)
    table = tier_breakdown(result)
    person_hours = table[("msp", "lost_person_hours")].sum()
    assert person_hours == pytest.approx(hours["msp"] * scenario.organisation.employees)


def test_survey_figures_are_hours_a_year():
    assert SURVEY_LOST_HOURS["robert-half-2016"][0] == pytest.approx(22 / 60 * 250, rel=0.02)
    assert SURVEY_LOST_HOURS["electric-2023"][0] == pytest.approx(2.7 * 52)


@pytest.mark.parametrize("preset", ["server-office", "manufacturer"])
def test_each_tier_alone_bills_exactly_its_share_of_the_whole(preset):
    """Each tier draws from streams of its own: simulated alone, without fees, credits or
    security, its bills add up to the whole IT spend less the fees (to rounding)."""
    scenario = load_scenario(preset).with_overrides({"horizon.years": 2})
    result = simulate(scenario, trials=4_000, seed=11)
    table = tier_breakdown(result, spend=True)
    factors = scenario.horizon.year_factors()
    for option in result.options:
        spec = scenario.options[option]
        fees = sum(g * scenario.annual_fee(option) for g in factors)
        fees += spec.fees.onboarding if spec.kind == "managed" else 0.0
        whole = result.column(option, "it_spend").mean() - fees
        assert table[(option, "it_spend")].sum() == pytest.approx(whole, rel=1e-9), option
