"""Statistical tests of the engine against closed forms, on scenarios written here (format 2).

Every test uses a fixed seed and accepts an estimate within Z_TOLERANCE (4) standard errors of
its closed-form value, the standard error itself derived from the closed-form variance (or, where
that is not tractable, from the sample). Exact identities are checked exactly. The scenarios run
round the clock (tests.helpers.CLOSED_FORM), so that an incident's lost hours are its wait plus
its repair; calendars have their own exact tests (test_calendar.py, test_exact.py).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from analysis import simulate
from tests.helpers import ALWAYS, assert_within_se, closed_form, sample_variance_se

N = 200_000


def lognormal_moment(median: float, p90: float, power: int) -> float:
    """E[X^power] for a lognormal with this median and 90th percentile."""
    mu = math.log(median)
    sigma = math.log(p90 / median) / stats.norm.ppf(0.9)
    return math.exp(power * mu + (power * sigma) ** 2 / 2)


def mean_at_least(median: float, p90: float, minimum: float) -> float:
    """E[max(H, minimum)] for a lognormal H: m P(H < m) + E[H; H >= m]."""
    mu, sigma = math.log(median), math.log(p90 / median) / stats.norm.ppf(0.9)
    if sigma == 0:
        return max(median, minimum)
    if minimum == 0:
        return math.exp(mu + sigma**2 / 2)
    a = (math.log(minimum) - mu) / sigma
    return minimum * stats.norm.cdf(a) + math.exp(mu + sigma**2 / 2) * stats.norm.sf(a - sigma)


@pytest.mark.parametrize("rate", [0.7, 12.0])
def test_poisson_counts_have_mean_and_variance_rate(rate):
    result = simulate(closed_form({"incidents.only.rate_per_year": rate}), trials=N, seed=11)
    counts = result.column("shop", "incidents")
    assert_within_se(counts.mean(), rate, math.sqrt(rate / N))
    # Poisson cumulants are all equal to the rate.
    assert_within_se(counts.var(ddof=1), rate, sample_variance_se(rate, rate, N))
    # With no prevention, every option sees the same incidents.
    np.testing.assert_array_equal(counts, result.column("msp", "incidents"))


def test_per_user_rates_scale_the_incident_counts():
    per_user, staff = 0.3, 40
    scenario = closed_form({"incidents.only.rate_per_year": None,
                            "incidents.only.rate_per_user_per_year": per_user,
                            "organisation.employees": staff})  # fmt: skip
    counts = simulate(scenario, trials=N, seed=10).column("shop", "incidents")
    rate = per_user * staff
    assert_within_se(counts.mean(), rate, math.sqrt(rate / N))
    assert_within_se(counts.var(ddof=1), rate, sample_variance_se(rate, rate, N))


def test_negative_binomial_counts_have_variance_rate_plus_k_rate_squared():
    rate, k = 6.0, 0.4
    scenario = closed_form({"incidents.only.rate_per_year": rate, "incidents.only.dispersion": k})
    counts = simulate(scenario, trials=N, seed=12).column("shop", "incidents")
    # Gamma(shape 1/k, scale k*rate) mixed Poisson: cumulants with theta = k * rate.
    theta = k * rate
    kappa2 = rate * (1 + theta)
    kappa4 = rate * (1 + theta) * (1 + 6 * theta + 6 * theta**2)
    assert kappa2 == pytest.approx(rate + k * rate**2)
    assert_within_se(counts.mean(), rate, math.sqrt(kappa2 / N))
    assert_within_se(counts.var(ddof=1), kappa2, sample_variance_se(kappa2, kappa4, N))


def _visits_billed(hourly: float, trip: float) -> dict:
    """Every incident on site, billed by the hour plus a trip fee: X = hourly * H + trip."""
    return {"incidents.only.onsite_share": 1.0, "options.shop.rates.onsite": hourly,
            "options.shop.trip_fee": trip}  # fmt: skip


def test_compound_poisson_it_spend_mean_and_variance():
    """Pay-per-incident IT spend = sum over a Poisson number of bills X = rate * H + trip fee."""
    rate, hourly, trip, median, p90 = 4.0, 120.0, 60.0, 1.5, 3.0
    scenario = closed_form(
        {
            "incidents.only.rate_per_year": rate,
            "incidents.only.fix_hours": {"median": median, "p90": p90},
            **_visits_billed(hourly, trip),
        }
    )
    spend = simulate(scenario, trials=N, seed=13).column("shop", "it_spend")
    h = [1.0] + [lognormal_moment(median, p90, j) for j in (1, 2, 3, 4)]
    # E[X^j] by the binomial expansion of (hourly * H + trip)^j.
    x = [sum(math.comb(j, i) * hourly**i * h[i] * trip ** (j - i) for i in range(j + 1))
         for j in range(5)]  # fmt: skip
    # Compound Poisson cumulants: kappa_j = rate * E[X^j].
    kappa2, kappa4 = rate * x[2], rate * x[4]
    assert_within_se(spend.mean(), rate * x[1], math.sqrt(kappa2 / N))
    assert_within_se(spend.var(ddof=1), kappa2, sample_variance_se(kappa2, kappa4, N))


def test_compound_negative_binomial_mean():
    rate, k = 5.0, 1.5
    scenario = closed_form({"incidents.only.rate_per_year": rate, "incidents.only.dispersion": k})
    spend = simulate(scenario, trials=N, seed=14).column("shop", "it_spend")
    bill = 100.0 * 2  # remote rate * constant fix_hours, no trip
    variance = rate * bill**2 + k * rate**2 * bill**2
    assert_within_se(spend.mean(), rate * bill, math.sqrt(variance / N))


def test_compound_negative_binomial_mean_and_variance():
    """Bills X = hourly * H + trip over a negative-binomial count (Gamma-mixed Poisson)."""
    rate, k, hourly, trip, median, p90 = 3.0, 0.6, 110.0, 40.0, 1.5, 3.0
    scenario = closed_form(
        {
            "incidents.only.rate_per_year": rate,
            "incidents.only.dispersion": k,
            "incidents.only.fix_hours": {"median": median, "p90": p90},
            **_visits_billed(hourly, trip),
        }
    )
    spend = simulate(scenario, trials=N, seed=31).column("shop", "it_spend")
    h = [1.0] + [lognormal_moment(median, p90, j) for j in (1, 2, 3, 4)]
    m = [sum(math.comb(j, i) * hourly**i * h[i] * trip ** (j - i) for i in range(j + 1))
         for j in range(5)]  # fmt: skip
    # Cumulants of S = sum of N bills, N ~ NB(shape r = 1/k, scale theta = k * rate), from
    # K_S(t) = -r log(1 - theta (M_X(t) - 1)) by Faa di Bruno; r * theta = rate.
    theta = k * rate
    kappa2 = rate * m[2] + rate * theta * m[1] ** 2
    kappa4 = rate * (m[4] + theta * (4 * m[1] * m[3] + 3 * m[2] ** 2)
                     + 12 * theta**2 * m[1] ** 2 * m[2] + 6 * theta**3 * m[1] ** 4)  # fmt: skip
    assert kappa2 == pytest.approx(rate * m[2] + k * rate**2 * m[1] ** 2)
    assert_within_se(spend.mean(), rate * m[1], math.sqrt(kappa2 / N))
    assert_within_se(spend.var(ddof=1), kappa2, sample_variance_se(kappa2, kappa4, N))


@pytest.mark.parametrize("rate", [0.5, 8.0])  # 0.5: many trials without any incident
def test_prevention_is_a_thinning_nested_across_options(rate):
    """Three managed options preventing 0.2, 0.35 and 0.6: each keeps a Poisson thinning, and
    one that prevents more keeps a subset of another's incidents, trial by trial."""
    shares = {"msp": 0.35, "light": 0.2, "heavy": 0.6}
    base = closed_form({"incidents.only.rate_per_year": rate})
    msp = base.options["msp"].model_dump(mode="json", exclude_none=True)
    scenario = base.with_overrides(
        {**{f"options.{name}": {**msp, "title": name} for name in ("light", "heavy")},
         **{f"options.{name}.prevention.only": share for name, share in shares.items()}}
    )  # fmt: skip
    result = simulate(scenario, trials=N, seed=15)
    counts = {name: result.column(name, "incidents") for name in ("shop", *shares)}
    assert np.all(counts["heavy"] <= counts["msp"])
    assert np.all(counts["msp"] <= counts["light"])
    assert np.all(counts["light"] <= counts["shop"])
    for name, share in shares.items():
        thinned = rate * (1 - share)  # a thinned Poisson process is Poisson
        assert_within_se(counts[name].mean(), thinned, math.sqrt(thinned / N))
        assert_within_se(counts[name].var(ddof=1), thinned, sample_variance_se(thinned, thinned, N))
    # Downtime hours are thinned with the incidents (each kept incident loses 1 + 2 hours).
    np.testing.assert_array_equal(result.column("heavy", "downtime_hours"), 3.0 * counts["heavy"])


