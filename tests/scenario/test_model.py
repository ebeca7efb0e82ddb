"""The scenario model: validation, defaults, canonical form and hash, YAML round trip."""

from __future__ import annotations

import copy
import math

import pytest

from analysis import (
    Scenario,
    ScenarioError,
    Spec,
    dump_scenario,
    load_scenario,
    load_scenario_file,
    load_scenario_text,
)
from tests.helpers import CLOSED_FORM, yaml_text


def text_of(data: dict) -> str:
    return yaml_text(data)


def error_for(data: dict) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text_of(data), "test.yaml")
    return caught.value


def changed(path: str, value) -> dict:
    """CLOSED_FORM with one dotted key set (or deleted when value is ...)."""
    data = copy.deepcopy(CLOSED_FORM)
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node.setdefault(key, {})
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return data


def test_defaults_are_filled_in():
    scenario = load_scenario_text(text_of(CLOSED_FORM))
    assert scenario.organisation.devices == scenario.organisation.employees
    assert scenario.incidents["only"].dispersion == 0
    assert scenario.managed.per_device_monthly == 0
    assert scenario.managed.onboarding_fee == 0
    assert scenario.managed.incident_reduction == {} and scenario.reduction("only") == 0
    assert scenario.parts is None and scenario.security is None
    assert (scenario.horizon.years, scenario.horizon.price_escalation) == (1, 0)
    assert scenario.horizon.discount_rate == 0
    assert scenario.currency == "USD"


def test_scenario_is_frozen():
    scenario = load_scenario_text(text_of(CLOSED_FORM))
    with pytest.raises(ValueError, match="frozen"):
        scenario.name = "other"


def test_spec_from_number_and_from_median_p90():
    constant = Spec.model_validate(3)
    assert constant.is_constant and constant.sigma == 0 and constant.mean == 3
    spec = Spec.model_validate({"median": 2, "p90": 6})
    assert spec.sigma == pytest.approx(math.log(3) / 1.2815515655446004)
    assert spec.mean == pytest.approx(2 * math.exp(spec.sigma**2 / 2))


def test_yaml_round_trip_gives_the_same_scenario():
    for name in ("small-office", "manufacturer"):
        scenario = load_scenario(name)
        again = load_scenario_text(dump_scenario(scenario))
        assert again == scenario
        assert again.sha256 == scenario.sha256


def test_dump_writes_a_file_atomically(tmp_path):
    path = tmp_path / "out.yaml"
    path.write_text("old")
    scenario = load_scenario("small-office")
    dump_scenario(scenario, path)
    assert load_scenario_file(path) == scenario
    assert [p.name for p in tmp_path.iterdir()] == ["out.yaml"]  # no temporary left behind


def test_hash_ignores_key_order_whitespace_and_spelt_out_defaults():
    data = copy.deepcopy(CLOSED_FORM)
    reordered = dict(reversed(list(data.items())))
    reordered["organisation"] = dict(reversed(list(data["organisation"].items())))
    spelt_out = changed("organisation.devices", 10)  # the default: devices = employees
    spelt_out["incidents"]["only"]["fix_hours"] = {"median": 2, "p90": 2}  # = constant 2
    base = load_scenario_text(text_of(data)).sha256
    assert load_scenario_text(yaml_text(reordered, indent=6)).sha256 == base
    assert load_scenario_text(yaml_text(data, flow=True)).sha256 == base
    assert load_scenario_text(text_of(spelt_out)).sha256 == base
    assert load_scenario_text(text_of(changed("break_fix.hourly_rate", 101))).sha256 != base


def test_canonical_json_is_sorted_and_compact():
    text = load_scenario_text(text_of(CLOSED_FORM)).canonical_json()
    assert " " not in text.replace("Closed form", "")
    assert text.startswith('{"break_fix":')


