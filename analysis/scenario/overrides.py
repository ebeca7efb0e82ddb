"""Dotted-path assignments (``--set`` in the command line, a link's query in the app), and the
assignments that turn one scenario into another.

Values are read as YAML, so ``40`` is a number, ``true`` a boolean and ``{median: 2, p90: 6}``
a lognormal spec; the result is validated as a whole scenario.

Examples
--------
>>> from analysis import load_scenario
>>> scenario = load_scenario("server-office")
>>> changed = apply_overrides(scenario, ["incidents.minor.rate_per_user_per_year=4"])
>>> changed.incidents["minor"].rate_per_user_per_year
4.0
>>> apply_overrides(scenario, ["options.break-fix.rates.remote=120"]).options["break-fix"].rates
Rates(remote=120.0, onsite=150.0)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from analysis.errors import ScenarioError
from analysis.scenario.model import Scenario
from analysis.scenario.yaml import parse_yaml


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
        Through argument ``"overrides"``: a path that names no field of the scenario, or a
        value the scenario rejects.
    """
    return scenario.with_overrides(assignments)


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
    >>> base = load_scenario("server-office")
    >>> scenario_diff(base, base.with_overrides({"options.break-fix.rates.remote": 160}))
    {'options.break-fix.rates.remote': 160.0}
    """
    changes: dict[str, Any] = {}

    def walk(old: Any, new: Any, prefix: str) -> None:
        # Plain data of the whole model has every field of a section, absent ones as None: keys
        # differ only in a mapping keyed by name (tiers, options) or between two kinds of
        # option, and either is replaced as a whole.
        if isinstance(old, dict) and isinstance(new, dict) and old.keys() == new.keys():
            for key in new:
                walk(old[key], new[key], f"{prefix}{key}.")
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