def test_minimum_hours_by_visit_type():
    """Billable hours are max(H, the minimum of the visit type); visits from the onsite share."""
    rate, remote, onsite, share = 3.0, 120.0, 150.0, 0.3
    median, p90, minimum_remote, minimum_onsite = 1.2, 4.0, 0.5, 1.5
    scenario = closed_form(
        {
            "incidents.only.rate_per_year": rate,
            "incidents.only.fix_hours": {"median": median, "p90": p90},
            "incidents.only.onsite_share": share,
            "options.shop.rates": {"remote": remote, "onsite": onsite},
            "options.shop.minimum_hours": {"remote": minimum_remote, "onsite": minimum_onsite},
        }
    )
    spend = simulate(scenario, trials=N, seed=16).column("shop", "it_spend")
    expected = rate * (
        (1 - share) * remote * mean_at_least(median, p90, minimum_remote)
        + share * onsite * mean_at_least(median, p90, minimum_onsite)
    )
    assert_within_se(spend.mean(), expected, spend.std(ddof=1) / math.sqrt(N))


@pytest.mark.parametrize(
    ("fix", "minimum", "increment", "billed"),
    [(0.4, 1.0, 0.25, 1.0), (1.1, 1.0, 0.25, 1.25), (1.1, 0.0, 0.0, 1.1), (0.3, 0.5, 1.0, 1.0),
     (2.0, 0.0, 0.5, 2.0)],
)  # fmt: skip
def test_minimums_increments_and_trip_fees_exactly_for_constant_repairs(
    fix, minimum, increment, billed
):
    scenario = closed_form(
        {
            "incidents.only.fix_hours": fix,
            "incidents.only.onsite_share": 1.0,
            "options.shop.rates.onsite": 90,
            "options.shop.minimum_hours.onsite": minimum,
            "options.shop.increment_hours": increment,
            "options.shop.trip_fee": 50,
        }
    )
    result = simulate(scenario, trials=5_000, seed=17)
    per_incident = 90 * billed + 50  # ceil(max(H, minimum) / increment) * increment hours
    np.testing.assert_allclose(
        result.column("shop", "it_spend"),
        per_incident * result.column("shop", "incidents"),
        rtol=1e-12,
    )
    assert result.quantities["shop"]["visits"].sum() == result.column("shop", "incidents").sum()


