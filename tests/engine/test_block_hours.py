"""Blocks of prepaid hours (``kind: block_hours``), against references the tests compute.

- One year, one tier, remote work with a minimum and no increment: the yearly IT spend is
  ``price + rate * E[max(S - hours, 0)]`` with S the compound-Poisson sum of billable hours.
  The test computes its distribution by FFT on a lattice, once with every incident's hours
  rounded down and once rounded up: the two bracket the exact value.
- Two years with rollover, constant repairs: the engine's per-trial spend follows the carry
  rule exactly, and its mean matches the closed form summed over both years' Poisson counts.
- A block's size, price and rollover, and the option's rates, are prices: repriced, not
  simulated again, with the figures of a fresh simulation.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from analysis import simulate
from analysis.scenario.model import Spec
from tests.helpers import assert_repriced_as_fresh, assert_within_se, closed_form

RATE = 100.0  # per billable hour, remote and on site alike
PRICE = 1_200.0  # a year's block
HOURS = 15.0  # in the block


def block_scenario(changes: dict | None = None):
    """The closed-form scenario (24/7, one tier) with a block-hours option beside the shop."""
    block = {
        "kind": "block_hours",
        "rates": {"remote": RATE, "onsite": RATE},
        "service_hours": {"days": 7, "open": 0, "close": 24},
        "response_hours": {"default": 1},
        "block": {"hours_per_year": HOURS, "price_per_year": PRICE, "rollover": False},
    }
    return closed_form({"options.block": block, **(changes or {})})


# -- one year: the FFT of the compound distribution -------------------------------------------


def _lattice_pmf(cdf, step: float, size: int, upward: bool) -> np.ndarray:
    """The pmf of ``Y`` rounded down (or up) to the lattice ``k * step``, k < size."""
    edges = cdf(step * np.arange(size + 1))
    mass = np.diff(edges)  # P(k step < Y <= (k + 1) step)
    pmf = np.zeros(size)
    if upward:
        pmf[1:] = mass[:-1]  # to (k + 1) step
        pmf[0] = edges[0]
    else:
        pmf[:] = mass
        pmf[0] += edges[0]
    return pmf


def _expected_overflow(rate: float, cdf, hours: float, step: float, size: int, upward: bool):
    """``E[max(S - hours, 0)]`` for S compound Poisson(rate) of ``Y`` on the lattice, by FFT:
    the transform of S's pmf is ``exp(rate (phi_Y - 1))``."""
    phi = np.fft.rfft(_lattice_pmf(cdf, step, size, upward))
    pmf_s = np.fft.irfft(np.exp(rate * (phi - 1.0)), n=size)
    s = step * np.arange(size)
    return float(np.sum(pmf_s * np.maximum(s - hours, 0.0)))


def test_one_years_spend_matches_the_fft_of_the_compound_distribution():
    """Billable hours ``Y = max(H, 0.5)``, H lognormal (median 1, p90 3), 20 incidents a year
    on average, all remote: IT spend is the block's price plus the rate times the expected
    hours beyond the block. The FFT reference with every Y rounded down to the lattice
    (0.002 h) is a lower bound, rounded up an upper one (the overflow grows with S); the
    lattice spans 524 hours, where P(S > 524) is below 1e-100, so nothing wraps around. The
    estimate must lie within 4 standard errors of the bracket."""
    lam, minimum = 20.0, 0.5
    fix = Spec.model_validate({"median": 1.0, "p90": 3.0})
    scenario = block_scenario(
        {
            "incidents.only.rate_per_year": lam,
            "incidents.only.fix_hours": {"median": 1.0, "p90": 3.0},
            "options.block.minimum_hours": {"remote": minimum, "onsite": minimum},
        }
    )
    lognormal = stats.lognorm(s=fix.sigma, scale=math.exp(fix.mu))

    def cdf(y):
        return np.where(y < minimum, 0.0, lognormal.cdf(y))

    step, size = 0.002, 2**18
    low = _expected_overflow(lam, cdf, HOURS, step, size, upward=False)
    high = _expected_overflow(lam, cdf, HOURS, step, size, upward=True)
    assert 0 < low < high < low + 0.05  # the bracket is tight: 0.05 h is $5

    trials = 200_000
    spend = simulate(scenario, trials=trials, seed=11).column("block", "it_spend")
    se = float(spend.std(ddof=1)) / math.sqrt(trials)
    mean = float(spend.mean())
    expected_low, expected_high = PRICE + RATE * low, PRICE + RATE * high
    nearest = min(max(mean, expected_low), expected_high)
    assert_within_se(mean, nearest, se)
    assert se < 5  # the test can tell an error of a few dollars


