"""Statistical tests of the engine against closed forms.

Every test uses a fixed seed and accepts an estimate within Z_TOLERANCE (4) standard errors of
its closed-form value, the standard error itself derived from the closed-form variance (or, where
that is not tractable, from the sample). Exact identities are checked exactly.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from analysis import simulate
from tests.helpers import assert_within_se, closed_form, sample_variance_se

N = 200_000


def lognormal_moment(median: float, p90: float, power: int) -> float:
    """E[X^power] for a lognormal with this median and 90th percentile."""
    mu = math.log(median)
    sigma = math.log(p90 / median) / stats.norm.ppf(0.9)
    return math.exp(power * mu + (power * sigma) ** 2 / 2)


@pytest.mark.parametrize("rate", [0.7, 12.0])
def test_poisson_counts_have_mean_and_variance_rate(rate):
    result = simulate(closed_form({"incidents.only.rate_per_year": rate}), trials=N, seed=11)
    counts = result.columns["break_fix_incidents"]
    assert_within_se(counts.mean(), rate, math.sqrt(rate / N))
    # Poisson cumulants are all equal to the rate.
    assert_within_se(counts.var(ddof=1), rate, sample_variance_se(rate, rate, N))


def test_negative_binomial_counts_have_variance_rate_plus_k_rate_squared():
    rate, k = 6.0, 0.4
    scenario = closed_form({"incidents.only.rate_per_year": rate, "incidents.only.dispersion": k})
    counts = simulate(scenario, trials=N, seed=12).columns["break_fix_incidents"]
    # Gamma(shape 1/k, scale k*rate) mixed Poisson: cumulants with theta = k * rate.
    theta = k * rate
    kappa2 = rate * (1 + theta)
    kappa4 = rate * (1 + theta) * (1 + 6 * theta + 6 * theta**2)
    assert kappa2 == pytest.approx(rate + k * rate**2)
    assert_within_se(counts.mean(), rate, math.sqrt(kappa2 / N))
    assert_within_se(counts.var(ddof=1), kappa2, sample_variance_se(kappa2, kappa4, N))


def test_compound_poisson_bill_mean_and_variance():
    """Break-fix support = sum over a Poisson number of bills X = rate * H + callout."""
    rate, hourly, callout, median, p90 = 4.0, 120.0, 60.0, 1.5, 3.0
    scenario = closed_form(
        {
            "incidents.only.rate_per_year": rate,
            "incidents.only.fix_hours": {"median": median, "p90": p90},
            "break_fix.hourly_rate": hourly,
            "break_fix.callout_fee": callout,
        }
    )
    support = simulate(scenario, trials=N, seed=13).columns["break_fix_support"]
    h = [1.0] + [lognormal_moment(median, p90, j) for j in (1, 2, 3, 4)]
    # E[X^j] by the binomial expansion of (hourly * H + callout)^j.
    x = [sum(math.comb(j, i) * hourly**i * h[i] * callout ** (j - i) for i in range(j + 1))
         for j in range(5)]  # fmt: skip
    # Compound Poisson cumulants: kappa_j = rate * E[X^j].
    kappa2, kappa4 = rate * x[2], rate * x[4]
    assert_within_se(support.mean(), rate * x[1], math.sqrt(kappa2 / N))
    assert_within_se(support.var(ddof=1), kappa2, sample_variance_se(kappa2, kappa4, N))


def test_compound_negative_binomial_mean():
    rate, k = 5.0, 1.5
    scenario = closed_form({"incidents.only.rate_per_year": rate, "incidents.only.dispersion": k})
    support = simulate(scenario, trials=N, seed=14).columns["break_fix_support"]
    bill = 100.0 * 2  # hourly_rate * constant fix_hours, no callout
    variance = rate * bill**2 + k * rate**2 * bill**2
    assert_within_se(support.mean(), rate * bill, math.sqrt(variance / N))


@pytest.mark.parametrize("rate", [0.5, 8.0])  # 0.5: many trials without any incident
def test_managed_incidents_are_a_thinning_of_break_fix_incidents(rate):
    reduction = 0.35
    scenario = closed_form(
        {"incidents.only.rate_per_year": rate, "managed.incident_reduction.only": reduction}
    )
    result = simulate(scenario, trials=N, seed=15)
    managed = result.columns["managed_incidents"]
    assert np.all(managed <= result.columns["break_fix_incidents"])
    thinned = rate * (1 - reduction)  # a thinned Poisson process is Poisson
    assert_within_se(managed.mean(), thinned, math.sqrt(thinned / N))
    assert_within_se(managed.var(ddof=1), thinned, sample_variance_se(thinned, thinned, N))


def test_minimum_hours_and_after_hours_billing_rule():
    rate, hourly, minimum, share, multiplier = 3.0, 150.0, 1.0, 0.25, 1.75
    median, p90 = 1.2, 4.0
    scenario = closed_form(
        {
            "incidents.only.rate_per_year": rate,
            "incidents.only.fix_hours": {"median": median, "p90": p90},
            "break_fix.hourly_rate": hourly,
            "break_fix.minimum_hours": minimum,
            "break_fix.after_hours_share": share,
            "break_fix.after_hours_multiplier": multiplier,
        }
    )
    support = simulate(scenario, trials=N, seed=16).columns["break_fix_support"]
    mu, sigma = math.log(median), math.log(p90 / median) / stats.norm.ppf(0.9)
    # E[max(H, m)] for lognormal H: m * P(H < m) + E[H; H >= m].
    a = (math.log(minimum) - mu) / sigma
    billed_hours = minimum * stats.norm.cdf(a) + math.exp(mu + sigma**2 / 2) * stats.norm.sf(
        a - sigma
    )
    expected = rate * hourly * billed_hours * (1 + share * (multiplier - 1))
    assert_within_se(support.mean(), expected, support.std(ddof=1) / math.sqrt(N))


def test_minimum_hours_and_after_hours_exactly_for_constant_repairs():
    scenario = closed_form(
        {
            "incidents.only.fix_hours": 0.4,
            "break_fix.minimum_hours": 1.0,
            "break_fix.callout_fee": 50,
            "break_fix.after_hours_share": 1.0,
            "break_fix.after_hours_multiplier": 2.0,
        }
    )
    result = simulate(scenario, trials=5_000, seed=17)
    per_incident = 100 * 1.0 * 2.0 + 50  # rate * max(0.4, 1) * multiplier + callout
    np.testing.assert_allclose(
        result.columns["break_fix_support"],
        per_incident * result.columns["break_fix_incidents"],
        rtol=1e-6,
    )


def test_downtime_cost_is_hours_times_impact_rate():
    employees, share_users, wage, loss, revenue, revenue_share = 12, 0.4, 40.0, 0.5, 200.0, 0.3
    scenario = closed_form(
        {
            "organisation.employees": employees,
            "incidents.only.users_affected": share_users,
            "incidents.only.revenue_impact": revenue_share,
        }
    )
    impact_rate = employees * share_users * wage * loss + revenue * revenue_share
    result = simulate(scenario, trials=20_000, seed=18)
    for model in ("break_fix", "managed"):
        hours = result.columns[f"{model}_downtime_hours"]
        np.testing.assert_allclose(
            result.columns[f"{model}_downtime"], impact_rate * hours, rtol=1e-6
        )
    # Constant waits and repairs: hours per incident are wait + repair (managed: factor 1).
    np.testing.assert_allclose(
        result.columns["break_fix_downtime_hours"], 5.0 * result.columns["break_fix_incidents"],
        rtol=1e-6,
    )  # fmt: skip


def test_downtime_hours_with_lognormal_waits():
    rate, factor = 6.0, 0.7
    scenario = closed_form(
        {
            "incidents.only.rate_per_year": rate,
            "incidents.only.fix_hours": {"median": 2, "p90": 5},
            "break_fix.response_hours": {"median": 6, "p90": 24},
            "managed.response_hours": {"median": 1, "p90": 4},
            "managed.fix_time_factor": factor,
        }
    )
    result = simulate(scenario, trials=N, seed=19)
    repair = lognormal_moment(2, 5, 1)
    expected = {
        "break_fix": rate * (lognormal_moment(6, 24, 1) + repair),
        "managed": rate * (lognormal_moment(1, 4, 1) + factor * repair),
    }
    for model, mean in expected.items():
        hours = result.columns[f"{model}_downtime_hours"]
        assert_within_se(hours.mean(), mean, hours.std(ddof=1) / math.sqrt(N))


def test_managed_support_is_fees_plus_out_of_scope_plus_parts():
    rate, reduction, share, oos_rate, factor, probability = 10.0, 0.3, 0.2, 90.0, 0.8, 0.1
    scenario = closed_form(
        {
            "incidents.only.rate_per_year": rate,
            "incidents.only.fix_hours": {"median": 2, "p90": 5},
            "managed.per_user_monthly": 100,
            "managed.per_device_monthly": 10,
            "managed.onboarding_fee": 1000,
            "managed.incident_reduction.only": reduction,
            "managed.fix_time_factor": factor,
            "managed.out_of_scope_share": share,
            "managed.out_of_scope_rate": oos_rate,
            "parts": {"probability": probability, "cost": {"median": 200, "p90": 600}},
        }
    )
    support = simulate(scenario, trials=N, seed=20).columns["managed_support"]
    fees = 12 * (100 * 10 + 10 * 10) + 1000  # devices default to employees
    survivors = rate * (1 - reduction)
    expected = (
        fees
        + survivors * share * oos_rate * factor * lognormal_moment(2, 5, 1)
        + survivors * probability * lognormal_moment(200, 600, 1)
    )
    assert_within_se(support.mean(), expected, support.std(ddof=1) / math.sqrt(N))


def test_parts_cost_the_same_under_both_models():
    rate, probability = 7.0, 0.2
    scenario = closed_form(
        {
            "incidents.only.rate_per_year": rate,
            "break_fix.hourly_rate": 0,
            "parts": {"probability": probability, "cost": {"median": 300, "p90": 900}},
        }
    )
    result = simulate(scenario, trials=N, seed=21)
    # No prevention and no fees: both models pay exactly the same parts.
    np.testing.assert_array_equal(result.columns["break_fix_support"],
                                  result.columns["managed_support"])  # fmt: skip
    support = result.columns["break_fix_support"]
    # Compound Poisson with thinned rate: variance = rate * p * E[cost^2].
    mean = rate * probability * lognormal_moment(300, 900, 1)
    variance = rate * probability * lognormal_moment(300, 900, 2)
    assert_within_se(support.mean(), mean, math.sqrt(variance / N))


@pytest.mark.parametrize(("break_fix_rate", "managed_rate"), [(0.3, 0.1), (0.1, 0.3)])
def test_security_losses_share_events_between_models(break_fix_rate, managed_rate):
    scenario = closed_form(
        {
            "incidents.only.rate_per_year": 0,
            "security": {
                "rate_per_year": {"break_fix": break_fix_rate, "managed": managed_rate},
                "loss": {"median": 10_000, "p90": 40_000},
            },
        }
    )
    result = simulate(scenario, trials=N, seed=22)
    second_moment = lognormal_moment(10_000, 40_000, 2)
    for model, rate in (("break_fix", break_fix_rate), ("managed", managed_rate)):
        losses = result.columns[f"{model}_security"]
        expected = rate * lognormal_moment(10_000, 40_000, 1)
        assert_within_se(losses.mean(), expected, math.sqrt(rate * second_moment / N))
    # Common random numbers: the lower-rate model sees a subset of the other's events.
    low, high = sorted(("break_fix", "managed"), key={"break_fix": break_fix_rate,
                                                      "managed": managed_rate}.get)  # fmt: skip
    assert np.all(result.columns[f"{low}_security"] <= result.columns[f"{high}_security"])


def test_multi_year_factor_applies_to_every_amount():
    escalation, discount, years = 0.05, 0.08, 4
    scenario = closed_form(
        {
            "incidents.only.rate_per_year": 0,
            "managed.per_user_monthly": 100,
            "managed.onboarding_fee": 2_000,
            "horizon": {"years": years, "price_escalation": escalation, "discount_rate": discount},
        }
    )
    factors = [((1 + escalation) / (1 + discount)) ** (year - 1) for year in range(1, years + 1)]
    fees = 12 * 100 * 10
    result = simulate(scenario, trials=1_000, seed=23)
    np.testing.assert_allclose(
        result.columns["managed_support"], fees * sum(factors) + 2_000, rtol=1e-12
    )
    # Random amounts too: each year's expected bill times g_y, summed over the horizon.
    scenario = scenario.with_overrides({"incidents.only.rate_per_year": 3})
    support = simulate(scenario, trials=N, seed=24).columns["break_fix_support"]
    bill = 100 * 2.0
    # Years are independent: variance = sum over years of g_y^2 * rate * bill^2.
    standard_error = math.sqrt(sum(g**2 for g in factors) * 3 * bill**2 / N)
    assert_within_se(support.mean(), 3 * bill * sum(factors), standard_error)
    incidents = simulate(scenario, trials=N, seed=24).columns["break_fix_incidents"]
    assert_within_se(incidents.mean(), 3 * years, math.sqrt(3 * years / N))


def test_totals_and_savings_are_sums_of_their_parts():
    from analysis import load_scenario

    result = simulate(load_scenario("small-office"), trials=20_000, seed=25)
    columns = result.columns
    for model in ("break_fix", "managed"):
        parts = sum(columns[f"{model}_{part}"] for part in ("support", "downtime", "security"))
        np.testing.assert_allclose(columns[f"{model}_total"], parts, rtol=1e-12)
    np.testing.assert_allclose(
        columns["savings"], columns["break_fix_total"] - columns["managed_total"], rtol=1e-12
    )


def test_identical_models_cost_the_same_on_common_random_numbers():
    """With the same response, fix-time factor 1, no prevention and no fees, downtime is equal."""
    scenario = closed_form(
        {
            "incidents.only.fix_hours": {"median": 2, "p90": 5},
            "break_fix.response_hours": {"median": 3, "p90": 9},
            "managed.response_hours": {"median": 3, "p90": 9},
        }
    )
    result = simulate(scenario, trials=20_000, seed=26)
    np.testing.assert_array_equal(
        result.columns["break_fix_downtime"], result.columns["managed_downtime"]
    )


def test_changing_a_fee_leaves_every_draw_unchanged():
    """Common random numbers across scenarios: only counts-changing inputs move the draws."""
    base = closed_form({"incidents.only.fix_hours": {"median": 2, "p90": 5}})
    dearer = base.with_overrides({"break_fix.hourly_rate": 130, "managed.response_hours": 2})
    one = simulate(base, trials=10_000, seed=27)
    two = simulate(dearer, trials=10_000, seed=27)
    np.testing.assert_allclose(
        two.columns["break_fix_support"], 1.3 * one.columns["break_fix_support"], rtol=1e-6
    )
    np.testing.assert_array_equal(
        one.columns["break_fix_downtime_hours"], two.columns["break_fix_downtime_hours"]
    )


@pytest.mark.parametrize("trials", [0, -5, 2.5, True])
def test_bad_trials_are_rejected(trials):
    with pytest.raises(ValueError, match="trials"):
        simulate(closed_form(), trials=trials)


@pytest.mark.parametrize("seed", [-1, 1.5])
def test_bad_seeds_are_rejected(seed):
    with pytest.raises(ValueError, match="seed"):
        simulate(closed_form(), trials=10, seed=seed)


def test_compound_negative_binomial_mean_and_variance():
    """Bills X = hourly * H + callout over a negative-binomial count (Gamma-mixed Poisson)."""
    rate, k, hourly, callout, median, p90 = 3.0, 0.6, 110.0, 40.0, 1.5, 3.0
    scenario = closed_form(
        {
            "incidents.only.rate_per_year": rate,
            "incidents.only.dispersion": k,
            "incidents.only.fix_hours": {"median": median, "p90": p90},
            "break_fix.hourly_rate": hourly,
            "break_fix.callout_fee": callout,
        }
    )
    support = simulate(scenario, trials=N, seed=31).columns["break_fix_support"]
    h = [1.0] + [lognormal_moment(median, p90, j) for j in (1, 2, 3, 4)]
    m = [sum(math.comb(j, i) * hourly**i * h[i] * callout ** (j - i) for i in range(j + 1))
         for j in range(5)]  # fmt: skip
    # Cumulants of S = sum of N bills, N ~ NB(shape r = 1/k, scale theta = k * rate), from
    # K_S(t) = -r log(1 - theta (M_X(t) - 1)) by Faa di Bruno; r * theta = rate.
    theta = k * rate
    kappa2 = rate * m[2] + rate * theta * m[1] ** 2
    kappa4 = rate * (m[4] + theta * (4 * m[1] * m[3] + 3 * m[2] ** 2)
                     + 12 * theta**2 * m[1] ** 2 * m[2] + 6 * theta**3 * m[1] ** 4)  # fmt: skip
    assert kappa2 == pytest.approx(rate * m[2] + k * rate**2 * m[1] ** 2)
    assert_within_se(support.mean(), rate * m[1], math.sqrt(kappa2 / N))
    assert_within_se(support.var(ddof=1), kappa2, sample_variance_se(kappa2, kappa4, N))


def test_counts_are_independent_across_years_and_tiers():
    """Over Y years, counts add up: variance Y * (rate_a + rate_b + k * rate_b^2)."""
    years, rate_a, rate_b, k = 4, 2.0, 3.0, 0.5
    scenario = closed_form(
        {
            "incidents": {
                "a": {"rate_per_year": rate_a, "users_affected": 0.1, "revenue_impact": 0,
                      "fix_hours": 1},
                "b": {"rate_per_year": rate_b, "dispersion": k, "users_affected": 0.1,
                      "revenue_impact": 0, "fix_hours": 1},
            },
            "horizon.years": years,
        }
    )  # fmt: skip
    counts = simulate(scenario, trials=N, seed=32).columns["break_fix_incidents"]
    theta = k * rate_b
    kappa2 = years * (rate_a + rate_b * (1 + theta))
    kappa4 = years * (rate_a + rate_b * (1 + theta) * (1 + 6 * theta + 6 * theta**2))
    assert_within_se(counts.mean(), years * (rate_a + rate_b), math.sqrt(kappa2 / N))
    assert_within_se(counts.var(ddof=1), kappa2, sample_variance_se(kappa2, kappa4, N))


def expected_means(scenario) -> dict[str, float]:
    """Closed-form mean of every per-trial column, written out from DESIGN's model."""
    org, bf, ms = scenario.organisation, scenario.break_fix, scenario.managed
    horizon = scenario.horizon
    growth = (1 + horizon.price_escalation) / (1 + horizon.discount_rate)
    money_years = sum(growth**year for year in range(horizon.years))

    def mean(spec) -> float:
        mu, sigma = math.log(spec.median), math.log(spec.p90 / spec.median) / 1.2815515655446004
        return math.exp(mu + sigma**2 / 2)

    def mean_billed_hours(spec) -> float:  # E[max(H, minimum)]
        mu, sigma = math.log(spec.median), math.log(spec.p90 / spec.median) / 1.2815515655446004
        m = bf.minimum_hours
        if sigma == 0:
            return max(spec.median, m)
        if m == 0:
            return mean(spec)
        a = (math.log(m) - mu) / sigma
        return m * stats.norm.cdf(a) + math.exp(mu + sigma**2 / 2) * stats.norm.sf(a - sigma)

    parts = scenario.parts.probability * mean(scenario.parts.cost) if scenario.parts else 0.0
    after_hours = 1 + bf.after_hours_share * (bf.after_hours_multiplier - 1)
    per_year = dict.fromkeys(
        ["bf_support", "bf_hours", "bf_downtime", "ms_support", "ms_hours", "ms_downtime",
         "bf_count", "ms_count"], 0.0,
    )  # fmt: skip
    for name, tier in scenario.incidents.items():
        rate, kept = tier.rate_per_year, 1 - ms.incident_reduction.get(name, 0)
        impact = (org.employees * tier.users_affected * org.loaded_hourly_cost
                  * org.productivity_loss + org.revenue_per_hour * tier.revenue_impact)  # fmt: skip
        repair = mean(tier.fix_hours)
        bill = bf.hourly_rate * mean_billed_hours(tier.fix_hours) * after_hours
        per_year["bf_support"] += rate * (bill + bf.callout_fee + parts)
        per_year["bf_hours"] += rate * (mean(bf.response_hours) + repair)
        per_year["bf_downtime"] += impact * rate * (mean(bf.response_hours) + repair)
        ms_hours = rate * kept * (mean(ms.response_hours) + ms.fix_time_factor * repair)
        per_year["ms_hours"] += ms_hours
        per_year["ms_downtime"] += impact * ms_hours
        out_of_scope = ms.out_of_scope_share * ms.out_of_scope_rate * ms.fix_time_factor * repair
        per_year["ms_support"] += rate * kept * (out_of_scope + parts)
        per_year["bf_count"] += rate
        per_year["ms_count"] += rate * kept
    fees = 12 * (ms.per_user_monthly * org.employees + ms.per_device_monthly * org.devices)
    security = scenario.security
    loss = mean(security.loss) if security else 0.0
    means = {
        "break_fix_support": per_year["bf_support"] * money_years,
        "break_fix_downtime": per_year["bf_downtime"] * money_years,
        "break_fix_security": (security.rate_per_year.break_fix * loss if security else 0)
        * money_years,
        "break_fix_incidents": per_year["bf_count"] * horizon.years,
        "break_fix_downtime_hours": per_year["bf_hours"] * horizon.years,
        "managed_support": (per_year["ms_support"] + fees) * money_years + ms.onboarding_fee,
        "managed_downtime": per_year["ms_downtime"] * money_years,
        "managed_security": (security.rate_per_year.managed * loss if security else 0)
        * money_years,
        "managed_incidents": per_year["ms_count"] * horizon.years,
        "managed_downtime_hours": per_year["ms_hours"] * horizon.years,
    }
    for model in ("break_fix", "managed"):
        means[f"{model}_total"] = sum(means[f"{model}_{q}"] for q in ("support", "downtime",
                                                                      "security"))  # fmt: skip
    means["savings"] = means["break_fix_total"] - means["managed_total"]
    return means


