"""analysis.decision.sweeps: the swept values, their checks, every option's curves, and where
savings cross zero."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import ArgumentError, load_scenario, simulate
from analysis.decision.breakeven import breakeven_fee
from analysis.decision.inputs import with_value
from analysis.decision.sweeps import check_values, crossing, parse_range, sweep
from tests.decision.closed import closed_form, closed_savings
from tests.helpers import Z_TOLERANCE, assert_within_se


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
    office = load_scenario("server-office")
    with pytest.raises(ArgumentError) as caught:
        check_values(office, "horizon.years", [1, 0])
    assert str(caught.value) == (
        "values: 0 is not a valid value: horizon.years: must be >= 1 (got 0)"
    )
    with pytest.raises(ArgumentError) as caught:
        check_values(office, "name", [1])
    assert str(caught.value) == "parameter: name: not a number to vary"


def test_crossing_interpolates_the_first_zero():
    column = "savings.msp.mean"
    table = pd.DataFrame({"value": [0, 10, 20, 30], column: [5.0, -15.0, 1.0, 0.0]})
    assert crossing(table, "msp") == 2.5
    assert crossing(pd.DataFrame({"value": [0, 1], column: [1.0, 2.0]}), "msp") is None
    assert crossing(pd.DataFrame({"value": [0, 1], column: [1.0, 0.0]}), "msp") == 1.0


def test_a_price_sweep_reprices_one_run_and_equals_fresh_simulations():
    scenario = load_scenario("server-office")
    path, values = "options.managed.fees.per_user_monthly", [60.0, 120.0, 180.0]
    frame = sweep(scenario, path, values, trials=4_000, seed=2)
    assert frame.attrs["method"] == "reprice"
    assert frame.attrs["options"] == scenario.option_names
    options, alternatives = frame.attrs["options"], frame.attrs["alternatives"]
    expected = ["value"]
    for option in options:
        expected += [f"{option}.{q}" for q in ("total.mean", "total.se", "it_spend.mean",
                                                "it_spend.se", "losses.mean")]  # fmt: skip
    expected += [f"prob_cheapest.{option}" for option in options]
    for option in alternatives:
        for name in ("savings", "it_spend_savings"):
            expected += [f"{name}.{option}.{s}" for s in ("mean", "se", "low", "high")]
        expected += [f"prob_cheaper.{option}", f"prob_cheaper.{option}.se"]
    assert list(frame.columns) == expected
    for i, value in enumerate(values):
        fresh = simulate(with_value(scenario, path, value), trials=4_000, seed=2)
        for option in options:
            total = fresh.column(option, "total").mean()
            assert frame[f"{option}.total.mean"][i] == pytest.approx(total, rel=1e-12)
        for option in alternatives:
            assert frame[f"savings.{option}.mean"][i] == pytest.approx(
                fresh.savings(option).mean(), rel=1e-9, abs=1e-9)  # fmt: skip
        cheapest = fresh.prob_cheapest()
        assert [frame[f"prob_cheapest.{o}"][i] for o in options] == [cheapest[o] for o in options]
    # A dearer contract saves less; the exact break-even is the crossing when in range.
    assert frame["savings.managed.mean"].is_monotonic_decreasing
    exact = breakeven_fee(simulate(scenario, trials=4_000, seed=2), "managed").value
    if values[0] <= exact <= values[-1]:
        assert crossing(frame, "managed") == exact
    band = frame["savings.managed.high"] - frame["savings.managed.low"]
    assert np.allclose(band, 2 * 1.959963984540054 * frame["savings.managed.se"])


def test_an_event_sweep_simulates_each_value_against_the_closed_form():
    scenario = closed_form({"options.msp.fees.per_user_monthly": 10})
    values = [2.0, 5.0, 8.0]
    frame = sweep(scenario, "incidents.only.rate_per_year", values, trials=20_000, seed=4)
    assert frame.attrs["method"] == "simulate" and frame.attrs["breakeven"] == {}
    for i, value in enumerate(values):
        expected = closed_savings(with_value(scenario, "incidents.only.rate_per_year", value))
        assert_within_se(frame["savings.msp.mean"][i], expected, frame["savings.msp.se"][i])
    assert frame["savings.msp.mean"].is_monotonic_increasing  # more incidents, more saved
    root = crossing(frame, "msp")
    # Linear in the rate: each incident saves 100 x 2 + 80 x (3 + 2) - 80 x (1 + 2) = 360
    # against a fee of 1,200 a year, so savings cross zero at 10/3 incidents a year; the
    # interpolated crossing is off by the noise of the two means around it over the slope.
    noise = max(frame["savings.msp.se"][:2]) / 360
    assert root is not None and abs(root - 10 / 3) <= Z_TOLERANCE * noise


def test_a_sweep_with_three_options_has_every_options_columns():
    scenario = load_scenario("server-office")
    frame = sweep(scenario, "options.break-fix.rates.*", [0.5, 1.5], trials=1_000, seed=1)
    assert len(frame.attrs["alternatives"]) == 2
    for option in frame.attrs["alternatives"]:
        # A dearer break-fix shop makes every other option save more.
        assert frame[f"savings.{option}.mean"].is_monotonic_increasing
    shares = frame[[f"prob_cheapest.{o}" for o in frame.attrs["options"]]].sum(axis=1)
    assert np.allclose(shares, 1.0)