def test_downtime_is_lost_hours_times_impact_rate():
    employees, users, blocking, wage, revenue, revenue_share = 12, 0.4, 0.5, 40.0, 200.0, 0.3
    scenario = closed_form(
        {
            "organisation.employees": employees,
            "incidents.only.users_affected": users,
            "incidents.only.blocking": blocking,
            "incidents.only.revenue_impact": revenue_share,
        }
    )
    impact = employees * users * blocking * wage + revenue * revenue_share
    assert scenario.impact_rate("only") == impact
    result = simulate(scenario, trials=20_000, seed=18)
    for option in ("shop", "msp"):
        hours = result.column(option, "downtime_hours")
        np.testing.assert_allclose(result.column(option, "downtime"), impact * hours, rtol=1e-12)
    # Round the clock, constant waits and repairs: hours per incident are wait + repair.
    for option, hours in (("shop", 3.0 + 2.0), ("msp", 1.0 + 2.0)):
        np.testing.assert_allclose(
            result.column(option, "downtime_hours"), hours * result.column(option, "incidents"),
            rtol=1e-12,
        )  # fmt: skip


def test_lost_hours_with_lognormal_waits_and_a_repair_factor():
    rate, factor = 6.0, 0.7
    scenario = closed_form(
        {
            "incidents.only.rate_per_year": rate,
            "incidents.only.fix_hours": {"median": 2, "p90": 5},
            "options.shop.response_hours.default": {"median": 6, "p90": 24},
            "options.msp.response_hours.default": {"median": 1, "p90": 4},
            "options.msp.fix_time_factor": factor,
        }
    )
    result = simulate(scenario, trials=N, seed=19)
    repair = lognormal_moment(2, 5, 1)
    expected = {
        "shop": rate * (lognormal_moment(6, 24, 1) + repair),
        "msp": rate * (lognormal_moment(1, 4, 1) + factor * repair),
    }
    for option, mean in expected.items():
        hours = result.column(option, "downtime_hours")
        assert_within_se(hours.mean(), mean, hours.std(ddof=1) / math.sqrt(N))


