"""Field metadata from the model's JSON schema, and the published scenario.schema.json."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from analysis import load_scenario, preset_names
from analysis.files import data_dir
from analysis.scenario.fields import field_reference, scenario_fields, scenario_schema, schema_text
from analysis.scenario.model import Scenario
from analysis.scenario.paths import unwrap
from tests.helpers import read_yaml

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "data" / "scenario.schema.json"


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


def _model_field(path: str):
    """The pydantic FieldInfo at a dotted path of :func:`scenario_fields`."""
    keys = [key for key in path.split(".") if key != "<tier>"]  # a tier's fields, or a mapping
    model = Scenario
    for key in keys[:-1]:
        model, _ = unwrap(model.model_fields[key].annotation)
    return model.model_fields[keys[-1]]


def test_metadata_is_the_models_own():
    """Units, bounds and defaults come from the model's fields, not from parsing their text."""
    for field in scenario_fields():
        info = _model_field(field.path)
        extra = info.json_schema_extra or {}
        assert field.unit == extra.get("unit", ""), field.path
        assert field.description == info.description, field.path
        if field.unit:  # written once, shown after the description
            assert field.description.endswith(f" ({field.unit})")
            assert field.meaning == field.description.removesuffix(f" ({field.unit})")
        bounds = {getattr(m, k) for m in info.metadata for k in ("ge", "gt") if hasattr(m, k)}
        if bounds and field.kind != "spec":
            assert {field.minimum} == bounds, field.path
    fields = {field.path: field for field in scenario_fields()}
    assert (fields["organisation.employees"].minimum, fields["organisation.employees"].maximum,
            fields["organisation.employees"].minimum_exclusive) == (0, 1_000_000, True)  # fmt: skip
    assert fields["horizon.discount_rate"].minimum == -0.5
    assert fields["organisation.devices"].default == "default: employees"  # from staff
    assert fields["horizon.years"].default == "default: 1"
    assert fields["parts.cost"].default == "required in the section"
    assert fields["hybrid.managed_tiers"].kind == "list"


def test_the_published_schema_is_current():
    assert SCHEMA_FILE.read_text() == schema_text(), (
        "data/scenario.schema.json is out of date: run `make schema`"
    )
    assert (data_dir() / "scenario.schema.json").read_text() == schema_text()


def test_the_schema_is_valid_json_schema_and_accepts_every_preset():
    schema = json.loads(SCHEMA_FILE.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for name in preset_names():
        path = data_dir() / "scenarios" / f"{name}.yaml"
        assert list(validator.iter_errors(read_yaml(path.read_text()))) == [], name
        # Editors find the schema through the first line of each preset.
        assert path.read_text().startswith(
            "# yaml-language-server: $schema=../scenario.schema.json"
        )
        # And what `itcost show` writes (defaults filled in, specs as numbers) passes too.
        assert list(validator.iter_errors(load_scenario(name).to_dict())) == [], name


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["break_fix"].update(hourly_rat=150), "'hourly_rat' was unexpected"),
        (lambda d: d["organisation"].update(employees="ten"), "'ten' is not of type 'integer'"),
        (lambda d: d["incidents"].update({"a.b": d["incidents"]["minor"]}), "'a.b'"),
        (lambda d: d["incidents"]["minor"].update(users_affected=1.5), "1.5 is greater than"),
        (lambda d: d["incidents"]["minor"].update(fix_hours={"median": 2}), "not valid under any"),
    ],
)
def test_the_schema_flags_what_the_model_refuses(change, message):
    validator = jsonschema.Draft202012Validator(scenario_schema())
    data = read_yaml((data_dir() / "scenarios" / "small-office.yaml").read_text())
    change(data)
    errors = [error.message for error in validator.iter_errors(data)]
    assert errors and any(message in text for text in errors), errors
