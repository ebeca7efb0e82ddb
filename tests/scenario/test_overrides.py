"""``--set`` overrides: type coercion, validation, and paths that must exist."""

from __future__ import annotations

import pytest

from analysis import ScenarioError, apply_overrides, load_scenario, preset_names
from analysis.scenario.overrides import format_value, scenario_diff
from analysis.scenario.paths import parse_assignment


@pytest.fixture(scope="module")
def office():
    return load_scenario("small-office")


def test_values_are_coerced_to_the_field_type(office):
    changed = apply_overrides(
        office,
        [
            "incidents.minor.rate_per_year=40",
            "managed.per_user_monthly=140",
            "organisation.employees=12",
            "break_fix.response_hours={median: 4, p90: 12}",
            "incidents.major.fix_hours.p90=9",
            "name=Acme Ltd",
        ],
    )
    assert changed.incidents["minor"].rate_per_year == 40.0
    assert changed.managed.per_user_monthly == 140.0
    assert changed.organisation.employees == 12
    response = changed.break_fix.response_hours
    assert (response.median, response.p90) == (4, 12)
    assert changed.incidents["major"].fix_hours.p90 == 9
    assert changed.name == "Acme Ltd"
    assert office.incidents["minor"].rate_per_year == 30  # the original is untouched


def test_a_mapping_of_overrides_works_like_strings(office):
    from_strings = apply_overrides(office, ["managed.onboarding_fee=0"])
    from_mapping = apply_overrides(office, {"managed.onboarding_fee": 0})
    assert from_strings == from_mapping
    assert from_strings.sha256 != office.sha256


def test_an_absent_optional_section_can_be_started():
    scenario = load_scenario("small-office").with_overrides(
        {"security": None}
    )  # remove, then start it again field by field
    assert scenario.security is None
    again = scenario.with_overrides(
        ["security.rate_per_year={break_fix: 0.1, managed: 0.05}", "security.loss=10000"]
    )
    assert again.security.rate_per_year.managed == 0.05


@pytest.mark.parametrize(
    ("assignment", "field", "reason"),
    [
        ("colour=blue", "colour", "no such field"),
        ("incidents.minor.rate_per_yer=1", "incidents.minor.rate_per_yer",
         "did you mean 'rate_per_year'"),
        ("incidents.huge.rate_per_year=1", "incidents.huge", "allowed: critical, major, minor"),
        ("managed.incident_reduction.huge=0.1", "managed.incident_reduction.huge", "no such field"),
        ("managed.per_user_monthly.extra=1", "managed.per_user_monthly", "is a value"),
        ("incidents.minor.rate_per_year=-4", "incidents.minor.rate_per_year", "must be >= 0"),
        ("organisation.employees=lots", "organisation.employees", "must be a whole number"),
        ("incidents.minor.fix_hours.p90=0.1", "incidents.minor.fix_hours", "must be >= median"),
        ("managed.per_user_monthly", "managed.per_user_monthly", "expected dotted.key=value"),
        ("managed.per_user_monthly=", "managed.per_user_monthly", "needs a value"),
        ("managed.per_user_monthly=[1, 2", "managed.per_user_monthly", "cannot read the value"),
        ("security.loss={median: 1, median: 2}", "security.loss", "duplicate key"),
        (".=1", ".", "expected dotted.key=value"),
        ("managed..per_user_monthly=1", "managed..per_user_monthly", "expected dotted.key"),
    ],
)  # fmt: skip
def test_bad_overrides_name_the_field(office, assignment, field, reason):
    with pytest.raises(ScenarioError) as caught:
        apply_overrides(office, [assignment])
    assert caught.value.field.startswith(field)
    assert reason in caught.value.reason
    assert str(caught.value).startswith("overrides")  # the command line says --set (tests/cli)


def test_derived_defaults_follow_the_values_they_derive_from():
    """devices defaults to employees: raising employees raises devices, as editing a file does."""
    from analysis import load_scenario_text
    from tests.helpers import CLOSED_FORM, closed_form, yaml_text

    bigger = closed_form({"organisation.employees": 20})
    assert bigger.organisation.devices == 20
    edited = yaml_text(CLOSED_FORM).replace("employees: 10", "employees: 20")
    assert bigger == load_scenario_text(edited)


def test_null_removes_an_optional_section(office):
    assert apply_overrides(office, ["parts=null"]).parts is None


def test_booleans_are_not_numbers(office):
    with pytest.raises(ScenarioError, match=r"organisation\.employees: must be a whole number"):
        apply_overrides(office, ["organisation.employees=true"])


# -- differences between scenarios, as links carry them -------------------------------------------


@pytest.mark.parametrize("preset", preset_names())
@pytest.mark.parametrize("other", ["small-office", "manufacturer"])
def test_scenario_diff_turns_one_scenario_into_another(preset, other):
    """Every preset from every other: tiers, shares and optional sections all travel."""
    base, target = load_scenario(other), load_scenario(preset)
    target = target.with_overrides({"parts": None, "name": "Acme: 50% true"})
    changes = scenario_diff(base, target)
    assert apply_overrides(base, changes).sha256 == target.sha256
    as_text = [f"{path}={format_value(value)}" for path, value in changes.items()]
    assert apply_overrides(base, as_text).sha256 == target.sha256  # through --set text
    assert scenario_diff(target, target) == {}


@pytest.mark.parametrize(
    "value",
    [
        0,
        1.5,
        1e-7,
        123456789.25,
        True,
        None,
        "plain",
        "true",
        " padded",
        "a: b",
        "10",
        {"median": 2, "p90": 6},
        {"only": {"rate_per_year": 1}},
    ],
)
def test_format_value_reads_back_as_itself(value):
    _, parsed = parse_assignment(f"name={format_value(value)}")
    assert parsed == value and type(parsed) is type(value)


def test_a_tier_named_like_an_optional_section_travels_with_its_tiers():
    office = load_scenario("small-office")
    tiers = {name: tier.model_dump(mode="json") for name, tier in office.incidents.items()}
    tiers["budget"] = {"rate_per_year": 1, "users_affected": 0.1, "revenue_impact": 0,
                       "fix_hours": 1}  # fmt: skip
    more = office.with_overrides({"incidents": tiers})
    assert list(scenario_diff(office, more)) == ["incidents", "managed.incident_reduction"]
    assert apply_overrides(office, scenario_diff(office, more)).sha256 == more.sha256
    assert apply_overrides(more, scenario_diff(more, office)).sha256 == office.sha256