def test_managed_it_spend_is_fees_plus_out_of_scope_plus_parts():
    rate, prevented, share, oos_rate, factor, probability = 10.0, 0.3, 0.2, 90.0, 0.8, 0.1
    minimum = 1.0
    scenario = closed_form(
        {
            "incidents.only.rate_per_year": rate,
            "incidents.only.fix_hours": {"median": 2, "p90": 5},
            "organisation.devices": 14,
            "organisation.servers": 2,
            "organisation.sites": 3,
            "options.msp.fees": {"per_user_monthly": 100, "per_device_monthly": 10,
                                 "per_server_monthly": 150, "per_site_monthly": 40,
                                 "onboarding": 1000},
            "options.msp.prevention.only": prevented,
            "options.msp.fix_time_factor": factor,
            "options.msp.out_of_scope": {"share": share, "rate": oos_rate,
                                         "minimum_hours": minimum},
            "parts": {"probability": probability, "cost": {"median": 200, "p90": 600}},
        }
    )  # fmt: skip
    spend = simulate(scenario, trials=N, seed=20).column("msp", "it_spend")
    fees = 12 * (100 * 10 + 10 * 14 + 150 * 2 + 40 * 3) + 1000
    assert scenario.annual_fee("msp") + 1000 == fees
    survivors = rate * (1 - prevented)
    # Out-of-scope hours are max(factor * H, minimum), factor * H lognormal with median 2 factor.
    out_of_scope = oos_rate * mean_at_least(2 * factor, 5 * factor, minimum)
    expected = (
        fees
        + survivors * share * out_of_scope
        + survivors * probability * lognormal_moment(200, 600, 1)
    )
    assert_within_se(spend.mean(), expected, spend.std(ddof=1) / math.sqrt(N))


def test_a_monthly_minimum_fee_is_a_floor():
    scenario = closed_form(
        {
            "incidents.only.rate_per_year": 0,
            "options.msp.fees": {"per_user_monthly": 30, "minimum_monthly": 500},
        }
    )
    spend = simulate(scenario, trials=100, seed=1).column("msp", "it_spend")
    np.testing.assert_array_equal(spend, 12 * 500.0)
    higher = scenario.with_overrides({"options.msp.fees.per_user_monthly": 80})
    np.testing.assert_array_equal(simulate(higher, trials=100, seed=1).column("msp", "it_spend"),
                                  12 * 800.0)  # fmt: skip


def test_parts_cost_the_same_under_every_option():
    rate, probability = 7.0, 0.2
    scenario = closed_form(
        {
            "incidents.only.rate_per_year": rate,
            "options.shop.rates": {"remote": 0, "onsite": 0},
            "parts": {"probability": probability, "cost": {"median": 300, "p90": 900}},
        }
    )
    result = simulate(scenario, trials=N, seed=21)
    # No prevention and no fees: both options pay exactly the same parts.
    np.testing.assert_array_equal(result.column("shop", "it_spend"),
                                  result.column("msp", "it_spend"))  # fmt: skip
    spend = result.column("shop", "it_spend")
    np.testing.assert_array_equal(spend, result.quantities["shop"]["parts"])
    # Compound Poisson with thinned rate: variance = rate * p * E[cost^2].
    mean = rate * probability * lognormal_moment(300, 900, 1)
    variance = rate * probability * lognormal_moment(300, 900, 2)
    assert_within_se(spend.mean(), mean, math.sqrt(variance / N))


