"""Every settable scenario field, with the label, unit, kind, bounds and default front ends show.

All of it is read from the scenario model's own JSON schema: titles, descriptions, bounds and
defaults as pydantic writes them, units and defaults worked out from other fields from each
field's ``json_schema_extra``. The same schema, published as ``data/scenario.schema.json``
(``itcost schema``), lets an editor check a scenario file as it is typed.

Paths stand for every name a scenario gives: ``<tier>`` for each incident tier (and, under
``response_hours``, for ``default`` too), ``<option>`` for each option. An option's fields are
those of its kind: ``options.<option>.rates.remote`` is a pay-per-incident option's,
``options.<option>.fees.per_user_monthly`` a managed one's, and :attr:`FieldDoc.option_kinds`
says which kinds have a field (fields such as ``title`` are listed once, for both).

Examples
--------
>>> field = field_doc("options.acme-msp.fees.per_user_monthly")
>>> field.path, field.title, field.unit, field.option_kinds
('options.<option>.fees.per_user_monthly', 'Fee per user', 'money per month', ('managed',))
>>> field_doc("options.break-fix.response_hours.default").path
'options.<option>.response_hours.<tier>'
>>> scenario_schema()["properties"]["organisation"]["$ref"]
'#/$defs/Organisation'
"""

from __future__ import annotations

import copy
import dataclasses
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from analysis.scenario.model import Scenario

#: The schema's name for a number or ``{median, p90}`` (:class:`~analysis.scenario.model.Spec`).
_SPEC_REF = "#/$defs/Spec"
#: How a spec is written, for ``itcost fields``.
SPEC_HINT = "a number or {median: M, p90: Q}"
#: What stands for the names of a mapping keyed by name, by the mapping's key; every other
#: such mapping (incidents, prevention, response_hours) is keyed by tier.
PLACEHOLDERS = {"options": "<option>"}
TIER = "<tier>"


@dataclass(frozen=True)
class FieldDoc:
    """One settable scenario field, as front ends label it.

    ``kind`` is ``"count"`` (a whole number), ``"share"`` (0-1), ``"spec"`` (a number or
    ``{median, p90}``), ``"number"``, ``"boolean"``, ``"text"`` or ``"list"``; ``choices`` are
    the values a text field allows, where it allows only some. ``default`` is ``"required"``,
    ``"required in the section"`` (of an optional section) or ``"default: ..."``. ``minimum``
    and ``maximum`` are the bounds the model enforces, if any (``minimum_exclusive`` when the
    minimum itself is not allowed). ``option_kinds`` are the kinds of option that have the
    field (``("managed",)``), for a field under ``options.<option>``; else empty.
    """

    path: str  # dotted; "<tier>" stands for each tier name, "<option>" for each option
    title: str  # a short label ("Fee per user")
    description: str  # what it means, with its unit in parentheses
    kind: str
    default: str
    unit: str = ""  # "money per hour", "hours", "0-1"; "" for a pure number
    minimum: float | None = None
    maximum: float | None = None
    minimum_exclusive: bool = False
    choices: tuple[str, ...] = ()
    option_kinds: tuple[str, ...] = ()
    section: str = ""  # the title of the titled section it sits in ("Minimum billable hours")

    @property
    def meaning(self) -> str:
        """The description without its unit: ``"per employee"``."""
        return self.description.removesuffix(f" ({self.unit})") if self.unit else self.description


