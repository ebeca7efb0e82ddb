"""TierSums: a run that changes some tiers takes the others from the run before, bit for bit."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import load_scenario_text, simulate
from analysis.engine.core import TierSums
from tests.engine.test_reproducibility import SCENARIO

TRIALS, SEED = 3_000, 11
ALL = ("critical", "major", "minor")


@pytest.fixture(scope="module")
def scenario():
    return load_scenario_text(SCENARIO)


# (overrides, the tiers that must be simulated again): every kind of input a tier's sums read,
# and some that no tier reads.
CHANGES = [
    ({"incidents.critical.fix_hours": {"median": 4, "p90": 12}}, ("critical",)),
    ({"incidents.minor.rate_per_user_per_year": 4.0}, ("minor",)),
    ({"incidents.major.onsite_share": 0.5}, ("major",)),
    ({"incidents.minor.starts": "any_time"}, ("minor",)),
    ({"options.managed.response_hours.critical": {"median": 1, "p90": 3}}, ("critical",)),
    ({"options.managed.prevention.minor": 0.2}, ("minor",)),
    ({"options.break-fix.minimum_hours.remote": 0.25}, ALL),  # break-fix handles every tier
    ({"options.hybrid.fix_time_factor": 0.7}, ("critical", "major")),  # hybrid's own tiers
    ({"options.managed.sla.response_hours": 3}, ALL),
    ({"organisation.operating_hours": {"days": 6, "open": 8, "close": 18}}, ALL),
    ({"organisation.employees": 15}, ("major", "minor")),  # per-user rates
    ({"parts.probability": 0.1}, ALL),
    ({"horizon.years": 2}, ALL),
    ({"security.rate_per_year": 0.2}, ()),
    ({"options.managed.fees.per_user_monthly": 99}, ()),
    ({"organisation.annual_revenue": 3_000_000}, ()),
]


@pytest.mark.parametrize(("overrides", "simulated"), CHANGES, ids=lambda c: str(c)[:60])
def test_a_change_simulates_only_the_tiers_it_touches_and_changes_no_bit(
    scenario, overrides, simulated
):
    tiers = TierSums()
    simulate(scenario, TRIALS, SEED, tiers=tiers)
    assert tiers.simulated == ALL
    changed = scenario.with_overrides(overrides)
    again = simulate(changed, TRIALS, SEED, tiers=tiers)
    assert tiers.simulated == simulated
    fresh = simulate(changed, TRIALS, SEED)
    pd.testing.assert_frame_equal(again.trials, fresh.trials, check_exact=True)


def test_threads_and_several_blocks_take_the_same_sums(scenario, monkeypatch):
    import analysis.engine.core as core

    monkeypatch.setattr(core, "BLOCK_TRIALS", 1_000)  # three blocks and a partial one
    tiers = TierSums()
    simulate(scenario, TRIALS + 500, SEED, threads=3, tiers=tiers)
    changed = scenario.with_overrides({"incidents.major.fix_hours": 2})
    again = simulate(changed, TRIALS + 500, SEED, threads=2, tiers=tiers)
    assert tiers.simulated == ("major",)
    fresh = simulate(changed, TRIALS + 500, SEED, threads=1)
    pd.testing.assert_frame_equal(again.trials, fresh.trials, check_exact=True)


@pytest.mark.parametrize("other", [{"trials": TRIALS + 1}, {"seed": SEED + 1}])
def test_other_trials_or_seed_simulate_every_tier(scenario, other):
    tiers = TierSums()
    simulate(scenario, TRIALS, SEED, tiers=tiers)
    run = {"trials": TRIALS, "seed": SEED, **other}
    again = simulate(scenario, tiers=tiers, **run)
    assert tiers.simulated == ALL
    pd.testing.assert_frame_equal(again.trials, simulate(scenario, **run).trials, check_exact=True)


def test_nothing_is_kept_past_the_memory_bound_or_for_monthly_runs(scenario):
    small = TierSums(max_bytes=1_000)
    simulate(scenario, TRIALS, SEED, tiers=small)
    simulate(scenario, TRIALS, SEED, tiers=small)
    assert small.simulated == ()  # neither run kept sums, so neither reports any
    assert len(small) == 0
    tiers = TierSums()
    simulate(scenario, TRIALS, SEED, tiers=tiers)
    simulate(scenario, TRIALS, SEED, monthly=True, tiers=tiers)
    again = simulate(scenario, TRIALS, SEED, tiers=tiers)
    assert tiers.simulated == ALL  # the monthly run dropped what the first one kept
    pd.testing.assert_frame_equal(again.trials, simulate(scenario, TRIALS, SEED).trials,
                                  check_exact=True)  # fmt: skip