@pytest.mark.parametrize("factors", [(1.0, 0.6, 0.2), (0.2, 1.5, 0.6), (0.0, 1.0, 1.0)])
def test_security_losses_are_nested_thinnings_of_one_event_stream(factors):
    """Events at rate x the highest factor; an option keeps an event when U < its factor / the
    highest: a lower factor keeps a subset of the events (and losses) of a higher one."""
    rate, loss = 0.3, {"median": 10_000, "p90": 40_000}
    base = closed_form({"incidents.only.rate_per_year": 0,
                        "security": {"rate_per_year": rate, "loss": loss}})  # fmt: skip
    msp = base.options["msp"].model_dump(mode="json", exclude_none=True)
    names = ("shop", "msp", "third")
    scenario = base.with_overrides(
        {"options.third": msp,
         **{f"options.{name}.security_factor": f for name, f in zip(names, factors, strict=True)}}
    )  # fmt: skip
    result = simulate(scenario, trials=N, seed=22)
    second_moment = lognormal_moment(10_000, 40_000, 2)
    for name, factor in zip(names, factors, strict=True):
        losses = result.column(name, "security")
        if factor == 0:
            assert not losses.any()
            continue
        expected = rate * factor * lognormal_moment(10_000, 40_000, 1)
        assert_within_se(losses.mean(), expected, math.sqrt(rate * factor * second_moment / N))
    ordered = sorted(names, key=dict(zip(names, factors, strict=True)).get)
    for lower, higher in itertools.pairwise(ordered):
        assert np.all(result.column(lower, "security") <= result.column(higher, "security"))
    equal = [n for n, f in zip(names, factors, strict=True) if f == max(factors)]
    for name in equal[1:]:  # equal factors: the same events
        np.testing.assert_array_equal(result.column(name, "security"),
                                      result.column(equal[0], "security"))  # fmt: skip


def test_multi_year_factor_applies_to_every_amount():
    escalation, discount, years = 0.05, 0.08, 4
    scenario = closed_form(
        {
            "incidents.only.rate_per_year": 0,
            "options.msp.fees": {"per_user_monthly": 100, "onboarding": 2_000},
            "horizon": {"years": years, "price_escalation": escalation, "discount_rate": discount},
        }
    )
    factors = [((1 + escalation) / (1 + discount)) ** (year - 1) for year in range(1, years + 1)]
    fees = 12 * 100 * 10
    result = simulate(scenario, trials=1_000, seed=23)
    np.testing.assert_allclose(
        result.column("msp", "it_spend"), fees * sum(factors) + 2_000, rtol=1e-12
    )
    # Random amounts too: each year's expected bill, downtime and parts times g_y, summed.
    scenario = scenario.with_overrides({"incidents.only.rate_per_year": 3})
    result = simulate(scenario, trials=N, seed=24)
    bill = 100 * 2.0
    # Years are independent: variance = sum over years of g_y^2 * rate * bill^2.
    standard_error = math.sqrt(sum(g**2 for g in factors) * 3 * bill**2 / N)
    assert_within_se(result.column("shop", "it_spend").mean(), 3 * bill * sum(factors),
                     standard_error)  # fmt: skip
    downtime = 140.0 * 5.0  # impact rate x (wait 3 + repair 2) hours per incident
    standard_error = math.sqrt(sum(g**2 for g in factors) * 3 * downtime**2 / N)
    assert_within_se(result.column("shop", "downtime").mean(), 3 * downtime * sum(factors),
                     standard_error)  # fmt: skip
    # Counts and hours are not money: no factor.
    incidents = result.column("shop", "incidents")
    assert_within_se(incidents.mean(), 3 * years, math.sqrt(3 * years / N))
    np.testing.assert_array_equal(result.column("shop", "downtime_hours"), 5.0 * incidents)


