"""Every settable scenario field, with the label, unit, kind, bounds and default front ends show.

All of it is read from the scenario model's own JSON schema: titles, descriptions, bounds and
defaults as pydantic writes them, units and defaults worked out from other fields from each
field's ``json_schema_extra``. The same schema, published as ``data/scenario.schema.json``
(``itcost schema``), lets an editor check a scenario file as it is typed.

Examples
--------
>>> field = field_doc("break_fix.hourly_rate")
>>> field.title, field.unit, field.kind, field.minimum
('Break-fix hourly rate', 'money per hour', 'number', 0.0)
>>> scenario_schema()["properties"]["organisation"]["$ref"]
'#/$defs/Organisation'
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from analysis.scenario.model import Scenario

#: The schema's name for a number or ``{median, p90}`` (:class:`~analysis.scenario.model.Spec`).
_SPEC_REF = "#/$defs/Spec"
#: How a spec is written, for ``itcost fields``.
SPEC_HINT = "a number or {median: M, p90: Q}"


@dataclass(frozen=True)
class FieldDoc:
    """One settable scenario field, as front ends label it.

    ``kind`` is ``"count"`` (a whole number), ``"share"`` (0-1), ``"spec"`` (a number or
    ``{median, p90}``), ``"number"``, ``"text"`` or ``"list"``. ``default`` is
    ``"required"``, ``"required in the section"`` (of an optional section) or
    ``"default: ..."``. ``minimum`` and ``maximum`` are the bounds the model enforces, if any
    (``minimum_exclusive`` when the minimum itself is not allowed).
    """

    path: str  # dotted; "<tier>" stands for each tier name
    title: str  # a short label ("Break-fix hourly rate")
    description: str  # what it means, with its unit in parentheses
    kind: str
    default: str
    unit: str = ""  # "money per hour", "hours", "0-1"; "" for a pure number
    minimum: float | None = None
    maximum: float | None = None
    minimum_exclusive: bool = False

    @property
    def meaning(self) -> str:
        """The description without its unit: ``"technician rate"``."""
        return self.description.removesuffix(f" ({self.unit})") if self.unit else self.description


def scenario_schema() -> dict[str, Any]:
    """The JSON schema (draft 2020-12) of scenario files, as ``data/scenario.schema.json``.

    It checks types, bounds and key names; rules across fields (every tier named in
    ``managed.incident_reduction`` exists, say) are the model's alone.
    """
    return copy.deepcopy(_schema())


def schema_text() -> str:
    """:func:`scenario_schema` as the text of ``data/scenario.schema.json``."""
    return json.dumps(scenario_schema(), indent=2, ensure_ascii=False) + "\n"


@cache
def _schema() -> dict[str, Any]:
    schema = Scenario.model_json_schema()
    for node in [schema, *schema["$defs"].values()]:
        for prop in node.get("properties", {}).values():
            # A mapping keyed by tier name: other keys are errors, as in the model.
            if "patternProperties" in prop:
                prop["additionalProperties"] = False
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "itcost scenario",
        "description": "A business, its IT incidents and its support options: a scenario "
        "file of itcost. Generated from the scenario model by `itcost schema`; do not edit.",
        **{key: value for key, value in schema.items() if key not in ("title", "description")},
    }


@cache
def _fields() -> tuple[FieldDoc, ...]:
    schema = _schema()
    definitions = schema["$defs"]
    fields: list[FieldDoc] = []

    def walk(model: dict[str, Any], prefix: str, in_optional_section: bool) -> None:
        required = set(model.get("required", ()))
        for name, prop in model["properties"].items():
            path = f"{prefix}{name}"
            target, ref = _resolve(prop, definitions)
            if "patternProperties" in target:  # a mapping keyed by tier name
                path += ".<tier>"
                (value,) = target["patternProperties"].values()
                target, ref = _resolve(value, definitions)
            if "properties" in target and ref != _SPEC_REF:  # a section: its fields
                optional = "default" in prop and prop["default"] is None
                walk(target, f"{path}.", in_optional_section or optional)
                continue
            if name in required:
                default = "required in the section" if in_optional_section else "required"
            elif "default_text" in prop:
                default = f"default: {prop['default_text']}"
            else:
                default = f"default: {prop.get('default')!r}"
            kind = "spec" if ref == _SPEC_REF else _kind(target)
            bounds = _value_schema(target) if kind != "spec" else {}
            minimum = bounds.get("minimum", bounds.get("exclusiveMinimum"))
            fields.append(
                FieldDoc(
                    path,
                    prop["title"],
                    prop.get("description", ""),
                    kind,
                    default,
                    unit=prop.get("unit", ""),
                    minimum=None if minimum is None else float(minimum),
                    maximum=float(bounds["maximum"]) if "maximum" in bounds else None,
                    minimum_exclusive="exclusiveMinimum" in bounds,
                )
            )

    walk(schema, "", in_optional_section=False)
    return tuple(fields)


def _resolve(prop: dict[str, Any], definitions: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The schema ``prop`` stands for (through ``$ref`` and ``anyOf [..., null]``) and the
    reference it went through, if any."""
    for option in prop.get("anyOf", ()):
        if option.get("type") != "null" and "$ref" in option:
            prop = option
    ref = prop.get("$ref", "")
    if ref:
        return definitions[ref.rsplit("/", 1)[-1]], ref
    return prop, ""


