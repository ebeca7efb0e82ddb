"""Vary one input: the scenario with one field, or one named input, set or scaled.

Break-even, sensitivity and sweeps all move inputs of a scenario the same way; this is that
way, beneath all three. Dotted paths name fields (``break_fix.hourly_rate``), and
:data:`RATE_MULTIPLIER` multiplies every tier's incident rate. :data:`INPUTS` are the named
inputs of the sensitivity analyses, each scaled by a factor of its current value.

Examples
--------
>>> from analysis import load_scenario
>>> scenario = load_scenario("small-office")
>>> with_value(scenario, "break_fix.hourly_rate", 175).break_fix.hourly_rate
175.0
>>> current_value(scenario, RATE_MULTIPLIER)
1.0
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from analysis.errors import ArgumentError
from analysis.scenario.fields import field_doc
from analysis.scenario.model import Scenario, Spec
from analysis.scenario.paths import allowed_keys

#: Scales every tier's incident rate by the value given (1 = as the scenario has them).
RATE_MULTIPLIER = "incidents.*.rate_per_year"


def with_value(scenario: Scenario, parameter: str, value: float) -> Scenario:
    """``scenario`` with one field set.

    Parameters
    ----------
    scenario
        The scenario to start from.
    parameter
        A dotted field path, or :data:`RATE_MULTIPLIER` to multiply every tier's rate.
    value
        The field's new value (or the multiplier).

    Returns
    -------
    Scenario
        A validated copy; an invalid value raises a one-line ScenarioError.
    """
    if parameter == RATE_MULTIPLIER:
        return scenario.with_overrides(
            {
                f"incidents.{name}.rate_per_year": tier.rate_per_year * value
                for name, tier in scenario.incidents.items()
            }
        )
    return scenario.with_overrides({parameter: value})


def current_value(scenario: Scenario, parameter: str) -> float:
    """The scenario's value of ``parameter``.

    Parameters
    ----------
    scenario
        Any scenario.
    parameter
        A dotted path to a numeric field, or :data:`RATE_MULTIPLIER`.

    Returns
    -------
    float
        The value (1 for :data:`RATE_MULTIPLIER`).

    Raises
    ------
    ArgumentError
        ``parameter`` names no field, or a field that is not a number.
    """
    if parameter == RATE_MULTIPLIER:
        return 1.0
    node: object = scenario.to_dict()
    parts = parameter.split(".")
    for depth, key in enumerate(parts):
        if not isinstance(node, dict) or key not in node:
            try:
                allowed = allowed_keys(Scenario, parts[:depth])
            except KeyError:
                allowed = list(node) if isinstance(node, dict) else []
            hint = f"allowed: {', '.join(allowed)}" if allowed else "not a section"
            raise ArgumentError("parameter", f"{parameter}: no such field ({hint})")
        node = node[key]
    if isinstance(node, bool) or not isinstance(node, int | float):
        raise ArgumentError("parameter", f"{parameter}: not a number to sweep")
    return float(node)


Change = Callable[[Scenario, float], dict]


@dataclass(frozen=True)
class Input:
    """An input of the sensitivity analyses: ``change(scenario, factor)`` gives the dotted-path
    assignments that multiply it by ``factor``; ``applies`` says whether the scenario has it.

    ``label`` is ``title`` when given, else the title of the scenario ``field`` it scales.
    """

    name: str
    change: Change
    applies: Callable[[Scenario], bool] = lambda scenario: True
    title: str = ""
    field: str = ""

    @property
    def label(self) -> str:
        return self.title or field_doc(self.field).title


def _field_input(name: str, path: str, title: str = "", **scaling: Any) -> Input:
    """The input that scales the field at ``path``."""
    return Input(name, _scaled(path, **scaling), title=title, field=path)


def _scaled(path: str, cap: float | None = None, whole: bool = False) -> Change:
    """Multiply the field at ``path`` (a spec's median and p90 alike), capped or rounded."""

    def change(scenario: Scenario, factor: float) -> dict:
        node = scenario
        for key in path.split("."):
            node = getattr(node, key)
        if isinstance(node, Spec):
            return {path: {"median": node.median * factor, "p90": node.p90 * factor}}
        value = node * factor
        if whole:
            value = max(1, round(value))
        return {path: min(value, cap) if cap is not None else value}

    return change


def _every_tier(key: str, cap: float | None = None) -> Change:
    def change(scenario: Scenario, factor: float) -> dict:
        changes = {}
        for name, tier in scenario.incidents.items():
            if key == "fix_hours":
                spec = tier.fix_hours
                changes[f"incidents.{name}.fix_hours"] = {
                    "median": spec.median * factor,
                    "p90": spec.p90 * factor,
                }
            elif key == "incident_reduction":
                value = scenario.reduction(name) * factor
                changes[f"managed.incident_reduction.{name}"] = min(value, cap or value)
            else:
                changes[f"incidents.{name}.{key}"] = getattr(tier, key) * factor
        return changes

    return change


def _security_rates(scenario: Scenario, factor: float) -> dict:
    rates = scenario.security.rate_per_year
    return {
        "security.rate_per_year.break_fix": min(rates.break_fix * factor, 100.0),
        "security.rate_per_year.managed": min(rates.managed * factor, 100.0),
    }


def _has_security(scenario: Scenario) -> bool:
    return scenario.security is not None


#: The inputs, in a fixed order: what an owner can know or negotiate, and the assumptions
#: that carry the most weight.
INPUTS = {
    item.name: item
    for item in (
        _field_input("staff", "organisation.employees", whole=True),
        _field_input("revenue_per_hour", "organisation.revenue_per_hour"),
        _field_input("loaded_hourly_cost", "organisation.loaded_hourly_cost"),
        _field_input("productivity_loss", "organisation.productivity_loss", cap=1.0),
        Input("incident_rates", _every_tier("rate_per_year"), title="Incident rates (every tier)"),
        Input("fix_hours", _every_tier("fix_hours"), title="Repair times (every tier)"),
        _field_input("break_fix_rate", "break_fix.hourly_rate"),
        _field_input("break_fix_response", "break_fix.response_hours"),
        _field_input("managed_fee", "managed.per_user_monthly"),
        Input(
            "prevention",
            _every_tier("incident_reduction", cap=1.0),
            title="Incidents prevented (every tier)",
        ),
        _field_input("managed_response", "managed.response_hours"),
        _field_input(
            "fix_time_factor", "managed.fix_time_factor", "Managed repair time factor", cap=10.0
        ),
        Input("security_rates", _security_rates, _has_security, title="Security event rates"),
        Input(
            "security_loss",
            _scaled("security.loss"),
            _has_security,
            title="Loss per security event",
        ),
    )
}


def applicable_inputs(scenario: Scenario) -> list[str]:
    """The names of the :data:`INPUTS` this scenario has.

    Parameters
    ----------
    scenario
        Any scenario.

    Returns
    -------
    list of str
        Every input name, less the security ones when the scenario has no security section.

    Examples
    --------
    >>> from analysis import load_scenario
    >>> "security_loss" in applicable_inputs(load_scenario("small-office"))
    True
    """
    return [name for name, item in INPUTS.items() if item.applies(scenario)]


def vary(scenario: Scenario, factors: Mapping[str, float]) -> Scenario:
    """The scenario with each named input multiplied by its factor.

    Parameters
    ----------
    scenario
        The scenario at its current values.
    factors
        Input names (keys of :data:`INPUTS`) to factors: ``{"managed_fee": 1.2}``.

    Returns
    -------
    Scenario
        A validated copy; shares are capped at 1 and staff rounded to whole people.

    Examples
    --------
    >>> from analysis import load_scenario
    >>> vary(load_scenario("small-office"), {"managed_fee": 1.2}).managed.per_user_monthly
    150.0
    """
    changes: dict = {}
    for name, factor in factors.items():
        changes.update(_input(name).change(scenario, factor))
    return scenario.with_overrides(changes) if changes else scenario


def _input(name: str) -> Input:
    if name not in INPUTS:
        raise ArgumentError("factors", f"no input {name!r} (inputs: {', '.join(INPUTS)})")
    return INPUTS[name]