def test_totals_and_savings_are_sums_of_their_parts():
    scenario = closed_form(
        {
            "incidents.only.fix_hours": {"median": 2, "p90": 5},
            "options.msp.fees.per_user_monthly": 50,
            "parts": {"probability": 0.2, "cost": 300},
            "security": {"rate_per_year": 0.5, "loss": {"median": 1000, "p90": 5000}},
            "options.msp.security_factor": 0.5,
        }
    )
    result = simulate(scenario, trials=20_000, seed=25)
    for option in result.options:
        parts = sum(result.column(option, q) for q in ("it_spend", "downtime", "security"))
        np.testing.assert_array_equal(result.column(option, "total"), parts)
    np.testing.assert_array_equal(
        result.columns["savings.msp"],
        result.column("shop", "total") - result.column("msp", "total"),
    )
    assert "savings.shop" not in result.columns  # the baseline has none


def test_identical_options_cost_the_same_on_common_random_numbers():
    """Same response, fix-time factor 1, no prevention and no fees: downtime is equal, bit for
    bit; and two identical pay-per-incident options are identical in every column."""
    scenario = closed_form(
        {
            "incidents.only.fix_hours": {"median": 2, "p90": 5},
            "incidents.only.onsite_share": 0.4,
            "options.shop.response_hours.default": {"median": 3, "p90": 9},
            "options.msp.response_hours.default": {"median": 3, "p90": 9},
            "parts": {"probability": 0.2, "cost": {"median": 300, "p90": 900}},
        }
    )
    twin = scenario.options["shop"].model_dump(mode="json", exclude_none=True)
    scenario = scenario.with_overrides({"options.twin": twin})
    result = simulate(scenario, trials=20_000, seed=26)
    np.testing.assert_array_equal(result.column("shop", "downtime"),
                                  result.column("msp", "downtime"))  # fmt: skip
    for quantity in ("it_spend", "downtime", "security", "total", "incidents", "downtime_hours"):
        np.testing.assert_array_equal(result.column("twin", quantity),
                                      result.column("shop", quantity))  # fmt: skip
    assert not result.columns["savings.twin"].any()


def test_changing_a_price_leaves_every_draw_unchanged():
    """Common random numbers across scenarios: only what changes what happens moves draws."""
    base = closed_form({"incidents.only.fix_hours": {"median": 2, "p90": 5}})
    dearer = base.with_overrides(
        {"options.shop.rates.remote": 130, "options.msp.response_hours.default": 2}
    )
    one = simulate(base, trials=10_000, seed=27)
    two = simulate(dearer, trials=10_000, seed=27)
    np.testing.assert_allclose(
        two.column("shop", "it_spend"), 1.3 * one.column("shop", "it_spend"), rtol=1e-12
    )
    np.testing.assert_array_equal(
        one.column("shop", "downtime_hours"), two.column("shop", "downtime_hours")
    )


def test_counts_are_independent_across_years_and_tiers():
    """Over Y years, counts add up: variance Y * (rate_a + rate_b + k * rate_b^2)."""
    years, rate_a, rate_b, k = 4, 2.0, 3.0, 0.5
    scenario = closed_form(
        {
            "incidents": {
                "a": {"rate_per_year": rate_a, "users_affected": 0.1, "fix_hours": 1},
                "b": {"rate_per_year": rate_b, "dispersion": k, "users_affected": 0.1,
                      "fix_hours": 1},
            },
            "horizon.years": years,
        }
    )  # fmt: skip
    counts = simulate(scenario, trials=N, seed=32).column("shop", "incidents")
    theta = k * rate_b
    kappa2 = years * (rate_a + rate_b * (1 + theta))
    kappa4 = years * (rate_a + rate_b * (1 + theta) * (1 + 6 * theta + 6 * theta**2))
    assert_within_se(counts.mean(), years * (rate_a + rate_b), math.sqrt(kappa2 / N))
    assert_within_se(counts.var(ddof=1), kappa2, sample_variance_se(kappa2, kappa4, N))


# -- every column of a full scenario against its closed-form mean ---------------------------------

