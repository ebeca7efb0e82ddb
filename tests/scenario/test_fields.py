"""Field metadata from the model's JSON schema, and the published scenario.schema.json."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from analysis import load_scenario, preset_names
from analysis.files import data_dir
from analysis.scenario.fields import (
    field_doc,
    field_reference,
    scenario_fields,
    scenario_schema,
    schema_text,
)
from analysis.scenario.model import OPTION_KINDS, Scenario
from analysis.scenario.paths import unwrap
from tests.helpers import read_yaml

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "data" / "scenario.schema.json"


def test_scenario_fields_label_every_field_with_its_unit():
    fields = {field.path: field for field in scenario_fields()}
    assert [f.path for f in scenario_fields()] == [row[0] for row in field_reference()]
    assert all(field.title for field in fields.values())
    assert len(fields) == len(scenario_fields())  # every path once
    assert fields["incidents.<tier>.blocking"].kind == "share"
    assert fields["horizon.price_escalation"].kind == "number"  # may be negative
    assert fields["organisation.employees"].kind == "count"
    assert fields["organisation.operating_hours.days"].kind == "count"
    assert fields["organisation.operating_hours.open"].unit == "hour"
    assert fields["incidents.<tier>.fix_hours"].kind == "spec"
    assert fields["incidents.<tier>.fix_hours"].unit == "hours"
    assert fields["incidents.<tier>.starts"].choices == ("operating", "any_time")
    assert fields["organisation.lost_hour_value"].choices == (
        "wage", "revenue", "larger", "wage_plus_revenue"
    )  # fmt: skip
    assert fields["options.<option>.prevention.<tier>"].kind == "share"
    assert fields["options.<option>.response_hours.<tier>"].kind == "spec"
    assert fields["options.<option>.fees.per_user_monthly"].unit == "money per month"
    assert fields["options.<option>.monitoring"].kind == "boolean"
    assert fields["options.<option>.covers"].kind == "list"
    assert fields["options.<option>.emergency.tiers"].default == "default: []"


def test_option_fields_say_which_kinds_have_them():
    fields = {field.path: field for field in scenario_fields()}
    both = ("pay_per_incident", "block_hours", "managed", "in_house")  # every kind
    assert tuple(OPTION_KINDS) == both
    for path in ("title", "kind", "service_hours.open", "response_hours.<tier>",
                 "security_factor", "emergency.tiers"):  # fmt: skip
        assert fields[f"options.<option>.{path}"].option_kinds == both, path
    per_incident = ("pay_per_incident", "block_hours")
    for path in ("rates.remote", "rates.onsite", "minimum_hours.onsite", "increment_hours",
                 "trip_fee", "emergency.multiplier"):  # fmt: skip
        assert fields[f"options.<option>.{path}"].option_kinds == per_incident, path
    for path in ("block.hours_per_year", "block.price_per_year", "block.rollover"):
        assert fields[f"options.<option>.{path}"].option_kinds == ("block_hours",), path
    for path in ("fees.per_user_monthly", "fees.per_server_monthly", "fees.onboarding",
                 "out_of_scope.share", "sla.credit_per_breach"):  # fmt: skip
        assert fields[f"options.<option>.{path}"].option_kinds == ("managed",), path
    for path in ("covers", "fallback", "prevention.<tier>", "fix_time_factor", "monitoring"):
        assert fields[f"options.<option>.{path}"].option_kinds == ("managed", "in_house"), path
    for path in ("salary_per_year", "tools_per_year", "hours_per_year"):
        assert fields[f"options.<option>.{path}"].option_kinds == ("in_house",), path
    assert fields["options.<option>.kind"].choices == both
    assert all(not f.option_kinds for f in fields.values() if not f.path.startswith("options."))
    reference = {row[0]: row[1] for row in field_reference()}
    assert reference["options.<option>.trip_fee"].startswith(
        "pay_per_incident and block_hours options: "
    )
    assert reference["options.<option>.fees.onboarding"].startswith("managed options: ")
    assert not reference["options.<option>.title"].startswith(both)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("organisation.employees", "organisation.employees"),
        ("incidents.minor.fix_hours", "incidents.<tier>.fix_hours"),
        ("incidents.<tier>.fix_hours", "incidents.<tier>.fix_hours"),
        ("options.acme-msp.fees.per_user_monthly", "options.<option>.fees.per_user_monthly"),
        ("options.break-fix.rates.remote", "options.<option>.rates.remote"),
        ("options.acme-msp.prevention.critical", "options.<option>.prevention.<tier>"),
        ("options.acme-msp.response_hours.critical", "options.<option>.response_hours.<tier>"),
        ("options.break-fix.response_hours.default", "options.<option>.response_hours.<tier>"),
        ("options.options.title", "options.<option>.title"),  # an option named options
        ("incidents.options.onsite_share", "incidents.<tier>.onsite_share"),
        ("options.x.sla.max_credit_share", "options.<option>.sla.max_credit_share"),
    ],
)
def test_field_doc_takes_real_names(path, expected):
    assert field_doc(path).path == expected


@pytest.mark.parametrize(
    "path", ["options.acme-msp", "options.acme-msp.fees", "incidents.minor", "colour",
             "options.x.hourly_rate", "break_fix.hourly_rate"],
)  # fmt: skip
def test_field_doc_refuses_what_is_not_a_field(path):
    with pytest.raises(KeyError):
        field_doc(path)


def _model_fields(field):
    """The pydantic FieldInfos at a dotted path of :func:`scenario_fields`, one per option kind
    that has it (one outside the options)."""
    found = []
    for kind in field.option_kinds or (None,):
        keys = [key for key in field.path.split(".") if key not in ("<tier>", "<option>")]
        model = Scenario
        for key in keys[:-1]:
            model, _ = unwrap(model.model_fields[key].annotation)
            if key == "options":
                model = OPTION_KINDS[kind]
        fields = {info.alias or name: info for name, info in model.model_fields.items()}
        found.append(fields[keys[-1]])
    return found


def test_metadata_is_the_models_own():
    """Units, bounds and defaults come from the model's fields, not from parsing their text."""
    for field in scenario_fields():
        for info in _model_fields(field):
            _check_metadata(field, info)
    fields = {field.path: field for field in scenario_fields()}
    assert (fields["organisation.employees"].minimum, fields["organisation.employees"].maximum,
            fields["organisation.employees"].minimum_exclusive) == (0, 1_000_000, True)  # fmt: skip
    assert fields["horizon.discount_rate"].minimum == -0.5
    assert fields["organisation.devices"].default == "default: employees"  # from staff
    assert fields["organisation.operating_hours.days"].default == "required in the section"
    assert (fields["organisation.operating_hours.days"].minimum,
            fields["organisation.operating_hours.days"].maximum) == (1, 7)  # fmt: skip
    assert fields["horizon.years"].default == "default: 1"
    assert fields["parts.cost"].default == "required in the section"
    assert fields["options.<option>.sla.response_hours"].default == "required in the section"
    assert fields["options.<option>.rates.remote"].default == "required"
    assert fields["options.<option>.title"].default == "default: the option's key"
    assert fields["baseline"].default == "default: the first option"
    assert fields["budget.seasonality"].kind == "list"