def _value_schema(target: dict[str, Any]) -> dict[str, Any]:
    """The schema of a value that may also be null: its non-null option."""
    options = [option for option in target.get("anyOf", [target]) if option.get("type") != "null"]
    return options[0] if options else target


def _kind(target: dict[str, Any]) -> str:
    value = _value_schema(target)
    kinds = {"integer": "count", "string": "text", "array": "list"}
    if value.get("type") in kinds:
        return kinds[value["type"]]
    return "share" if (value.get("minimum"), value.get("maximum")) == (0, 1) else "number"


def scenario_fields() -> list[FieldDoc]:
    """Every settable scenario field, in the scenario's order, with its label, unit and kind.

    The single source of labels and help texts for the CLI, the reports and the app.
    """
    return list(_fields())


def field_doc(path: str) -> FieldDoc:
    """The field at dotted ``path``, with real tier names or ``<tier>``.

    Raises ``KeyError`` for a path that names no field.

    Examples
    --------
    >>> field_doc("organisation.employees").title
    'Staff'
    >>> field_doc("managed.incident_reduction.minor").path
    'managed.incident_reduction.<tier>'
    """
    by_path, keyed = _by_path()
    parts = path.split(".")
    for depth in range(1, len(parts)):  # the key after a mapping keyed by tier name
        if ".".join(parts[:depth]) in keyed:
            parts[depth] = "<tier>"
    return by_path[".".join(parts)]


@cache
def _by_path() -> tuple[dict[str, FieldDoc], frozenset[str]]:
    """Fields by path, and the paths of the mappings keyed by tier name."""
    fields = _fields()
    keyed = {f.path.split(".<tier>")[0] for f in fields if ".<tier>" in f.path}
    return {field.path: field for field in fields}, frozenset(keyed)


def field_reference() -> list[tuple[str, str, str]]:
    """Every settable scenario field: ``(dotted path, description with unit, default)``.

    Tier names appear as ``<tier>``; a spec's description says how to write one. The last
    item is ``"required"``, ``"required in the section"`` (inside an optional section such as
    ``parts``) or ``"default: ..."``.

    Examples
    --------
    >>> row = ("break_fix.callout_fee", "trip charge per incident (money)", "default: 0.0")
    >>> row in field_reference()
    True
    """
    return [
        (field.path, f"{field.description}; {SPEC_HINT}" if field.kind == "spec" else
         field.description, field.default)
        for field in _fields()
    ]  # fmt: skip
