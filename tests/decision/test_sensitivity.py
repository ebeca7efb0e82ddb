"""Tornado and Sobol sensitivity, checked against closed forms."""

from __future__ import annotations

import pytest

from analysis import simulate
from analysis.decision.inputs import applicable_inputs, vary
from analysis.decision.sensitivity import sobol, tornado
from tests.helpers import Z_TOLERANCE, assert_within_se, closed_form

# -- tornado against a closed form -------------------------------------------------------------


def closed_savings(s) -> float:
    """Expected savings of the one-tier closed-form scenario with constant durations:
    lambda [r H + c (R_bf + H)] - lambda (1 - rho) c (R_ms + f H) - 12 E fee."""
    tier, org = s.incidents["only"], s.organisation
    c = s.impact_rate("only")
    hours = tier.fix_hours.median
    bf = s.break_fix.hourly_rate * hours + c * (s.break_fix.response_hours.median + hours)
    ms = c * (s.managed.response_hours.median + s.managed.fix_time_factor * hours)
    kept = 1 - s.reduction("only")
    return tier.rate_per_year * (bf - kept * ms) - 12 * org.employees * s.managed.per_user_monthly


def test_each_tornado_swing_matches_the_closed_form():
    scenario = closed_form({"managed.per_user_monthly": 10,
                            "managed.incident_reduction.only": 0.2})  # fmt: skip
    table = tornado(scenario, trials=20_000, seed=8)
    assert set(table.index) == set(applicable_inputs(scenario))
    assert "security_loss" not in table.index  # the scenario has no security section
    assert list(table["swing"]) == sorted(table["swing"], reverse=True)
    for name, row in table.iterrows():
        for side in ("low", "high"):
            expected = closed_savings(vary(scenario, {name: row[side]}))
            assert_within_se(row[f"savings_{side}"], expected, row[f"se_{side}"] or 1e-9)
    assert table.loc["managed_fee", "swing"] == pytest.approx(12 * 10 * 10)  # exact: a fee


def test_tornado_takes_the_users_ranges():
    table = tornado(closed_form(), ranges={"break_fix_rate": (0.9, 1.1)}, trials=2_000)
    assert tuple(table.loc["break_fix_rate", ["low", "high"]]) == (0.9, 1.1)
    assert tuple(table.loc["staff", ["low", "high"]]) == (0.5, 1.5)


def test_sobol_indices_of_two_linear_inputs_match_their_analytic_values():
    """Y = A + B k_rate - D k_fee on common random numbers (exactly linear per trial), both
    factors uniform on [0.5, 1.5]: S1 = ST = B^2 / (B^2 + D^2) and D^2 / (B^2 + D^2)."""
    scenario = closed_form({"managed.per_user_monthly": 10})
    trials, seed = 2_000, 3
    table = sobol(scenario, inputs=["break_fix_rate", "managed_fee"], samples=256,
                  trials=trials, seed=seed)  # fmt: skip
    counts = simulate(scenario, trials=trials, seed=seed).columns["break_fix_incidents"]
    b = 100 * 2 * counts.mean()  # hourly rate x repair hours x incidents on these draws
    d = 12 * 10 * 10
    expected = {"break_fix_rate": b**2 / (b**2 + d**2), "managed_fee": d**2 / (b**2 + d**2)}
    for name, value in expected.items():
        row = table.loc[name]
        # SALib's 95% bootstrap half-widths, widened to our usual 4 standard errors.
        widen = Z_TOLERANCE / 1.96
        assert abs(row["S1"] - value) <= widen * row["S1_conf"], (name, row.to_dict())
        assert abs(row["ST"] - value) <= widen * row["ST_conf"], (name, row.to_dict())