# -- two years with rollover: the carry rule, exactly and in expectation ----------------------


def _two_year_expected_overflow(
    lam: float, h: float, hours: float, rollover: bool, g: float = 1.0
) -> float:
    """``E[over_1 + g over_2]`` for counts K_1, K_2 ~ Poisson(lam), constant billable hours h:
    ``over_1 = max(h K_1 - hours, 0)``, ``over_2 = max(h K_2 - hours - carry, 0)`` with
    ``carry = max(hours - h K_1, 0)`` under rollover (else 0). Summed to k = 200, where the
    Poisson tail is below 1e-100."""
    k = np.arange(201)
    p = stats.poisson(lam).pmf(k)
    used = h * k
    first = float(np.sum(p * np.maximum(used - hours, 0.0)))
    carry = np.maximum(hours - used, 0.0) if rollover else np.zeros_like(used)
    second = float(
        np.sum(p[:, None] * p[None, :] * np.maximum(used[None, :] - hours - carry[:, None], 0.0))
    )
    return first + g * second


@pytest.mark.parametrize("rollover", [False, True])
def test_two_years_follow_the_carry_rule_trial_by_trial_and_in_expectation(rollover):
    """Constant repairs of 0.75 h (sums of them are exact in binary), 20 incidents a year,
    a 15-hour block, prices 5% higher in year 2 (g = 1, 1.05): every trial's two-year IT spend
    is ``(1 + g) price + rate (over_1 + g over_2)`` from its own yearly hours, to rounding;
    its mean matches the closed form within 4 SE."""
    lam, h, g = 20.0, 0.75, 1.05
    scenario = block_scenario(
        {
            "incidents.only.rate_per_year": lam,
            "incidents.only.fix_hours": h,
            "options.block.block.rollover": rollover,
            "horizon": {"years": 2, "price_escalation": g - 1, "discount_rate": 0.0},
        }
    )
    assert scenario.horizon.year_factors() == pytest.approx([1.0, g], rel=1e-15)
    trials = 100_000
    result = simulate(scenario, trials=trials, seed=5)
    yearly = result.quantities["block"]["year.hours_remote"]
    assert yearly.shape == (trials, 2)
    counts = yearly / h
    np.testing.assert_array_equal(counts, np.round(counts))  # whole incidents, exactly
    assert float(counts.sum()) == float(result.column("block", "incidents").sum())

    over_1 = np.maximum(yearly[:, 0] - HOURS, 0.0)
    carry = np.maximum(HOURS - yearly[:, 0], 0.0) if rollover else 0.0
    over_2 = np.maximum(yearly[:, 1] - HOURS - carry, 0.0)
    spend = result.column("block", "it_spend")
    np.testing.assert_allclose(spend, (1 + g) * PRICE + RATE * (over_1 + g * over_2), rtol=1e-12)

    expected = (1 + g) * PRICE + RATE * _two_year_expected_overflow(lam, h, HOURS, rollover, g)
    se = float(spend.std(ddof=1)) / math.sqrt(trials)
    assert_within_se(float(spend.mean()), expected, se)


def test_rollover_saves_exactly_the_carried_hours_used():
    """On the same draws, rollover saves the rate times the carried hours that the second
    year uses beyond its own block, trial by trial (remote work at one rate)."""
    years = {"horizon": {"years": 2, "price_escalation": 0.0, "discount_rate": 0.0}}
    expire = simulate(block_scenario(years), trials=20_000, seed=2)
    keep = expire.reprice(block_scenario({**years, "options.block.block.rollover": True}))
    saved = expire.column("block", "it_spend") - keep.column("block", "it_spend")
    used = expire.quantities["block"]["year.hours_remote"]
    carried = np.maximum(HOURS - used[:, 0], 0.0)
    needed = np.maximum(used[:, 1] - HOURS, 0.0)
    np.testing.assert_allclose(saved, RATE * np.minimum(carried, needed), rtol=1e-9, atol=1e-9)
    assert saved.max() > 0
    np.testing.assert_array_equal(
        expire.column("shop", "it_spend"), keep.column("shop", "it_spend")
    )


