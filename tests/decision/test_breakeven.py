"""Break-even: price inputs exactly from one run (checked against fresh simulations on the same
seed), event inputs by root finding (checked with fresh seeds)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis import ArgumentError, load_scenario, references, simulate
from analysis.decision.breakeven import (
    MARKET_PER_USER_MONTHLY,
    MARKET_SOURCES,
    all_in_per_user,
    breakeven,
    breakeven_fee,
    breakeven_price,
    breakeven_table,
    market_position,
)
from analysis.decision.inputs import with_value
from tests.decision.closed import closed_form

#: At a solved event break-even, a fresh seed's mean savings lie within this many standard
#: errors of zero (two errors add: the fresh run's and the root's own).
FRESH_Z = 3.0
#: An exact break-even: a fresh simulation with the same seed at the value has mean savings of
#: zero to this share of the totals compared (only rounding remains).
EXACT = 1e-9


def _fresh_savings(scenario, parameter, value, option, trials, seed):
    again = simulate(with_value(scenario, parameter, value), trials=trials, seed=seed)
    return again, again.savings(option)


def _assert_exact(result, answer):
    """Same seed, same trials, the scenario at the break-even: mean savings are zero."""
    scenario = result.scenario
    again, savings = _fresh_savings(scenario, answer.parameter, answer.value, answer.option,
                                    result.n_trials, result.seed)  # fmt: skip
    scale = np.abs(again.column(answer.option, "total")).mean()
    assert abs(savings.mean()) <= EXACT * scale, (savings.mean(), scale)


@pytest.mark.parametrize("preset", ["server-office", "law-firm", "manufacturer"])
def test_fee_breakeven_of_every_managed_option_is_exact(preset):
    scenario = load_scenario(preset)
    result = simulate(scenario, trials=10_000, seed=5)
    solved = 0
    for option in result.alternatives:
        if scenario.options[option].kind != "managed":
            continue
        answer = breakeven_fee(result, option)
        assert answer.method == "exact" and answer.option == option
        if answer.found:
            _assert_exact(result, answer)
            solved += 1
    assert solved


def test_fee_breakeven_with_capped_sla_credits_is_exact_across_the_kinks():
    """Credits are capped at a share of the fee, so savings are only piecewise linear in it:
    still exact, and the slope is below the fee's own (the growing cap gives some back)."""
    scenario = load_scenario("server-office").with_overrides({
        "options.managed.sla": {"response_hours": 0.5, "credit_per_breach": 500,
                                "max_credit_share": 0.2},
    })  # fmt: skip
    result = simulate(scenario, trials=20_000, seed=1)
    answer = breakeven_fee(result, "managed")
    assert answer.found
    _assert_exact(result, answer)
    path = answer.parameter
    step = 0.01 * answer.value
    means = [simulate(with_value(scenario, path, answer.value + s), 20_000, 1).savings(
        "managed").mean() for s in (-step, step)]  # fmt: skip
    slope = abs(means[1] - means[0]) / (2 * step)
    assert slope < 12 * scenario.organisation.employees  # one year, per unit of fee
    # The solved fee with another seed: within FRESH_Z standard errors of zero.
    fresh = simulate(with_value(scenario, path, answer.value), 20_000, 777).savings("managed")
    se = math.hypot(fresh.std(ddof=1) / math.sqrt(fresh.size), slope * answer.stderr)
    assert abs(fresh.mean()) <= FRESH_Z * se


def test_fee_breakeven_above_a_binding_minimum_is_exact():
    """Below the minimum monthly fee the per-user fee changes nothing: a kink, then linear."""
    scenario = closed_form({"options.msp.fees.minimum_monthly": 100,
                            "options.msp.prevention.only": 0.5})  # fmt: skip
    result = simulate(scenario, trials=5_000, seed=2)
    answer = breakeven_fee(result, "msp")  # from 0 per user, where the floor binds
    assert answer.found and answer.value * 10 > 100  # above the floor's 10 per user
    _assert_exact(result, answer)


@pytest.mark.parametrize(
    "parameter",
    ["options.break-fix.rates.*", "options.break-fix.rates.onsite", "options.break-fix.trip_fee",
     "organisation.loaded_hourly_cost", "organisation.annual_revenue",
     "options.managed.out_of_scope.rate"],
)  # fmt: skip
def test_other_price_breakevens_are_exact(parameter):
    scenario = load_scenario("server-office").with_overrides(
        {"options.managed.fees.per_user_monthly": 200}
    )
    result = simulate(scenario, trials=10_000, seed=4)
    answer = breakeven_price(result, parameter, "managed")
    if answer.found:
        _assert_exact(result, answer)
    else:  # then savings keep one sign over the whole range the field allows
        assert answer.cheaper in ("managed", "break-fix") and answer.value is None
    assert breakeven(scenario, parameter, "managed", trials=10_000, seed=4) == answer


def test_fee_breakeven_holds_with_a_fresh_seed():
    scenario = load_scenario("dental-clinic")
    option = next(o for o in scenario.option_names if scenario.options[o].kind == "managed"
                  and o != scenario.baseline_name)  # fmt: skip
    answer = breakeven(scenario, option=option, trials=40_000, seed=1)
    assert answer.found and answer.parameter == f"options.{option}.fees.per_user_monthly"
    slope = 12 * scenario.organisation.employees
    fresh = simulate(with_value(scenario, answer.parameter, answer.value), 40_000, 777)
    savings = fresh.savings(option)
    se = math.hypot(savings.std(ddof=1) / math.sqrt(savings.size), slope * answer.stderr)
    assert abs(savings.mean()) <= FRESH_Z * se
    assert answer.to_dict().keys() >= {"parameter", "found", "value", "stderr", "current",
                                       "option", "against", "method"}  # fmt: skip


