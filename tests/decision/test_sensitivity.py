"""Tornado and Sobol sensitivity, checked against closed forms and fresh simulations."""

from __future__ import annotations

import numpy as np
import pytest

from analysis import ArgumentError, load_scenario, simulate
from analysis.decision.inputs import applicable_inputs, vary
from analysis.decision.sensitivity import sobol, tornado
from tests.decision.closed import closed_form, closed_savings
from tests.helpers import Z_TOLERANCE, assert_within_se


def test_each_tornado_swing_matches_the_closed_form():
    scenario = closed_form({"options.msp.fees.per_user_monthly": 10,
                            "options.msp.prevention.only": 0.2})  # fmt: skip
    table = tornado(scenario, "msp", trials=20_000, seed=8)
    assert set(table.index) == set(applicable_inputs(scenario, "msp"))
    assert "security.loss" not in table.index  # the scenario has no security section
    assert list(table["swing"]) == sorted(table["swing"], reverse=True)
    for name, row in table.iterrows():
        for side in ("low", "high"):
            expected = closed_savings(vary(scenario, {name: row[side]}))
            # A fee moves every trial alike: its standard error is the base's, not 0.
            assert_within_se(row[f"savings_{side}"], expected, row[f"se_{side}"])
    fee = "options.msp.fees.*"  # the contract's price: every fee line (here only the user line)
    assert table.loc[fee, "swing"] == pytest.approx(12 * 10 * 10)  # exact: a fee
    assert table.loc[fee, "kind"] == "price"
    assert table.loc["incidents.*.rate", "kind"] == "event"
    assert table.attrs == {"option": "msp", "against": "break-fix", "trials": 20_000, "seed": 8}


def test_tornado_price_inputs_equal_fresh_simulations():
    """Repriced on the base run, a price input's savings are what a new simulation with the
    same seed gives (to rounding)."""
    scenario = load_scenario("server-office")
    table = tornado(scenario, "managed", trials=5_000, seed=3)
    prices = table[table["kind"] == "price"]
    assert len(prices) >= 4
    for name, row in prices.iterrows():
        for side in ("low", "high"):
            fresh = simulate(vary(scenario, {name: row[side]}), trials=5_000, seed=3)
            savings = fresh.savings("managed")
            scale = np.abs(fresh.column("managed", "total")).mean()
            assert abs(row[f"savings_{side}"] - savings.mean()) <= 1e-9 * scale, name
            assert row[f"se_{side}"] == pytest.approx(savings.std(ddof=1) / np.sqrt(5_000))


def test_the_default_option_is_the_best_alternative():
    scenario = load_scenario("server-office")
    result = simulate(scenario, trials=2_000, seed=1)
    table = tornado(scenario, trials=2_000, seed=1, inputs=["organisation.loaded_hourly_cost"])
    means = {o: result.column(o, "total").mean() for o in result.alternatives}
    assert table.attrs["option"] == min(means, key=means.get)


def test_tornado_takes_the_users_ranges():
    rates = "options.break-fix.rates.*"
    table = tornado(closed_form(), "msp", ranges={rates: (0.9, 1.1)}, trials=2_000)
    assert tuple(table.loc[rates, ["low", "high"]]) == (0.9, 1.1)
    assert tuple(table.loc["organisation.employees", ["low", "high"]]) == (0.5, 1.5)


def test_a_scenario_near_the_upper_bounds_still_works():
    """x1.5 of a share near 1 is clipped to 1, of money near the maximum to the maximum."""
    scenario = closed_form({"incidents.only.blocking": 0.9, "incidents.only.users_affected": 1,
                            "options.msp.fees.per_user_monthly": 9e8})  # fmt: skip
    table = tornado(scenario, "msp", trials=1_000, seed=2)
    assert table.loc["incidents.*.users_affected", "value_high"] == 1.5  # a multiplier...
    high = vary(scenario, {"incidents.*.blocking": 1.5})
    assert high.incidents["only"].blocking == 1.0  # ...clipped in each field
    assert table.loc["options.msp.fees.*", "value_high"] == 1.5  # a multiplier...
    fees = vary(scenario, {"options.msp.fees.*": 1.5}).options["msp"].fees
    assert fees.per_user_monthly == 1e9  # ...clipped in each field


@pytest.mark.parametrize(
    ("arguments", "message"),
    [({"low": 1.5, "high": 0.5}, r"^low/high: needs finite factors with 0 <= LOW < HIGH"),
     ({"low": -1}, r"^low/high: needs finite factors"),
     ({"high": float("inf")}, r"^low/high: needs finite factors"),
     ({"ranges": {"options.break-fix.rates.*": (2, 1)}},
      r"^ranges options.break-fix.rates.\*: needs finite factors"),
     ({"inputs": ["organisation.staff"]}, r"^inputs: organisation.staff: no such field"),
     ({"ranges": {"nope": (1, 2)}}, r"^ranges: nope: no such field"),
     ({"inputs": ["incidents.*.fix_hours"], "low": 0}, r"^low/high: x0 makes incidents"),
     ({"option": "acme"}, r"^option: 'acme' is not an option")],
)  # fmt: skip
def test_invalid_arguments_are_refused_in_one_line_before_any_run(arguments, message):
    with pytest.raises(ArgumentError, match=message) as caught:
        tornado(closed_form(), **{"trials": 10, **arguments})
    assert "\n" not in str(caught.value)


def test_sobol_indices_of_two_linear_inputs_match_their_analytic_values():
    """Y = A + B k_rate - D k_fee on common random numbers (exactly linear per trial, both
    price inputs: repriced), both factors uniform on [0.5, 1.5]: S1 = ST = B^2 / (B^2 + D^2)
    and D^2 / (B^2 + D^2)."""
    scenario = closed_form({"options.msp.fees.per_user_monthly": 10})
    trials, seed = 2_000, 3
    rates, fee = "options.break-fix.rates.*", "options.msp.fees.per_user_monthly"
    table = sobol(scenario, "msp", inputs=[rates, fee], samples=256, trials=trials, seed=seed)
    counts = simulate(scenario, trials=trials, seed=seed).column("break-fix", "incidents")
    b = 100 * 2 * counts.mean()  # hourly rate x repair hours x incidents on these draws
    d = 12 * 10 * 10
    expected = {rates: b**2 / (b**2 + d**2), fee: d**2 / (b**2 + d**2)}
    for name, value in expected.items():
        row = table.loc[name]
        # SALib's 95% bootstrap half-widths, widened to our usual 4 standard errors.
        widen = Z_TOLERANCE / 1.96
        assert abs(row["S1"] - value) <= widen * row["S1_conf"], (name, row.to_dict())
        assert abs(row["ST"] - value) <= widen * row["ST_conf"], (name, row.to_dict())
