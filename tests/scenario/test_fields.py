"""``--set`` overrides: type coercion, validation, and paths that must exist."""

from __future__ import annotations

import pytest

from analysis import load_scenario
from analysis.scenario.fields import field_reference, scenario_fields


@pytest.fixture(scope="module")
def office():
    return load_scenario("small-office")


# -- differences between scenarios, as links carry them -------------------------------------------


def test_scenario_fields_label_every_field_with_its_unit():
    fields = {field.path: field for field in scenario_fields()}
    assert [f.path for f in scenario_fields()] == [row[0] for row in field_reference()]
    assert all(field.title for field in fields.values())
    assert fields["organisation.productivity_loss"].kind == "share"
    assert fields["horizon.price_escalation"].kind == "number"  # may be negative
    assert fields["organisation.employees"].kind == "count"
    assert fields["incidents.<tier>.fix_hours"].kind == "spec"
    assert fields["managed.incident_reduction.<tier>"].kind == "share"
    assert fields["managed.per_user_monthly"].unit == "money per month"
    assert fields["incidents.<tier>.fix_hours"].unit == "hours"
