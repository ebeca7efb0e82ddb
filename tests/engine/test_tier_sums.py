"""TierSums: a run that changes some tiers takes the others from the run before, bit for bit."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

import analysis.engine.core as core
from analysis import load_scenario_text, simulate
from analysis.engine.core import TierSums
from tests.engine.test_reproducibility import SCENARIO

TRIALS, SEED = 3_000, 11
ALL = ("critical", "major", "minor")
#: More threads than tiers: the tiers run side by side, and a tier simulated again alone has
#: its chunks drawn while a spare thread sums the one before.
THREADS = 4


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
    ({"options.hybrid.covers": ["critical"]}, ("major",)),  # major goes to its fallback
    ({"options.managed.sla.response_hours": 3}, ALL),
    ({"organisation.operating_hours": {"days": 6, "open": 8, "close": 18}}, ALL),
    ({"organisation.employees": 15}, ("major", "minor")),  # per-user rates
    ({"parts.probability": 0.1}, ALL),
    ({"horizon.years": 2}, ALL),
    ({"security.rate_per_year": 0.2}, ()),
    ({"options.managed.fees.per_user_monthly": 99}, ()),
    ({"organisation.annual_revenue": 3_000_000}, ()),
]


def run_twice(first, second, **run):
    """Simulate ``first`` then ``second`` with one TierSums; the second result and the tiers
    it simulated."""
    tiers = TierSums()
    simulate(first, tier_sums=tiers, **{"trials": TRIALS, "seed": SEED, "threads": THREADS, **run})
    assert tiers.simulated == tuple(sorted(first.incidents))
    again = simulate(second, tier_sums=tiers,
                     **{"trials": TRIALS, "seed": SEED, "threads": THREADS, **run})  # fmt: skip
    return again, tiers.simulated


def same_as_fresh(result, scenario, **run):
    fresh = simulate(scenario, **{"trials": TRIALS, "seed": SEED, "threads": 1, **run})
    pd.testing.assert_frame_equal(result.trials, fresh.trials, check_exact=True)


@pytest.mark.parametrize(("overrides", "simulated"), CHANGES, ids=lambda c: str(c)[:60])
def test_a_change_simulates_only_the_tiers_it_touches_and_changes_no_bit(
    scenario, overrides, simulated
):
    changed = scenario.with_overrides(overrides)
    again, done = run_twice(scenario, changed)
    assert done == simulated
    same_as_fresh(again, changed)


def test_a_tier_added_or_removed_leaves_the_others_as_they_were(scenario):
    data = scenario.to_dict()
    data["incidents"]["requests"] = {
        "rate_per_user_per_year": 3.0, "users_affected": 0, "blocking": 0,
        "fix_hours": {"median": 0.5, "p90": 1.5},
    }  # fmt: skip
    more = type(scenario).model_validate(data)
    again, done = run_twice(scenario, more)
    assert done == ("requests",)
    same_as_fresh(again, more)
    again, done = run_twice(more, scenario)
    assert done == ()
    same_as_fresh(again, scenario)


def test_another_option_name_or_order_simulates_every_tier(scenario):
    data = scenario.to_dict()
    data["options"] = dict(reversed(list(data["options"].items())))
    reordered = type(scenario).model_validate(data)
    again, done = run_twice(scenario, reordered)
    assert done == ALL
    same_as_fresh(again, reordered)


def test_the_pipeline_sums_on_another_thread_and_changes_no_bit(scenario, monkeypatch):
    """One tier simulated again, on one block with threads to spare: its chunks are summed on
    a thread other than the one drawing them (the spy says so), with the same bits."""
    monkeypatch.setattr(core, "CHUNK_INCIDENTS", 997)  # dozens of chunks
    threads = set()
    summing = core._sum_chunk

    def spy(*args, **kwargs):
        threads.add(threading.get_ident())
        return summing(*args, **kwargs)

    changed = scenario.with_overrides({"incidents.minor.fix_hours": 0.75})
    tiers = TierSums()
    simulate(scenario, TRIALS, SEED, threads=THREADS, tier_sums=tiers)
    monkeypatch.setattr(core, "_sum_chunk", spy)
    again = simulate(changed, TRIALS, SEED, threads=THREADS, tier_sums=tiers)
    assert tiers.simulated == ("minor",)
    assert threads and threading.get_ident() not in threads
    monkeypatch.setattr(core, "_sum_chunk", summing)
    same_as_fresh(again, changed)


def test_threads_and_several_blocks_take_the_same_sums(scenario, monkeypatch):
    monkeypatch.setattr(core, "BLOCK_TRIALS", 1_000)  # three blocks and a partial one
    changed = scenario.with_overrides({"incidents.major.fix_hours": 2})
    for threads in (2, 8):  # blocks on threads; then with tiers and pipelines as well
        again, done = run_twice(scenario, changed, trials=TRIALS + 500, threads=threads)
        assert done == ("major",)
        same_as_fresh(again, changed, trials=TRIALS + 500)


@pytest.mark.parametrize("other", [{"trials": TRIALS + 1}, {"seed": SEED + 1}])
def test_other_trials_or_seed_simulate_every_tier(scenario, other):
    tiers = TierSums()
    simulate(scenario, TRIALS, SEED, tier_sums=tiers)
    run = {"trials": TRIALS, "seed": SEED, **other}
    again = simulate(scenario, tier_sums=tiers, **run)
    assert tiers.simulated == ALL
    pd.testing.assert_frame_equal(again.trials, simulate(scenario, **run).trials, check_exact=True)


def test_nothing_is_kept_past_the_memory_bound_or_for_monthly_runs(scenario):
    params = core.EngineParameters.from_scenario(scenario)
    bound = TierSums.nbytes(params, TRIALS)
    small = TierSums(max_bytes=bound - 1)
    simulate(scenario, TRIALS, SEED, tier_sums=small)
    assert len(small) == 0 and small.simulated == ALL
    simulate(scenario, TRIALS, SEED, tier_sums=small)
    assert small.simulated == ALL  # nothing to take
    enough = TierSums(max_bytes=bound)
    simulate(scenario, TRIALS, SEED, tier_sums=enough)
    assert len(enough) == len(ALL)  # one block
    simulate(scenario, TRIALS, SEED, monthly=True, tier_sums=enough)
    assert len(enough) == 0 and enough.simulated == ALL
    again = simulate(scenario, TRIALS, SEED, tier_sums=enough)
    assert enough.simulated == ALL  # the monthly run dropped what the first one kept
    pd.testing.assert_frame_equal(again.trials, simulate(scenario, TRIALS, SEED).trials,
                                  check_exact=True)  # fmt: skip


def test_the_memory_estimate_is_what_is_held(scenario):
    """nbytes is the bytes of the arrays a run keeps, within the arrays of quantities a tier
    happens not to touch (its sums start empty and fill as it adds)."""
    tiers = TierSums()
    simulate(scenario, TRIALS, SEED, tier_sums=tiers)
    held = sum(
        values.nbytes
        for years in tiers._held[1].values()
        for block in years
        for sums in (*block.sums.values(), block.breaches)
        for values in sums.values()
    )
    estimate = TierSums.nbytes(core.EngineParameters.from_scenario(scenario), TRIALS)
    assert 0.5 * estimate <= held <= estimate


@pytest.mark.parametrize(
    ("preset", "option", "before"),
    [
        # A block handles its tiers as a pay-per-incident option does, but keeps yearly hours.
        ("cloud-office", "block", {"kind": "pay_per_incident", "block": None}),
        # A technician covering one tier hands the rest to its fallback as a hybrid does.
        ("accounting-firm", "technician",
         {"kind": "managed", "fees": {"per_server_monthly": 100}, "salary_per_year": None,
          "tools_per_year": None, "hours_per_year": None}),
    ],
)  # fmt: skip
def test_an_option_that_changes_kind_is_simulated_again(preset, option, before):
    """Sums kept for an option of another kind are not taken: the run is a fresh one's."""
    from analysis import load_scenario

    scenario = load_scenario(preset)
    if option == "technician":
        scenario = scenario.with_overrides(
            {
                f"options.{option}.covers": ["critical"],
                f"options.{option}.prevention": {},
                f"options.{option}.response_hours": {"default": 0.5},
            }
        )
    data = scenario.to_dict()
    spec = {k: v for k, v in data["options"][option].items() if before.get(k, 0) is not None}
    spec.update({k: v for k, v in before.items() if v is not None})
    data["options"][option] = spec
    earlier = type(scenario).model_validate(data)
    sums = TierSums()
    simulate(earlier, trials=TRIALS, seed=SEED, tier_sums=sums)
    again = simulate(scenario, trials=TRIALS, seed=SEED, tier_sums=sums)
    pd.testing.assert_frame_equal(
        again.trials, simulate(scenario, trials=TRIALS, seed=SEED).trials, check_exact=True
    )
