"""``--set`` overrides: type coercion, validation, and paths that must exist."""

from __future__ import annotations

import pytest

from analysis import ScenarioError, apply_overrides, load_scenario, preset_names
from analysis.scenario.overrides import format_value, scenario_diff
from analysis.scenario.paths import parse_assignment


@pytest.fixture(scope="module")
def office():
    return load_scenario("server-office")


def test_values_are_coerced_to_the_field_type(office):
    minor = office.incidents["minor"].rate_per_user_per_year
    changed = apply_overrides(
        office,
        [
            "incidents.minor.rate_per_user_per_year=4",
            "options.managed.fees.per_user_monthly=140",
            "organisation.employees=12",
            "options.break-fix.response_hours.default={median: 4, p90: 12}",
            "options.break-fix.response_hours.minor=2",
            "options.managed.prevention.minor=0.25",
            "options.managed.monitoring=false",
            "options.hybrid.covers=[critical, major, minor]",
            "organisation.operating_hours={days: 6, open: 7, close: 19}",
            "incidents.major.fix_hours.p90=9",
            "name=Acme Ltd",
        ],
    )
    assert changed.incidents["minor"].rate_per_user_per_year == 4.0
    assert changed.options["managed"].fees.per_user_monthly == 140.0
    assert changed.organisation.employees == 12
    response = changed.options["break-fix"].response("requests")
    assert (response.median, response.p90) == (4, 12)
    assert changed.options["break-fix"].response("minor").is_constant
    assert changed.options["managed"].prevention["minor"] == 0.25
    assert changed.options["managed"].monitoring is False
    assert changed.options["hybrid"].covers == ["critical", "major", "minor"]
    assert changed.organisation.operating_hours.weekly_hours == 72
    assert changed.incidents["major"].fix_hours.p90 == 9
    assert changed.name == "Acme Ltd"
    assert office.incidents["minor"].rate_per_user_per_year == minor  # the original is untouched


def test_a_mapping_of_overrides_works_like_strings(office):
    from_strings = apply_overrides(office, ["options.managed.fees.onboarding=0"])
    from_mapping = apply_overrides(office, {"options.managed.fees.onboarding": 0})
    assert from_strings == from_mapping
    assert from_strings.sha256 != office.sha256


def test_an_option_can_be_added_changed_in_kind_and_made_the_baseline(office):
    shop = office.options["break-fix"].model_dump(mode="json", exclude_unset=True)
    more = apply_overrides(office, {"options.other-shop": {**shop, "title": "Other shop"},
                                    "baseline": "other-shop"})  # fmt: skip
    assert more.option_names[-1] == "other-shop" and more.baseline_name == "other-shop"
    managed = office.options["managed"].model_dump(mode="json", exclude_unset=True)
    switched = apply_overrides(office, {"options.break-fix": {**managed, "fallback": None},
                                        "options.hybrid.fallback": None,
                                        "options.hybrid.covers": "all"})  # fmt: skip
    assert switched.options["break-fix"].kind == "managed"


def test_an_absent_optional_section_can_be_started(office):
    scenario = office.with_overrides({"security": None, "options.managed.sla": None})
    assert scenario.security is None and scenario.options["managed"].sla is None
    # ...and started again, field by field.
    again = scenario.with_overrides(
        ["security.rate_per_year=0.02", "security.loss=10000",
         "options.managed.sla.response_hours=4", "options.managed.sla.credit_per_breach=50",
         "options.managed.sla.max_credit_share=0.1"]
    )  # fmt: skip
    assert again.security.rate_per_year == 0.02
    assert again.options["managed"].sla.credit_per_breach == 50


