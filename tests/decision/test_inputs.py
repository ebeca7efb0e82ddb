"""analysis.decision.inputs: one input of a scenario set or scaled, as every analysis does it."""

from __future__ import annotations

import pytest

from analysis import ArgumentError, load_scenario
from analysis.decision.inputs import INPUTS, RATE_MULTIPLIER, current_value, vary, with_value


@pytest.fixture(scope="module")
def office():
    return load_scenario("small-office")


def test_with_value_and_current_value_agree(office):
    changed = with_value(office, "managed.per_user_monthly", 140)
    assert current_value(changed, "managed.per_user_monthly") == 140.0
    doubled = with_value(office, RATE_MULTIPLIER, 2)
    for name, tier in office.incidents.items():
        assert doubled.incidents[name].rate_per_year == 2 * tier.rate_per_year
    assert current_value(office, RATE_MULTIPLIER) == 1.0


@pytest.mark.parametrize(
    ("parameter", "reason"),
    [("nope", "nope: no such field (allowed: name, description"),
     ("break_fix.nope", "break_fix.nope: no such field (allowed: hourly_rate"),
     ("name", "name: not a number to sweep"), ("incidents", "incidents: not a number")],
)  # fmt: skip
def test_current_value_names_the_parameter_argument(office, parameter, reason):
    with pytest.raises(ArgumentError) as caught:
        current_value(office, parameter)
    assert caught.value.names == ("parameter",) and caught.value.reason.startswith(reason)


def test_vary_scales_fields_and_specs_and_caps_shares(office):
    varied = vary(office, {"staff": 1.25, "break_fix_response": 2, "productivity_loss": 3})
    assert varied.organisation.employees == round(10 * 1.25)
    spec = office.break_fix.response_hours
    assert (varied.break_fix.response_hours.median, varied.break_fix.response_hours.p90) == (
        2 * spec.median, 2 * spec.p90
    )  # fmt: skip
    assert varied.organisation.productivity_loss == 1.0  # capped
    with pytest.raises(ArgumentError, match=r"^factors: no input 'staf'"):
        vary(office, {"staf": 2})


def test_every_input_has_a_label_and_changes_the_scenario(office):
    for name, item in INPUTS.items():
        assert item.label and item.label[0].isupper(), name
        assert vary(office, {name: 1.5}).sha256 != office.sha256, name
