"""An in-house technician (``kind: in_house``), against closed forms.

With constant repairs h and Poisson(lambda) incidents a year, the technician's yearly repair
hours are h K, and the hours beyond their ``hours_per_year`` are bought from the fallback at
its remote rate: IT spend is ``salary + tools + rate E[max(h K - capacity, 0)]``, summed here
over K to where the Poisson tail vanishes. Tiers the technician does not cover are the
fallback's, exactly as a hybrid's are.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from analysis import simulate
from tests.helpers import assert_repriced_as_fresh, assert_within_se, closed_form

SALARY, TOOLS, RATE = 70_000.0, 3_000.0, 100.0


def in_house(changes: dict | None = None, capacity: float = 10.0):
    """The closed-form scenario with an in-house technician beside the shop (its fallback)."""
    tech = {
        "kind": "in_house",
        "salary_per_year": SALARY,
        "tools_per_year": TOOLS,
        "hours_per_year": capacity,
        "fallback": "shop",
        "service_hours": {"days": 7, "open": 0, "close": 24},
        "response_hours": {"default": 0.5},
    }
    return closed_form({"options.tech": tech, **(changes or {})})


def expected_bought(lam: float, h: float, capacity: float) -> float:
    """``E[max(h K - capacity, 0)]``, K ~ Poisson(lam), summed to k = 400 (tail < 1e-100)."""
    k = np.arange(401)
    return float(np.sum(stats.poisson(lam).pmf(k) * np.maximum(h * k - capacity, 0.0)))


@pytest.mark.parametrize(("lam", "capacity"), [(5.0, 10.0), (20.0, 25.0), (20.0, 100.0)])
def test_hours_beyond_the_technicians_match_the_poisson_closed_form(lam, capacity):
    """Repairs of 2 h: the technician's hours are 2 K exactly, trial by trial, and the mean
    IT spend matches the closed form within 4 standard errors (with capacity 100 nothing is
    ever bought: the spend is the salary and tools, exactly)."""
    h = 2.0
    scenario = in_house({"incidents.only.rate_per_year": lam}, capacity=capacity)
    trials = 100_000
    result = simulate(scenario, trials=trials, seed=21)
    hours = result.quantities["tech"]["year.tech_hours"][:, 0]
    incidents = result.column("tech", "incidents")
    np.testing.assert_array_equal(hours, h * incidents)
    spend = result.column("tech", "it_spend")
    np.testing.assert_allclose(
        spend, SALARY + TOOLS + RATE * np.maximum(hours - capacity, 0.0), rtol=1e-12
    )
    expected = SALARY + TOOLS + RATE * expected_bought(lam, h, capacity)
    se = float(spend.std(ddof=1)) / math.sqrt(trials)
    if se == 0:  # nothing bought in 100,000 trials: P(2 K > 100) is about 1e-9
        assert float(spend.mean()) == SALARY + TOOLS == pytest.approx(expected, abs=0.01)
    else:
        assert_within_se(float(spend.mean()), expected, se)


def test_the_technician_waits_and_repairs_like_a_managed_option():
    """No bill per incident: the lost hours are the wait plus the repair (24/7), the same as
    a managed option with the same response, repair factor and prevention."""
    changes = {
        "options.tech.fix_time_factor": 0.5,
        "options.tech.prevention": {"only": 0.25},
        "options.msp.fix_time_factor": 0.5,
        "options.msp.prevention": {"only": 0.25},
        "options.msp.response_hours": {"default": 0.5},
    }
    result = simulate(in_house(changes), trials=20_000, seed=3)
    for quantity in ("downtime", "downtime_hours", "incidents"):
        np.testing.assert_array_equal(
            result.column("tech", quantity), result.column("msp", quantity)
        )
    hours = result.quantities["tech"]["year.tech_hours"][:, 0]
    np.testing.assert_allclose(hours, 1.0 * result.column("tech", "incidents"), rtol=1e-12)


def test_uncovered_tiers_go_to_the_fallback_as_a_hybrids_do():
    """A second tier the technician does not cover is the shop's, with the shop's waits and
    bills: the lost hours of that tier are the shop's own, and the billable hours are the
    shop's less those of the covered tier (2 h each, which the technician works instead)."""
    other = {"rate_per_year": 3, "users_affected": 0.1, "blocking": 1, "fix_hours": 1.5}
    scenario = in_house({"incidents.other": other, "options.tech.covers": ["only"]})
    result = simulate(scenario, trials=20_000, seed=8)
    tech, shop = result.quantities["tech"], result.quantities["shop"]
    np.testing.assert_array_equal(tech["lost.other"], shop["lost.other"])
    covered = tech["year.tech_hours"][:, 0]  # the shop's hours of tier `only`, as well
    np.testing.assert_allclose(tech["hours_remote"], shop["hours_remote"] - covered, atol=1e-9)
    assert covered.sum() > 0 and tech["hours_remote"].sum() > 0