def test_every_column_matches_its_closed_form_on_a_full_scenario():
    """Three tiers with their own rates, repairs, impacts and prevention; three years of
    escalation and discounting; every billing rule, parts and security at once."""
    from analysis import load_scenario

    scenario = load_scenario("small-office").with_overrides(
        {
            "incidents.critical.rate_per_year": 2.0,
            "incidents.major.dispersion": 0.3,
            "incidents.minor.rate_per_year": 8.0,
            "organisation.devices": 17,
            "break_fix.minimum_hours": 1.0,
            "break_fix.response_hours": {"median": 6, "p90": 30},  # another spread than managed
            "managed.per_device_monthly": 7,
            "managed.out_of_scope_share": 0.25,
            "managed.fix_time_factor": 0.7,
            "security.rate_per_year": {"break_fix": 0.3, "managed": 0.1},
            "horizon": {"years": 3, "price_escalation": 0.05, "discount_rate": 0.08},
        }
    )
    result = simulate(scenario, trials=N, seed=33)
    for column, expected in expected_means(scenario).items():
        values = result.columns[column]
        standard_error = values.std(ddof=1) / math.sqrt(N)
        if standard_error == 0:  # a constant column: exact
            assert values.mean() == pytest.approx(expected, rel=1e-9), column
        else:
            assert_within_se(values.mean(), expected, standard_error)


@pytest.mark.parametrize("threads", [0, -1, 1.5])
def test_bad_thread_counts_are_rejected(threads):
    with pytest.raises(ValueError, match="threads"):
        simulate(closed_form(), trials=10, threads=threads)
