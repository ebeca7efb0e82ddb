"""analysis.decision.sweeps: the swept values, their checks, and where savings cross zero."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import ArgumentError, load_scenario
from analysis.decision.sweeps import check_values, crossing, parse_range, sweep


def test_parse_range_gives_evenly_spaced_values_without_binary_noise():
    assert parse_range("0.1:0.7:7").tolist() == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]


@pytest.mark.parametrize(
    ("text", "reason"),
    [("1:5", "expected LO:HI:STEPS"), ("a:b:3", "expected LO:HI:STEPS"),
     ("5:1:3", "needs finite LO < HI"), ("1:inf:3", "needs finite LO < HI"),
     ("1:5:1", "STEPS must be from 2 to 200"), ("1:5:201", "STEPS must be from 2 to 200")],
)  # fmt: skip
def test_a_bad_range_names_the_values_argument(text, reason):
    with pytest.raises(ArgumentError) as caught:
        parse_range(text)
    assert caught.value.names == ("values",) and reason in caught.value.reason


def test_check_values_names_the_argument_and_the_field_at_fault():
    office = load_scenario("small-office")
    with pytest.raises(ArgumentError) as caught:
        check_values(office, "horizon.years", [1, 0])
    assert (
        str(caught.value) == "values: 0 is not a valid value: horizon.years: must be >= 1 (got 0)"
    )
    with pytest.raises(ArgumentError) as caught:
        check_values(office, "name", [1])
    assert str(caught.value) == "parameter: name: not a number to sweep"


def test_crossing_interpolates_the_first_zero():
    table = pd.DataFrame({"value": [0, 10, 20, 30], "savings_mean": [5.0, -15.0, 1.0, 0.0]})
    assert crossing(table) == 2.5
    assert crossing(pd.DataFrame({"value": [0, 1], "savings_mean": [1.0, 2.0]})) is None
    assert crossing(pd.DataFrame({"value": [0, 1], "savings_mean": [1.0, 0.0]})) == 1.0


def test_a_sweep_with_a_hybrid_contract_has_its_columns_too():
    scenario = load_scenario("small-office").with_overrides(
        {"hybrid": {"managed_tiers": ["critical"], "per_user_monthly": 40}}
    )
    table = sweep(scenario, "break_fix.hourly_rate", [100, 200], trials=1_000, seed=1)
    assert list(table.columns) == ["value", "savings_mean", "savings_se", "prob_managed_cheaper",
                                   "prob_se", "savings_hybrid_mean", "savings_hybrid_se",
                                   "prob_hybrid_cheaper"]  # fmt: skip
    # A dearer break-fix shop makes both contracts save more.
    assert table["savings_mean"].is_monotonic_increasing
    assert table["savings_hybrid_mean"].is_monotonic_increasing