def scenario_schema() -> dict[str, Any]:
    """The JSON schema (draft 2020-12) of scenario files, as ``data/scenario.schema.json``.

    It checks types, bounds and key names, and each option by its ``kind``; rules across
    fields (every tier named in ``options.<option>.prevention`` exists, a fallback is a
    pay-per-incident option, say) are the model's alone.
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
            # A mapping keyed by tier or option name: other keys are errors, as in the model.
            if "patternProperties" in prop:
                prop["additionalProperties"] = False
                for pattern, value in prop["patternProperties"].items():
                    if "discriminator" in value:
                        prop["patternProperties"][pattern] = _by_kind(value)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "itcost scenario",
        "description": "A business, its IT incidents and its support options: a scenario "
        "file of itcost. Generated from the scenario model by `itcost schema`; do not edit.",
        **{key: value for key, value in schema.items() if key not in ("title", "description")},
    }


def _by_kind(union: dict[str, Any]) -> dict[str, Any]:
    """A discriminated union (an option) as ``kind`` then that kind's schema, so that a
    validator or an editor checks an option against its own kind and names the key at fault
    (with ``oneOf`` it can only say that no kind fits)."""
    kinds = {ref: kind for kind, ref in union["discriminator"]["mapping"].items()}
    mapping = {kinds[member["$ref"]]: member["$ref"] for member in union["oneOf"]}  # in order
    tag = union["discriminator"]["propertyName"]
    return {
        "type": "object",
        "required": [tag],
        "properties": {tag: {"enum": list(mapping)}},
        "allOf": [
            {"if": {"required": [tag], "properties": {tag: {"const": kind}}}, "then": {"$ref": ref}}
            for kind, ref in mapping.items()
        ],
    }


@cache
def _fields() -> tuple[FieldDoc, ...]:
    schema = _schema()
    definitions = schema["$defs"]
    fields: dict[str, FieldDoc] = {}

    def add(field: FieldDoc) -> None:
        """Keep the first of a path that several option kinds share, with every kind."""
        seen = fields.get(field.path)
        if seen is None:
            fields[field.path] = field
            return
        fields[field.path] = dataclasses.replace(
            seen,
            option_kinds=tuple(dict.fromkeys(seen.option_kinds + field.option_kinds)),
            choices=tuple(dict.fromkeys(seen.choices + field.choices)),
        )

    def walk(model: dict[str, Any], prefix: str, in_optional_section: bool,
             option_kinds: tuple[str, ...], section: str = "") -> None:  # fmt: skip
        required = set(model.get("required", ()))
        for name, prop in model["properties"].items():
            path = f"{prefix}{name}"
            target, ref = _resolve(prop, definitions)
            value = _mapping_value(target)
            if value is not None:  # a mapping keyed by name: its values' fields
                path += "." + PLACEHOLDERS.get(name, TIER)
                target, ref = _resolve(value, definitions)
            if "allOf" in target:  # the option kinds: each kind's fields
                for branch in target["allOf"]:
                    kind_model, _ = _resolve(branch["then"], definitions)
                    kind = kind_model["properties"]["kind"]["const"]
                    walk(kind_model, f"{path}.", in_optional_section, (kind,), section)
                continue
            if "properties" in target and ref != _SPEC_REF:  # a section: its fields
                optional = name not in required
                titled = "" if value is not None else prop.get("title", "")  # not a mapping's
                walk(target, f"{path}.", in_optional_section or optional, option_kinds, titled)
                continue
            kind = "spec" if ref == _SPEC_REF else _kind(target)
            if name in required:
                default = "required in the section" if in_optional_section else "required"
            elif "default_text" in prop:
                default = f"default: {prop['default_text']}"
            elif "default" in prop:
                default = f"default: {prop['default']!r}"
            else:  # made by a factory, which the schema does not show: an empty list
                default = "default: []" if kind == "list" else "optional"
            bounds = _value_schema(target) if kind != "spec" else {}
            minimum = bounds.get("minimum", bounds.get("exclusiveMinimum"))
            add(
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
                    choices=_choices(bounds),
                    option_kinds=option_kinds,
                    section=section,
                )
            )

    walk(schema, "", in_optional_section=False, option_kinds=())
    return tuple(fields.values())


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


def _mapping_value(target: dict[str, Any]) -> dict[str, Any] | None:
    """The schema of the values of a mapping keyed by name (tiers, options), else None."""
    if "patternProperties" in target:
        (value,) = target["patternProperties"].values()
        return value
    extra = target.get("additionalProperties")
    if target.get("type") == "object" and isinstance(extra, dict):
        return extra
    return None


def _value_schema(target: dict[str, Any]) -> dict[str, Any]:
    """The schema of a value that may also be null: its non-null option."""
    options = [option for option in target.get("anyOf", [target]) if option.get("type") != "null"]
    return options[0] if options else target


def _kind(target: dict[str, Any]) -> str:
    if any(option.get("type") == "array" for option in target.get("anyOf", ())):
        return "list"  # a list, or a word that stands for one (covers: all)
    value = _value_schema(target)
    kinds = {"integer": "count", "string": "text", "array": "list", "boolean": "boolean"}
    if value.get("type") in kinds:
        return kinds[value["type"]]
    return "share" if (value.get("minimum"), value.get("maximum")) == (0, 1) else "number"


def _choices(value: dict[str, Any]) -> tuple[str, ...]:
    if "enum" in value:
        return tuple(value["enum"])
    return (value["const"],) if isinstance(value.get("const"), str) else ()


def scenario_fields() -> list[FieldDoc]:
    """Every settable scenario field, in the scenario's order, with its label, unit and kind.

    The single source of labels and help texts for the CLI, the reports and the app.
    """
    return list(_fields())


def field_doc(path: str) -> FieldDoc:
    """The field at dotted ``path``, with real tier and option names or their placeholders.

    Raises ``KeyError`` for a path that names no field.

    Examples
    --------
    >>> field_doc("organisation.employees").title
    'Staff'
    >>> field_doc("options.acme-msp.prevention.minor").path
    'options.<option>.prevention.<tier>'
    >>> field_doc("options.shop.rates.remote").option_kinds
    ('pay_per_incident', 'block_hours')
    """
    by_path, keyed = _by_path()
    parts = path.split(".")
    for depth in range(1, len(parts)):  # the key after a mapping keyed by name
        placeholder = keyed.get(".".join(parts[:depth]))
        if placeholder is not None:
            parts[depth] = placeholder
    return by_path[".".join(parts)]


@cache
def _by_path() -> tuple[dict[str, FieldDoc], dict[str, str]]:
    """Fields by path, and the placeholder of each mapping keyed by name, by its path."""
    fields = _fields()
    keyed = {}
    for field in fields:
        parts = field.path.split(".")
        for depth, part in enumerate(parts):
            if part.startswith("<"):
                keyed[".".join(parts[:depth])] = part
    return {field.path: field for field in fields}, keyed


def field_reference() -> list[tuple[str, str, str]]:
    """Every settable scenario field: ``(dotted path, description with unit, default)``.

    Tier names appear as ``<tier>`` and option names as ``<option>``; a spec's description
    says how to write one; a field that only some kinds of option have says which (``managed
    options: ...``). The last item is ``"required"``, ``"required in the section"`` (inside an
    optional section such as ``parts``) or ``"default: ..."``.

    Examples
    --------
    >>> row = ("options.<option>.trip_fee", "pay_per_incident and block_hours options: per "
    ...        "on-site visit (money)", "default: 0.0")
    >>> row in field_reference()
    True
    """
    kinds = {kind for field in _fields() for kind in field.option_kinds}
    rows = []
    for field in _fields():
        text = f"{field.description}; {SPEC_HINT}" if field.kind == "spec" else field.description
        if field.option_kinds and set(field.option_kinds) != kinds:
            text = f"{' and '.join(field.option_kinds)} options: {text}"
        rows.append((field.path, text, field.default))
    return rows