#: Three tiers, three options (pay per incident, managed, a hybrid covering two tiers with the
#: shop as fallback), three years of escalation and discounting, parts and security: every
#: billing rule that does not depend on a calendar, at once. Round the clock throughout.
FULL = {
    "organisation.devices": 17,
    "organisation.servers": 2,
    "organisation.sites": 2,
    "organisation.lost_hour_value": "larger",
    "incidents": {
        "critical": {"rate_per_year": 2.0, "users_affected": 1.0, "blocking": 0.8,
                     "revenue_impact": 0.5, "fix_hours": {"median": 3, "p90": 10},
                     "onsite_share": 0.6, "starts": "any_time"},
        "major": {"rate_per_year": 3.0, "dispersion": 0.3, "users_affected": 0.3,
                  "blocking": 0.6, "revenue_impact": 0.05, "fix_hours": {"median": 1.5, "p90": 5},
                  "onsite_share": 0.3},
        "minor": {"rate_per_user_per_year": 0.8, "users_affected": 0.1, "blocking": 0.35,
                  "fix_hours": {"median": 0.5, "p90": 1.5}, "onsite_share": 0.1},
    },
    "options.shop": {"kind": "pay_per_incident", "rates": {"remote": 120, "onsite": 150},
                     "minimum_hours": {"remote": 0.5, "onsite": 1.0}, "trip_fee": 50,
                     "service_hours": ALWAYS,
                     "response_hours": {"default": {"median": 4, "p90": 16},
                                        "critical": {"median": 2, "p90": 6}}},
    "options.msp": {"kind": "managed",
                    "fees": {"per_user_monthly": 100, "per_device_monthly": 7,
                             "per_server_monthly": 150, "per_site_monthly": 50,
                             "onboarding": 1500},
                    "prevention": {"critical": 0.5, "major": 0.4, "minor": 0.3},
                    "fix_time_factor": 0.7, "monitoring": True, "service_hours": ALWAYS,
                    "response_hours": {"default": {"median": 2, "p90": 8},
                                       "critical": {"median": 0.5, "p90": 2}},
                    "out_of_scope": {"share": 0.25, "rate": 160, "minimum_hours": 0.5},
                    "security_factor": 0.4},
    "options.hybrid": {"kind": "managed", "fees": {"per_server_monthly": 185},
                       "covers": ["critical", "major"], "fallback": "shop",
                       "prevention": {"critical": 0.5}, "fix_time_factor": 0.8,
                       "service_hours": ALWAYS, "response_hours": {"default": 1},
                       "security_factor": 0.7},
    "parts": {"probability": 0.05, "cost": {"median": 250, "p90": 900}},
    "security": {"rate_per_year": 0.3, "loss": {"median": 20_000, "p90": 120_000}},
    "horizon": {"years": 3, "price_escalation": 0.05, "discount_rate": 0.08},
}  # fmt: skip


def expected_means(scenario) -> dict[str, float]:
    """Closed-form mean of every per-trial column, written out from DESIGN's model for a
    round-the-clock scenario (lost hours = wait + repair, no after-hours work)."""
    horizon = scenario.horizon
    growth = (1 + horizon.price_escalation) / (1 + horizon.discount_rate)
    money_years = sum(growth**year for year in range(horizon.years))

    def mean(spec) -> float:
        return lognormal_moment(spec.median, spec.p90, 1)

    parts = scenario.parts.probability * mean(scenario.parts.cost) if scenario.parts else 0.0
    security = scenario.security
    top = max(option.security_factor for option in scenario.options.values())
    means = {}
    for name, option in scenario.options.items():
        spend = hours = downtime = count = 0.0
        for tier_name, tier in scenario.incidents.items():
            handler = scenario.options[scenario.handler(name, tier_name)]
            kept = scenario.tier_rate(tier_name) * (
                1 - getattr(option, "prevention", {}).get(tier_name, 0.0)
            )
            factor = getattr(handler, "fix_time_factor", 1.0)
            repair = factor * mean(tier.fix_hours)
            lost = mean(handler.response(tier_name)) + repair
            count += kept
            hours += kept * lost
            downtime += kept * lost * scenario.impact_rate(tier_name)
            spec = tier.fix_hours
            if handler.kind == "pay_per_incident":
                share, rates, minimum = tier.onsite_share, handler.rates, handler.minimum_hours
                bill = (
                    (1 - share)
                    * rates.remote
                    * mean_at_least(spec.median, spec.p90, minimum.remote)
                )
                bill += share * (
                    rates.onsite * mean_at_least(spec.median, spec.p90, minimum.onsite)
                    + handler.trip_fee
                )
            elif handler.out_of_scope is not None:
                scope = handler.out_of_scope
                bill = (
                    scope.share
                    * scope.rate
                    * mean_at_least(factor * spec.median, factor * spec.p90, scope.minimum_hours)
                )
            else:
                bill = 0.0
            spend += kept * (bill + parts)
        onboarding = option.fees.onboarding if option.kind == "managed" else 0.0
        means[f"{name}.it_spend"] = (spend + scenario.annual_fee(name)) * money_years + onboarding
        means[f"{name}.downtime"] = downtime * money_years
        means[f"{name}.security"] = (
            security.rate_per_year * option.security_factor * mean(security.loss) * money_years
            if security and top > 0 else 0.0
        )  # fmt: skip
        means[f"{name}.incidents"] = count * horizon.years
        means[f"{name}.downtime_hours"] = hours * horizon.years
        means[f"{name}.total"] = sum(means[f"{name}.{q}"] for q in ("it_spend", "downtime",
                                                                    "security"))  # fmt: skip
    baseline = scenario.baseline_name
    for name in scenario.options:
        if name != baseline:
            means[f"savings.{name}"] = means[f"{baseline}.total"] - means[f"{name}.total"]
    return means


