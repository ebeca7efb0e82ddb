"""analysis.decision.inputs: one input of a scenario set or scaled, as every analysis does it,
and whether it changes prices only or what happens."""

from __future__ import annotations

import pytest

from analysis import ArgumentError, ScenarioError, load_scenario, simulate
from analysis.decision.inputs import (
    RATE_MULTIPLIER,
    applicable_inputs,
    current_value,
    describe_input,
    expand,
    input_kind,
    inputs,
    vary,
    with_value,
)
from tests.decision.closed import closed_form


@pytest.fixture(scope="module")
def office():
    return load_scenario("server-office")


def test_with_value_and_current_value_agree(office):
    path = "options.managed.fees.per_user_monthly"
    changed = with_value(office, path, 140)
    assert current_value(changed, path) == 140.0
    doubled = with_value(office, RATE_MULTIPLIER, 2)
    for name in office.incidents:
        assert doubled.tier_rate(name) == 2 * office.tier_rate(name)
    assert current_value(office, RATE_MULTIPLIER) == 1.0
    # The format-1 spelling still means every tier's rate.
    assert with_value(office, "incidents.*.rate_per_year", 2).sha256 == doubled.sha256


def test_a_spec_is_set_by_its_median_and_keeps_its_spread(office):
    path = "options.break-fix.response_hours.default"
    spec = office.options["break-fix"].response_hours["default"]
    assert current_value(office, path) == spec.median
    changed = with_value(office, path, 2 * spec.median).options["break-fix"].response_hours
    assert (changed["default"].median, changed["default"].p90) == (2 * spec.median, 2 * spec.p90)


@pytest.mark.parametrize(
    ("parameter", "reason"),
    [("nope", "nope: no such field 'nope' (allowed: name, description"),
     ("options.break-fix.nope", "options.break-fix.nope: no such field 'options.break-fix.nope'"),
     ("options.acme.fees", "options.acme.fees: no such field 'options.acme' (allowed: break-fix"),
     ("name", "name: not a number to vary"), ("incidents", "incidents: not a number"),
     ("organisation.revenue_per_hour", "organisation.revenue_per_hour: not set"),
     ("options.*.nope", "options.*.nope: no such field 'options.*.nope' (allowed: title"),
     ("options.*.title", "options.*.title: matches no number")],
)  # fmt: skip
def test_current_value_names_the_parameter_argument(office, parameter, reason):
    with pytest.raises(ArgumentError) as caught:
        current_value(office, parameter)
    assert caught.value.names == ("parameter",) and caught.value.reason.startswith(reason)


def test_vary_scales_fields_and_specs_and_clips_to_the_fields_bounds(office):
    varied = vary(office, {"organisation.employees": 1.25,
                           "options.break-fix.response_hours.*": 2,
                           "incidents.*.blocking": 3})  # fmt: skip
    assert varied.organisation.employees == round(10 * 1.25)
    for key, spec in office.options["break-fix"].response_hours.items():
        new = varied.options["break-fix"].response_hours[key]
        assert (new.median, new.p90) == (2 * spec.median, 2 * spec.p90)
    for name, tier in office.incidents.items():  # shares stop at 1
        assert varied.incidents[name].blocking == min(3 * tier.blocking, 1.0)
    # Staff stays at least one person; a fee at its maximum stays there.
    assert vary(office, {"organisation.employees": 0}).organisation.employees == 1
    top = office.with_overrides({"options.managed.fees.per_user_monthly": 1e9})
    assert vary(top, {"options.managed.fees.per_user_monthly": 1.5}).options[
        "managed"].fees.per_user_monthly == 1e9  # fmt: skip
    with pytest.raises(ArgumentError, match=r"^parameter: staf: no such field"):
        vary(office, {"staf": 2})
    with pytest.raises(ScenarioError):  # a repair time of zero is refused, not clipped
        vary(office, {"incidents.*.fix_hours": 0})


def test_kinds_follow_the_engine(office):
    """Price inputs reprice (the engine's parameters of what happens are equal), event inputs
    do not; staff is a price input only when no tier's rate is per user."""
    base = simulate(office, trials=100, seed=1)
    for path, item in inputs(office).items():
        assert item.kind == input_kind(office, path)
        try:
            changed = vary(office, {path: 0.5})
        except ScenarioError:  # a calendar that would close before it opens
            continue
        if changed.sha256 != office.sha256:  # an input at 0 (or its minimum) stays there
            assert base.can_reprice(changed) == (item.kind == "price"), path
    assert input_kind(office, "organisation.employees") == "event"
    assert input_kind(closed_form(), "organisation.employees") == "price"
    for path in (
        "organisation.loaded_hourly_cost",
        "incidents.minor.blocking",
        "options.break-fix.rates.*",
        "options.break-fix.trip_fee",
        "options.managed.fees.per_user_monthly",
        "organisation.annual_revenue",
    ):
        assert input_kind(office, path) == "price", path  # fmt: skip
    for path in (
        RATE_MULTIPLIER,
        "incidents.*.fix_hours",
        "options.managed.prevention.*",
        "options.managed.response_hours.default",
    ):
        assert input_kind(office, path) == "event", path  # fmt: skip


@pytest.mark.parametrize("preset", ["server-office", "micro-cloud-office", "manufacturer"])
def test_every_default_input_has_a_label_and_changes_the_scenario(preset):
    scenario = load_scenario(preset)
    for option in scenario.option_names:
        if option == scenario.baseline_name:
            continue
        names = applicable_inputs(scenario, option)
        assert 10 <= len(names) <= 20, names
        for name in names:
            item = describe_input(scenario, name)
            assert item.label and item.label[0].isupper(), name
            assert expand(scenario, name), name
            assert vary(scenario, {name: 1.5}).sha256 != scenario.sha256 or name.endswith(
                ("revenue_impact", "onsite_share")) , name  # fmt: skip


def test_labels_name_the_option_by_its_title(office):
    title = office.options["managed"].title
    item = describe_input(office, "options.managed.fees.per_user_monthly")
    assert item.label == f"{title}: Fee per user (per month)"
    assert item.unit == "money per month" and item.minimum == 0
    assert describe_input(office, "incidents.*.fix_hours").label == "Repair time (every tier)"
    assert describe_input(office, "incidents.minor.blocking").label == "Work blocked (minor)"