def test_incident_rate_multiplier_breakeven_holds_with_a_fresh_seed():
    scenario = load_scenario("server-office")
    answer = breakeven(scenario, "incidents.*.rate", "managed", trials=20_000, seed=1)
    assert answer.found and answer.method == "root" and answer.value > 0
    at_root = with_value(scenario, "incidents.*.rate", answer.value)
    # d(mean savings)/d(multiplier) on common random numbers, over +-10%.
    means = [simulate(with_value(scenario, "incidents.*.rate", answer.value * f), 20_000,
                      1).savings("managed").mean() for f in (0.9, 1.1)]  # fmt: skip
    slope = (means[1] - means[0]) / (0.2 * answer.value)
    fresh = simulate(at_root, 20_000, 777).savings("managed")
    se = math.hypot(fresh.std(ddof=1) / math.sqrt(fresh.size), slope * answer.stderr)
    assert abs(fresh.mean()) <= FRESH_Z * se, (fresh.mean(), se)


def test_breakeven_from_a_value_of_zero_searches_a_typical_range():
    scenario = closed_form({"incidents.only.rate_per_year": 0,
                            "options.msp.fees.per_user_monthly": 10})  # fmt: skip
    answer = breakeven(scenario, "incidents.only.rate_per_year", "msp", trials=5_000, seed=2)
    assert answer.found and answer.searched == (0.0, 20.0) and answer.value > 0


def test_breakeven_needs_two_trials_for_its_standard_error():
    # The library names its argument; the command line says --trials (tests/cli).
    with pytest.raises(ArgumentError, match=r"^trials: must be a whole number >= 2"):
        breakeven(load_scenario("server-office"), trials=1)


def test_bad_options_and_parameters_name_their_argument():
    scenario = load_scenario("server-office")
    result = simulate(scenario, trials=200, seed=1)
    with pytest.raises(ArgumentError, match=r"^option: 'acme' is not an option"):
        breakeven_fee(result, "acme")
    with pytest.raises(ArgumentError, match=r"^option: 'break-fix' is pay per incident"):
        breakeven_fee(result, "break-fix")
    with pytest.raises(ArgumentError, match=r"^against: compares 'managed' with itself"):
        breakeven_fee(result, "managed", against="managed")
    with pytest.raises(ArgumentError, match=r"^parameter: incidents.\*.rate changes what"):
        breakeven_price(result, "incidents.*.rate", "managed")


def test_no_breakeven_in_range_says_so():
    # Nothing to save, and an onboarding fee: the contract costs more even at no monthly fee.
    idle = closed_form({"incidents.only.rate_per_year": 0, "options.msp.fees.onboarding": 1000})
    answer = breakeven_fee(simulate(idle, trials=2_000, seed=1), "msp")
    assert not answer.found and answer.value is None and answer.cheaper == "break-fix"
    assert "break-fix is cheaper on average throughout" in answer.note
    # Another option's fee does not move this one's savings: no root, found quickly.
    office = simulate(load_scenario("server-office"), trials=2_000, seed=1)
    answer = breakeven_price(office, "options.managed.fees.per_user_monthly", "hybrid")
    assert not answer.found


def test_breakeven_against_another_option():
    scenario = load_scenario("server-office")
    result = simulate(scenario, trials=5_000, seed=3)
    answer = breakeven_fee(result, "managed", against="hybrid")
    assert answer.against == "hybrid" and answer.found
    again = simulate(with_value(scenario, answer.parameter, answer.value), 5_000, 3)
    gap = again.column("hybrid", "total") - again.column("managed", "total")
    assert abs(gap.mean()) <= EXACT * np.abs(again.column("managed", "total")).mean()


def test_breakeven_table_has_a_row_per_managed_alternative():
    scenario = load_scenario("server-office")
    result = simulate(scenario, trials=5_000, seed=3)
    table = breakeven_table(result)
    managed = [o for o in result.alternatives if scenario.options[o].kind == "managed"]
    assert list(table["option"]) == managed
    assert set(table["method"]) == {"exact"}
    for row in table.itertuples():
        assert row.break_even == breakeven_fee(result, row.option).value
        spec = scenario.options[row.option]
        # The band prices whole contracts per user: the break-even of the user line plus the
        # server and site lines (server-office's managed option has both).
        whole = all_in_per_user(scenario, row.option, max(row.break_even, 0.0))
        expected = market_position(whole) if spec.covers == "all" else None
        assert (row.market or None) == expected
        if spec.covers == "all":
            lines = spec.fees.per_server_monthly + spec.fees.per_site_monthly
            assert whole == pytest.approx(max(row.break_even, 0.0) + lines / 10, rel=1e-12)
    # Event inputs on request: solved on the result's trials and seed.
    both = breakeven_table(result, ["options.{option}.fees.per_user_monthly",
                                    "incidents.*.rate"])  # fmt: skip
    assert list(both["method"]) == ["exact", "root"] * len(managed)


def test_market_band_and_its_sources():
    assert MARKET_PER_USER_MONTHLY == (100.0, 250.0)
    assert [market_position(fee) for fee in (99, 100, 250, 251)] == [
        "below", "within", "within", "above"]  # fmt: skip
    known = {entry["id"] for entry in references()}
    assert set(MARKET_SOURCES) <= known, set(MARKET_SOURCES) - known