def test_every_column_matches_its_closed_form_on_a_full_scenario():
    scenario = closed_form(FULL)
    assert scenario.option_names == ["shop", "msp", "hybrid"]
    result = simulate(scenario, trials=N, seed=33)
    expected = expected_means(scenario)
    assert set(expected) == set(result.trials.columns)
    for column, value in expected.items():
        values = result.columns[column]
        standard_error = values.std(ddof=1) / math.sqrt(N)
        if standard_error == 0:  # a constant column: exact
            assert values.mean() == pytest.approx(value, rel=1e-9), column
        else:
            assert_within_se(values.mean(), value, standard_error)


# -- bad arguments ------------------------------------------------------------------------------


@pytest.mark.parametrize("trials", [0, -5, 2.5, True])
def test_bad_trials_are_rejected(trials):
    with pytest.raises(ValueError, match="trials"):
        simulate(closed_form(), trials=trials)


@pytest.mark.parametrize("seed", [-1, 1.5])
def test_bad_seeds_are_rejected(seed):
    with pytest.raises(ValueError, match="seed"):
        simulate(closed_form(), trials=10, seed=seed)


@pytest.mark.parametrize("threads", [0, -1, 1.5])
def test_bad_thread_counts_are_rejected(threads):
    with pytest.raises(ValueError, match="threads"):
        simulate(closed_form(), trials=10, threads=threads)


@pytest.mark.parametrize(
    "counts",
    [[3, 0, 0, 5, 1, 0, 2], [1], [4, 4, 4], [0, 7, 0], [250, 1, 0, 380]],
    ids=["gaps", "one", "full", "one-inside", "long-runs"],
)
def test_per_trial_sums_of_a_chunk_are_each_trials_exact_sum(counts):
    """A chunk's per-trial sums (np.add.reduceat over each trial's run) against math.fsum of
    that trial's values, correctly rounded: pairwise summation of n values errs by at most
    about log2(n) ulps of the sum of their magnitudes, so 1e-13 relative is ample; a trial
    with no incident sums to exactly 0."""
    from analysis.engine.core import _Layout

    counts = np.array(counts)
    trial = np.repeat(np.arange(counts.size), counts)
    values = np.random.default_rng(4).lognormal(0.0, 2.0, trial.size)
    sums = _Layout.of(counts, trial).sums(values)
    assert sums.shape == (counts.size,) and sums.dtype == np.float64
    for t, count in enumerate(counts):
        exact = math.fsum(values[trial == t])
        assert sums[t] == pytest.approx(exact, rel=1e-13, abs=0.0)
        assert count or sums[t] == 0.0
    with pytest.raises(ValueError, match="values for"):
        _Layout.of(counts, trial).sums(np.ones(trial.size + 1))