def _check_metadata(field, info) -> None:
    extra = info.json_schema_extra or {}
    assert field.unit == extra.get("unit", ""), field.path
    assert field.description == info.description, field.path
    if field.unit:  # written once, shown after the description
        assert field.description.endswith(f" ({field.unit})")
        assert field.meaning == field.description.removesuffix(f" ({field.unit})")
    bounds = {getattr(m, k) for m in info.metadata for k in ("ge", "gt") if hasattr(m, k)}
    if bounds and field.kind != "spec":
        assert {field.minimum} == bounds, field.path


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
        (lambda d: d["options"]["break-fix"]["rates"].update(remot=150), "'remot' was unexpected"),
        (lambda d: d["options"]["break-fix"].update(fees={}), "'fees' was unexpected"),
        (
            lambda d: d["options"]["managed"].update(kind="retainer"),
            "'retainer' is not one of ['pay_per_incident', 'block_hours', 'managed', 'in_house']",
        ),
        (lambda d: d["options"]["managed"].pop("kind"), "'kind' is a required property"),
        (lambda d: d["organisation"]["operating_hours"].update(days=8), "8 is greater than"),
        (lambda d: d.update(schema="itcost.scenario/1"), "'itcost.scenario/2' was expected"),
        (lambda d: d["organisation"].update(employees="ten"), "'ten' is not of type 'integer'"),
        (lambda d: d["incidents"].update({"a.b": d["incidents"]["minor"]}), "'a.b'"),
        (lambda d: d["incidents"]["minor"].update(users_affected=1.5), "1.5 is greater than"),
        (lambda d: d["incidents"]["minor"].update(fix_hours={"median": 2}), "not valid under any"),
    ],
)
def test_the_schema_flags_what_the_model_refuses(change, message):
    validator = jsonschema.Draft202012Validator(scenario_schema())
    data = read_yaml((data_dir() / "scenarios" / "server-office.yaml").read_text())
    change(data)
    errors = [error.message for error in validator.iter_errors(data)]
    assert errors and any(message in text for text in errors), errors
