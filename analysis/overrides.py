"""``--set dotted.key=value`` overrides: typed, validated, and only onto fields that exist.

Values are parsed as YAML, so ``40`` is a number, ``true`` a boolean and
``{median: 2, p90: 6}`` a lognormal spec; the result is validated as a whole scenario.

Examples
--------
>>> from analysis import load_scenario
>>> scenario = load_scenario("small-office")
>>> apply_overrides(scenario, ["incidents.minor.rate_per_year=40"]).incidents["minor"].rate_per_year
40.0
"""

from __future__ import annotations

import difflib
import json
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from analysis.scenario import Scenario, ScenarioError, Spec
from analysis.scenario_io import parse_yaml, validation_error_to_scenario_error


def parse_assignment(assignment: str) -> tuple[str, Any]:
    """Split ``"a.b.c=value"`` into the path and the YAML-parsed value."""
    path, sep, raw = assignment.partition("=")
    path = path.strip()
    if not sep or not all(path.split(".")):
        raise ScenarioError(assignment, "expected dotted.key=value", "--set")
    if not raw.strip():
        raise ScenarioError(
            path, "needs a value after '=' (null removes an optional section)", "--set"
        )
    try:
        value = parse_yaml(raw)
    except ScenarioError as error:
        raise ScenarioError(
            path, f"cannot read the value {raw!r}: {error.reason}", "--set"
        ) from None
    return path, value


def value_at(data: Any, path: str) -> Any:
    """The value at dotted ``path`` in nested mappings, or None where there is none.

    Examples
    --------
    >>> value_at({"managed": {"sla": None}}, "managed.sla.credit_per_breach") is None
    True
    """
    for key in path.split("."):
        data = data.get(key) if isinstance(data, dict) else None
    return data


def apply_overrides(scenario: Scenario, assignments: Iterable[str] | Mapping[str, Any]) -> Scenario:
    """A new scenario with each dotted path set to its value, validated as a whole.

    Parameters
    ----------
    scenario
        The scenario to start from; it is not changed.
    assignments
        ``"path=value"`` strings (values parsed as YAML) or a mapping of paths to values.

    Raises
    ------
    ScenarioError
        A path that names no field of the scenario, or a value the scenario rejects.
    """
    if isinstance(assignments, Mapping):
        pairs = list(assignments.items())
    else:
        pairs = [parse_assignment(text) for text in assignments]
    if not pairs:
        return scenario
    # Only what was given: derived defaults (devices = employees) are derived again afterwards.
    data = scenario.model_dump(mode="json", exclude_unset=True)
    for path, value in pairs:
        _set_path(data, path, value)
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        raise validation_error_to_scenario_error(error, "--set") from None


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node = data
    for depth, key in enumerate(parts):
        try:
            allowed = allowed_keys(parts[:depth])
        except KeyError:  # a mapping keyed by tier name: the tiers as they stand now
            allowed = list(data.get("incidents") or {})
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(allowed)}"
            where = ".".join(parts[: depth + 1])
            raise ScenarioError(where, f"no such field ({hint})", "--set")
        if depth == len(parts) - 1:
            node[key] = value
            return
        child = node.get(key)
        if child is None:  # an optional section that is absent: start it
            child = node[key] = {}
        elif not isinstance(child, dict):
            raise ScenarioError(".".join(parts[: depth + 1]), "is a value, not a section", "--set")
        node = child


def allowed_keys(prefix: list[str]) -> list[str]:
    """Field names of the scenario model found at ``prefix`` (a list of keys).

    Raises ``KeyError`` where ``prefix`` leads to a mapping keyed by tier name rather than a model.
    """
    model: Any = Scenario
    keyed_by_tier = False
    for key in prefix:
        if keyed_by_tier:
            keyed_by_tier = False  # this key is a tier name; the model stays the mapping's value
            continue
        annotation = model.model_fields[key].annotation
        model, keyed_by_tier = _unwrap(annotation)
        if model is None:
            raise KeyError(key)
    if keyed_by_tier or model is None:
        raise KeyError(".".join(prefix))
    return list(model.model_fields)


