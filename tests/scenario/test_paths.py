"""Dotted paths: assignments read as YAML, fields looked up on the model, values set in place."""

from __future__ import annotations

import pytest

from analysis import ScenarioError
from analysis.scenario.model import Scenario
from analysis.scenario.paths import allowed_keys, parse_assignment, set_path, value_at


def test_parse_assignment_reads_yaml_values():
    assert parse_assignment("a.b=3") == ("a.b", 3)
    assert parse_assignment("a.b = 2.5") == ("a.b", 2.5)
    assert parse_assignment("a={median: 1, p90: 2}") == ("a", {"median": 1, "p90": 2})
    assert parse_assignment("name=x=y") == ("name", "x=y")


def test_allowed_keys_follow_the_model_through_tiers_and_optional_sections():
    assert allowed_keys(Scenario, [])[:4] == ["schema", "name", "description", "currency"]
    assert "fix_hours" in allowed_keys(Scenario, ["incidents", "any-tier"])
    assert allowed_keys(Scenario, ["organisation", "operating_hours"]) == ["days", "open", "close"]
    for prefix in (["incidents"], ["options"], ["organisation", "employees"], ["colour"]):
        with pytest.raises(KeyError):  # keyed by name with no data, a plain value, no such field
            allowed_keys(Scenario, prefix)


def test_allowed_keys_follow_each_option_by_its_kind():
    data = {
        "incidents": {"minor": {}, "major": {}},
        "options": {"shop": {"kind": "pay_per_incident"}, "msp": {"kind": "managed"}},
    }
    shop = allowed_keys(Scenario, ["options", "shop"], data)
    msp = allowed_keys(Scenario, ["options", "msp"], data)
    assert {"rates", "trip_fee", "increment_hours"} <= set(shop) and "fees" not in shop
    assert {"fees", "covers", "fallback", "sla"} <= set(msp) and "rates" not in msp
    assert allowed_keys(Scenario, ["options", "msp", "sla"], data)[0] == "response_hours"
    assert allowed_keys(Scenario, ["options"], data) == ["shop", "msp"]
    # Keyed by tier: the scenario's tiers (and `default` for response times).
    assert allowed_keys(Scenario, ["options", "msp", "prevention"], data) == ["minor", "major"]
    assert allowed_keys(Scenario, ["options", "shop", "response_hours"], data) == [
        "default", "minor", "major"
    ]  # fmt: skip
    assert "multiplier" in allowed_keys(Scenario, ["options", "shop", "emergency"], data)
    assert allowed_keys(Scenario, ["options", "msp", "emergency"], data) == ["tiers"]


def test_set_path_sets_values_and_starts_absent_sections():
    data = {"incidents": {"minor": {"rate_per_year": 1}},
            "options": {"shop": {"kind": "pay_per_incident", "rates": {"remote": 100}},
                        "msp": {"kind": "managed", "fees": {}}}}  # fmt: skip
    set_path(Scenario, data, "incidents.minor.rate_per_year", 4)
    set_path(Scenario, data, "parts.probability", 0.1)
    set_path(Scenario, data, "options.shop.rates.onsite", 120)
    set_path(Scenario, data, "options.msp.sla.response_hours", 4)  # an absent section, started
    set_path(Scenario, data, "options.msp.prevention.minor", 0.3)
    set_path(Scenario, data, "options.shop.response_hours.default", 2)
    set_path(Scenario, data, "options.new", {"kind": "managed"})  # a whole new option
    assert data["incidents"]["minor"]["rate_per_year"] == 4
    assert value_at(data, "parts.probability") == 0.1
    assert value_at(data, "options.shop.rates") == {"remote": 100, "onsite": 120}
    assert value_at(data, "options.msp.sla") == {"response_hours": 4}
    assert value_at(data, "options.msp.prevention.minor") == 0.3
    assert value_at(data, "options.shop.response_hours.default") == 2
    assert list(data["options"]) == ["shop", "msp", "new"]
    assert value_at(data, "parts.cost") is None and value_at(data, "options.x.y") is None


@pytest.mark.parametrize(
    ("path", "field", "reason"),
    [
        ("options.shop.rates.remot", "options.shop.rates.remot",
         "no such field (did you mean 'remote'?)"),
        ("options.shop.fees.onboarding", "options.shop.fees", "no such field"),  # managed only
        ("options.msp.trip_fee", "options.msp.trip_fee", "no such field"),  # pay per incident
        ("options.msp.prevention.huge", "options.msp.prevention.huge",
         "no such field (allowed: minor)"),
        ("options.shop.response_hours.huge", "options.shop.response_hours.huge",
         "no such field (allowed: default, minor)"),
        ("options.nobody.title", "options.nobody", "no such field (allowed: shop, msp)"),
        ("incidents.huge.rate_per_year", "incidents.huge", "no such field (allowed: minor)"),
        ("options.shop.rates.remote.x", "options.shop.rates.remote", "is a value, not a section"),
    ],
)  # fmt: skip
def test_set_path_names_the_first_key_that_is_not_there(path, field, reason):
    data = {"incidents": {"minor": {}},
            "options": {"shop": {"kind": "pay_per_incident", "rates": {"remote": 100}},
                        "msp": {"kind": "managed"}}}  # fmt: skip
    with pytest.raises(ScenarioError) as caught:
        set_path(Scenario, data, path, 1)
    assert (caught.value.field, caught.value.argument) == (field, "overrides")
    assert caught.value.reason.startswith(reason)