@pytest.mark.parametrize(
    ("assignment", "field", "reason"),
    [
        ("colour=blue", "colour", "no such field"),
        ("incidents.minor.rate_per_user_per_yer=1", "incidents.minor.rate_per_user_per_yer",
         "did you mean 'rate_per_user_per_year'"),
        ("incidents.minor.rate_per_user_per_year=null", "incidents.minor.rate_per_year",
         "give exactly one of rate_per_year and rate_per_user_per_year (neither given)"),
        ("incidents.huge.rate_per_year=1", "incidents.huge",
         "allowed: critical, major, minor, requests"),
        ("options.managed.prevention.huge=0.1", "options.managed.prevention.huge",
         "no such field"),
        ("options.managed.fees.per_user_monthly.extra=1", "options.managed.fees.per_user_monthly",
         "is a value"),
        ("options.break-fix.fees.onboarding=1", "options.break-fix.fees", "no such field"),
        ("options.managed.rates.remote=1", "options.managed.rates", "allowed: title, "),
        ("options.managed.fallback=managed", "options.managed.fallback",
         "a fallback must be pay_per_incident"),
        ("options.hybrid.fallback=null", "options.hybrid.fallback", "required: tiers"),
        ("options.hybrid.covers=[huge]", "options.hybrid.covers", "'huge' is not a tier"),
        ("organisation.operating_hours.close=6", "organisation.operating_hours.close",
         "must be later than open"),
        ("baseline=nobody", "baseline", "'nobody' is not an option"),
        ("options.managed=null", "options.managed", "must be a mapping"),
        ("incidents.minor.rate_per_user_per_year=-4", "incidents.minor.rate_per_user_per_year",
         "must be >= 0"),
        ("organisation.employees=lots", "organisation.employees", "must be a whole number"),
        ("incidents.minor.fix_hours.p90=0.1", "incidents.minor.fix_hours", "must be >= median"),
        ("options.managed.fees.onboarding", "options.managed.fees.onboarding",
         "expected dotted.key=value"),
        ("options.managed.fees.onboarding=", "options.managed.fees.onboarding", "needs a value"),
        ("options.managed.fees.onboarding=[1, 2", "options.managed.fees.onboarding",
         "cannot read the value"),
        ("security.loss={median: 1, median: 2}", "security.loss", "duplicate key"),
        (".=1", ".", "expected dotted.key=value"),
        ("options..managed=1", "options..managed", "expected dotted.key"),
    ],
)  # fmt: skip
def test_bad_overrides_name_the_field(office, assignment, field, reason):
    with pytest.raises(ScenarioError) as caught:
        apply_overrides(office, [assignment])
    assert caught.value.field.startswith(field)
    assert reason in caught.value.reason
    assert str(caught.value).startswith("overrides")  # the command line says --set (tests/cli)


def test_setting_one_of_a_pair_replaces_the_other(office):
    """A rate per year replaces a rate per user, and hourly revenue replaces annual revenue
    (and back): the file must give exactly one of each pair, so a path to one means it."""
    minor = office.incidents["minor"]
    assert minor.rate_per_user_per_year is not None
    yearly = office.with_overrides(["incidents.minor.rate_per_year=40"])
    assert (
        yearly.tier_rate("minor") == 40 and yearly.incidents["minor"].rate_per_user_per_year is None
    )
    back = yearly.with_overrides(["incidents.minor.rate_per_user_per_year=2"])
    assert back.tier_rate("minor") == 2 * office.organisation.employees
    hourly = office.with_overrides(["organisation.revenue_per_hour=800"])
    assert hourly.organisation.annual_revenue is None
    assert hourly.organisation.revenue_per_operating_hour == 800


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
@pytest.mark.parametrize("other", ["server-office", "manufacturer"])
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


def test_a_tier_named_like_an_optional_section_travels_with_its_tiers(office):
    tiers = {name: tier.model_dump(mode="json", exclude_none=True)
             for name, tier in office.incidents.items()}  # fmt: skip
    tiers["budget"] = {"rate_per_year": 1, "users_affected": 0.1, "fix_hours": 1}
    more = office.with_overrides(
        {"incidents": tiers, "options.managed.prevention.budget": 0.1,
         "options.hybrid.covers": ["critical", "major", "budget"]}
    )  # fmt: skip
    assert list(scenario_diff(office, more)) == [
        "incidents", "options.managed.prevention", "options.hybrid.covers"
    ]  # fmt: skip
    assert apply_overrides(office, scenario_diff(office, more)).sha256 == more.sha256
    assert apply_overrides(more, scenario_diff(more, office)).sha256 == office.sha256


def test_scenario_diff_of_options_added_removed_and_of_another_kind(office):
    """Options are a mapping keyed by name: another set of names, or an option of another
    kind, is given whole."""
    fewer = office.with_overrides({"options": {
        name: office.options[name].model_dump(mode="json", exclude_none=True)
        for name in ("break-fix", "managed")}})  # fmt: skip
    assert list(scenario_diff(office, fewer)) == ["options"]
    assert apply_overrides(office, scenario_diff(office, fewer)).sha256 == fewer.sha256
    assert apply_overrides(fewer, scenario_diff(fewer, office)).sha256 == office.sha256
    shop = office.options["break-fix"].model_dump(mode="json", exclude_none=True)
    switched = office.with_overrides({"options.hybrid": shop})
    assert list(scenario_diff(office, switched)) == ["options.hybrid"]
    assert apply_overrides(office, scenario_diff(office, switched)).sha256 == switched.sha256
    response = office.with_overrides({"options.managed.response_hours.minor": 3})
    assert scenario_diff(office, response) == {
        "options.managed.response_hours": response.to_dict()["options"]["managed"][
            "response_hours"]}  # fmt: skip
    assert apply_overrides(office, scenario_diff(office, response)).sha256 == response.sha256


def test_values_given_are_copied_not_shared(office):
    """One value given to two options, then changed inside one: the other and the caller's
    value stay as they were."""
    shop = office.options["break-fix"].model_dump(mode="json", exclude_none=True)
    more = office.with_overrides(
        {"options.one": shop, "options.two": shop, "options.one.rates.remote": 1}
    )
    assert more.options["one"].rates.remote == 1
    assert more.options["two"].rates.remote == office.options["break-fix"].rates.remote
    assert shop["rates"]["remote"] == office.options["break-fix"].rates.remote