@pytest.mark.parametrize(
    ("path", "value", "field", "reason"),
    [
        ("break_fix.hourly_rat", 150, "break_fix.hourly_rat",
         "unknown key (did you mean 'hourly_rate'"),
        ("colour", "blue", "colour", "unknown key"),
        ("organisation.employees", "ten", "organisation.employees", "must be a whole number"),
        ("organisation.employees", 0, "organisation.employees", "must be > 0"),
        ("incidents.only.rate_per_year", -1, "incidents.only.rate_per_year", "must be >= 0"),
        ("incidents.only.users_affected", 1.5, "incidents.only.users_affected", "must be <= 1"),
        ("organisation.productivity_loss", -0.1, "organisation.productivity_loss", "must be >= 0"),
        ("incidents.only.fix_hours", {"median": 4, "p90": 2}, "incidents.only.fix_hours",
         "p90 (2) must be >= median (4)"),
        ("incidents.only.fix_hours", 0, "incidents.only.fix_hours.median", "must be > 0"),
        ("incidents.only.fix_hours", {"median": 4}, "incidents.only.fix_hours.p90", "missing"),
        ("managed.incident_reduction", {"other": 0.2}, "managed.incident_reduction.other",
         "not a tier name (tiers: only)"),
        ("managed.incident_reduction", {"only": 2}, "managed.incident_reduction.only",
         "must be <= 1"),
        ("break_fix.after_hours_multiplier", 0.5, "break_fix.after_hours_multiplier",
         "must be >= 1"),
        ("break_fix.hourly_rate", ..., "break_fix.hourly_rate", "required, but missing"),
        ("incidents", {}, "incidents", "needs at least one tier"),
        ("incidents", {"a.b": CLOSED_FORM["incidents"]["only"]}, "incidents.a.b", "names may use"),
        ("currency", "dollars", "currency", "3-letter ISO 4217 code"),
        ("horizon.years", 0, "horizon.years", "must be >= 1"),
        ("horizon.discount_rate", -1, "horizon.discount_rate", "must be >= -0.5"),
        ("security", {"rate_per_year": 0.1, "loss": 5}, "security.rate_per_year",
         "must be a mapping"),
        ("break_fix.hourly_rate", float("inf"), "break_fix.hourly_rate", "must be a finite"),
        ("break_fix.hourly_rate", float("nan"), "break_fix.hourly_rate", "must be a finite"),
        ("break_fix.hourly_rate", True, "break_fix.hourly_rate", "must be a number"),
        ("organisation.employees", "10", "organisation.employees", "must be a whole number"),
        ("organisation.employees", 10.5, "organisation.employees", "must be a whole number"),
        ("organisation.employees", 10**310, "organisation.employees", "must be <= 1e+06"),
        ("incidents.only.rate_per_year", 1e20, "incidents.only.rate_per_year",
         "must be <= 100000"),
        ("incidents.only.fix_hours", {"median": 1e-3, "p90": 2}, "incidents.only.fix_hours",
         "must be at most 1000 x the median"),
        ("horizon.price_escalation", 1e10, "horizon.price_escalation", "must be <= 1"),
    ],
)  # fmt: skip
def test_bad_values_name_the_field_and_the_reason(path, value, field, reason):
    error = error_for(changed(path, value))
    assert error.field == field
    assert reason in error.reason
    message = str(error)
    assert "\n" not in message
    assert message.startswith(f"test.yaml: {field}: ")


def test_several_problems_report_the_first_and_count_the_rest():
    data = changed("organisation.employees", -1)
    data["break_fix"]["hourly_rate"] = -5
    assert str(error_for(data)).endswith("(and 1 more problem)")


def test_missing_file_and_unknown_preset(tmp_path):
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "absent.yaml")
    with pytest.raises(ScenarioError, match=r"no such preset or file \(presets: .*small-office"):
        load_scenario("no-such-preset")


def test_impact_rate_and_managed_fee():
    scenario = load_scenario_text(text_of(changed("organisation.devices", 15)))
    assert scenario.impact_rate("only") == 10 * 0.4 * 40 * 0.5 + 200 * 0.3
    changed_fees = scenario.with_overrides(
        {"managed.per_user_monthly": 100, "managed.per_device_monthly": 5}
    )
    assert changed_fees.managed_annual_fee == 12 * (100 * 10 + 5 * 15)


def test_year_factors():
    scenario = load_scenario_text(
        text_of(changed("horizon", {"years": 3, "price_escalation": 0.1, "discount_rate": 0.05}))
    )
    growth = 1.1 / 1.05
    assert scenario.horizon.year_factors() == pytest.approx([1, growth, growth**2])


def test_field_descriptions_carry_units():
    break_fix = Scenario.model_fields["break_fix"].annotation.model_fields
    managed = Scenario.model_fields["managed"].annotation.model_fields
    assert "money per hour" in break_fix["hourly_rate"].description
    assert "hours" in managed["response_hours"].description


def test_numpy_scalars_and_whole_floats_are_accepted():
    """Sweeps pass numpy values and pandas rows give 12.0 for a count: both mean what they say."""
    import numpy as np

    scenario = load_scenario_text(text_of(CLOSED_FORM)).with_overrides(
        {"organisation.employees": np.int64(12), "break_fix.hourly_rate": np.float32(120.5),
         "horizon.years": 2.0}
    )  # fmt: skip
    assert scenario.organisation.employees == 12 and type(scenario.organisation.employees) is int
    assert scenario.break_fix.hourly_rate == 120.5 and scenario.horizon.years == 2
