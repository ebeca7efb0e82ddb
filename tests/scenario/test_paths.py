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
    assert allowed_keys(Scenario, [])[:3] == ["name", "description", "currency"]
    assert "fix_hours" in allowed_keys(Scenario, ["incidents", "any-tier"])
    assert allowed_keys(Scenario, ["managed", "sla"])[0] == "response_hours"  # optional
    for prefix in (["incidents"], ["organisation", "employees"], ["colour"]):
        with pytest.raises(KeyError):  # keyed by tier name, a plain value, no such field
            allowed_keys(Scenario, prefix)


def test_set_path_sets_values_and_starts_absent_sections():
    data = {"incidents": {"minor": {"rate_per_year": 1}}, "break_fix": {"hourly_rate": 100}}
    set_path(Scenario, data, "incidents.minor.rate_per_year", 4)
    set_path(Scenario, data, "parts.probability", 0.1)
    assert data["incidents"]["minor"]["rate_per_year"] == 4
    assert value_at(data, "parts.probability") == 0.1
    assert value_at(data, "parts.cost") is None and value_at(data, "break_fix.x.y") is None


@pytest.mark.parametrize(
    ("path", "field", "reason"),
    [
        ("break_fix.hourly_rat", "break_fix.hourly_rat",
         "no such field (did you mean 'hourly_rate'?)"),
        ("incidents.huge.rate_per_year", "incidents.huge", "no such field (allowed: minor)"),
        ("break_fix.hourly_rate.x", "break_fix.hourly_rate", "is a value, not a section"),
    ],
)  # fmt: skip
def test_set_path_names_the_first_key_that_is_not_there(path, field, reason):
    data = {"incidents": {"minor": {}}, "break_fix": {"hourly_rate": 100}}
    with pytest.raises(ScenarioError) as caught:
        set_path(Scenario, data, path, 1)
    assert (caught.value.field, caught.value.reason, caught.value.argument) == (
        field, reason, "overrides"
    )  # fmt: skip