def _unwrap(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model inside an annotation, and whether it sits in a ``dict[str, ...]``."""
    origin = typing.get_origin(annotation)
    if origin is dict:
        inner, _ = _unwrap(typing.get_args(annotation)[1])
        return inner, True
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            inner, keyed = _unwrap(arg)
            if inner is not None:
                return inner, keyed
        return None, False
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    return None, False


#: Sections a scenario may leave out, by the path of the mapping they sit in.
_OPTIONAL_SECTIONS = {"": {"parts", "security", "hybrid", "budget"}, "managed.": {"sla"}}

#: Defaults that the scenario model fills in from other fields.
_DERIVED_DEFAULTS = {
    "organisation.devices": "employees",
    "managed.incident_reduction.<tier>": "0",
    "hybrid.security_rate_per_year": "by the tiers covered",
    "budget.annual_it_spend": "the managed annual fee",
    "budget.seasonality": "even",
}


@dataclass(frozen=True)
class FieldDoc:
    """One settable scenario field, as front ends label it.

    ``kind`` is ``"count"`` (a whole number), ``"share"`` (0-1), ``"spec"`` (a number or
    ``{median, p90}``), ``"number"`` or ``"text"``. ``default`` is ``"required"``,
    ``"required in the section"`` or ``"default: ..."``.
    """

    path: str  # dotted; "<tier>" stands for each tier name
    title: str  # a short label ("Break-fix hourly rate")
    description: str  # what it means, with its unit in parentheses
    kind: str
    default: str

    @property
    def unit(self) -> str:
        """The unit in the description's last parentheses (``"money per hour"``), or ``""``."""
        text = self.description.split("; a number or")[0]
        return text[text.rfind("(") + 1 : -1] if text.endswith(")") else ""


def scenario_fields() -> list[FieldDoc]:
    """Every settable scenario field, in the scenario's order, with its label, unit and kind.

    The single source of labels and help texts for the CLI, the reports and the app.

    Examples
    --------
    >>> field = {f.path: f for f in scenario_fields()}["break_fix.hourly_rate"]
    >>> field.title, field.unit, field.kind
    ('Break-fix hourly rate', 'money per hour', 'number')
    """
    fields: list[FieldDoc] = []

    def walk(model: type[BaseModel], prefix: str, optional_section: bool) -> None:
        for name, info in model.model_fields.items():
            path = f"{prefix}{name}"
            inner, keyed = _unwrap(info.annotation)
            if keyed:
                path += ".<tier>"
            if inner is not None and inner is not Spec:
                walk(inner, f"{path}.", optional_section or info.default is None)
                continue
            if info.is_required():
                default = "required in the section" if optional_section else "required"
            elif path in _DERIVED_DEFAULTS:
                default = f"default: {_DERIVED_DEFAULTS[path]}"
            else:
                default = f"default: {info.get_default(call_default_factory=True)!r}"
            description = info.description or ""
            if inner is Spec:
                description += "; a number or {median: M, p90: Q}"
            title = info.title or name.replace("_", " ").capitalize()
            fields.append(FieldDoc(path, title, description, _kind(info, inner), default))

    walk(Scenario, "", optional_section=False)
    return fields


def _kind(info: Any, inner: type[BaseModel] | None) -> str:
    if inner is Spec:
        return "spec"
    annotation = info.annotation
    if typing.get_origin(annotation) is dict:  # a share per tier
        annotation = typing.get_args(annotation)[1]
    if annotation in (int, int | None):
        return "count"
    if annotation is str:
        return "text"
    bounds: dict[str, Any] = {}
    for bound in [*info.metadata, *getattr(annotation, "__metadata__", ())]:
        for part in getattr(bound, "metadata", [bound]):  # a Field() inside Annotated
            bounds.update(
                {name: getattr(part, name) for name in ("ge", "le") if hasattr(part, name)}
            )
    return "share" if bounds == {"ge": 0, "le": 1} else "number"


def field_reference() -> list[tuple[str, str, str]]:
    """Every settable scenario field: ``(dotted path, description with unit, default)``.

    Tier names appear as ``<tier>``. The last item is ``"required"``, ``"required in the
    section"`` (inside the optional ``parts`` and ``security``) or ``"default: ..."``.

    Examples
    --------
    >>> row = ("break_fix.callout_fee", "trip charge per incident (money)", "default: 0.0")
    >>> row in field_reference()
    True
    """
    return [(field.path, field.description, field.default) for field in scenario_fields()]


# -- differences between scenarios, as --set assignments ---------------------------------------


def scenario_diff(base: Scenario, scenario: Scenario) -> dict[str, Any]:
    """The dotted-path assignments that turn ``base`` into ``scenario``.

    Parameters
    ----------
    base, scenario
        Two scenarios.

    Returns
    -------
    dict
        Dotted paths to values, such that ``apply_overrides(base, changes)`` has the sha256 of
        ``scenario``. Sections that differ in their keys (another set of tiers, an added or
        removed optional section) are given whole; ``None`` removes a section. Devices that
        ``scenario`` derives from staff stay derived (``organisation.devices: None`` when
        ``base`` gives a number).

    Examples
    --------
    >>> from analysis import load_scenario
    >>> base = load_scenario("small-office")
    >>> scenario_diff(base, base.with_overrides({"break_fix.hourly_rate": 160}))
    {'break_fix.hourly_rate': 160.0}
    """
    changes: dict[str, Any] = {}

    def walk(old: Any, new: Any, prefix: str) -> None:
        if isinstance(old, dict) and isinstance(new, dict):
            # Optional sections that only one side has are set or removed (None) by name;
            # any other difference in keys (the tiers) replaces the mapping as a whole.
            differing = old.keys() ^ new.keys()
            if differing <= _OPTIONAL_SECTIONS.get(prefix, set()):
                for key in sorted(old.keys() | new.keys(), key=list(old | new).index):
                    walk(old.get(key), new.get(key), f"{prefix}{key}.")
                return
        if old != new or type(old) is not type(new):
            changes[prefix[:-1]] = new

    walk(base.to_dict(), scenario.to_dict(), "")
    derived = "devices" not in scenario.organisation.model_fields_set
    if derived:
        changes.pop("organisation.devices", None)
        if "devices" in base.organisation.model_fields_set:
            changes["organisation.devices"] = None
    return changes


def format_value(value: Any) -> str:
    """``value`` as the text of a ``--set`` assignment: YAML that reads back as ``value``.

    Strings stay plain where YAML reads them back unchanged, else they are quoted; everything
    else is written as JSON (which YAML reads).

    Examples
    --------
    >>> format_value(1.5), format_value({"median": 2, "p90": 6}), format_value(None)
    ('1.5', '{"median": 2, "p90": 6}', 'null')
    >>> format_value("Acme"), format_value("true")
    ('Acme', '"true"')
    """
    if isinstance(value, str):
        try:
            plain = parse_yaml(value) == value and value == value.strip()
        except ScenarioError:
            plain = False
        return value if plain else json.dumps(value)
    return json.dumps(value, allow_nan=False)
