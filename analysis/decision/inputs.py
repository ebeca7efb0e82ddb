"""Vary one input: the scenario with one field set or scaled, and what kind of input it is.

Break-even, sensitivity and sweeps all move inputs of a scenario the same way; this is that
way, beneath all three. An input is a concrete dotted path of scenario format 2
(``organisation.employees``, ``options.acme-msp.fees.per_user_monthly``,
``incidents.minor.blocking``). A ``*`` stands for every key at its place and makes the path a
*multiplier* of every field it matches (its current value is 1): ``incidents.*.fix_hours``,
``options.break-fix.rates.*``, and :data:`RATE_MULTIPLIER` for every tier's incident rate
(``rate_per_year`` or ``rate_per_user_per_year``, whichever the tier has). A spec (a number or
``{median, p90}``) is set by its median, keeping its spread.

An input is a *price* input when changing it changes prices only (rates, fees, trip fees,
wages, revenue, the value of an outage hour, SLA credits): a result is then priced again on
the same simulated quantities (``Result.reprice``), exactly. Any other input is an *event*
input and needs a new simulation. The engine decides which (its parameters of what happens
are equal or not), so the answer is right for each scenario: staff is a price input unless a
tier's rate is per user.

Examples
--------
>>> from analysis import load_scenario
>>> scenario = load_scenario("server-office")
>>> path = "options.break-fix.rates.onsite"
>>> with_value(scenario, path, 175).options["break-fix"].rates.onsite
175.0
>>> current_value(scenario, RATE_MULTIPLIER), input_kind(scenario, path)
(1.0, 'price')
>>> input_kind(scenario, "organisation.employees")  # some tiers' rates are per user
'event'
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from analysis.engine.inputs import EngineParameters
from analysis.errors import ArgumentError, ScenarioError
from analysis.scenario.model import (
    COVERING,
    MAX_MONEY,
    BlockHours,
    InHouse,
    PayPerIncident,
    Scenario,
    Spec,
)

#: Every tier's incident rate, as a multiplier (1 = as the scenario has them).
RATE_MULTIPLIER = "incidents.*.rate"
#: The format-1 spelling of :data:`RATE_MULTIPLIER`, still accepted.
_OLD_RATE_MULTIPLIER = "incidents.*.rate_per_year"
PRICE, EVENT = "price", "event"


# -- reading and setting one input -------------------------------------------------------------


def _canonical(parameter: str) -> str:
    return RATE_MULTIPLIER if parameter == _OLD_RATE_MULTIPLIER else parameter


def is_multiplier(parameter: str) -> bool:
    """Whether ``parameter`` has a ``*``: a multiplier of every field it matches."""
    return "*" in parameter.split(".")


def _get(node: Any, key: str) -> Any:
    if isinstance(node, Mapping):
        return node[key]
    if key not in type(node).model_fields:
        raise KeyError(key)
    return getattr(node, key)


def _keys(node: Any) -> list[str]:
    if isinstance(node, Mapping):
        return list(node)
    if node is None or not hasattr(type(node), "model_fields"):
        return []
    return [key for key in type(node).model_fields if key != "schema_"]  # the format, no number


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Spec) and not isinstance(value, bool)


def expand(scenario: Scenario, parameter: str) -> list[str]:
    """The concrete paths ``parameter`` names: itself, or every field its ``*`` matches that the
    scenario has set to a number (a tier's one rate field for :data:`RATE_MULTIPLIER`).

    Raises
    ------
    ArgumentError
        (``parameter``) when it names no number of the scenario.
    """
    parameter = _canonical(parameter)
    if parameter == RATE_MULTIPLIER:
        return [
            f"incidents.{name}.rate_per_year"
            if tier.rate_per_year is not None
            else f"incidents.{name}.rate_per_user_per_year"
            for name, tier in scenario.incidents.items()
        ]
    paths = [""]
    nodes: list[Any] = [scenario]
    parts = parameter.split(".")
    for depth, key in enumerate(parts):
        next_paths, next_nodes = [], []
        for path, node in zip(paths, nodes, strict=True):
            keys = _keys(node) if key == "*" else [key]
            for name in keys:
                try:
                    child = _get(node, name)
                except (KeyError, TypeError, AttributeError):
                    if key == "*":
                        continue
                    _no_such(scenario, parameter, parts, depth, node)
                next_paths.append(f"{path}.{name}" if path else name)
                next_nodes.append(child)
        paths, nodes = next_paths, next_nodes
    found = [path for path, node in zip(paths, nodes, strict=True) if _is_number(node)]
    if not found:
        if not is_multiplier(parameter) and nodes and nodes[0] is None:
            raise ArgumentError("parameter", f"{parameter}: not set in this scenario")
        what = "matches no number" if is_multiplier(parameter) else "not a number to vary"
        raise ArgumentError("parameter", f"{parameter}: {what}")
    return found


def _no_such(scenario: Scenario, parameter: str, parts: list[str], depth: int, node: Any):
    allowed = _keys(node)
    hint = f"allowed: {', '.join(allowed)}" if allowed else "not a section"
    where = ".".join(parts[: depth + 1])
    raise ArgumentError("parameter", f"{parameter}: no such field {where!r} ({hint})")


def _value(scenario: Scenario, path: str) -> Any:
    node: Any = scenario
    for key in path.split("."):
        node = _get(node, key)
    return node


def current_value(scenario: Scenario, parameter: str) -> float:
    """The scenario's value of ``parameter``: the number, a spec's median, or 1 for a
    multiplier.

    Parameters
    ----------
    scenario
        Any scenario.
    parameter
        A dotted path to a number or spec of the scenario, or a path with ``*``.

    Returns
    -------
    float
        The value.

    Raises
    ------
    ArgumentError
        (``parameter``) a path that names no number of this scenario.

    Examples
    --------
    >>> from analysis import load_scenario
    >>> current_value(load_scenario("server-office"), "organisation.employees")
    10.0
    """
    paths = expand(scenario, parameter)
    if is_multiplier(_canonical(parameter)):
        return 1.0
    value = _value(scenario, paths[0])
    return float(value.median if isinstance(value, Spec) else value)


def _assignment(scenario: Scenario, path: str, value: float) -> Any:
    """What ``with_overrides`` sets at concrete ``path`` for the number ``value``."""
    old = _value(scenario, path)
    if isinstance(old, Spec):
        return {"median": value, "p90": value * old.p90 / old.median}
    if isinstance(old, int) and float(value).is_integer():
        return int(value)
    return float(value)


def with_value(scenario: Scenario, parameter: str, value: float) -> Scenario:
    """``scenario`` with ``parameter`` set to ``value`` (a multiplier for a ``*`` path).

    Parameters
    ----------
    scenario
        The scenario to start from.
    parameter
        A dotted path to a number or spec (set by its median, its spread kept), or a ``*`` path.
    value
        The new value, or the multiplier.

    Returns
    -------
    Scenario
        A validated copy; an invalid value raises a one-line ScenarioError (nothing is clipped:
        see :func:`vary` for that).
    """
    paths = expand(scenario, parameter)
    if is_multiplier(_canonical(parameter)):
        changes = {path: _scaled(scenario, path, value, clip=False) for path in paths}
    else:
        changes = {paths[0]: _assignment(scenario, paths[0], value)}
    return scenario.with_overrides(changes)


# -- field metadata ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldMeta:
    """A field's title, unit, kind ("count", "spec" or "number") and bounds, from the model's
    JSON schema (``Scenario.model_json_schema()``, as :mod:`analysis.scenario.fields` reads
    the same titles)."""

    title: str
    unit: str
    kind: str
    minimum: float | None
    maximum: float | None
    minimum_exclusive: bool


@cache
def _schema() -> dict[str, Any]:
    # The model's own schema, as pydantic writes it: the published file
    # (analysis.scenario.fields.scenario_schema) may reshape it for editors.
    return Scenario.model_json_schema()


def _resolve(prop: dict[str, Any], kind: str | None) -> tuple[dict[str, Any], bool]:
    """The schema ``prop`` stands for (through ``$ref``, ``anyOf [.., null]`` and an option's
    ``oneOf`` by ``kind``), and whether it is a Spec (resolved no further)."""
    definitions = _schema()["$defs"]
    while True:
        if "$ref" in prop:
            name = prop["$ref"].rsplit("/", 1)[-1]
            if name == "Spec":
                return definitions[name], True
            prop = definitions[name]
        elif "anyOf" in prop:
            choices = [p for p in prop["anyOf"] if p.get("type") != "null"]
            prop = next((p for p in choices if "$ref" in p), choices[0])
        elif "oneOf" in prop:
            mapping = prop.get("discriminator", {}).get("mapping", {})
            prop = {"$ref": mapping[kind]} if kind in mapping else prop["oneOf"][0]
        else:
            return prop, False


def field_meta(scenario: Scenario, path: str) -> FieldMeta:
    """The metadata of the field at concrete ``path`` of ``scenario`` (option kinds resolved
    by the scenario)."""
    node: dict[str, Any] = _schema()
    parts = path.split(".")
    outer: dict[str, Any] = {}
    kind = None
    i = 0
    while i < len(parts):
        key = parts[i]
        target, _ = _resolve(node, kind)
        if key in target.get("properties", {}):
            outer = target["properties"][key]
            node = outer
        elif "patternProperties" in target or isinstance(target.get("additionalProperties"), dict):
            keyed = target.get("patternProperties") or {"": target["additionalProperties"]}
            (node,) = keyed.values()
            if i > 0 and parts[i - 1] == "options":
                kind = scenario.options[key].kind
        else:
            raise KeyError(path)
        i += 1
    target, is_spec = _resolve(node, kind)
    if is_spec:
        return FieldMeta(outer["title"], outer.get("unit", ""), "spec", 0.0, MAX_MONEY, True)
    lowest = target.get("minimum", target.get("exclusiveMinimum"))
    kind_name = "count" if target.get("type") == "integer" else "number"
    return FieldMeta(
        outer.get("title", parts[-1]),
        outer.get("unit", ""),
        kind_name,
        None if lowest is None else float(lowest),
        float(target["maximum"]) if "maximum" in target else None,
        "exclusiveMinimum" in target,
    )


# -- scaling with bounds -----------------------------------------------------------------------


def _clip(meta: FieldMeta, value: float) -> float:
    if meta.maximum is not None:
        value = min(value, meta.maximum)
    if meta.kind == "count":
        value = round(value)
        if meta.minimum is not None:
            value = max(value, int(meta.minimum) + (1 if meta.minimum_exclusive else 0))
    elif meta.minimum is not None and not meta.minimum_exclusive:
        value = max(value, meta.minimum)
    return value


def _scaled(scenario: Scenario, path: str, factor: float, clip: bool = True) -> Any:
    """The assignment that multiplies the field at concrete ``path`` by ``factor``."""
    old = _value(scenario, path)
    meta = field_meta(scenario, path) if clip else None
    if isinstance(old, Spec):
        median, p90 = old.median * factor, old.p90 * factor
        if meta is not None:
            median, p90 = min(median, MAX_MONEY), min(p90, MAX_MONEY)
        return {"median": median, "p90": p90}
    value = old * factor
    if meta is not None:
        value = _clip(meta, value)
    elif isinstance(old, int) and float(value).is_integer():
        value = int(value)
    return value


def vary(scenario: Scenario, factors: Mapping[str, float]) -> Scenario:
    """The scenario with each input multiplied by its factor, clipped to its field's bounds.

    Parameters
    ----------
    scenario
        The scenario at its current values.
    factors
        Input paths (a ``*`` path scales every field it matches) to factors.

    Returns
    -------
    Scenario
        A validated copy: specs scale median and p90 alike; each value is clipped to the bounds
        of its field (shares at 1, money at its maximum), counts are rounded and kept at least
        their minimum (one employee). A result the model still refuses (a repair time of 0,
        opening after closing) raises a ScenarioError.

    Examples
    --------
    >>> from analysis import load_scenario
    >>> scenario = load_scenario("server-office")
    >>> vary(scenario, {"incidents.*.blocking": 3}).incidents["critical"].blocking  # capped
    1.0
    >>> vary(scenario, {"organisation.employees": 0.01}).organisation.employees
    1
    """
    changes: dict[str, Any] = {}
    for parameter, factor in factors.items():
        for path in expand(scenario, parameter):
            changes[path] = _scaled(scenario, path, float(factor))
    return scenario.with_overrides(changes) if changes else scenario


def scaled_value(scenario: Scenario, parameter: str, factor: float) -> float:
    """The value :func:`vary` gives ``parameter`` for ``factor``, after clipping: the factor
    itself for a multiplier."""
    if is_multiplier(_canonical(parameter)):
        return float(factor)
    return current_value(vary(scenario, {parameter: factor}), parameter)


# -- kinds and labels --------------------------------------------------------------------------


def input_kind(scenario: Scenario, parameter: str) -> str:
    """``"price"`` when ``parameter`` changes prices only for this scenario (a result can be
    priced again for it), else ``"event"`` (it needs a new simulation).

    Decided by the engine: the scenario with the input moved has the same parameters of what
    happens, or not. Tried at a few values (x1.5, x0.5, +1), so an input that is 0 now is
    judged by what it would do.
    """
    base = EngineParameters.from_scenario(scenario)
    current = current_value(scenario, parameter)
    for value in (current * 1.5, current * 0.5, current + 1.0, 0.5):
        try:
            changed = with_value(scenario, parameter, value)
        except ScenarioError:
            continue
        if changed.sha256 == scenario.sha256:
            continue
        return PRICE if EngineParameters.from_scenario(changed) == base else EVENT
    return PRICE  # no value changes it: nothing to simulate again


def is_price(scenario: Scenario, parameter: str) -> bool:
    """Whether :func:`input_kind` is ``"price"``."""
    return input_kind(scenario, parameter) == PRICE


@dataclass(frozen=True)
class Input:
    """One input as front ends show it: its path, label, kind (price or event), unit and the
    bounds of its field (None for a multiplier)."""

    path: str
    label: str
    kind: str
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None


def _option_title(scenario: Scenario, name: str) -> str:
    return scenario.options[name].title or name


def input_label(scenario: Scenario, parameter: str) -> str:
    """``parameter`` in words, from its field's title.

    ``options.<o>.…`` paths start with the option's title; a ``*`` says "every tier" (or
    "every line" of fees, "remote and on site" of rates). The option's title is user text,
    never markup: escape it where it is shown as markup.

    Examples
    --------
    >>> from analysis import load_scenario
    >>> scenario = load_scenario("server-office")
    >>> input_label(scenario, RATE_MULTIPLIER)
    'Incident rates (every tier)'
    >>> input_label(scenario, "options.managed.fees.per_user_monthly")
    'Managed services, all inclusive: Fee per user (per month)'
    """
    parameter = _canonical(parameter)
    if parameter == RATE_MULTIPLIER:
        return "Incident rates (every tier)"
    parts = parameter.split(".")
    meta = field_meta(scenario, expand(scenario, parameter)[0])
    title = meta.title
    if meta.unit.endswith("per month"):
        title += " (per month)"
    if parts[-1] == "*":
        every = {"rates": "remote and on site", "fees": "every line"}.get(parts[-2], "every tier")
        title = {"rates": "Hourly rates", "fees": "Fees"}.get(parts[-2], title)
        title += f" ({every})"
    elif parts[0] == "incidents" and parts[1] == "*":
        title += " (every tier)"
    elif parts[0] == "incidents":
        title += f" ({parts[1]})"
    elif parts[0] in ("prevention", "response_hours") or (
        len(parts) > 3 and parts[2] in ("prevention", "response_hours")
    ):
        title += f" ({parts[3]})"
    if parts[0] == "options" and parts[1] != "*":
        title = f"{_option_title(scenario, parts[1])}: {title}"
    return title


def describe_input(scenario: Scenario, parameter: str) -> Input:
    """:class:`Input` of ``parameter`` for this scenario."""
    parameter = _canonical(parameter)
    label = input_label(scenario, parameter)
    kind = input_kind(scenario, parameter)
    if is_multiplier(parameter):
        return Input(parameter, label, kind, "x")
    meta = field_meta(scenario, expand(scenario, parameter)[0])
    return Input(parameter, label, kind, meta.unit, meta.minimum, meta.maximum)


def _involved(scenario: Scenario, option: str | None) -> list[str]:
    """The options a comparison of ``option`` with the baseline involves: both, and the
    fallback of either."""
    baseline = scenario.baseline_name
    if option is None:
        option = next((name for name in scenario.option_names if name != baseline), baseline)
    names = [baseline, option]
    for name in list(names):
        spec = scenario.options[name]
        if isinstance(spec, COVERING) and spec.fallback is not None:
            names.append(spec.fallback)
    return list(dict.fromkeys(names))


def applicable_inputs(scenario: Scenario, option: str | None = None) -> list[str]:
    """The inputs a sensitivity analysis of ``option`` against the baseline varies by default.

    Parameters
    ----------
    scenario
        Any scenario.
    option
        The option compared with the baseline (default: the first other option).

    Returns
    -------
    list of str
        What an owner can know or negotiate and the assumptions that carry the most weight:
        staff, wages, revenue, the tiers' rates, repair times, blocking and staff affected
        (revenue lost and on-site shares when a tier has them); each pay-per-incident option
        involved (the baseline, ``option`` and a fallback): its rates and response times (and a
        block's price); each managed option involved: its fees together, prevention, response
        times and repair time factor; an in-house technician the same, with the salary and the
        hours for incidents in place of the fees; the security rate and loss, when the scenario
        has security events. About 12 to 18 paths.

    Examples
    --------
    >>> from analysis import load_scenario
    >>> names = applicable_inputs(load_scenario("server-office"), "managed")
    >>> names[:3]
    ['organisation.employees', 'organisation.loaded_hourly_cost', 'organisation.annual_revenue']
    >>> "options.managed.prevention.*" in names
    True
    """
    org = scenario.organisation
    revenue = "annual_revenue" if org.annual_revenue is not None else "revenue_per_hour"
    names = [
        "organisation.employees",
        "organisation.loaded_hourly_cost",
        f"organisation.{revenue}",
        RATE_MULTIPLIER,
        "incidents.*.fix_hours",
        "incidents.*.blocking",
        "incidents.*.users_affected",
    ]
    tiers = scenario.incidents.values()
    if any(tier.revenue_impact > 0 for tier in tiers):
        names.append("incidents.*.revenue_impact")
    if any(tier.onsite_share > 0 for tier in tiers):
        names.append("incidents.*.onsite_share")
    for name in _involved(scenario, option):
        spec = scenario.options[name]
        where = f"options.{name}"
        if isinstance(spec, PayPerIncident):
            names += [f"{where}.rates.*", f"{where}.response_hours.*"]
            if isinstance(spec, BlockHours):
                names.append(f"{where}.block.price_per_year")
            continue
        if isinstance(spec, InHouse):
            names += [f"{where}.salary_per_year", f"{where}.hours_per_year"]
        else:
            names.append(f"{where}.fees.*")  # the contract's price: every line together
        if any(share > 0 for share in spec.prevention.values()):
            names.append(f"{where}.prevention.*")
        names += [f"{where}.response_hours.*", f"{where}.fix_time_factor"]
    if scenario.security is not None:
        names += ["security.rate_per_year", "security.loss"]
    return names


def inputs(scenario: Scenario) -> dict[str, Input]:
    """Every number of the scenario that can be varied, by concrete path, with its
    :class:`Input` (labels, kinds, bounds). O(fields) scenario validations."""
    found: dict[str, Input] = {}

    def walk(node: Any, prefix: str) -> None:
        for key in _keys(node):
            if prefix == "" and key in ("horizon", "budget"):
                continue
            child = _get(node, key)
            path = f"{prefix}.{key}" if prefix else key
            if _is_number(child):
                with contextlib.suppress(KeyError, ArgumentError):  # not a field to vary
                    found[path] = describe_input(scenario, path)
            elif child is not None and not isinstance(child, str | bool | list):
                walk(child, path)

    walk(scenario, "")
    return found


def check_factor(
    argument: str | tuple[str, ...], low: float, high: float, detail: str = ""
) -> None:
    """One-line ArgumentError unless ``0 <= low < high`` are finite factors."""
    if not (math.isfinite(low) and math.isfinite(high) and 0 <= low < high):
        raise ArgumentError(
            argument, f"needs finite factors with 0 <= LOW < HIGH (got {low:g}:{high:g})", detail
        )