# -- repricing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"options.block.block.hours_per_year": 40},
        {"options.block.block.price_per_year": 3_000},
        {"options.block.block.rollover": True},
        {"options.block.rates.remote": 150},
        {"options.block.block.hours_per_year": 0, "options.block.block.price_per_year": 0},
    ],
)
def test_a_block_is_repriced_with_a_fresh_simulations_figures(changes):
    base = block_scenario(
        {
            "horizon": {"years": 3, "price_escalation": 0.04, "discount_rate": 0.05},
            "incidents.only.onsite_share": 0.3,
            "options.block.emergency": {"tiers": ["only"], "multiplier": 1.5},
            "options.block.service_hours": {"days": 5, "open": 8, "close": 18},
        }
    )
    assert_repriced_as_fresh(base, changes, trials=5_000, seed=9)


def test_an_empty_block_is_the_same_shop_paid_as_it_goes():
    """No hours and no price: every hour is billed at the rates, as the shop bills them."""
    scenario = block_scenario(
        {
            "options.block.block.hours_per_year": 0,
            "options.block.block.price_per_year": 0,
            "options.block.response_hours": {"default": 3},  # the shop's own
            "incidents.only.onsite_share": 0.4,
        }
    )
    result = simulate(scenario, trials=10_000, seed=4)
    for quantity in ("it_spend", "downtime", "total"):
        np.testing.assert_allclose(
            result.column("block", quantity), result.column("shop", quantity), rtol=1e-12
        )


def test_the_months_add_up_to_the_year():
    """Budget risk: the block's price a twelfth each month, and its overflow spread over the
    year's months in proportion to their labour; twelve months make the year's IT spend."""
    scenario = block_scenario(
        {
            "horizon": {"years": 2, "price_escalation": 0.03, "discount_rate": 0.0},
            "incidents.only.onsite_share": 0.3,
            "options.block.block.rollover": True,
        }
    )
    result = simulate(scenario, trials=5_000, seed=6, monthly=True)
    months = result.monthly["block"]
    assert months.shape == (5_000, 24)
    assert float(months.min()) >= PRICE / 12 - 1e-9  # never below a month of the block
    np.testing.assert_allclose(
        months.sum(axis=1), result.column("block", "it_spend"), rtol=1e-12, atol=1e-9
    )


def test_the_months_after_the_block_runs_out_carry_its_overflow():
    """Remote work at one rate: with an empty block, each month's spend beyond the block's
    twelfth is the rate times that month's hours. With a 15-hour block the same draws
    (same seed) are billed from the month the hours run out: the rate times the hours of
    the month beyond 15 in the year so far, exactly, month by month."""
    changes = {"incidents.only.rate_per_year": 30, "incidents.only.fix_hours": 0.75}
    empty = block_scenario(
        {**changes, "options.block.block": {"hours_per_year": 0, "price_per_year": 0}}
    )
    hours = simulate(empty, trials=5_000, seed=7, monthly=True).monthly["block"] / RATE
    months = simulate(block_scenario(changes), trials=5_000, seed=7, monthly=True).monthly
    so_far = np.cumsum(hours, axis=1)
    beyond = np.maximum(so_far - HOURS, 0.0)
    expected = PRICE / 12 + RATE * np.diff(beyond, axis=1, prepend=0.0)
    np.testing.assert_allclose(months["block"], expected, rtol=1e-12, atol=1e-9)
    assert (beyond[:, -1] > 0).mean() > 0.9 and (beyond[:, 0] == 0).mean() > 0.9


def test_after_hours_work_uses_its_multiplier_of_block_hours():
    """Emergency work outside service hours: every trial's spend follows the rule computed
    here from the engine's yearly hours, with an after-hours hour using 1.5 block hours and
    billed at 1.5 x the rate beyond the block (remote and on site at one rate)."""
    multiplier = 1.5
    scenario = block_scenario(
        {
            "incidents.only.rate_per_year": 30,
            "incidents.only.onsite_share": 0.3,
            "options.block.emergency": {"tiers": ["only"], "multiplier": multiplier},
            "options.block.service_hours": {"days": 5, "open": 9, "close": 17},
        }
    )
    result = simulate(scenario, trials=20_000, seed=13)
    q = result.quantities["block"]
    normal = q["year.hours_remote"][:, 0] + q["year.hours_onsite"][:, 0]
    after = q["year.hours_remote_after"][:, 0] + q["year.hours_onsite_after"][:, 0]
    assert after.mean() > 0.5 * normal.mean()  # nights and weekends: a real share
    used = normal + multiplier * after
    over = np.maximum(used - HOURS, 0.0)
    share = np.divide(over, used, out=np.zeros_like(over), where=used > 0)
    labour = RATE * (normal + multiplier * after) * share
    trips = 0.0  # the closed-form shop charges no trip fee
    np.testing.assert_allclose(
        result.column("block", "it_spend"), PRICE + labour + trips, rtol=1e-12
    )