@pytest.mark.parametrize(
    "changes",
    [
        {"options.tech.hours_per_year": 3},
        {"options.tech.salary_per_year": 55_000, "options.tech.tools_per_year": 0},
        {"options.shop.rates.remote": 180},
    ],
)
def test_a_technician_is_repriced_with_a_fresh_simulations_figures(changes):
    base = in_house(
        {"horizon": {"years": 2, "price_escalation": 0.03, "discount_rate": 0.04},
         "incidents.only.fix_hours": {"median": 2, "p90": 5}},
        capacity=8.0,
    )  # fmt: skip
    changed, fresh = assert_repriced_as_fresh(base, changes, trials=5_000, seed=12)
    months = simulate(changed, trials=5_000, seed=12, monthly=True).monthly["tech"]
    np.testing.assert_allclose(months.sum(axis=1), fresh.column("tech", "it_spend"), rtol=1e-12)


def test_emergencies_outside_the_technicians_hours_go_to_the_fallback():
    """A tier the fallback answers round the clock, which the technician (Mon-Fri 8-17, 45 of
    168 hours) is not on call for: incidents noticed outside their hours are the fallback's.
    Each incident's 1 h repair is worked once, by one of them: the technician's hours plus the
    fallback's billable hours are the incidents, exactly; the technician's share is 45/168,
    within 4 standard errors. On call (``emergency``), the technician works them all."""
    changes = {
        "incidents.only.rate_per_year": 20,
        "incidents.only.fix_hours": 1.0,
        "incidents.only.starts": "any_time",
        "options.tech.monitoring": True,
        "options.tech.service_hours": {"days": 5, "open": 8, "close": 17},
        "options.shop.emergency": {"tiers": ["only"], "multiplier": 2.0},
        "options.shop.service_hours": {"days": 5, "open": 9, "close": 17},
    }
    trials = 50_000
    result = simulate(in_house(changes, capacity=1_000), trials=trials, seed=31)
    q = result.quantities["tech"]
    tech_hours = q["year.tech_hours"][:, 0]
    billed = sum(q[name] for name in ("hours_remote", "hours_remote_after", "hours_onsite",
                                      "hours_onsite_after"))  # fmt: skip
    incidents = result.column("tech", "incidents")
    np.testing.assert_allclose(tech_hours + billed, incidents, rtol=1e-12)
    share = tech_hours.sum() / incidents.sum()
    # Each incident is the technician's with p = 45/168, independently (uniform start, seen
    # at once): a binomial proportion over all incidents.
    p, n = 45 / 168, float(incidents.sum())
    assert_within_se(float(share), p, math.sqrt(p * (1 - p) / n))
    assert q["hours_remote_after"].sum() > 0  # the fallback's nights and weekends, at x2

    on_call = simulate(
        in_house({**changes, "options.tech.emergency": {"tiers": ["only"]}}, capacity=1_000),
        trials=trials, seed=31,
    )  # fmt: skip
    hours = on_call.quantities["tech"]["year.tech_hours"][:, 0]
    np.testing.assert_allclose(hours, on_call.column("tech", "incidents"), rtol=1e-12)


def test_a_monitored_handover_is_called_when_the_alert_comes():
    """An office business (Mon-Fri 8-18), a technician 8-17 who is not on call, a shop that
    answers emergencies round the clock: with monitoring, an incident at night is seen at once
    and the shop called then, not at the office's opening plus the shop's wait, so fewer
    operating hours are lost on average (same draws; the paired difference is more than 4
    standard errors). Not in every year: a night call to the slower shop can end later than
    the technician's first hour would have."""
    office = {"days": 5, "open": 8, "close": 18}
    changes = {
        "organisation.operating_hours": office,
        "incidents.only.rate_per_year": 20,
        "incidents.only.starts": "any_time",
        "options.tech.service_hours": {"days": 5, "open": 8, "close": 17},
        "options.shop.emergency": {"tiers": ["only"], "multiplier": 2.0},
        "options.shop.service_hours": {"days": 5, "open": 9, "close": 17},
    }
    seen = simulate(in_house({**changes, "options.tech.monitoring": True}), 20_000, 17)
    unseen = simulate(in_house({**changes, "options.tech.monitoring": False}), 20_000, 17)
    lost_seen = seen.column("tech", "downtime_hours")
    lost_unseen = unseen.column("tech", "downtime_hours")
    gap = lost_unseen - lost_seen
    assert gap.mean() > 4 * gap.std(ddof=1) / np.sqrt(gap.size)
